import {
  checkDelayMinutes,
  confirmSnapshot,
  decideFollowUp,
  followUpName,
  nextCheckAt,
  type FollowUpContext,
} from '../../lambda/snapshot/core/confirm';
import { runTargets } from '../../lambda/snapshot/core/run';
import { AmbiguousRequestError, AtlasApiError, CodedError } from '../../lambda/snapshot/errors';
import { silentLogger } from '../../lambda/snapshot/logger';
import type { FollowUp, Promotion } from '../../lambda/snapshot/types';
import { context, FakeScheduler, NOW, P1, request } from '../support/core-harness';
import { extendedExpiry, FakeAtlas, lostAnswer, replicaSet, snapshot } from '../support/fake-atlas';

const MIN = 60_000;
const settings = { firstCheckMinutes: 5, maxHours: 12 };
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe('confirmation: the pure decisions', () => {
  it('the delay doubles from the first check up to an hour: 5, 10, 20, 40, 60, 60, ...', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => checkDelayMinutes(5, n))).toEqual([5, 10, 20, 40, 60, 60, 60, 60]);
    expect([1, 2, 3, 4, 5, 6].map((n) => checkDelayMinutes(7, n))).toEqual([7, 14, 28, 56, 60, 60]);
    expect(checkDelayMinutes(60, 1)).toBe(60);
    expect(checkDelayMinutes(1, 10_000)).toBe(60);
  });

  it('names a check by snapshot and attempt, within Scheduler names', () => {
    const id = 'a'.repeat(24);
    expect(followUpName(id, 1)).toBe(`snap-${id}-1`);
    expect(followUpName(id, 10_000)).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
  });

  const followUp: FollowUp = {
    version: 1,
    projectId: P1,
    clusterName: 'Cluster0',
    snapshotId: 'f'.repeat(24),
    sharded: false,
    requestedAt: NOW.toISOString(),
    attempt: 1,
    deadline: later(12 * 60 * MIN).toISOString(),
    trigger: 'schedule',
  };

  it('the next check is the delay after now, in whole seconds, never after the deadline', () => {
    expect(nextCheckAt(later(5 * MIN), followUp, settings).toISOString()).toBe(later(15 * MIN).toISOString());
    expect(nextCheckAt(later(5 * MIN + 1), followUp, settings).toISOString()).toBe(
      later(15 * MIN + 1000).toISOString(),
    );
    expect(nextCheckAt(later(12 * 60 * MIN - MIN), { ...followUp, attempt: 9 }, settings).toISOString()).toBe(
      followUp.deadline,
    );
  });

  it.each([
    ['completed', { kind: 'completed' }],
    ['failed', { kind: 'failed' }],
    ['queued', { kind: 'reschedule', attempt: 2 }],
    ['inProgress', { kind: 'reschedule', attempt: 2 }],
    ['somethingNew', { kind: 'reschedule', attempt: 2 }],
  ])('a %s snapshot before the deadline: %j', (status, decision) => {
    expect(decideFollowUp(followUp, snapshot({ status }), later(5 * MIN), settings)).toMatchObject(decision);
  });

  it('a pending snapshot at the deadline is not confirmed; one moment before, the last check is at the deadline', () => {
    const deadline = new Date(followUp.deadline);
    const pending = snapshot({ status: 'inProgress' });

    expect(decideFollowUp(followUp, pending, deadline, settings)).toEqual({
      kind: 'notConfirmed',
      detail: expect.stringContaining(`is still inProgress 12 h after the request (${followUp.requestedAt})`),
    });
    expect(decideFollowUp(followUp, pending, new Date(deadline.getTime() - 1000), settings)).toEqual({
      kind: 'reschedule',
      attempt: 2,
      at: deadline,
    });
  });

  it('a chain of checks follows 5, 10, 20, 40, 60, 60, ... minutes and ends at the deadline', () => {
    const pending = snapshot({ status: 'queued' });
    const checks: number[] = [5];
    let current: FollowUp = followUp;
    let now = later(5 * MIN);
    for (;;) {
      const decision = decideFollowUp(current, pending, now, settings);
      if (decision.kind !== 'reschedule') {
        expect(decision.kind).toBe('notConfirmed');
        break;
      }
      checks.push((decision.at.getTime() - now.getTime()) / MIN);
      current = { ...current, attempt: decision.attempt };
      now = decision.at;
    }

    expect(checks.slice(0, 7)).toEqual([5, 10, 20, 40, 60, 60, 60]);
    expect(checks.reduce((a, b) => a + b, 0)).toBe(12 * 60);
    expect(checks).toHaveLength(15); // 5+10+20+40 = 75, then ten hours of 60 and a last 45
    expect(checks.at(-1)).toBe(45);
  });
});

