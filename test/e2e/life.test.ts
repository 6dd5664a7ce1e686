/**
 * The whole life of a snapshot, end to end on the cdk.out bundle: the scheduled run requests it and
 * creates the first follow-up schedule in the Scheduler stand-in; the simulated clock moves; the
 * schedule fires the function with its Input; the follow-up reports SNAPSHOT_COMPLETED, or
 * SNAPSHOT_FAILED, or keeps checking (5, 10, 20, 40, 60, ... minutes) until the deadline.
 */
import { DEMO_PROJECT_ID, DEMO_SERVICE_ACCOUNT } from '../../local/atlas-sim';
import { SCHEDULER_FAILURES } from '../../local/aws';
import {
  LOCAL_DESCRIPTION,
  LOCAL_FOLLOW_UP_ROLE_NAME,
  LOCAL_SCHEDULE_GROUP,
  SCHEDULED_EVENT,
} from '../../local/harness';
import { LogEvents } from '../../lambda/snapshot/log-events';
import { HOUR_MS, MINUTE_MS, apiCalls, followUpOf, localRuns, logRecords, messages, results, stage } from './support';

jest.setTimeout(60_000);

const start = localRuns();
const ACCOUNT = '123456789012';

describe('the life of a snapshot', () => {
  it('request -> one-time schedule -> follow-up -> SNAPSHOT_COMPLETED with its size, duration and dates', async () => {
    const r = await start({ preset: 'default' });

    const request = await r.fn.invoke(SCHEDULED_EVENT);

    const [requested] = results(request);
    expect(request.ok).toBe(true);
    expect(requested).toMatchObject({ status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', stage: 'request' });
    const snapshotId = requested!.snapshotId!;
    const requestedAt = Date.parse(requested!.requestedAt!);
    const followUpAt = Date.parse(requested!.followUpAt!);
    expect(followUpAt).toBe(Math.ceil((requestedAt + 5 * MINUTE_MS) / 1000) * 1000);
    expect(requested!.followUpAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);

    // The schedule, exactly as the stack's follow-up role and group expect it.
    const [schedule, ...others] = r.aws.scheduler.schedules();
    expect(others).toEqual([]);
    expect(schedule).toMatchObject({
      name: `snap-${snapshotId}-1`,
      groupName: LOCAL_SCHEDULE_GROUP,
      scheduleExpression: `at(${requested!.followUpAt!.slice(0, 19)})`,
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      actionAfterCompletion: 'DELETE',
      state: 'ENABLED',
      fireAt: followUpAt,
      target: {
        arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:AtlasSnapshotScheduler-local`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/${LOCAL_FOLLOW_UP_ROLE_NAME}`,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterArn: r.confirmation!.deadLetterArn,
      },
    });
    expect(schedule!.target.arn).toBe(r.fn.functionArn);
    expect(followUpOf(schedule!.target.input)).toEqual({
      version: 1,
      projectId: DEMO_PROJECT_ID,
      clusterName: 'Cluster0',
      snapshotId,
      sharded: false,
      requestedAt: requested!.requestedAt,
      attempt: 1,
      deadline: new Date(requestedAt + 12 * HOUR_MS).toISOString(),
      trigger: 'schedule',
      schedule: 'nightly',
      retentionInDays: 7,
      description: LOCAL_DESCRIPTION,
    });
    expect(r.aws.scheduler.calls).toEqual([
      expect.objectContaining({ operation: 'CreateSchedule', groupName: LOCAL_SCHEDULE_GROUP, status: 200 }),
    ]);

    const callsBefore = apiCalls(r).length;
    const fired = await r.advance(6 * MINUTE_MS);

    expect(fired).toHaveLength(1);
    expect(fired[0]!.firedAt - followUpAt).toBeGreaterThanOrEqual(0);
    expect(fired[0]!.firedAt - followUpAt).toBeLessThan(1000);
    const check = fired[0]!.result!;
    expect(check.ok).toBe(true);
    const [snapshot] = r.sim.snapshots(DEMO_PROJECT_ID, 'Cluster0').filter((s) => s.id === snapshotId);
    const [completed, ...more] = results(check);
    expect(more).toEqual([]);
    expect(completed).toMatchObject({
      status: 'SUCCESS',
      code: 'SNAPSHOT_COMPLETED',
      stage: 'confirmation',
      projectId: DEMO_PROJECT_ID,
      clusterName: 'Cluster0',
      snapshotId,
      snapshotStatus: 'completed',
      attempt: 1,
      requestedAt: requested!.requestedAt,
      storageSizeBytes: snapshot!.storageSizeBytes,
      // Atlas writes whole seconds.
      createdAt: `${snapshot!.createdAt!.slice(0, 19)}Z`,
      expiresAt: `${snapshot!.expiresAt.slice(0, 19)}Z`,
      trigger: 'schedule',
      retentionInDays: 7,
    });
    expect(completed!.durationSeconds).toBeGreaterThanOrEqual(300);
    expect(completed!.durationSeconds).toBeLessThanOrEqual(302);
    expect(apiCalls(r).slice(callsBefore)).toEqual(['GET getSnapshot 200']);
    expect(r.aws.scheduler.schedules()).toEqual([]);

    const [message, ...noSummary] = stage(r, 'confirmation');
    expect(noSummary).toEqual([]);
    expect(stage(r, 'summary')).toHaveLength(1);
    expect(message!.attributes).toEqual({
      status: 'SUCCESS',
      code: 'SNAPSHOT_COMPLETED',
      projectId: DEMO_PROJECT_ID,
      clusterName: 'Cluster0',
      trigger: 'schedule',
      stage: 'confirmation',
    });
    expect(message!.doc).toEqual(completed);
    expect(message!.email).toContain(`account: ${ACCOUNT}`);
    expect(message!.email).toContain('$252Faws$252Flambda$252FAtlasSnapshotScheduler-local');
    expect(message!.email).toContain(check.requestId);
  });

  it('the failed life: the follow-up sees status failed -> ERROR SNAPSHOT_FAILED, the invocation fails', async () => {
    const r = await start({ preset: 'snapshot-fails' });

    await r.fn.invoke(SCHEDULED_EVENT);
    const [fired] = await r.advanceUntilIdle();

    expect(fired!.result!.ok).toBe(false);
    expect(fired!.result!.error?.errorMessage).toContain('SNAPSHOT_FAILED');
    expect(results(fired!.result)).toEqual([
      expect.objectContaining({ status: 'ERROR', code: 'SNAPSHOT_FAILED', stage: 'confirmation', attempt: 1 }),
    ]);
    expect(stage(r, 'confirmation').map((m) => [m.attributes.status, m.attributes.code, m.subject])).toEqual([
      ['ERROR', 'SNAPSHOT_FAILED', '[ERROR] Atlas snapshot Cluster0: snapshot failed'],
    ]);
    expect(r.aws.scheduler.schedules()).toEqual([]);
  });

  it('the never-finishing life: checks at 5, 15, 35, 75, 135, ... minutes, silent reschedules, SNAPSHOT_NOT_CONFIRMED at the deadline', async () => {
    const r = await start({ preset: 'never-finishes' });

    const [requested] = results(await r.fn.invoke(SCHEDULED_EVENT));
    const fired = await r.advanceUntilIdle();

    const requestedAt = Date.parse(requested!.requestedAt!);
    const deadline = requestedAt + 12 * HOUR_MS;
    const minutes = fired.map((f) => Math.round((f.firedAt - requestedAt) / MINUTE_MS));
    expect(minutes).toEqual([5, 15, 35, 75, 135, 195, 255, 315, 375, 435, 495, 555, 615, 675, 720]);
    expect(fired.map((f) => f.schedule.name)).toEqual(fired.map((_, i) => `snap-${requested!.snapshotId}-${i + 1}`));
    expect(fired.map((f) => followUpOf(f.schedule.target.input).attempt)).toEqual(fired.map((_, i) => i + 1));
    const rescheduled = fired.slice(0, -1);
    for (const [i, f] of rescheduled.entries()) {
      expect(f.result!.ok).toBe(true);
      expect(f.result!.result).toEqual({
        results: [],
        followUp: { snapshotId: requested!.snapshotId, attempt: i + 2, nextCheckAt: expect.any(String) },
      });
    }
    const last = fired[fired.length - 1]!;
    expect(last.firedAt).toBeGreaterThanOrEqual(deadline);
    expect(last.result!.ok).toBe(false);
    expect(results(last.result)).toEqual([
      expect.objectContaining({
        status: 'ERROR',
        code: 'SNAPSHOT_NOT_CONFIRMED',
        stage: 'confirmation',
        attempt: 15,
        snapshotStatus: 'inProgress',
        detail: expect.stringContaining('12 h after the request'),
      }),
    ]);
    // Nothing is published for a reschedule: one request, one summary, one confirmation.
    expect(messages(r).map((m) => m.attributes.code)).toEqual([
      'SNAPSHOT_REQUESTED',
      'RUN_SUMMARY',
      'SNAPSHOT_NOT_CONFIRMED',
    ]);
    expect(r.aws.scheduler.schedules()).toEqual([]);
    // The token (1 hour) and the secret (5 minutes) expire on the simulated clock too.
    expect(r.sim.log.tokenRequests()).toBeGreaterThan(1);
  });

  it('a repeated delivery of a follow-up does not start a second chain (ConflictException -> exists)', async () => {
    const r = await start({ preset: 'never-finishes' });
    await r.fn.invoke(SCHEDULED_EVENT);
    const [first] = await r.advance(6 * MINUTE_MS);

    const repeated = await r.fn.invoke(first!.event);

    expect(repeated.ok).toBe(true);
    const snapshotId = followUpOf(first!.schedule.target.input).snapshotId as string;
    expect(repeated.result).toEqual({
      results: [],
      followUp: { snapshotId, attempt: 2, nextCheckAt: expect.any(String) },
    });
    expect(r.aws.scheduler.calls.map((c) => [c.operation, c.status, c.errorType])).toEqual([
      ['CreateSchedule', 200, undefined],
      ['CreateSchedule', 200, undefined],
      ['CreateSchedule', 409, 'ConflictException'],
    ]);
    expect(r.aws.scheduler.schedules().map((s) => s.name)).toEqual([`snap-${snapshotId}-2`]);
    expect(logRecords(repeated).find((l) => l.message === LogEvents.followUpScheduled)).toMatchObject({
      result: 'exists',
      attempt: 2,
    });
    expect(messages(r).filter((m) => m.attributes.stage === 'confirmation')).toEqual([]);
  });

  it('a first check that cannot be scheduled: the request stays SUCCESS with a warning, the invocation fails after publishing', async () => {
    const r = await start({ preset: 'default' });
    r.aws.scheduler.failNext(1, SCHEDULER_FAILURES.accessDenied);

    const request = await r.fn.invoke(SCHEDULED_EVENT);

    expect(request.ok).toBe(false);
    expect(request.error?.errorMessage).toContain(
      '1 follow-up check(s) could not be scheduled, so completion will not be confirmed',
    );
    const [outcome] = results(request);
    expect(outcome).toMatchObject({ status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED' });
    expect(outcome!.followUpAt).toBeUndefined();
    expect(outcome!.warnings).toEqual([
      expect.stringMatching(
        /^completion will not be confirmed: the follow-up check could not be scheduled \(.*AccessDenied/,
      ),
    ]);
    expect(stage(r, 'request').map((m) => [m.attributes.status, m.doc.warnings])).toEqual([
      ['SUCCESS', outcome!.warnings],
    ]);
    expect(r.aws.scheduler.schedules()).toEqual([]);
  });

  it('a next check that cannot be scheduled ends the chain loudly: ERROR SNAPSHOT_NOT_CONFIRMED with the reason', async () => {
    const r = await start({ preset: 'never-finishes' });
    await r.fn.invoke(SCHEDULED_EVENT);
    r.aws.scheduler.failAlways(SCHEDULER_FAILURES.quotaExceeded);

    const fired = await r.advanceUntilIdle();

    expect(fired).toHaveLength(1);
    expect(fired[0]!.result!.ok).toBe(false);
    expect(results(fired[0]!.result)).toEqual([
      expect.objectContaining({
        status: 'ERROR',
        code: 'SNAPSHOT_NOT_CONFIRMED',
        detail: expect.stringContaining('the next check could not be scheduled'),
      }),
    ]);
    expect(stage(r, 'confirmation').map((m) => m.attributes.code)).toEqual(['SNAPSHOT_NOT_CONFIRMED']);
  });

  it('a dry run and a run with confirmation off create no schedule; the request carries no followUpAt', async () => {
    const dry = await start({ preset: 'default' });
    const off = await start({ preset: 'default', confirmation: false });

    const dryRun = await dry.fn.invoke({ dryRun: true });
    const noConfirmation = await off.fn.invoke(SCHEDULED_EVENT);

    expect(results(dryRun).map((o) => o.code)).toEqual(['DRY_RUN']);
    expect(results(noConfirmation)).toEqual([expect.objectContaining({ code: 'SNAPSHOT_REQUESTED' })]);
    expect(results(noConfirmation)[0]!.followUpAt).toBeUndefined();
    expect(off.env.CONFIRM_SCHEDULE_GROUP).toBeUndefined();
    expect(dry.aws.scheduler.calls).toEqual([]);
    expect(off.aws.scheduler.calls).toEqual([]);
  });

  it('the credentials never show in the schedules, the follow-up log lines or its messages', async () => {
    const r = await start({ preset: 'default', env: { LOG_LEVEL: 'debug' } });

    const request = await r.fn.invoke(SCHEDULED_EVENT);
    const schedules = JSON.stringify(r.aws.scheduler.schedules());
    const [fired] = await r.advanceUntilIdle();

    const everything = [schedules, ...request.lines, ...fired!.result!.lines, JSON.stringify(r.aws.sns.published)];
    expect(everything.join('\n')).not.toContain(DEMO_SERVICE_ACCOUNT.clientSecret);
    expect(everything.join('\n')).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
  });
});
