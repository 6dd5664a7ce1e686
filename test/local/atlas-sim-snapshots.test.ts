/** Snapshot lists, take-snapshot validation and guards, and progress over the simulator clock. */
import { DEMO_API_KEY, DEMO_SERVICE_ACCOUNT, snapshotHistory } from '../../local/atlas-sim';
import { PROJECT, bearerCall, digestCall, linkOf, snapshotsPath, startTestSimulator } from './helpers';

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;
let sim: Sim;

afterEach(async () => {
  await sim?.close();
});

const credentials = { serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT }], apiKeys: [{ ...DEMO_API_KEY }] };

async function simWith(clusters: Parameters<Sim['addCluster']>[1][], compliance?: number): Promise<Sim> {
  return startTestSimulator({
    snapshotTiming: { queuedMs: 10_000, inProgressMs: 60_000 },
    seed: {
      ...credentials,
      projects: [{ id: PROJECT, clusters, ...(compliance ? { compliance: { minRetentionDays: compliance } } : {}) }],
    },
  });
}

const take = (s: Sim, cluster: string, body: unknown, contentType?: string) =>
  bearerCall(s, snapshotsPath(cluster), { method: 'POST', body, contentType });

describe('replica-set snapshot list', () => {
  it('spans pages that together hold every snapshot, in an order that is not by date', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);
    for (const seed of snapshotHistory(230, sim.clock.now())) sim.addSnapshot(PROJECT, 'Cluster0', seed);
    const pending = sim.addSnapshot(PROJECT, 'Cluster0', { snapshotType: 'onDemand', status: 'queued' });

    const pages = [];
    for (let pageNum = 1; pageNum <= 3; pageNum += 1) {
      pages.push(await bearerCall(sim, `${snapshotsPath('Cluster0')}?itemsPerPage=100&pageNum=${pageNum}`));
    }
    const all = pages.flatMap((page) => page.json.results as Array<{ id: string; createdAt?: string }>);

    expect(pages.map((page) => page.json.results.length)).toEqual([100, 100, 31]);
    expect(pages[0]?.json.totalCount).toBe(231);
    expect(linkOf(pages[2]?.json, 'next')).toBeUndefined();
    expect(new Set(all.map((s) => s.id)).size).toBe(231);
    expect(all.map((s) => s.id)).toContain(pending.id);
    const dates = all.filter((s) => s.createdAt).map((s) => s.createdAt as string);
    expect(dates).not.toEqual([...dates].sort());
    expect(dates).not.toEqual([...dates].sort().reverse());
  });

  it('shows each field Atlas documents, createdAt absent while queued', async () => {
    sim = await simWith([
      {
        name: 'Cluster0',
        snapshots: [{ snapshotType: 'onDemand', status: 'queued', description: 'q' }, { snapshotType: 'fallback' }],
      },
    ]);

    const answer = await bearerCall(sim, snapshotsPath('Cluster0'));

    const queued = answer.json.results.find((s: { status: string }) => s.status === 'queued');
    const completed = answer.json.results.find((s: { status: string }) => s.status === 'completed');
    expect(queued).toMatchObject({
      snapshotType: 'onDemand',
      type: 'replicaSet',
      frequencyType: 'ondemand',
      description: 'q',
    });
    expect(queued).not.toHaveProperty('createdAt');
    expect(completed).toMatchObject({
      snapshotType: 'fallback',
      createdAt: expect.any(String),
      storageSizeBytes: expect.any(Number),
    });
    expect(completed.id).toMatch(/^[a-f0-9]{24}$/);
  });

  it('gets one snapshot, and 404 SNAPSHOT_NOT_FOUND for an unknown id', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);
    const seeded = sim.addSnapshot(PROJECT, 'Cluster0');

    const found = await bearerCall(sim, `${snapshotsPath('Cluster0')}/${seeded.id}`);
    const missing = await bearerCall(sim, `${snapshotsPath('Cluster0')}/${'0'.repeat(24)}`);

    expect(found.json).toMatchObject({ id: seeded.id, status: 'completed' });
    expect(missing.status).toBe(404);
    expect(missing.json.errorCode).toBe('SNAPSHOT_NOT_FOUND');
  });
});

