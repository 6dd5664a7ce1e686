/**
 * A snapshot's documents through its life, as the recorded real ones look (queued -> inProgress ->
 * completed, or failed, or never finishing), on both GET paths, and the per-cluster index.
 */
import { createHash } from 'node:crypto';
import { DAY_MS, DEMO_API_KEY, DEMO_SERVICE_ACCOUNT, snapshotHistory } from '../../local/atlas-sim';
import { PROJECT, bearerCall, snapshotsPath, startTestSimulator } from './helpers';

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;
let sim: Sim;

afterEach(async () => {
  await sim?.close();
});

const credentials = { serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT }], apiKeys: [{ ...DEMO_API_KEY }] };
const QUEUED_MS = 10_000;
const IN_PROGRESS_MS = 60_000;

async function simWith(
  clusters: Parameters<Sim['addCluster']>[1][],
  options: Parameters<typeof startTestSimulator>[0] = {},
): Promise<Sim> {
  return startTestSimulator({
    snapshotTiming: { queuedMs: QUEUED_MS, inProgressMs: IN_PROGRESS_MS },
    seed: { ...credentials, projects: [{ id: PROJECT, clusters }] },
    ...options,
  });
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function take(s: Sim, cluster = 'Cluster0', retentionInDays = 3): Promise<Record<string, any>> {
  const answer = await bearerCall(s, snapshotsPath(cluster), {
    method: 'POST',
    body: { description: 'd', retentionInDays },
  });
  if (answer.status !== 200) throw new Error(`take answered ${answer.status} ${answer.text}`);
  return answer.json;
}

const getOne = async (s: Sim, id: string, cluster = 'Cluster0', sharded = false) =>
  bearerCall(s, `${snapshotsPath(cluster)}/${sharded ? 'shardedCluster/' : ''}${id}`);

describe('replica-set snapshot documents through their life', () => {
  it('queued: no createdAt, size 0, no mongodVersion or cloudProvider, copyRegions [], replicaSetName the cluster name', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);
    const requestedAt = sim.clock.now();

    const taken = await take(sim);
    const read = (await getOne(sim, taken.id)).json;

    for (const doc of [taken, read]) {
      expect(doc).toMatchObject({
        status: 'queued',
        storageSizeBytes: 0,
        copyRegions: [],
        replicaSetName: 'Cluster0',
        expiresAt: iso(requestedAt + 3 * DAY_MS),
      });
      expect(doc).not.toHaveProperty('createdAt');
      expect(doc).not.toHaveProperty('mongodVersion');
      expect(doc).not.toHaveProperty('cloudProvider');
    }
  });

  it('inProgress: mongodVersion first, cloudProvider from half way, still no createdAt and size 0', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);
    const taken = await take(sim);

    sim.manual.advance(QUEUED_MS);
    const early = (await getOne(sim, taken.id)).json;
    sim.manual.advance(IN_PROGRESS_MS / 2);
    const late = (await getOne(sim, taken.id)).json;

    expect(early).toMatchObject({ status: 'inProgress', mongodVersion: '8.0.4', storageSizeBytes: 0 });
    expect(early).not.toHaveProperty('cloudProvider');
    expect(late).toMatchObject({ status: 'inProgress', cloudProvider: 'AWS', storageSizeBytes: 0 });
    for (const doc of [early, late]) {
      expect(doc).not.toHaveProperty('createdAt');
      expect(doc.expiresAt).toBe(taken.expiresAt);
    }
  });

  it('completed: createdAt when it completed, a real size that differs per snapshot, expiresAt recomputed from createdAt', async () => {
    sim = await simWith([{ name: 'Cluster0' }, { name: 'Cluster1' }]);
    const requestedAt = sim.clock.now();
    const first = await take(sim, 'Cluster0', 3);
    const second = await take(sim, 'Cluster1', 3);

    sim.manual.advance(QUEUED_MS + IN_PROGRESS_MS);
    const done = (await getOne(sim, first.id)).json;
    const other = (await getOne(sim, second.id, 'Cluster1')).json;

    const completedAt = requestedAt + QUEUED_MS + IN_PROGRESS_MS;
    expect(done).toMatchObject({
      status: 'completed',
      createdAt: iso(completedAt),
      expiresAt: iso(completedAt + 3 * DAY_MS),
      mongodVersion: '8.0.4',
      cloudProvider: 'AWS',
      copyRegions: [],
    });
    expect(Date.parse(done.expiresAt) - Date.parse(first.expiresAt)).toBe(QUEUED_MS + IN_PROGRESS_MS);
    expect(done.storageSizeBytes).toBeGreaterThan(1_000_000_000);
    expect(done.storageSizeBytes).toBeLessThan(2_000_000_000);
    expect(other.storageSizeBytes).not.toBe(done.storageSizeBytes);
    expect(done).not.toHaveProperty('completedAt');
  });

  it('sends only values of the API enums and known fields at every stage', async () => {
    sim = await simWith([{ name: 'Cluster0', snapshots: snapshotHistory(5, Date.parse('2025-01-15T03:00:00Z')) }]);
    const taken = await take(sim);
    const docs = [taken];
    for (const step of [QUEUED_MS, IN_PROGRESS_MS / 2, IN_PROGRESS_MS / 2]) {
      sim.manual.advance(step);
      docs.push(...(await bearerCall(sim, snapshotsPath('Cluster0'))).json.results);
    }

    const known = new Set([
      'cloudProvider',
      'copyRegions',
      'createdAt',
      'description',
      'expiresAt',
      'frequencyType',
      'id',
      'links',
      'mongodVersion',
      'policyItems',
      'replicaSetName',
      'snapshotType',
      'status',
      'storageSizeBytes',
      'type',
    ]);
    for (const doc of docs) {
      expect(Object.keys(doc).filter((key) => !known.has(key))).toEqual([]);
      expect(['queued', 'inProgress', 'completed', 'failed']).toContain(doc.status);
      expect(['onDemand', 'scheduled', 'fallback']).toContain(doc.snapshotType);
      expect(doc.type).toBe('replicaSet');
      if (doc.cloudProvider !== undefined) expect(['AWS', 'AZURE', 'GCP']).toContain(doc.cloudProvider);
    }
  });
});