describe('confirmation: the first check after a request', () => {
  function confirmed(atlas: FakeAtlas, scheduler: FakeScheduler, extra: Parameters<typeof request>[1] = {}) {
    return {
      ...context(atlas, request([{ projectId: P1, clusterName: 'Cluster0' }], extra)),
      confirmation: { scheduler, firstCheckMinutes: 5, maxHours: 12 },
    };
  }

  it('schedules snap-<id>-1 five minutes on, with a follow-up naming everything the check needs', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    const scheduler = new FakeScheduler();
    const promotion: Promotion = { weeks: 8, months: 12, years: 0, timezone: 'Europe/Kyiv' };

    const [outcome] = await runTargets(confirmed(atlas, scheduler, { schedule: 'nightly', promotion }));

    const id = outcome!.snapshotId!;
    expect(scheduler.calls).toEqual([
      {
        name: `snap-${id}-1`,
        at: later(5 * MIN),
        event: {
          followUp: {
            version: 1,
            projectId: P1,
            clusterName: 'Cluster0',
            snapshotId: id,
            sharded: false,
            requestedAt: NOW.toISOString(),
            attempt: 1,
            deadline: later(12 * 60 * MIN).toISOString(),
            trigger: 'schedule',
            schedule: 'nightly',
            retentionInDays: 7,
            description: 'nightly',
            promotion,
          },
        },
      },
    ]);
    expect(outcome).toMatchObject({
      status: 'SUCCESS',
      code: 'SNAPSHOT_REQUESTED',
      stage: 'request',
      requestedAt: NOW.toISOString(),
      followUpAt: later(5 * MIN).toISOString(),
    });
    expect(outcome).not.toHaveProperty('warnings');
  });

  it('requestedAt is when the request was sent; the first check counts from its answer', async () => {
    let clock = NOW.getTime();
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0')).failNext('takeSnapshot', () => {
      clock += 30_000; // Atlas takes 30 s to answer
      return undefined;
    });
    const scheduler = new FakeScheduler();

    const [outcome] = await runTargets({ ...confirmed(atlas, scheduler), now: () => new Date(clock) });

    expect(outcome).toMatchObject({
      requestedAt: NOW.toISOString(),
      followUpAt: later(30_000 + 5 * MIN).toISOString(),
    });
    expect(scheduler.calls[0]!.event.followUp.deadline).toBe(later(12 * 60 * MIN).toISOString());
  });

  it("a sharded cluster's follow-up reads the sharded snapshot", async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0', { clusterType: 'GEOSHARDED' }));
    const scheduler = new FakeScheduler();

    await runTargets(confirmed(atlas, scheduler));

    expect(scheduler.calls[0]!.event.followUp.sharded).toBe(true);
  });

  it('a name already taken (a repeated invocation) counts as scheduled: followUpAt is set', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    const scheduler = new FakeScheduler();
    const [first] = await runTargets(confirmed(atlas, scheduler));
    // The same invocation again, Atlas answering with the same snapshot.
    const same = atlas.snapshots.get(`${P1}/Cluster0`)!.pop()!;
    jest.spyOn(atlas, 'takeSnapshot').mockResolvedValueOnce(same);

    const [again] = await runTargets(confirmed(atlas, scheduler));

    expect(scheduler.calls.map((c) => c.name)).toEqual([`snap-${first!.snapshotId}-1`, `snap-${first!.snapshotId}-1`]);
    expect(again).toMatchObject({ code: 'SNAPSHOT_REQUESTED', followUpAt: later(5 * MIN).toISOString() });
    expect(again).not.toHaveProperty('warnings');
  });

  it('a check that cannot be scheduled leaves the outcome SUCCESS with a warning', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    const scheduler = new FakeScheduler().failNext(new Error('AccessDeniedException: not authorized'));

    const [outcome] = await runTargets(confirmed(atlas, scheduler));

    expect(outcome).toMatchObject({ status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', requestedAt: NOW.toISOString() });
    expect(outcome).not.toHaveProperty('followUpAt');
    expect(outcome!.warnings).toEqual([
      'completion will not be confirmed: the follow-up check could not be scheduled (AccessDeniedException: not authorized)',
    ]);
  });

  it('a snapshot found after an unanswered request is followed up too', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    atlas.failNext('takeSnapshot', lostAnswer(atlas));
    const scheduler = new FakeScheduler();

    const [outcome] = await runTargets(confirmed(atlas, scheduler));

    expect(outcome!.code).toBe('SNAPSHOT_REQUESTED');
    expect(scheduler.calls.map((c) => c.name)).toEqual([`snap-${outcome!.snapshotId}-1`]);
  });

  it.each<[string, (atlas: FakeAtlas) => void, Parameters<typeof request>[1]]>([
    ['a dry run', () => undefined, { dryRun: true }],
    [
      'a pending snapshot',
      (atlas) => atlas.snapshots.set(`${P1}/Cluster0`, [snapshot({ snapshotType: 'onDemand', status: 'queued' })]),
      {},
    ],
    [
      'the take-snapshot race',
      (atlas) => atlas.failNext('takeSnapshot', new AtlasApiError('UNFINISHED_ON_DEMAND_SNAPSHOT', 'unfinished', 400)),
      {},
    ],
    ['an error', (atlas) => atlas.failNext('takeSnapshot', new AtlasApiError('UNEXPECTED_ERROR', 'boom', 500)), {}],
    ['a paused cluster', (atlas) => atlas.projects.set(P1, [replicaSet('Cluster0', { paused: true })]), {}],
  ])('%s creates no schedule', async (_name, arrange, extra) => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    arrange(atlas);
    const scheduler = new FakeScheduler();

    const [outcome] = await runTargets(confirmed(atlas, scheduler, extra));

    expect(outcome!.code).not.toBe('SNAPSHOT_REQUESTED');
    expect(scheduler.calls).toHaveLength(0);
    expect(outcome).not.toHaveProperty('followUpAt');
  });

  it('without confirmation nothing is scheduled and the outcome is as in round 1', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    const [outcome] = await runTargets(context(atlas, request([{ projectId: P1, clusterName: 'Cluster0' }])));
    expect(outcome).not.toHaveProperty('requestedAt');
    expect(outcome).not.toHaveProperty('followUpAt');
  });

  it('a snapshot id Atlas should never send is not turned into a schedule', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    jest.spyOn(atlas, 'takeSnapshot').mockResolvedValueOnce({ id: '../x', status: 'queued' });
    const scheduler = new FakeScheduler();

    const [outcome] = await runTargets(confirmed(atlas, scheduler));

    expect(scheduler.calls).toHaveLength(0);
    expect(outcome!.warnings).toEqual([
      'completion will not be confirmed: Atlas answered a snapshot id that is not 24 hex characters ("../x")',
    ]);
  });
});

