import { runTargets } from '../../lambda/snapshot/core/run';
import { hasTags } from '../../lambda/snapshot/core/select';
import { AtlasApiError } from '../../lambda/snapshot/errors';
import { LogEvents } from '../../lambda/snapshot/log-events';
import { createLogger } from '../../lambda/snapshot/logger';
import type { Target } from '../../lambda/snapshot/types';
import { context, P1, P2, P3, projectName, request } from '../support/core-harness';
import { FakeAtlas, replicaSet } from '../support/fake-atlas';

const tagged = (name: string, tags: Record<string, string>, extra = {}) =>
  replicaSet(name, { tags: Object.entries(tags).map(([key, value]) => ({ key, value })), ...extra });
const who = (o: { projectId?: string; clusterName?: string }) => `${projectName(o.projectId)}/${o.clusterName}`;

describe('selection: "clusterName": "*" in one project', () => {
  it('expands "*" to every cluster of the project; unsupported ones are SKIPPED, without a GET per cluster', async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, replicaSet('A'))
      .addCluster(
        P1,
        replicaSet('Flex', {
          replicationSpecs: [{ regionConfigs: [{ providerName: 'TENANT', effectiveInstanceSize: 'FLEX' }] }],
        }),
      )
      .addCluster(P1, replicaSet('NoBackup', { backupEnabled: false }))
      .addCluster(P1, replicaSet('B', { clusterType: 'SHARDED' }));

    const outcomes = await runTargets(context(atlas, request([{ projectId: P1, clusterName: '*' }])));

    expect(outcomes.map((o) => [o.clusterName, o.status, o.code])).toEqual([
      ['A', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
      ['Flex', 'SKIPPED', 'UNSUPPORTED_CLUSTER'],
      ['NoBackup', 'SKIPPED', 'BACKUP_NOT_ENABLED'],
      ['B', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
    ]);
    expect(atlas.callsOf('getCluster')).toHaveLength(0);
    expect(atlas.callsOf('listSnapshots').map((c) => [c.clusterName, c.sharded])).toEqual([
      ['A', false],
      ['B', true],
    ]);
  });

  it('a "*" target whose project cannot be listed is one ERROR naming "*"', async () => {
    const atlas = new FakeAtlas();
    const [outcome] = await runTargets(context(atlas, request([{ projectId: P2, clusterName: '*' }])));
    expect(outcome).toMatchObject({ status: 'ERROR', code: 'GROUP_NOT_FOUND', clusterName: '*', httpStatus: 404 });
  });

  it('a "*" target of an empty project is SKIPPED NO_CLUSTERS', async () => {
    const atlas = new FakeAtlas();
    atlas.projects.set(P1, []);
    const [outcome] = await runTargets(context(atlas, request([{ projectId: P1, clusterName: '*' }])));
    expect(outcome).toMatchObject({ status: 'SKIPPED', code: 'NO_CLUSTERS', clusterName: '*' });
  });

  it('a cluster named explicitly and found through "*" is processed once, as explicit', async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, replicaSet('A', { backupEnabled: false }))
      .addCluster(P1, replicaSet('B'));

    const outcomes = await runTargets(
      context(
        atlas,
        request([
          { projectId: P1, clusterName: '*' },
          { projectId: P1, clusterName: 'A' },
        ]),
      ),
    );

    expect(outcomes.map((o) => [o.clusterName, o.status])).toEqual([
      ['B', 'SUCCESS'],
      ['A', 'ERROR'],
    ]);
  });
});

