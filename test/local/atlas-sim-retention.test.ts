/** PATCH .../backup/snapshots/{id}: retention recomputed from createdAt, and each refusal. */
import { DAY_MS, DEMO_API_KEY, DEMO_SERVICE_ACCOUNT, addRetention } from '../../local/atlas-sim';
import { PROJECT, SNAPSHOTS_V, bearerCall, digestCall, snapshotsPath, startTestSimulator } from './helpers';

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;
let sim: Sim;

afterEach(async () => {
  await sim?.close();
});

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function simWith(
  options: { compliance?: number; readOnly?: boolean; modifySnapshots?: boolean } = {},
): Promise<Sim> {
  const access = {
    ...(options.readOnly !== undefined ? { readOnly: options.readOnly } : {}),
    ...(options.modifySnapshots !== undefined ? { modifySnapshots: options.modifySnapshots } : {}),
  };
  return startTestSimulator({
    snapshotTiming: { queuedMs: 10_000, inProgressMs: 60_000 },
    seed: {
      serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT, ...access }],
      apiKeys: [{ ...DEMO_API_KEY }],
      projects: [
        {
          id: PROJECT,
          clusters: [{ name: 'Cluster0' }, { name: 'Sharded', kind: 'sharded' }],
          ...(options.compliance !== undefined ? { compliance: { minRetentionDays: options.compliance } } : {}),
        },
      ],
    },
  });
}

const patch = (s: Sim, id: string, body: unknown, cluster = 'Cluster0', contentType?: string) =>
  bearerCall(s, `${snapshotsPath(cluster)}/${id}`, { method: 'PATCH', body, contentType });

const completed = (s: Sim, createdAt: string, retentionInDays = 7) =>
  s.addSnapshot(PROJECT, 'Cluster0', { snapshotType: 'onDemand', status: 'completed', createdAt, retentionInDays });

