/**
 * Scheduler's part in a local run (local/lambda/follow-ups.ts): due one-time schedules fire in time
 * order, each invoking the function with its Input and then completing (DELETE removes it); a
 * schedule aimed at another function or with another role is not delivered. The Scheduler stand-in
 * is the real one; the function is a recording fake.
 */
import { SchedulerStandIn } from '../../local/aws';
import { fireDue, type FollowUpDriver } from '../../local/lambda/follow-ups';
import type { InvokeResult } from '../../local/lambda/runtime';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Local';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/follow-up';
const GROUP = 'follow-ups';
const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);

function at(ms: number): string {
  return `at(${new Date(ms).toISOString().slice(0, 19)})`;
}

function create(
  scheduler: SchedulerStandIn,
  name: string,
  fireAt: number,
  target: Partial<{ Arn: string; RoleArn: string; Input: string }> = {},
  action = 'DELETE',
): void {
  const body = {
    GroupName: GROUP,
    ScheduleExpression: at(fireAt),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: action,
    Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, Input: JSON.stringify({ followUp: { name } }), ...target },
  };
  const answer = scheduler.handle({
    operation: 'CreateSchedule',
    name,
    query: new URLSearchParams(),
    headers: {},
    body: JSON.stringify(body),
  });
  expect(answer.status).toBe(200);
}

function harness() {
  let now = T0;
  const scheduler = new SchedulerStandIn('us-east-1', '123456789012', () => now);
  scheduler.addScheduleGroup(GROUP);
  const invoked: Array<{ event: unknown; at: number }> = [];
  let onInvoke: (event: unknown) => void = () => {};
  const driver: FollowUpDriver = {
    scheduler,
    roleArn: ROLE_ARN,
    fn: {
      functionArn: FUNCTION_ARN,
      invoke: async (event: unknown): Promise<InvokeResult> => {
        invoked.push({ event, at: now });
        onInvoke(event);
        return { requestId: 'r', ok: true, result: { results: [] }, durationMs: 1, lines: [] };
      },
    },
    now: () => now,
    waitUntil: async (t: number) => {
      now = Math.max(now, t);
    },
  };
  return {
    scheduler,
    driver,
    invoked,
    setOnInvoke: (f: (event: unknown) => void) => (onInvoke = f),
    now: () => now,
  };
}

describe('fireDue', () => {
  it('fires due schedules in time order at their time, including one created by a fired invocation, up to `until`', async () => {
    const h = harness();
    create(h.scheduler, 'b', T0 + 10 * 60_000);
    create(h.scheduler, 'a', T0 + 5 * 60_000);
    create(h.scheduler, 'late', T0 + 120 * 60_000);
    h.setOnInvoke((event) => {
      if ((event as { followUp: { name: string } }).followUp.name === 'a') create(h.scheduler, 'a2', T0 + 7 * 60_000);
    });

    const fired = await fireDue(h.driver, T0 + 60 * 60_000);

    expect(fired.map((f) => [f.schedule.name, (f.firedAt - T0) / 60_000])).toEqual([
      ['a', 5],
      ['a2', 7],
      ['b', 10],
    ]);
    expect(h.invoked.map((i) => i.event)).toEqual([
      { followUp: { name: 'a' } },
      { followUp: { name: 'a2' } },
      { followUp: { name: 'b' } },
    ]);
    expect(h.scheduler.schedules().map((s) => s.name)).toEqual(['late']);
    expect(h.now()).toBe(T0 + 10 * 60_000);
  });

  it('a schedule kept after completion (NONE) fires once', async () => {
    const h = harness();
    create(h.scheduler, 'kept', T0 + 60_000, {}, 'NONE');

    const first = await fireDue(h.driver, T0 + 3_600_000);
    const again = await fireDue(h.driver, T0 + 7_200_000);

    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
    expect(h.scheduler.schedule('kept', GROUP)?.completedAt).toBe(T0 + 60_000);
  });

  it('does not deliver a schedule aimed at another function or naming another role, and says why', async () => {
    const h = harness();
    create(h.scheduler, 'other-function', T0 + 60_000, { Arn: `${FUNCTION_ARN}-other` });
    create(h.scheduler, 'other-role', T0 + 120_000, { RoleArn: `${ROLE_ARN}-other` });

    const fired = await fireDue(h.driver, T0 + 3_600_000);

    expect(h.invoked).toEqual([]);
    expect(fired.map((f) => [f.schedule.name, f.result, f.undelivered])).toEqual([
      ['other-function', undefined, `its target ${FUNCTION_ARN}-other is not the function ${FUNCTION_ARN}`],
      ['other-role', undefined, `its role ${ROLE_ARN}-other is not the follow-up role ${ROLE_ARN}`],
    ]);
    expect(h.scheduler.schedules()).toEqual([]);
  });

  it('stops after maxFires even when the chain goes on', async () => {
    const h = harness();
    let n = 0;
    create(h.scheduler, 'c0', T0 + 60_000);
    h.setOnInvoke(() => {
      n += 1;
      create(h.scheduler, `c${n}`, h.now() + 60_000);
    });

    const fired = await fireDue(h.driver, Number.POSITIVE_INFINITY, { maxFires: 5 });

    expect(fired).toHaveLength(5);
    expect(h.scheduler.schedules().map((s) => s.name)).toEqual(['c5']);
  });
});
