/**
 * Grandfather-father-son retention, end to end on the cdk.out bundle (docs/promotion.md): nightly
 * runs in simulated time over a seeded history; the follow-up that confirms a snapshot decides from
 * Atlas alone whether it is the first of its ISO week, month or year and extends it with one PATCH;
 * refusals become warnings; sharded snapshots cannot be promoted; nothing is ever deleted.
 */
import { AtlasCodes } from '../../lambda/snapshot/codes';
import { ENV } from '../../lambda/snapshot/contract';
import type { Outcome } from '../../lambda/snapshot/types';
import { DEMO_PROJECT_ID, DEMO_SERVICE_ACCOUNT } from '../../local/atlas-sim';
import { SCHEDULED_EVENT, type LocalRun } from '../../local/harness';
import { HOUR_MS, localRuns, results } from './support';

jest.setTimeout(60_000);

const start = localRuns();
const PROMOTION = { weeks: 4, months: 12, years: 7, timezone: 'UTC' };
const DAY_MS = 24 * HOUR_MS;
/** Monday 29 June 2026, 03:00 UTC: the first night of ISO week 2026-W27; 1 July is two nights later. */
const MONDAY = Date.UTC(2026, 5, 29, 3, 0, 0);

/** One night: the scheduled run, then every follow-up; the confirmation outcomes by cluster. */
async function night(r: LocalRun, at: number): Promise<Map<string, Outcome>> {
  await r.setTime(at);
  await r.fn.invoke(SCHEDULED_EVENT);
  const fired = await r.advanceUntilIdle();
  return new Map(fired.flatMap((f) => results(f.result)).map((o) => [o.clusterName ?? '', o]));
}