describe('retention PATCH', () => {
  it('answers 200 with the snapshot, expiresAt = createdAt + value x unit, kept for later reads', async () => {
    sim = await simWith();
    const snapshot = completed(sim, '2025-01-10T12:00:00Z');

    const answer = await patch(sim, snapshot.id, { retentionUnit: 'WEEKS', retentionValue: 4 });
    const read = await bearerCall(sim, `${snapshotsPath('Cluster0')}/${snapshot.id}`);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/vnd.atlas.2023-01-01+json;charset=utf-8');
    expect(answer.json).toMatchObject({
      id: snapshot.id,
      status: 'completed',
      createdAt: '2025-01-10T12:00:00Z',
      expiresAt: iso(Date.parse('2025-01-10T12:00:00Z') + 28 * DAY_MS),
    });
    expect(read.json.expiresAt).toBe(answer.json.expiresAt);
    expect(sim.log.entries({ method: 'PATCH' })).toEqual([
      expect.objectContaining({
        endpoint: 'patchSnapshot',
        status: 200,
        body: { retentionUnit: 'WEEKS', retentionValue: 4 },
      }),
    ]);
  });

  it.each([
    ['2025-01-10T12:00:00Z', 'DAYS', 10, '2025-01-20T12:00:00Z'],
    ['2025-01-31T12:00:00Z', 'MONTHS', 1, '2025-02-28T12:00:00Z'],
    ['2024-01-31T12:00:00Z', 'MONTHS', 1, '2024-02-29T12:00:00Z'],
    ['2025-01-31T12:00:00Z', 'MONTHS', 13, '2026-02-28T12:00:00Z'],
    ['2025-03-31T12:00:00Z', 'MONTHS', 12, '2026-03-31T12:00:00Z'],
    ['2024-02-29T12:00:00Z', 'YEARS', 1, '2025-02-28T12:00:00Z'],
    ['2024-02-29T12:00:00Z', 'YEARS', 4, '2028-02-29T12:00:00Z'],
    ['2025-01-15T12:00:00Z', 'YEARS', 7, '2032-01-15T12:00:00Z'],
  ])('from createdAt %s, %s x %s ends %s (calendar months and years)', async (createdAt, unit, value, expected) => {
    sim = await simWith();
    const snapshot = completed(sim, createdAt);

    const answer = await patch(sim, snapshot.id, { retentionUnit: unit, retentionValue: value });

    expect(answer.json.expiresAt).toBe(expected);
  });

  it('works over Digest and may shorten a retention when no compliance policy applies', async () => {
    sim = await simWith();
    const snapshot = completed(sim, '2025-01-10T12:00:00Z', 30);

    const answer = await digestCall(sim, `${snapshotsPath('Cluster0')}/${snapshot.id}`, {
      method: 'PATCH',
      body: { retentionUnit: 'DAYS', retentionValue: 1 },
    });

    expect(answer.status).toBe(200);
    expect(answer.json.expiresAt).toBe('2025-01-11T12:00:00Z');
  });

  it.each([
    ['not JSON', '{"retentionUnit": "DAYS"', 400, 'INVALID_JSON'],
    [
      'an unknown attribute',
      { retentionUnit: 'DAYS', retentionValue: 2, retentionInDays: 2 },
      400,
      'INVALID_ATTRIBUTE',
    ],
    ['a value as a string', { retentionUnit: 'DAYS', retentionValue: '2' }, 400, 'INVALID_ATTRIBUTE'],
    ['a fractional value', { retentionUnit: 'DAYS', retentionValue: 1.5 }, 400, 'INVALID_ATTRIBUTE'],
    ['a value beyond int32', { retentionUnit: 'DAYS', retentionValue: 2_147_483_648 }, 400, 'INVALID_ATTRIBUTE'],
    ['a unit that is no string', { retentionUnit: 7, retentionValue: 2 }, 400, 'INVALID_ATTRIBUTE'],
    ['an unknown unit', { retentionUnit: 'HOURS', retentionValue: 2 }, 400, 'VALIDATION_ERROR'],
    ['a lower-case unit', { retentionUnit: 'weeks', retentionValue: 2 }, 400, 'VALIDATION_ERROR'],
    ['no unit', { retentionValue: 2 }, 400, 'VALIDATION_ERROR'],
    ['no value', { retentionUnit: 'DAYS' }, 400, 'VALIDATION_ERROR'],
    ['a zero value', { retentionUnit: 'DAYS', retentionValue: 0 }, 400, 'VALIDATION_ERROR'],
    ['an expiry no date can hold', { retentionUnit: 'YEARS', retentionValue: 2_147_483_647 }, 400, 'VALIDATION_ERROR'],
  ])('refuses %s with %s %s and leaves the snapshot as it was', async (_label, body, status, errorCode) => {
    sim = await simWith();
    const snapshot = completed(sim, '2025-01-10T12:00:00Z');
    const before = sim.snapshots(PROJECT, 'Cluster0')[0]?.expiresAt;

    const answer = await patch(sim, snapshot.id, body);

    expect(answer.status).toBe(status);
    expect(answer.json.errorCode).toBe(errorCode);
    expect(sim.snapshots(PROJECT, 'Cluster0')[0]?.expiresAt).toBe(before);
  });

  it('refuses a body sent as plain JSON (415) or with another version (406)', async () => {
    sim = await simWith();
    const snapshot = completed(sim, '2025-01-10T12:00:00Z');
    const body = { retentionUnit: 'DAYS', retentionValue: 2 };

    const plain = await patch(sim, snapshot.id, body, 'Cluster0', 'application/json');
    const other = await patch(sim, snapshot.id, body, 'Cluster0', 'application/vnd.atlas.2024-08-05+json');

    expect(plain.status).toBe(415);
    expect(other.json.errorCode).toBe('INVALID_VERSION_DATE');
  });

  it('answers 400 CANNOT_MODIFY_IN_PROGRESS_SNAPSHOT_RETENTION while queued and in progress', async () => {
    sim = await simWith();
    const taken = await bearerCall(sim, snapshotsPath('Cluster0'), {
      method: 'POST',
      body: { retentionInDays: 1 },
    });

    const queued = await patch(sim, taken.json.id, { retentionUnit: 'DAYS', retentionValue: 5 });
    sim.manual.advance(20_000);
    const inProgress = await patch(sim, taken.json.id, { retentionUnit: 'DAYS', retentionValue: 5 });
    sim.manual.advance(60_000);
    const done = await patch(sim, taken.json.id, { retentionUnit: 'DAYS', retentionValue: 5 });

    for (const answer of [queued, inProgress]) {
      expect(answer.status).toBe(400);
      expect(answer.json.errorCode).toBe('CANNOT_MODIFY_IN_PROGRESS_SNAPSHOT_RETENTION');
    }
    expect(done.status).toBe(200);
  });

  it('answers 403 CANNOT_MODIFY_SNAPSHOT for a failed snapshot (no createdAt to count from)', async () => {
    sim = await simWith();
    const failed = sim.addSnapshot(PROJECT, 'Cluster0', { snapshotType: 'onDemand', status: 'failed' });

    const answer = await patch(sim, failed.id, { retentionUnit: 'DAYS', retentionValue: 5 });

    expect(answer.status).toBe(403);
    expect(answer.json.errorCode).toBe('CANNOT_MODIFY_SNAPSHOT');
  });

  it('with a Backup Compliance Policy: extending works, an earlier expiry is 400 CANNOT_DECREASE_...', async () => {
    sim = await simWith({ compliance: 7 });
    const snapshot = completed(sim, '2025-01-10T12:00:00Z', 30);

    const shorter = await patch(sim, snapshot.id, { retentionUnit: 'WEEKS', retentionValue: 2 });
    const longer = await patch(sim, snapshot.id, { retentionUnit: 'MONTHS', retentionValue: 2 });

    expect(shorter.status).toBe(400);
    expect(shorter.json.errorCode).toBe('CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY');
    expect(longer.status).toBe(200);
    expect(longer.json.expiresAt).toBe(iso(addRetention(Date.parse('2025-01-10T12:00:00Z'), 'MONTHS', 2)));
  });

  it('a read-only credential: 403 CANNOT_MODIFY_SNAPSHOT, and take-snapshot is 403 USER_UNAUTHORIZED', async () => {
    sim = await simWith({ readOnly: true });
    const snapshot = completed(sim, '2025-01-10T12:00:00Z');

    const refused = await patch(sim, snapshot.id, { retentionUnit: 'DAYS', retentionValue: 9 });
    const take = await bearerCall(sim, snapshotsPath('Cluster0'), { method: 'POST', body: { retentionInDays: 1 } });
    const read = await bearerCall(sim, `${snapshotsPath('Cluster0')}/${snapshot.id}`);
    const apiKey = await digestCall(sim, `${snapshotsPath('Cluster0')}/${snapshot.id}`, {
      method: 'PATCH',
      body: { retentionUnit: 'DAYS', retentionValue: 9 },
    });

    expect(refused.status).toBe(403);
    expect(refused.json.errorCode).toBe('CANNOT_MODIFY_SNAPSHOT');
    expect(take.status).toBe(403);
    expect(take.json.errorCode).toBe('USER_UNAUTHORIZED');
    expect(read.status).toBe(200);
    expect(apiKey.status).toBe(200);
  });

  it('a credential that may take snapshots but not modify them', async () => {
    sim = await simWith({ modifySnapshots: false });
    const snapshot = completed(sim, '2025-01-10T12:00:00Z');

    const take = await bearerCall(sim, snapshotsPath('Cluster0'), { method: 'POST', body: { retentionInDays: 1 } });
    const refused = await patch(sim, snapshot.id, { retentionUnit: 'DAYS', retentionValue: 9 });
    sim.setCredentialAccess(DEMO_SERVICE_ACCOUNT.clientId, { modifySnapshots: undefined });
    const allowed = await patch(sim, snapshot.id, { retentionUnit: 'DAYS', retentionValue: 9 });

    expect(take.status).toBe(200);
    expect(refused.json.errorCode).toBe('CANNOT_MODIFY_SNAPSHOT');
    expect(allowed.status).toBe(200);
  });

  it('sharded: no PATCH on the shardedCluster path (405), and a sharded id on the replica-set path is 404', async () => {
    sim = await simWith();
    const sharded = sim.addSnapshot(PROJECT, 'Sharded', { snapshotType: 'onDemand', status: 'completed' });
    const body = { retentionUnit: 'DAYS', retentionValue: 9 };

    const shardedPath = await bearerCall(sim, `${snapshotsPath('Sharded')}/shardedCluster/${sharded.id}`, {
      method: 'PATCH',
      body,
    });
    const replicaPath = await patch(sim, sharded.id, body, 'Sharded');
    const unknown = await patch(sim, '0'.repeat(24), body);
    const badId = await patch(sim, 'not-an-id', body);

    expect(shardedPath.status).toBe(405);
    expect(shardedPath.json.errorCode).toBe('METHOD_NOT_ALLOWED');
    expect(replicaPath.status).toBe(404);
    expect(replicaPath.json.errorCode).toBe('SNAPSHOT_NOT_FOUND');
    expect(unknown.json.errorCode).toBe('SNAPSHOT_NOT_FOUND');
    expect(badId.json.errorCode).toBe('INVALID_PATH_PARAMETER');
    expect(sim.snapshots(PROJECT, 'Sharded')[0]?.expiresAt).toBe(sharded.expiresAt);
    expect(sim.log.last()?.accept).toBe(SNAPSHOTS_V);
  });
});

describe('take-snapshot retention range', () => {
  it('refuses a retentionInDays beyond int32 as the deserializer does (400 INVALID_ATTRIBUTE)', async () => {
    sim = await simWith();

    const largest = await bearerCall(sim, snapshotsPath('Cluster0'), {
      method: 'POST',
      body: { retentionInDays: 2_147_483_647 },
    });
    sim.setSnapshotStatus(largest.json.id, 'completed');
    const beyond = await bearerCall(sim, snapshotsPath('Cluster0'), {
      method: 'POST',
      body: { retentionInDays: 2_147_483_648 },
    });

    expect(largest.status).toBe(200);
    expect(new Date(largest.json.expiresAt).getUTCFullYear()).toBeGreaterThan(9999);
    expect(beyond.status).toBe(400);
    expect(beyond.json.errorCode).toBe('INVALID_ATTRIBUTE');
  });
});
