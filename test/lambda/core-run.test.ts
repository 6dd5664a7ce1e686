import { runTargets } from '../../lambda/snapshot/core/run';
import { AmbiguousRequestError, AtlasApiError, CodedError } from '../../lambda/snapshot/errors';
import type { RunRequest } from '../../lambda/snapshot/event';
import type { Target } from '../../lambda/snapshot/types';
import { context, NOW, P1, P2, request } from '../support/core-harness';
import { FakeAtlas, lostAnswer, replicaSet, snapshot } from '../support/fake-atlas';

async function runOne(atlas: FakeAtlas, target: Target, extra: Partial<RunRequest> = {}) {
  const [outcome, ...rest] = await runTargets(context(atlas, request([target], extra)));
  expect(rest).toHaveLength(0);
  return outcome;
}

describe('core: one cluster', () => {
  it("requests a snapshot when none is pending, with the run's description and retention", async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'), [
      snapshot(),
      snapshot({ snapshotType: 'onDemand' }),
    ]);

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(atlas.callsOf('takeSnapshot')).toEqual([
      {
        method: 'takeSnapshot',
        projectId: P1,
        clusterName: 'Cluster0',
        body: { description: 'nightly', retentionInDays: 7 },
      },
    ]);
    expect(outcome).toEqual({
      status: 'SUCCESS',
      code: 'SNAPSHOT_REQUESTED',
      stage: 'request',
      projectId: P1,
      clusterName: 'Cluster0',
      snapshotId: expect.stringMatching(/^[0-9a-f]{24}$/),
      snapshotStatus: 'queued',
      retentionInDays: 7,
      description: 'nightly',
      expiresAt: '2026-12-05T03:00:00Z',
      trigger: 'schedule',
      dryRun: false,
      invocationId: 'req-1',
      timestamp: NOW.toISOString(),
    });
  });

  it('skips when an on-demand snapshot is still pending, even as the last of many (a later page)', async () => {
    const many = Array.from({ length: 250 }, () => snapshot());
    const pending = snapshot({ snapshotType: 'onDemand', status: 'inProgress', description: 'manual' });
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'), [...many, pending]);

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(outcome).toMatchObject({
      status: 'SKIPPED',
      code: 'SNAPSHOT_IN_PROGRESS',
      snapshotId: pending.id,
      snapshotStatus: 'inProgress',
      description: 'manual',
    });
    expect(atlas.callsOf('takeSnapshot')).toHaveLength(0);
  });

  it.each(['queued', 'inProgress'])('a scheduled snapshot %s does not block', async (status) => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'), [
      snapshot({ snapshotType: 'scheduled', status }),
    ]);

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(outcome!.code).toBe('SNAPSHOT_REQUESTED');
  });

  it.each(['SHARDED', 'GEOSHARDED'])('a %s cluster uses the sharded snapshot list', async (clusterType) => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Shards', { clusterType }));

    await runOne(atlas, { projectId: P1, clusterName: 'Shards' });

    expect(atlas.callsOf('listSnapshots').map((c) => c.sharded)).toEqual([true]);
  });

  it('a replica set uses the replica-set list', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });
    expect(atlas.callsOf('listSnapshots').map((c) => c.sharded)).toEqual([false]);
  });

  it('treats UNFINISHED_ON_DEMAND_SNAPSHOT (a race) as SKIPPED and names the pending snapshot', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    const raced = snapshot({ snapshotType: 'onDemand', status: 'queued', description: 'someone else' });
    atlas.failNext('takeSnapshot', () => {
      atlas.snapshots.get(`${P1}/Cluster0`)!.push(raced);
      return new AtlasApiError('UNFINISHED_ON_DEMAND_SNAPSHOT', 'unfinished on-demand snapshot', 400);
    });

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(outcome).toMatchObject({
      status: 'SKIPPED',
      code: 'SNAPSHOT_IN_PROGRESS',
      snapshotId: raced.id,
      httpStatus: 400,
    });
  });

  it('dry run reads cluster and snapshots but never requests', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' }, { dryRun: true });

    expect(atlas.calls.map((c) => c.method)).toEqual(['getCluster', 'listSnapshots']);
    expect(outcome).toMatchObject({ status: 'SKIPPED', code: 'DRY_RUN', dryRun: true, retentionInDays: 7 });
  });

  it('dry run still reports a pending snapshot as SNAPSHOT_IN_PROGRESS', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'), [
      snapshot({ snapshotType: 'onDemand', status: 'queued' }),
    ]);
    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' }, { dryRun: true });
    expect(outcome).toMatchObject({ status: 'SKIPPED', code: 'SNAPSHOT_IN_PROGRESS', dryRun: true });
  });

  it.each([
    ['flex (cluster API refuses it)', null, 'UNSUPPORTED_CLUSTER'],
    [
      'shared tier',
      replicaSet('C', {
        backupEnabled: false,
        replicationSpecs: [{ regionConfigs: [{ providerName: 'TENANT', backingProviderName: 'AWS' }] }],
      }),
      'UNSUPPORTED_CLUSTER',
    ],
    ['backup disabled', replicaSet('C', { backupEnabled: false }), 'BACKUP_NOT_ENABLED'],
  ])('a %s cluster named explicitly is an ERROR without any snapshot call', async (_name, cluster, code) => {
    const atlas = new FakeAtlas().addCluster(P1, cluster ?? replicaSet('C'));
    if (cluster === null) {
      atlas.failNext('getCluster', new AtlasApiError('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', 'flex', 400));
    }

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'C' });

    expect(outcome).toMatchObject({ status: 'ERROR', code, clusterName: 'C' });
    expect(outcome!.detail).toEqual(expect.any(String));
    expect(atlas.callsOf('listSnapshots')).toHaveLength(0);
    expect(atlas.callsOf('takeSnapshot')).toHaveLength(0);
  });

  it.each([
    ['CLUSTER_NOT_FOUND', 404, { projectId: P1, clusterName: 'Missing' }],
    ['GROUP_NOT_FOUND', 404, { projectId: P2, clusterName: 'Cluster0' }],
  ])('passes Atlas %s through with its httpStatus', async (code, httpStatus, target) => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));

    const outcome = await runOne(atlas, target);

    expect(outcome).toMatchObject({ status: 'ERROR', code, httpStatus, detail: expect.stringContaining('No ') });
  });

  it('passes a 403 IP_ADDRESS_NOT_ON_ACCESS_LIST from the take-snapshot call through', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    atlas.failNext(
      'takeSnapshot',
      new AtlasApiError('IP_ADDRESS_NOT_ON_ACCESS_LIST', 'IP address 1.2.3.4 is not allowed', 403),
    );

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(outcome).toMatchObject({ status: 'ERROR', code: 'IP_ADDRESS_NOT_ON_ACCESS_LIST', httpStatus: 403 });
  });

  it('an unexpected exception becomes an UNEXPECTED_ERROR outcome, not a crash', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    atlas.failNext('listSnapshots', new TypeError('boom'));

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(outcome).toMatchObject({ status: 'ERROR', code: 'UNEXPECTED_ERROR', detail: 'unexpected failure: boom' });
  });
});