describe('selection: "projectId": "*"', () => {
  it('lists the projects the credentials can see, then the clusters of each', async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, replicaSet('A'))
      .addCluster(P2, replicaSet('B'))
      .addCluster(P2, replicaSet('C'));

    const outcomes = await runTargets(context(atlas, request([{ projectId: '*', clusterName: '*' }])));

    expect(outcomes.map((o) => [who(o), o.code])).toEqual([
      ['P1/A', 'SNAPSHOT_REQUESTED'],
      ['P2/B', 'SNAPSHOT_REQUESTED'],
      ['P2/C', 'SNAPSHOT_REQUESTED'],
    ]);
    expect(atlas.callsOf('listProjects')).toHaveLength(1);
    expect(atlas.callsOf('listClusters').map((c) => projectName(c.projectId))).toEqual(['P1', 'P2']);
    expect(atlas.callsOf('getCluster')).toHaveLength(0);
  });

  it("a project that refuses its listing is one ERROR with Atlas's code; the other projects go on", async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, replicaSet('A'))
      .addCluster(P2, replicaSet('B'))
      .addCluster(P3, replicaSet('C'))
      .refuse(
        'listClusters',
        (call) => call.projectId === P2,
        () => new AtlasApiError('IP_ADDRESS_NOT_ON_ACCESS_LIST', 'IP address 1.2.3.4 is not allowed', 403),
      );

    const outcomes = await runTargets(context(atlas, request([{ projectId: '*', clusterName: '*' }])));

    expect(outcomes.map((o) => [who(o), o.status, o.code])).toEqual([
      ['P1/A', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
      ['P3/C', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
      ['P2/*', 'ERROR', 'IP_ADDRESS_NOT_ON_ACCESS_LIST'],
    ]);
    expect(outcomes[2]).toMatchObject({
      projectId: P2,
      clusterName: '*',
      httpStatus: 403,
      detail: "cannot list the project's clusters: IP address 1.2.3.4 is not allowed",
    });
  });

  it('a project listed by two selectors is listed once and its refusal reported once', async () => {
    const atlas = new FakeAtlas().addCluster(P1, tagged('A', { env: 'prod' })).refuse(
      'listClusters',
      (call) => call.projectId === P2,
      () => new AtlasApiError('GROUP_NOT_FOUND', 'No group', 404),
    );
    atlas.projects.set(P2, []);

    const outcomes = await runTargets(
      context(
        atlas,
        request([
          { projectId: '*', clusterName: '*', tags: { env: 'prod' } },
          { projectId: P2, clusterName: '*' },
          { projectId: P1, clusterName: '*' },
        ]),
      ),
    );

    expect(atlas.callsOf('listClusters').map((c) => projectName(c.projectId))).toEqual(
      expect.arrayContaining(['P1', 'P2']),
    );
    expect(atlas.callsOf('listClusters')).toHaveLength(2);
    expect(outcomes.map((o) => [who(o), o.code])).toEqual([
      ['P1/A', 'SNAPSHOT_REQUESTED'],
      ['P2/*', 'GROUP_NOT_FOUND'],
    ]);
  });

  it('a refused project listing is one ERROR for "*"', async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, replicaSet('A'))
      .failNext('listProjects', new AtlasApiError('UNAUTHORIZED', 'not allowed', 401));

    const outcomes = await runTargets(context(atlas, request([{ projectId: '*', clusterName: '*' }])));

    expect(outcomes).toEqual([
      expect.objectContaining({
        status: 'ERROR',
        code: 'UNAUTHORIZED',
        projectId: '*',
        clusterName: '*',
        httpStatus: 401,
        detail: 'cannot list the projects the credentials can see: not allowed',
      }),
    ]);
    expect(atlas.callsOf('listClusters')).toHaveLength(0);
  });

  it('no project at all is SKIPPED NO_CLUSTERS saying so', async () => {
    const outcomes = await runTargets(context(new FakeAtlas(), request([{ projectId: '*', clusterName: '*' }])));

    expect(outcomes).toEqual([
      expect.objectContaining({
        status: 'SKIPPED',
        code: 'NO_CLUSTERS',
        projectId: '*',
        clusterName: '*',
        detail: 'projectId "*" found no project: the credentials can see none',
      }),
    ]);
  });
});