describe('snapshots that fail or never finish', () => {
  it('failNextSnapshot: the next one ends failed in the pending shape, the one after completes', async () => {
    sim = await simWith([{ name: 'Cluster0' }]);
    sim.failNextSnapshot(PROJECT, 'Cluster0');

    const failing = await take(sim);
    sim.manual.advance(QUEUED_MS + IN_PROGRESS_MS);
    const failed = (await getOne(sim, failing.id)).json;
    const next = await take(sim);
    sim.manual.advance(QUEUED_MS + IN_PROGRESS_MS);
    const completed = (await getOne(sim, next.id)).json;

    expect(failed).toMatchObject({ status: 'failed', storageSizeBytes: 0, expiresAt: failing.expiresAt });
    expect(failed).not.toHaveProperty('createdAt');
    expect(completed.status).toBe('completed');
  });

  it('a failed snapshot does not block the next take (only queued/inProgress do)', async () => {
    sim = await simWith([{ name: 'Cluster0', failNextSnapshots: 1 }]);
    await take(sim);
    sim.manual.advance(QUEUED_MS + IN_PROGRESS_MS);

    const again = await bearerCall(sim, snapshotsPath('Cluster0'), { method: 'POST', body: { retentionInDays: 1 } });

    expect(again.status).toBe(200);
  });

  it('a cluster whose snapshots end failed, and a simulator-wide default', async () => {
    sim = await simWith([{ name: 'Cluster0', snapshotOutcome: 'failed' }, { name: 'Cluster1' }], {
      snapshotOutcome: 'never',
    });
    const a = await take(sim, 'Cluster0');
    const b = await take(sim, 'Cluster1');

    sim.manual.advance(DAY_MS);

    expect((await getOne(sim, a.id)).json.status).toBe('failed');
    expect((await getOne(sim, b.id, 'Cluster1')).json.status).toBe('inProgress');
  });

  it('never: stays inProgress (and blocks the next take) until told, then shows completion at that time', async () => {
    sim = await simWith([{ name: 'Cluster0', snapshotOutcome: 'never' }]);
    const taken = await take(sim);

    sim.manual.advance(7 * DAY_MS);
    const week = (await getOne(sim, taken.id)).json;
    const blocked = await bearerCall(sim, snapshotsPath('Cluster0'), { method: 'POST', body: { retentionInDays: 1 } });
    sim.setSnapshotStatus(taken.id, 'completed');
    const done = (await getOne(sim, taken.id)).json;

    expect(week).toMatchObject({ status: 'inProgress', cloudProvider: 'AWS', storageSizeBytes: 0 });
    expect(week).not.toHaveProperty('createdAt');
    expect(blocked.json.errorCode).toBe('UNFINISHED_ON_DEMAND_SNAPSHOT');
    expect(done).toMatchObject({ status: 'completed', createdAt: iso(sim.clock.now()) });
    expect(done.storageSizeBytes).toBeGreaterThan(0);
  });
});