describe('retention promotion', () => {
  it('nightly runs: first of the ISO week 4 WEEKS, first of the month 12 MONTHS, the others as requested; sharded gets a warning', async () => {
    const r = await start({
      preset: 'promotion',
      startAt: MONDAY,
      env: { [ENV.promotion]: JSON.stringify(PROMOTION) },
    });

    const nights: Array<Map<string, Outcome>> = [];
    for (let i = 0; i < 4; i++) nights.push(await night(r, MONDAY + i * DAY_MS));

    const cluster0 = nights.map((n) => n.get('Cluster0')!);
    expect(cluster0.map((o) => [o.code, o.promotedTo])).toEqual([
      ['SNAPSHOT_COMPLETED', { retentionUnit: 'WEEKS', retentionValue: 4 }],
      ['SNAPSHOT_COMPLETED', undefined],
      ['SNAPSHOT_COMPLETED', { retentionUnit: 'MONTHS', retentionValue: 12 }],
      ['SNAPSHOT_COMPLETED', undefined],
    ]);
    const kept = cluster0.map((o) => Math.round((Date.parse(o.expiresAt!) - Date.parse(o.createdAt!)) / DAY_MS));
    expect(kept).toEqual([28, 7, 365, 7]);
    const patches = r.sim.log.entries({ endpoint: 'patchSnapshot' });
    expect(patches.map((e) => [e.method, e.status, e.body])).toEqual([
      ['PATCH', 200, { retentionUnit: 'WEEKS', retentionValue: 4 }],
      ['PATCH', 200, { retentionUnit: 'MONTHS', retentionValue: 12 }],
    ]);
    expect(patches[0]).toMatchObject({
      path: `/api/atlas/v2/groups/${DEMO_PROJECT_ID}/clusters/Cluster0/backup/snapshots/${cluster0[0]!.snapshotId}`,
      accept: 'application/vnd.atlas.2023-01-01+json',
      contentType: 'application/vnd.atlas.2023-01-01+json',
    });
    // What Atlas now reports is what the outcome says.
    const stored = r.sim.snapshots(DEMO_PROJECT_ID, 'Cluster0').find((s) => s.id === cluster0[2]!.snapshotId);
    expect(stored!.expiresAt.slice(0, 19)).toBe(cluster0[2]!.expiresAt!.slice(0, 19));
    for (const n of nights) {
      expect(n.get('ShardedCluster')).toMatchObject({
        status: 'SUCCESS',
        code: 'SNAPSHOT_COMPLETED',
        warnings: [
          'retention promotion is not available for sharded clusters (Atlas has no PATCH for sharded snapshots)',
        ],
      });
      expect(n.get('ShardedCluster')!.promotedTo).toBeUndefined();
    }
    expect(r.sim.log.entries({ method: 'DELETE' })).toEqual([]);
  });

  it('a Backup Compliance Policy refusal is a warning on SNAPSHOT_COMPLETED, never an ERROR', async () => {
    const r = await start({
      preset: 'promotion',
      startAt: MONDAY,
      targets: [{ projectId: DEMO_PROJECT_ID, clusterName: 'Cluster0' }],
      env: { [ENV.promotion]: JSON.stringify(PROMOTION) },
      simulator: {
        faults: [
          {
            kind: 'error',
            endpoint: 'patchSnapshot',
            status: 400,
            errorCode: AtlasCodes.CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY,
          },
        ],
      },
    });

    const outcome = (await night(r, MONDAY)).get('Cluster0')!;

    expect(r.followUps.every((f) => f.result!.ok)).toBe(true);
    expect(outcome).toMatchObject({ status: 'SUCCESS', code: 'SNAPSHOT_COMPLETED' });
    expect(outcome.promotedTo).toBeUndefined();
    expect(outcome.warnings).toEqual([
      expect.stringMatching(
        /^retention promotion to 4 WEEKS refused \(CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY\): a Backup Compliance Policy/,
      ),
    ]);
    expect(Math.round((Date.parse(outcome.expiresAt!) - Date.parse(outcome.createdAt!)) / DAY_MS)).toBe(7);
  });

  it('credentials without Project Backup Manager: CANNOT_MODIFY_SNAPSHOT (403) is a warning naming the role', async () => {
    const r = await start({
      preset: 'promotion',
      startAt: MONDAY,
      targets: [{ projectId: DEMO_PROJECT_ID, clusterName: 'Cluster0' }],
      env: { [ENV.promotion]: JSON.stringify(PROMOTION) },
    });
    r.sim.setCredentialAccess(DEMO_SERVICE_ACCOUNT.clientId, { modifySnapshots: false });

    const outcome = (await night(r, MONDAY)).get('Cluster0')!;

    expect(r.sim.log.entries({ endpoint: 'patchSnapshot' }).map((e) => [e.status, e.errorCode])).toEqual([
      [403, 'CANNOT_MODIFY_SNAPSHOT'],
    ]);
    expect(outcome).toMatchObject({ status: 'SUCCESS', code: 'SNAPSHOT_COMPLETED' });
    expect(outcome.warnings).toEqual([expect.stringContaining('Project Backup Manager')]);
  });

  it("the event's promotion: an object turns it on for that run's snapshots, false turns the default off", async () => {
    const on = await start({
      preset: 'promotion',
      startAt: MONDAY,
      targets: [{ projectId: DEMO_PROJECT_ID, clusterName: 'Cluster0' }],
    });
    const off = await start({
      preset: 'promotion',
      startAt: MONDAY,
      targets: [{ projectId: DEMO_PROJECT_ID, clusterName: 'Cluster0' }],
      env: { [ENV.promotion]: JSON.stringify(PROMOTION) },
    });

    await on.fn.invoke({ promotion: PROMOTION });
    await off.fn.invoke({ promotion: false });
    const [promoted] = (await on.advanceUntilIdle()).flatMap((f) => results(f.result));
    const [plain] = (await off.advanceUntilIdle()).flatMap((f) => results(f.result));

    expect(promoted).toMatchObject({
      code: 'SNAPSHOT_COMPLETED',
      promotedTo: { retentionUnit: 'WEEKS', retentionValue: 4 },
    });
    expect(plain).toMatchObject({ code: 'SNAPSHOT_COMPLETED' });
    expect(plain!.promotedTo).toBeUndefined();
    expect(off.sim.log.entries({ endpoint: 'patchSnapshot' })).toEqual([]);
    expect(off.sim.log.entries({ endpoint: 'listSnapshots' })).toHaveLength(
      on.sim.log.entries({ endpoint: 'listSnapshots' }).length - 1,
    );
  });
});