describe('core: a take-snapshot request whose answer was lost', () => {
  it('re-reads the list and reports the snapshot it created, without a second POST', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    atlas.failNext('takeSnapshot', lostAnswer(atlas));

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(atlas.callsOf('takeSnapshot')).toHaveLength(1);
    expect(atlas.callsOf('listSnapshots')).toHaveLength(2);
    expect(outcome).toMatchObject({ status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', snapshotStatus: 'queued' });
    expect(outcome!.detail).toContain('found queued afterwards');
  });

  it('sends the request again only when the re-read shows nothing pending', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    atlas.failNext('takeSnapshot', new AmbiguousRequestError('timeout'));

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(atlas.callsOf('takeSnapshot')).toHaveLength(2);
    expect(outcome!.code).toBe('SNAPSHOT_REQUESTED');
  });

  it('gives up with ATLAS_UNREACHABLE after two unanswered requests', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    atlas
      .failNext('takeSnapshot', new AmbiguousRequestError('timeout'))
      .failNext('takeSnapshot', new AmbiguousRequestError('timeout'));

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(atlas.callsOf('takeSnapshot')).toHaveLength(2);
    expect(outcome).toMatchObject({ status: 'ERROR', code: 'ATLAS_UNREACHABLE' });
  });
});

describe('core: several targets', () => {
  it('works through the projects in turn (Atlas limits each project), outcomes keep the target order', async () => {
    const atlas = new FakeAtlas();
    const targets: Target[] = [];
    for (const [project, count] of [
      [P1, 3],
      [P2, 2],
    ] as const) {
      for (let i = 0; i < count; i++) {
        atlas.addCluster(project, replicaSet(`C${i}`));
        targets.push({ projectId: project, clusterName: `C${i}` });
      }
    }

    const outcomes = await runTargets(context(atlas, request(targets), 1));

    expect(outcomes.map((o) => `${o.projectId === P1 ? 'P1' : 'P2'}/${o.clusterName}`)).toEqual([
      'P1/C0',
      'P1/C1',
      'P1/C2',
      'P2/C0',
      'P2/C1',
    ]);
    const started = atlas.callsOf('getCluster').map((c) => `${c.projectId === P1 ? 'P1' : 'P2'}/${c.clusterName}`);
    expect(started).toEqual(['P1/C0', 'P2/C0', 'P1/C1', 'P2/C1', 'P1/C2']);
  });

  it('one failing target does not stop the others, and concurrency stays bounded', async () => {
    const atlas = new FakeAtlas();
    const targets: Target[] = [];
    for (let i = 0; i < 12; i++) {
      atlas.addCluster(P1, replicaSet(`C${i}`));
      targets.push({ projectId: P1, clusterName: `C${i}` });
    }
    targets.splice(3, 0, { projectId: P1, clusterName: 'Gone' });
    atlas.failNext('listSnapshots', new CodedError('ATLAS_UNREACHABLE', 'no answer after 5 attempts'));

    const outcomes = await runTargets(context(atlas, request(targets), 3));

    expect(outcomes).toHaveLength(13);
    expect(outcomes[3]).toMatchObject({ clusterName: 'Gone', code: 'CLUSTER_NOT_FOUND' });
    expect(outcomes.filter((o) => o.status === 'ERROR')).toHaveLength(2);
    expect(outcomes.filter((o) => o.status === 'SUCCESS')).toHaveLength(11);
    expect(atlas.maxInFlight).toBeLessThanOrEqual(3);
    expect(atlas.maxInFlight).toBeGreaterThan(1);
  });
});

