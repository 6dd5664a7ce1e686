/**
 * Confirmation in a real run (local/start/real-confirm.ts): what it says before it starts, the
 * checks it covers, waiting in real time (here an injected clock and sleep) for the schedules in
 * the local Scheduler stand-in, and what it says about a snapshot still pending at the end.
 */
import { SchedulerStandIn } from '../../local/aws';
import type { InvokeResult } from '../../local/lambda/runtime';
import { PLAIN } from '../../local/report';
import { checkMinutes, confirmInRealTime, confirmationPlan, notConfirmedLines } from '../../local/start/real-confirm';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:AtlasSnapshotScheduler-check';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/npm-start-follow-up';
const GROUP = 'npm-start-follow-ups';
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;

function schedule(scheduler: SchedulerStandIn, attempt: number, fireAt: number): void {
  const followUp = {
    snapshotId: '6b0f5478415c0ec5368ceeaa',
    clusterName: 'Cluster0',
    attempt,
    requestedAt: new Date(T0).toISOString(),
  };
  const answer = scheduler.handle({
    operation: 'CreateSchedule',
    name: `snap-${followUp.snapshotId}-${attempt}`,
    query: new URLSearchParams(),
    headers: {},
    body: JSON.stringify({
      GroupName: GROUP,
      ScheduleExpression: `at(${new Date(fireAt).toISOString().slice(0, 19)})`,
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, Input: JSON.stringify({ followUp }) },
    }),
  });
  expect(answer.status).toBe(200);
}

describe('confirmation in a real run', () => {
  it('covers the checks at 1, 3, 7, 15 ... minutes after the request that fit the wait', () => {
    expect(checkMinutes(15)).toEqual([1, 3, 7, 15]);
    expect(checkMinutes(14)).toEqual([1, 3, 7]);
    expect(checkMinutes(60)).toEqual([1, 3, 7, 15, 31]);
    expect(checkMinutes(0)).toEqual([]);
  });

  it('says what it will do: nothing in a dry run, nothing with 0 minutes, otherwise where the schedules go and when the checks run', () => {
    expect(confirmationPlan(false, 15, PLAIN)).toBe(
      '  confirm   none: a dry run requests no snapshot, so there is nothing to confirm',
    );
    expect(confirmationPlan(true, 0, PLAIN)).toBe(
      '  confirm   skipped (--confirm-minutes 0): no follow-up check runs, and npm start creates no schedule in your account',
    );
    expect(confirmationPlan(true, 15, PLAIN)).toBe(
      '  confirm   in this process, for at most 15 min: the follow-up schedules go to a local Scheduler stand-in (none in your account) and the checks run here, 1, 3, 7, 15 min after the request (a deployed stack checks at 5, 15, 35, ... min until 12 h)',
    );
  });

  it('runs each check when it comes due, waiting in between, and stops at the end of the wait with the next check pending', async () => {
    let now = T0 + 2_000;
    const slept: number[] = [];
    const scheduler = new SchedulerStandIn('eu-west-1', '000000000000', () => now);
    scheduler.addScheduleGroup(GROUP);
    schedule(scheduler, 1, T0 + MIN);
    const delays = [2, 4, 8, 16];
    const fn = {
      functionArn: FUNCTION_ARN,
      invoke: async (event: unknown): Promise<InvokeResult> => {
        const { attempt } = (event as { followUp: { attempt: number } }).followUp;
        schedule(scheduler, attempt + 1, now + (delays[attempt - 1] ?? 16) * MIN);
        return {
          requestId: 'r',
          ok: true,
          result: { results: [], followUp: { attempt: attempt + 1 } },
          durationMs: 1,
          lines: [],
        };
      },
    };
    const shown: string[] = [];

    const { fired, pending } = await confirmInRealTime(
      {
        scheduler,
        fn,
        roleArn: ROLE_ARN,
        minutes: 15,
        from: T0,
        now: () => now,
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      },
      (lines) => shown.push(...lines),
      (f) => [`fired ${f.schedule.name}`],
      PLAIN,
    );

    expect(fired.map((f) => (f.firedAt - T0) / MIN)).toEqual([1, 3, 7, 15]);
    expect(slept.map((ms) => Math.round(ms / 1000))).toEqual([58, 120, 240, 480]);
    expect(shown.filter((l) => l.startsWith('fired'))).toHaveLength(4);
    expect(shown[0]).toBe('  wait      until 2026-01-01T12:01:00Z (1 min) for the next check; Ctrl-C stops');
    expect(pending.map((s) => s.name)).toEqual(['snap-6b0f5478415c0ec5368ceeaa-5']);
    expect(notConfirmedLines(pending, 15, PLAIN)).toEqual([
      '  confirm   stopped waiting after 15 min: snapshot 6b0f5478415c0ec5368ceeaa of Cluster0 is not confirmed by this run (check 5 would run at 2026-01-01T12:31:00Z)',
      '            look at it in Atlas (the cluster > Backup > Snapshots), or run again with a larger --confirm-minutes; a deployed stack keeps checking until 12 h',
    ]);
  });
});