describe('selection: tags', () => {
  it('keeps the clusters holding every given pair, exact and case-sensitive', async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, tagged('Both', { env: 'prod', backup: 'on-demand', team: 'a' }))
      .addCluster(P1, tagged('OneOfTwo', { env: 'prod' }))
      .addCluster(P1, tagged('ValueCase', { env: 'Prod', backup: 'on-demand' }))
      .addCluster(P1, tagged('KeyCase', { Env: 'prod', backup: 'on-demand' }))
      .addCluster(P1, tagged('Padded', { env: 'prod ', backup: 'on-demand' }))
      .addCluster(P1, replicaSet('Untagged'));

    const outcomes = await runTargets(
      context(atlas, request([{ projectId: P1, clusterName: '*', tags: { env: 'prod', backup: 'on-demand' } }])),
    );

    expect(outcomes.map((o) => o.clusterName)).toEqual(['Both']);
  });

  it('hasTags: a cluster without tags matches only a selector without tags', () => {
    expect(hasTags(replicaSet('A'), undefined)).toBe(true);
    expect(hasTags(replicaSet('A'), { env: 'prod' })).toBe(false);
    expect(hasTags(tagged('A', { env: 'prod' }), { env: 'prod' })).toBe(true);
  });

  it('tags that nobody carries: SKIPPED NO_CLUSTERS naming the selector and its tags', async () => {
    const atlas = new FakeAtlas().addCluster(P1, tagged('A', { env: 'test' }));

    const [outcome, ...rest] = await runTargets(
      context(atlas, request([{ projectId: P1, clusterName: '*', tags: { env: 'prod' } }])),
    );

    expect(rest).toHaveLength(0);
    expect(outcome).toMatchObject({ status: 'SKIPPED', code: 'NO_CLUSTERS', projectId: P1, clusterName: '*' });
    expect(outcome!.detail).toBe(
      `selector ${P1}/*[env=prod] matched no cluster: none of the project's clusters carrying every tag {"env":"prod"} (exact, case-sensitive)`,
    );
  });

  it('"projectId": "*" with tags matching nothing says how many projects were searched', async () => {
    const atlas = new FakeAtlas().addCluster(P1, replicaSet('A')).addCluster(P2, replicaSet('B'));

    const [outcome] = await runTargets(
      context(atlas, request([{ projectId: '*', clusterName: '*', tags: { backup: 'yes' } }])),
    );

    expect(outcome).toMatchObject({ status: 'SKIPPED', code: 'NO_CLUSTERS', projectId: '*', clusterName: '*' });
    expect(outcome!.detail).toContain('in the 2 project(s) the credentials can see');
    expect(outcome!.detail).toContain('{"backup":"yes"}');
  });
});