describe('core: faithful to what Atlas does', () => {
  const flexTenant = replicaSet('Flex', {
    replicationSpecs: [{ regionConfigs: [{ providerName: 'TENANT', effectiveInstanceSize: 'FLEX' }] }],
  });

  it.each([false, true])(
    'a paused cluster named explicitly is SKIPPED CLUSTER_PAUSED with no list and no POST (dry run %s)',
    async (dryRun) => {
      const atlas = new FakeAtlas().addCluster(P1, replicaSet('Paused', { paused: true }));

      const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Paused' }, { dryRun });

      expect(outcome).toMatchObject({
        status: 'SKIPPED',
        code: 'CLUSTER_PAUSED',
        detail: 'the cluster is paused: Atlas takes no backups while it is paused; resume it in Atlas to back it up',
      });
      expect(atlas.calls.map((c) => c.method)).toEqual(['getCluster']);
    },
  );

  it('an unsupported cluster that is also paused is reported as unsupported (the lasting problem)', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('C', { paused: true, backupEnabled: false }));
    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'C' });
    expect(outcome).toMatchObject({ status: 'ERROR', code: 'BACKUP_NOT_ENABLED' });
  });

  it.each([
    ['TENANT with effectiveInstanceSize FLEX', false],
    ['the 400 CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', true],
  ])('a flex cluster answered as %s is UNSUPPORTED_CLUSTER saying FLEX', async (_shape, refused) => {
    const atlas = new FakeAtlas().addCluster(P1, flexTenant);
    if (refused) atlas.failNext('getCluster', new AtlasApiError('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', 'flex', 400));

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Flex' });

    expect(outcome).toMatchObject({ status: 'ERROR', code: 'UNSUPPORTED_CLUSTER' });
    expect(outcome!.detail).toContain('flex cluster (FLEX)');
    expect(outcome!.detail).not.toContain('shared-tier');
  });

  it('a TENANT cluster without the FLEX size is shared tier, not flex', async () => {
    const atlas = new FakeAtlas().addCluster(
      P1,
      replicaSet('M0', {
        replicationSpecs: [
          { regionConfigs: [{ providerName: 'TENANT', backingProviderName: 'AWS', effectiveInstanceSize: 'M0' }] },
        ],
      }),
    );

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'M0' });

    expect(outcome!.detail).toBe(
      'shared-tier cluster (M0/M2/M5): cloud backup snapshots need a dedicated cluster, M10 or larger',
    );
  });

  it('a dry run names what it did not check', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' }, { dryRun: true });

    expect(outcome!.detail).toBe(
      'dry run: no on-demand snapshot pending; a snapshot would have been requested. Not checked: a Backup ' +
        'Compliance Policy minimum retention (only the real request can learn it)',
    );
  });

  it('reports the expiresAt Atlas answered to the request', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });
    expect(outcome!.expiresAt).toBe(atlas.snapshots.get(`${P1}/Cluster0`)![0]!.expiresAt);
  });

  it("Atlas's version notices become the outcome's warnings, once each", async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, replicaSet('Cluster0'))
      .noticeOn('getCluster', 'clusters API 2024-08-05 deprecated, sunset 2027-07-01')
      .noticeOn('listSnapshots', 'clusters API 2024-08-05 deprecated, sunset 2027-07-01')
      .noticeOn('takeSnapshot', 'snapshots API 2023-01-01 deprecated');

    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });

    expect(outcome!.warnings).toEqual([
      'clusters API 2024-08-05 deprecated, sunset 2027-07-01',
      'snapshots API 2023-01-01 deprecated',
    ]);
  });

  it('an outcome without notices has no warnings field', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('Cluster0'));
    const outcome = await runOne(atlas, { projectId: P1, clusterName: 'Cluster0' });
    expect(outcome).not.toHaveProperty('warnings');
  });
});