describe('sharded snapshots', () => {
  it('lists them at /shardedClusters with members and snapshotIds, not in the replica-set list', async () => {
    sim = await simWith([{ name: 'Sharded', kind: 'sharded', numShards: 2, configServerType: 'DEDICATED' }]);

    const taken = await take(sim, 'Sharded', { description: 'd', retentionInDays: 3 });
    const sharded = await bearerCall(sim, `${snapshotsPath('Sharded')}/shardedClusters`);
    const replica = await bearerCall(sim, snapshotsPath('Sharded'));
    const one = await bearerCall(sim, `${snapshotsPath('Sharded')}/shardedCluster/${taken.json.id}`);
    const wrongEndpoint = await bearerCall(sim, `${snapshotsPath('Sharded')}/${taken.json.id}`);

    expect(taken.json).toMatchObject({ type: 'shardedCluster', status: 'queued', snapshotType: 'onDemand' });
    expect(sharded.json.totalCount).toBe(1);
    const snapshot = sharded.json.results[0];
    expect(snapshot).toMatchObject({ id: taken.json.id, type: 'shardedCluster', configServerType: 'DEDICATED' });
    expect(snapshot.members).toHaveLength(3);
    expect(snapshot.snapshotIds).toEqual(snapshot.members.map((m: { id: string }) => m.id));
    expect(replica.json.results).toEqual([]);
    expect(one.json.id).toBe(taken.json.id);
    expect(wrongEndpoint.status).toBe(404);
  });
});