describe('confirmation: a follow-up check', () => {
  const SNAP = '6a1b2c3d4e5f6a7b8c9d0e1f';
  const base: FollowUp = {
    version: 1,
    projectId: P1,
    clusterName: 'Cluster0',
    snapshotId: SNAP,
    sharded: false,
    requestedAt: NOW.toISOString(),
    attempt: 1,
    deadline: later(12 * 60 * MIN).toISOString(),
    trigger: 'manual',
    retentionInDays: 7,
    description: 'nightly',
  };

  function withSnapshot(
    extra: Partial<Parameters<typeof snapshot>[0]> = {},
    others: ReturnType<typeof snapshot>[] = [],
  ) {
    return new FakeAtlas().addCluster(P1, replicaSet('Cluster0'), [
      ...others,
      snapshot({ id: SNAP, snapshotType: 'onDemand', status: 'queued', expiresAt: '2026-12-05T03:00:00Z', ...extra }),
    ]);
  }

  function check(
    atlas: FakeAtlas,
    scheduler: FakeScheduler,
    followUp: Partial<FollowUp> = {},
    at = later(5 * MIN),
  ): FollowUpContext {
    return {
      followUp: { ...base, ...followUp },
      invocationId: 'req-2',
      now: () => at,
      logger: silentLogger,
      atlasFor: (_t, _l, notices) => atlas.withNotices(notices),
      confirmation: { scheduler, firstCheckMinutes: 5, maxHours: 12 },
    };
  }

  it('completed: SUCCESS SNAPSHOT_COMPLETED with size, dates and the time it took', async () => {
    const atlas = withSnapshot({
      status: 'completed',
      createdAt: '2026-11-28T03:02:30Z',
      expiresAt: '2026-12-05T03:04:00Z',
      storageSizeBytes: 1_582_854_144,
    });

    const result = await confirmSnapshot(check(atlas, new FakeScheduler(), {}, later(5 * MIN + 1500)));

    expect(result).toEqual({
      kind: 'final',
      outcome: {
        status: 'SUCCESS',
        code: 'SNAPSHOT_COMPLETED',
        stage: 'confirmation',
        projectId: P1,
        clusterName: 'Cluster0',
        snapshotId: SNAP,
        snapshotStatus: 'completed',
        retentionInDays: 7,
        description: 'nightly',
        requestedAt: NOW.toISOString(),
        attempt: 1,
        createdAt: '2026-11-28T03:02:30Z',
        expiresAt: '2026-12-05T03:04:00Z',
        storageSizeBytes: 1_582_854_144,
        durationSeconds: 302,
        trigger: 'manual',
        dryRun: false,
        invocationId: 'req-2',
        timestamp: later(5 * MIN + 1500).toISOString(),
      },
    });
    expect(atlas.calls.map((c) => c.method)).toEqual(['getSnapshot']);
  });

  it('reads the sharded snapshot when the follow-up says so', async () => {
    const atlas = withSnapshot({ status: 'completed', createdAt: '2026-11-28T03:02:30Z' });
    await confirmSnapshot(check(atlas, new FakeScheduler(), { sharded: true }));
    expect(atlas.callsOf('getSnapshot')).toEqual([expect.objectContaining({ snapshotId: SNAP, sharded: true })]);
  });

  it('failed: ERROR SNAPSHOT_FAILED naming the snapshot and what to do', async () => {
    const result = await confirmSnapshot(check(withSnapshot({ status: 'failed' }), new FakeScheduler()));

    expect(result).toMatchObject({
      kind: 'final',
      outcome: { status: 'ERROR', code: 'SNAPSHOT_FAILED', stage: 'confirmation', snapshotId: SNAP, attempt: 1 },
    });
    expect(result.kind === 'final' && result.outcome.detail).toContain(`snapshot ${SNAP} failed`);
    expect(result.kind === 'final' && result.outcome.detail).toContain(
      'the next scheduled run requests a new snapshot',
    );
  });

  it('still pending: schedules the next check (attempt 2, ten minutes on) and publishes nothing', async () => {
    const scheduler = new FakeScheduler();

    const result = await confirmSnapshot(check(withSnapshot({ status: 'inProgress' }), scheduler, { schedule: 'n' }));

    expect(result).toEqual({
      kind: 'rescheduled',
      snapshotId: SNAP,
      snapshotStatus: 'inProgress',
      attempt: 2,
      nextCheckAt: later(15 * MIN).toISOString(),
    });
    expect(scheduler.calls).toEqual([
      {
        name: `snap-${SNAP}-2`,
        at: later(15 * MIN),
        event: { followUp: { ...base, schedule: 'n', attempt: 2 } },
      },
    ]);
  });

  it('a reschedule whose name is taken (a repeated invocation) is still rescheduled, once', async () => {
    const scheduler = new FakeScheduler();
    scheduler.existing.add(`snap-${SNAP}-2`);

    const result = await confirmSnapshot(check(withSnapshot(), scheduler));

    expect(result).toMatchObject({ kind: 'rescheduled', attempt: 2 });
  });

  it('a reschedule that cannot be created: ERROR SNAPSHOT_NOT_CONFIRMED with the reason', async () => {
    const scheduler = new FakeScheduler().failNext(new Error('ServiceQuotaExceededException: too many schedules'));

    const result = await confirmSnapshot(check(withSnapshot(), scheduler));

    expect(result).toMatchObject({
      kind: 'final',
      outcome: { status: 'ERROR', code: 'SNAPSHOT_NOT_CONFIRMED', stage: 'confirmation', snapshotStatus: 'queued' },
    });
    expect(result.kind === 'final' && result.outcome.detail).toContain(
      'the next check could not be scheduled (ServiceQuotaExceededException: too many schedules)',
    );
  });

  it('still pending at the deadline: ERROR SNAPSHOT_NOT_CONFIRMED, no new schedule', async () => {
    const scheduler = new FakeScheduler();

    const result = await confirmSnapshot(
      check(withSnapshot({ status: 'inProgress' }), scheduler, { attempt: 15 }, later(12 * 60 * MIN)),
    );

    expect(result).toMatchObject({
      kind: 'final',
      outcome: { status: 'ERROR', code: 'SNAPSHOT_NOT_CONFIRMED', attempt: 15, trigger: 'manual' },
    });
    expect(result.kind === 'final' && result.outcome.detail).toContain('still inProgress 12 h after the request');
    expect(scheduler.calls).toHaveLength(0);
  });

  it.each([
    [new AtlasApiError('SNAPSHOT_NOT_FOUND', `No snapshot with ID ${SNAP} exists.`, 404), 'SNAPSHOT_NOT_FOUND', 404],
    [new AtlasApiError('IP_ADDRESS_NOT_ON_ACCESS_LIST', 'IP not allowed', 403), 'IP_ADDRESS_NOT_ON_ACCESS_LIST', 403],
    [new CodedError('ATLAS_UNREACHABLE', 'no answer after 5 attempts'), 'ATLAS_UNREACHABLE', undefined],
  ])('an Atlas error (%s) is an ERROR with its code', async (error, code, httpStatus) => {
    const atlas = withSnapshot().failNext('getSnapshot', error);
    const scheduler = new FakeScheduler();

    const result = await confirmSnapshot(check(atlas, scheduler));

    expect(result).toMatchObject({ kind: 'final', outcome: { status: 'ERROR', code, stage: 'confirmation' } });
    expect(result.kind === 'final' && result.outcome.httpStatus).toBe(httpStatus);
    expect(result.kind === 'final' && result.outcome.detail).toContain(SNAP);
    expect(scheduler.calls).toHaveLength(0);
  });

  it("Atlas's version notices become warnings of the final outcome", async () => {
    const atlas = withSnapshot({ status: 'completed', createdAt: '2026-11-28T03:02:30Z' }).noticeOn(
      'getSnapshot',
      'snapshots API 2023-01-01 deprecated',
    );

    const result = await confirmSnapshot(check(atlas, new FakeScheduler()));

    expect(result.kind === 'final' && result.outcome.warnings).toEqual(['snapshots API 2023-01-01 deprecated']);
  });

  describe('with a promotion', () => {
    const promotion: Promotion = { weeks: 8, months: 12, years: 7, timezone: 'UTC' };
    const completed = { status: 'completed', createdAt: '2026-11-28T03:02:30Z', expiresAt: '2026-12-05T03:04:00Z' };

    it('the first of its year is kept 7 years: one list, one PATCH, promotedTo and the new expiresAt', async () => {
      const atlas = withSnapshot(completed);

      const result = await confirmSnapshot(check(atlas, new FakeScheduler(), { promotion }));

      const retention = { retentionUnit: 'YEARS', retentionValue: 7 };
      expect(atlas.calls.map((c) => c.method)).toEqual(['getSnapshot', 'listSnapshots', 'setSnapshotRetention']);
      expect(atlas.callsOf('listSnapshots')[0]).toMatchObject({ sharded: false });
      expect(atlas.callsOf('setSnapshotRetention')[0]).toMatchObject({ snapshotId: SNAP, retention });
      expect(result).toMatchObject({
        kind: 'final',
        outcome: {
          status: 'SUCCESS',
          code: 'SNAPSHOT_COMPLETED',
          promotedTo: retention,
          expiresAt: extendedExpiry(completed.createdAt, { retentionUnit: 'YEARS', retentionValue: 7 }),
        },
      });
    });

    it('a month already covered by an earlier snapshot: the first of the week gets 8 weeks', async () => {
      const earlier = [
        snapshot({ snapshotType: 'onDemand', createdAt: '2026-01-02T03:00:00Z', expiresAt: '2033-01-02T03:00:00Z' }),
        snapshot({ snapshotType: 'onDemand', createdAt: '2026-11-02T03:00:00Z', expiresAt: '2027-11-02T03:00:00Z' }),
      ];
      const atlas = withSnapshot(completed, earlier);

      const result = await confirmSnapshot(check(atlas, new FakeScheduler(), { promotion }));

      expect(result.kind === 'final' && result.outcome.promotedTo).toEqual({
        retentionUnit: 'WEEKS',
        retentionValue: 8,
      });
    });

    it('already kept long enough: no PATCH, no promotedTo', async () => {
      const atlas = withSnapshot({ ...completed, expiresAt: '2034-01-01T00:00:00Z' });

      const result = await confirmSnapshot(check(atlas, new FakeScheduler(), { promotion }));

      expect(atlas.callsOf('setSnapshotRetention')).toHaveLength(0);
      expect(result.kind === 'final' && result.outcome).not.toHaveProperty('promotedTo');
      expect(result.kind === 'final' && result.outcome.expiresAt).toBe('2034-01-01T00:00:00Z');
    });

    it('sharded: a warning, no list, no PATCH', async () => {
      const atlas = withSnapshot(completed);

      const result = await confirmSnapshot(check(atlas, new FakeScheduler(), { promotion, sharded: true }));

      expect(atlas.calls.map((c) => c.method)).toEqual(['getSnapshot']);
      expect(result).toMatchObject({ kind: 'final', outcome: { status: 'SUCCESS', code: 'SNAPSHOT_COMPLETED' } });
      expect(result.kind === 'final' && result.outcome.warnings).toEqual([
        'retention promotion is not available for sharded clusters (Atlas has no PATCH for sharded snapshots)',
      ]);
    });

    it.each([
      [
        new AtlasApiError('CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY', 'policy', 400),
        'a Backup Compliance Policy on the project governs snapshot retention; ask the project owner',
      ],
      [new AtlasApiError('CANNOT_MODIFY_SNAPSHOT', 'forbidden', 403), 'the credentials need Project Backup Manager'],
      [
        new AtlasApiError('CANNOT_MODIFY_IN_PROGRESS_SNAPSHOT_RETENTION', 'in progress', 400),
        'Atlas still counts the snapshot as in progress',
      ],
      [
        new AtlasApiError('UNEXPECTED_ERROR', 'Unexpected error.', 500),
        'Unexpected error.; the snapshot keeps its retention',
      ],
      [new AmbiguousRequestError('socket hang up'), '(ATLAS_UNREACHABLE): socket hang up'],
    ])('a refused PATCH (%s) is a warning; the outcome stays SUCCESS', async (error, advice) => {
      const atlas = withSnapshot(completed).failNext('setSnapshotRetention', error);

      const result = await confirmSnapshot(check(atlas, new FakeScheduler(), { promotion }));

      expect(result).toMatchObject({ kind: 'final', outcome: { status: 'SUCCESS', code: 'SNAPSHOT_COMPLETED' } });
      const outcome = result.kind === 'final' ? result.outcome : undefined;
      expect(outcome).not.toHaveProperty('promotedTo');
      expect(outcome!.expiresAt).toBe(completed.expiresAt);
      expect(outcome!.warnings).toEqual([expect.stringContaining(advice)]);
      expect(outcome!.warnings![0]).toMatch(/^retention promotion to 7 YEARS refused \(/);
      expect(atlas.callsOf('setSnapshotRetention')).toHaveLength(1);
    });

    it('a list that fails is a warning too, and no PATCH is tried', async () => {
      const atlas = withSnapshot(completed).failNext('listSnapshots', new CodedError('ATLAS_UNREACHABLE', 'timeout'));

      const result = await confirmSnapshot(check(atlas, new FakeScheduler(), { promotion }));

      expect(result.kind === 'final' && result.outcome.status).toBe('SUCCESS');
      expect(result.kind === 'final' && result.outcome.warnings).toEqual([
        "retention promotion skipped: the cluster's snapshots could not be listed (ATLAS_UNREACHABLE: timeout)",
      ]);
      expect(atlas.callsOf('setSnapshotRetention')).toHaveLength(0);
    });

    it('a failed or pending snapshot is never promoted', async () => {
      const failed = withSnapshot({ status: 'failed' });
      const pending = withSnapshot({ status: 'queued' });

      await confirmSnapshot(check(failed, new FakeScheduler(), { promotion }));
      await confirmSnapshot(check(pending, new FakeScheduler(), { promotion }));

      expect([...failed.calls, ...pending.calls].map((c) => c.method)).toEqual(['getSnapshot', 'getSnapshot']);
    });
  });
});