describe('selection: found through a selector', () => {
  it('paused, unsupported and backup-off clusters are SKIPPED without a snapshot call', async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, replicaSet('Paused', { paused: true }))
      .addCluster(
        P1,
        replicaSet('Shared', {
          replicationSpecs: [{ regionConfigs: [{ providerName: 'TENANT' }] }],
          backupEnabled: false,
        }),
      )
      .addCluster(P1, replicaSet('NoBackup', { backupEnabled: false }))
      .addCluster(P1, replicaSet('Ok'));

    const outcomes = await runTargets(context(atlas, request([{ projectId: P1, clusterName: '*' }])));

    expect(outcomes.map((o) => [o.clusterName, o.status, o.code])).toEqual([
      ['Paused', 'SKIPPED', 'CLUSTER_PAUSED'],
      ['Shared', 'SKIPPED', 'UNSUPPORTED_CLUSTER'],
      ['NoBackup', 'SKIPPED', 'BACKUP_NOT_ENABLED'],
      ['Ok', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
    ]);
    expect(atlas.callsOf('listSnapshots').map((c) => c.clusterName)).toEqual(['Ok']);
  });

  it('a cluster matched by two selectors is processed once, where it was first found', async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, tagged('A', { env: 'prod' }))
      .addCluster(P1, replicaSet('B'))
      .addCluster(P2, tagged('C', { env: 'prod' }));

    const outcomes = await runTargets(
      context(
        atlas,
        request([
          { projectId: '*', clusterName: '*', tags: { env: 'prod' } },
          { projectId: P1, clusterName: '*' },
        ]),
      ),
    );

    expect(outcomes.map(who)).toEqual(['P1/A', 'P2/C', 'P1/B']);
    expect(atlas.callsOf('takeSnapshot')).toHaveLength(3);
  });

  it('a cluster named explicitly and selected keeps the explicit treatment, with the listed document', async () => {
    const atlas = new FakeAtlas().addCluster(
      P1,
      replicaSet('Shared', { replicationSpecs: [{ regionConfigs: [{ providerName: 'TENANT' }] }] }),
    );

    const outcomes = await runTargets(
      context(
        atlas,
        request([
          { projectId: '*', clusterName: '*' },
          { projectId: P1, clusterName: 'Shared' },
        ]),
      ),
    );

    expect(outcomes.map((o) => [o.clusterName, o.status, o.code])).toEqual([
      ['Shared', 'ERROR', 'UNSUPPORTED_CLUSTER'],
    ]);
    expect(atlas.callsOf('getCluster')).toHaveLength(0);
  });

  it("the listing's version notices become warnings of the outcomes it found", async () => {
    const atlas = new FakeAtlas()
      .addCluster(P1, replicaSet('A'))
      .noticeOn('listClusters', 'Atlas API 2024-08-05 is deprecated (sunset 2027-07-01)');

    const [outcome] = await runTargets(context(atlas, request([{ projectId: P1, clusterName: '*' }])));

    expect(outcome!.warnings).toEqual(['Atlas API 2024-08-05 is deprecated (sunset 2027-07-01)']);
  });
});

describe('selection: order and bounds', () => {
  it('starts clusters round-robin over projects in the order the projects were found', async () => {
    const atlas = new FakeAtlas();
    for (const [project, names] of [
      [P1, ['A1', 'A2', 'A3']],
      [P2, ['B1']],
      [P3, ['C1', 'C2']],
    ] as const) {
      for (const name of names) atlas.addCluster(project, replicaSet(name));
    }

    const outcomes = await runTargets(context(atlas, request([{ projectId: '*', clusterName: '*' }]), 1));

    expect(atlas.callsOf('listSnapshots').map((c) => c.clusterName)).toEqual(['A1', 'B1', 'C1', 'A2', 'C2', 'A3']);
    expect(outcomes.map((o) => o.clusterName)).toEqual(['A1', 'A2', 'A3', 'B1', 'C1', 'C2']);
  });

  it('lists at most `concurrency` projects at once', async () => {
    const atlas = new FakeAtlas();
    const projects = Array.from({ length: 9 }, (_, i) => i.toString(16).repeat(24));
    for (const project of projects) atlas.projects.set(project, []);
    const targets: Target[] = projects.map((projectId) => ({ projectId, clusterName: '*' }));

    const outcomes = await runTargets(context(atlas, request(targets), 3));

    expect(outcomes.map((o) => o.code)).toEqual(Array.from({ length: 9 }, () => 'NO_CLUSTERS'));
    expect(atlas.maxInFlight).toBe(3);
  });

  it('logs the clusters each selector found, with the list bounded', async () => {
    const atlas = new FakeAtlas();
    for (let i = 0; i < 120; i++) atlas.addCluster(P1, replicaSet(`C${i}`, { backupEnabled: false }));
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger({ write: (line) => lines.push(JSON.parse(line)) });

    await runTargets({ ...context(atlas, request([{ projectId: P1, clusterName: '*' }])), logger });

    const expanded = lines.filter((l) => l.message === LogEvents.expanded);
    expect(expanded).toHaveLength(1);
    expect(expanded[0]).toMatchObject({ selector: `${P1}/*`, projects: [P1], moreClusters: 20 });
    expect(expanded[0]!.clusters).toHaveLength(100);
    expect((expanded[0]!.clusters as string[])[0]).toBe('C0');
  });
});