describe('take on-demand snapshot', () => {
  it('answers 200 with a queued on-demand snapshot and records it', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);

    const answer = await take(sim, 'Cluster0', { description: 'before release 4.2', retentionInDays: 7 });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/vnd.atlas.2023-01-01+json;charset=utf-8');
    expect(answer.json).toMatchObject({
      id: expect.stringMatching(/^[a-f0-9]{24}$/),
      status: 'queued',
      snapshotType: 'onDemand',
      type: 'replicaSet',
      description: 'before release 4.2',
      frequencyType: 'ondemand',
      expiresAt: new Date(sim.clock.now() + 7 * 86_400_000).toISOString().replace('.000Z', 'Z'),
    });
    expect(answer.json).not.toHaveProperty('createdAt');
    expect(sim.pendingOnDemand(PROJECT, 'Cluster0').map((s) => s.id)).toEqual([answer.json.id]);
    expect(sim.log.last()?.body).toEqual({ description: 'before release 4.2', retentionInDays: 7 });
  });

  it('works with Digest as well', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);

    const answer = await digestCall(sim, snapshotsPath('Cluster0'), {
      method: 'POST',
      body: { description: 'd', retentionInDays: 1 },
    });

    expect(answer.status).toBe(200);
  });

  it('moves queued -> inProgress -> completed as the clock advances', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);
    const taken = await take(sim, 'Cluster0', { description: 'd', retentionInDays: 1 });
    const status = async () => (await bearerCall(sim, `${snapshotsPath('Cluster0')}/${taken.json.id}`)).json;

    const queued = await status();
    sim.manual.advance(10_000);
    const inProgress = await status();
    sim.manual.advance(60_000);
    const completed = await status();

    expect(queued.status).toBe('queued');
    expect(inProgress).toMatchObject({ status: 'inProgress' });
    expect(inProgress).not.toHaveProperty('createdAt');
    expect(completed).toMatchObject({ status: 'completed', createdAt: expect.any(String) });
  });

  it('refuses a second one while the first is queued or in progress, and accepts it once completed', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);
    await take(sim, 'Cluster0', { description: 'first', retentionInDays: 1 });

    const whileQueued = await take(sim, 'Cluster0', { description: 'second', retentionInDays: 1 });
    sim.manual.advance(20_000);
    const whileInProgress = await take(sim, 'Cluster0', { description: 'second', retentionInDays: 1 });
    sim.manual.advance(60_000);
    const afterCompleted = await take(sim, 'Cluster0', { description: 'second', retentionInDays: 1 });

    expect(whileQueued.status).toBe(400);
    expect(whileQueued.json).toMatchObject({ errorCode: 'UNFINISHED_ON_DEMAND_SNAPSHOT' });
    expect(whileInProgress.json.errorCode).toBe('UNFINISHED_ON_DEMAND_SNAPSHOT');
    expect(afterCompleted.status).toBe(200);
  });

  it('is not blocked by pending scheduled snapshots, only by on-demand ones', async () => {
    sim = await simWith([{ name: 'Cluster0', snapshots: [{ snapshotType: 'scheduled', status: 'inProgress' }] }]);

    const answer = await take(sim, 'Cluster0', { retentionInDays: 1 });

    expect(answer.status).toBe(200);
  });

  it.each([
    ['not JSON', '{"retentionInDays": 1', 'INVALID_JSON'],
    ['a JSON array', '[1]', 'INVALID_JSON'],
    ['retention as a string', { retentionInDays: '7' }, 'INVALID_ATTRIBUTE'],
    ['a fractional retention', { retentionInDays: 1.5 }, 'INVALID_ATTRIBUTE'],
    ['an unknown attribute', { retentionInDays: 1, frequency: 'daily' }, 'INVALID_ATTRIBUTE'],
    ['a non-string description', { retentionInDays: 1, description: 5 }, 'INVALID_ATTRIBUTE'],
    ['no retention', { description: 'd' }, 'VALIDATION_ERROR'],
    ['a zero retention', { retentionInDays: 0 }, 'VALIDATION_ERROR'],
    ['a negative retention', { retentionInDays: -3 }, 'VALIDATION_ERROR'],
  ])('refuses %s with 400 %s', async (_label, body, errorCode) => {
    sim = await simWith([{ name: 'Cluster0' }]);

    const answer = await take(sim, 'Cluster0', body);

    expect(answer.status).toBe(400);
    expect(answer.json.errorCode).toBe(errorCode);
    expect(sim.snapshots(PROJECT, 'Cluster0')).toEqual([]);
  });

  it('accepts a large retention (no documented maximum)', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);

    const answer = await take(sim, 'Cluster0', { retentionInDays: 3650 });

    expect(answer.status).toBe(200);
  });

  it('refuses a body sent as plain JSON (415) or with another version (406)', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);

    const plain = await take(sim, 'Cluster0', { retentionInDays: 1 }, 'application/json');
    const other = await take(sim, 'Cluster0', { retentionInDays: 1 }, 'application/vnd.atlas.2024-08-05+json');

    expect(plain.status).toBe(415);
    expect(other.status).toBe(406);
    expect(other.json.errorCode).toBe('INVALID_VERSION_DATE');
  });

  it('answers 400 BACKUP_JOB_NOT_FOUND for backup disabled and shared tier', async () => {
    sim = await simWith([
      { name: 'NoBackup', backupEnabled: false },
      { name: 'Shared', kind: 'shared' },
    ]);

    const noBackup = await take(sim, 'NoBackup', { retentionInDays: 1 });
    const shared = await take(sim, 'Shared', { retentionInDays: 1 });

    expect(noBackup.status).toBe(400);
    expect(noBackup.json.errorCode).toBe('BACKUP_JOB_NOT_FOUND');
    expect(shared.json.errorCode).toBe('BACKUP_JOB_NOT_FOUND');
  });

  it('answers 400 SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY below the compliance minimum', async () => {
    sim = await simWith([{ name: 'Cluster0' }], 30);

    const below = await take(sim, 'Cluster0', { retentionInDays: 7 });
    const enough = await take(sim, 'Cluster0', { retentionInDays: 30 });

    expect(below.status).toBe(400);
    expect(below.json.errorCode).toBe('SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY');
    expect(enough.status).toBe(200);
  });

  it('refuses a paused cluster and 404s an unknown one', async () => {
    sim = await simWith([{ name: 'Paused', paused: true }]);

    const paused = await take(sim, 'Paused', { retentionInDays: 1 });
    const unknown = await take(sim, 'Nope', { retentionInDays: 1 });

    expect(paused.status).toBe(409);
    expect(unknown.json.errorCode).toBe('CLUSTER_NOT_FOUND');
  });
});