describe('one snapshot on both paths', () => {
  it('sharded: the shardedCluster path renders the progress shapes; the replica-set path is 404', async () => {
    sim = await simWith([{ name: 'Sharded', kind: 'sharded', numShards: 2 }]);
    const taken = await take(sim, 'Sharded');

    const queued = (await getOne(sim, taken.id, 'Sharded', true)).json;
    sim.manual.advance(QUEUED_MS + IN_PROGRESS_MS);
    const completed = (await getOne(sim, taken.id, 'Sharded', true)).json;
    const wrongPath = await getOne(sim, taken.id, 'Sharded');

    expect(queued).toMatchObject({ type: 'shardedCluster', status: 'queued', storageSizeBytes: 0 });
    expect(queued).not.toHaveProperty('createdAt');
    expect(completed).toMatchObject({ status: 'completed', createdAt: expect.any(String), mongodVersion: '8.0.4' });
    expect(completed.storageSizeBytes).toBeGreaterThan(0);
    expect(completed.members).toHaveLength(2);
    expect(wrongPath.status).toBe(404);
    expect(wrongPath.json.errorCode).toBe('SNAPSHOT_NOT_FOUND');
  });

  it('replica set: the shardedCluster path is 404 SNAPSHOT_NOT_FOUND, and so is another cluster', async () => {
    sim = await simWith([{ name: 'Cluster0' }, { name: 'Cluster1' }]);
    const taken = await take(sim);

    const sharded = await getOne(sim, taken.id, 'Cluster0', true);
    const otherCluster = await getOne(sim, taken.id, 'Cluster1');

    expect(sharded.status).toBe(404);
    expect(sharded.json.errorCode).toBe('SNAPSHOT_NOT_FOUND');
    expect(otherCluster.json.errorCode).toBe('SNAPSHOT_NOT_FOUND');
  });
});

describe('snapshot index', () => {
  it('lists only the cluster asked for, in the same non-date order, wherever a snapshot was added', async () => {
    const now = Date.parse('2025-01-15T03:00:00Z');
    sim = await simWith([
      { name: 'Cluster0', snapshots: snapshotHistory(150, now) },
      { name: 'Cluster1', snapshots: snapshotHistory(150, now) },
    ]);
    const late = sim.addSnapshot(PROJECT, 'Cluster0', { snapshotType: 'onDemand', status: 'inProgress' });

    const mine = sim.snapshots(PROJECT, 'Cluster0');
    const listed = [1, 2].map((pageNum) => bearerCall(sim, `${snapshotsPath('Cluster0')}?pageNum=${pageNum}`));
    const ids = (await Promise.all(listed)).flatMap((page) => page.json.results.map((s: { id: string }) => s.id));

    expect(mine).toHaveLength(151);
    expect(ids).toEqual(mine.map((s) => s.id));
    expect(new Set(ids)).not.toContain(sim.snapshots(PROJECT, 'Cluster1')[0]?.id);
    expect(sim.pendingOnDemand(PROJECT, 'Cluster0').map((s) => s.id)).toEqual([late.id]);
    expect(sim.pendingOnDemand(PROJECT, 'Cluster1')).toEqual([]);
    const keys = ids.map((id) => createHash('md5').update(id).digest('hex'));
    expect(keys).toEqual([...keys].sort());
  });
});
