/**
 * Selecting clusters and what Atlas says about them, end to end on the cdk.out bundle: tag
 * selectors over every project (paged), repeats processed once with the explicit name winning, a
 * project that refuses its cluster list while the others go on, paused and flex clusters (both
 * shapes), named and selected, and the API version notices Atlas sends.
 */
import { DEMO_PROJECT_ID, DAY_MS, demoProjectId } from '../../local/atlas-sim';
import { SCHEDULED_EVENT } from '../../local/harness';
import { LogEvents } from '../../lambda/snapshot/log-events';
import type { Outcome } from '../../lambda/snapshot/types';
import { localRuns, logRecords, messages, results, stage } from './support';

jest.setTimeout(60_000);

const start = localRuns();
const TAGGED = { projectId: '*', clusterName: '*', tags: { backup: 'on-demand' } };
const row = (o: Outcome) => [o.projectId, o.clusterName, o.status, o.code];
/** A 24-hex project id of its own for the n-th extra project. */
const extraProject = (n: number) => `7e${n.toString(16).padStart(22, '0')}`;
const byName = (a: unknown[], b: unknown[]) =>
  `${String(a[0])}/${String(a[1])}`.localeCompare(`${String(b[0])}/${String(b[1])}`);

describe('selecting clusters', () => {
  it('a tag selector over every project, 512 of them on two pages: only the tagged clusters, the unsupported ones SKIPPED', async () => {
    const r = await start({ preset: 'many-projects', targets: [TAGGED] });
    for (let i = 0; i < 505; i++) r.sim.addProject({ id: extraProject(i), name: `Empty ${i}`, clusters: [] });
    const last = extraProject(505);
    r.sim.addProject({
      id: last,
      name: 'On page two',
      clusters: [
        { name: 'PageTwo', tags: { backup: 'on-demand' } },
        { name: 'PageTwoUntagged', tags: { backup: 'none' } },
      ],
    });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(true);
    expect(r.sim.log.entries({ endpoint: 'listProjects' }).map((e) => e.query.pageNum)).toEqual(['1', '2']);
    expect(r.sim.log.entries({ endpoint: 'listClusters' })).toHaveLength(512);
    expect(results(invocation).map(row).sort(byName)).toEqual(
      [
        [DEMO_PROJECT_ID, 'Cluster0', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
        [demoProjectId(1), 'Payments0', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
        [demoProjectId(2), 'SearchSharded', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
        [demoProjectId(2), 'SearchPaused', 'SKIPPED', 'CLUSTER_PAUSED'],
        [demoProjectId(3), 'FlexSandbox', 'SKIPPED', 'UNSUPPORTED_CLUSTER'],
        [demoProjectId(3), 'SharedSandbox', 'SKIPPED', 'UNSUPPORTED_CLUSTER'],
        [demoProjectId(4), 'Reporting0', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
        [demoProjectId(5), 'ArchiveNoBackup', 'SKIPPED', 'BACKUP_NOT_ENABLED'],
        [last, 'PageTwo', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
      ].sort(byName),
    );
    // The list gave every cluster document: no GET per cluster; a sharded one uses the sharded list.
    expect(r.sim.log.entries({ endpoint: 'getCluster' })).toEqual([]);
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot' })).toHaveLength(5);
    expect(r.sim.log.entries({ endpoint: 'listShardedSnapshots' }).map((e) => e.clusterName)).toEqual([
      'SearchSharded',
    ]);
    expect(r.aws.scheduler.schedules()).toHaveLength(5);
    const flex = results(invocation).find((o) => o.clusterName === 'FlexSandbox');
    expect(flex?.detail).toMatch(/^flex cluster/);
    const [summary] = stage(r, 'summary');
    expect(summary!.doc).toMatchObject({ counts: { SUCCESS: 5, SKIPPED: 4, ERROR: 0 } });
  });

  it('a cluster matched several times is processed once, and an explicit name wins over a selector', async () => {
    const sandbox = demoProjectId(3);
    const r = await start({
      preset: 'many-projects',
      targets: [
        TAGGED,
        { projectId: DEMO_PROJECT_ID, clusterName: '*' },
        { projectId: DEMO_PROJECT_ID, clusterName: 'Cluster0' },
        { projectId: sandbox, clusterName: 'SharedSandbox' },
      ],
    });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    const outcomes = results(invocation);
    const keys = outcomes.map((o) => `${o.projectId}/${o.clusterName}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(outcomes.filter((o) => o.clusterName === 'Cluster0')).toEqual([
      expect.objectContaining({ status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED' }),
    ]);
    // Named, it is an ERROR (someone asked for a cluster that cannot be backed up this way).
    expect(outcomes.filter((o) => o.clusterName === 'SharedSandbox').map(row)).toEqual([
      [sandbox, 'SharedSandbox', 'ERROR', 'UNSUPPORTED_CLUSTER'],
    ]);
    expect(outcomes.find((o) => o.clusterName === 'Analytics')).toMatchObject({ code: 'SNAPSHOT_REQUESTED' });
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot', clusterName: 'Cluster0' })).toHaveLength(1);
    expect(invocation.ok).toBe(false);
  });

  it('a project that refuses its cluster list (403): an ERROR for it, the other projects go on', async () => {
    const r = await start({ preset: 'project-denied' });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(false);
    expect(results(invocation).map(row)).toEqual([
      [DEMO_PROJECT_ID, 'Cluster0', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
      [demoProjectId(17), 'TeamB0', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
      [demoProjectId(16), '*', 'ERROR', 'USER_UNAUTHORIZED'],
    ]);
    expect(results(invocation)[2]).toMatchObject({ httpStatus: 403 });
    expect(
      stage(r, 'request')
        .map((m) => m.attributes.code)
        .sort(),
    ).toEqual(['SNAPSHOT_REQUESTED', 'SNAPSHOT_REQUESTED', 'USER_UNAUTHORIZED']);
    expect(logRecords(invocation).some((l) => l.message === LogEvents.listingFailed)).toBe(true);
  });

  it('named paused and flex clusters (both shapes): SKIPPED CLUSTER_PAUSED, ERROR UNSUPPORTED_CLUSTER that says flex', async () => {
    const sandbox = demoProjectId(3);
    const r = await start({
      preset: 'many-projects',
      targets: [
        { projectId: demoProjectId(2), clusterName: 'SearchPaused' },
        { projectId: sandbox, clusterName: 'FlexSandbox' },
        { projectId: sandbox, clusterName: 'FlexNew' },
      ],
    });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    const outcomes = results(invocation);
    expect(outcomes.map(row)).toEqual([
      [demoProjectId(2), 'SearchPaused', 'SKIPPED', 'CLUSTER_PAUSED'],
      [sandbox, 'FlexSandbox', 'ERROR', 'UNSUPPORTED_CLUSTER'],
      [sandbox, 'FlexNew', 'ERROR', 'UNSUPPORTED_CLUSTER'],
    ]);
    expect(outcomes.slice(1).map((o) => o.detail)).toEqual([
      expect.stringMatching(/^flex cluster/),
      expect.stringMatching(/^flex cluster/),
    ]);
    expect(r.sim.log.entries({ endpoint: 'getCluster', clusterName: 'FlexNew' })).toEqual([
      expect.objectContaining({ status: 400, errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API' }),
    ]);
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot' })).toEqual([]);
  });
});

describe('what Atlas says about its API versions', () => {
  it('Deprecation and Sunset headers: a warning on the outcome and its message, and a notice log line', async () => {
    const r = await start({ preset: 'deprecated' });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(true);
    const [outcome] = results(invocation);
    expect(outcome).toMatchObject({ status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED' });
    expect(outcome!.warnings).toEqual([
      expect.stringMatching(/^Atlas API version 2024-08-05 \(clusters\) is deprecated .*sunset \d{4}-\d\d-\d\d/),
    ]);
    expect(stage(r, 'request')[0]!.doc.warnings).toEqual(outcome!.warnings);
    expect(logRecords(invocation).filter((l) => l.message === LogEvents.atlasVersionNotice)).toEqual([
      expect.objectContaining({ level: 'WARN', version: '2024-08-05' }),
    ]);
  });

  it('a version past its sunset: 410 VERSION_GONE is an ERROR whose advice says to upgrade this tool', async () => {
    const now = Date.now();
    const r = await start({
      preset: 'default',
      simulator: {
        deprecations: [
          {
            date: '2024-08-05',
            resource: 'clusters',
            deprecation: `@${Math.floor((now - 400 * DAY_MS) / 1000)}`,
            sunset: new Date(now - DAY_MS).toISOString().slice(0, 10),
          },
        ],
      },
    });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(false);
    expect(results(invocation)).toEqual([
      expect.objectContaining({ status: 'ERROR', code: 'VERSION_GONE', httpStatus: 410 }),
    ]);
    const [message] = messages(r);
    expect(message!.email).toMatch(/What to do: .*upgrade it to the newest release/);
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot' })).toEqual([]);
  });
});
