/**
 * Selection scenarios: several projects, tags that match and tags that almost do, and a project
 * that refuses its cluster list. Their targets are selectors (docs/design.md, selecting clusters).
 */
import { DEMO_PROJECT_ID, demoProjectId } from './demo';
import { snapshotHistory } from './history';
import type { ClusterSeed, ProjectSeed } from './model';
import type { PresetTarget, Scenario } from './scenarios';

const ON_DEMAND = { backup: 'on-demand' } as const;
const TAGGED: PresetTarget = { projectId: '*', clusterName: '*', tags: { ...ON_DEMAND } };

const cluster = (now: number, name: string, extra: Partial<ClusterSeed> = {}): ClusterSeed => ({
  name,
  snapshots: snapshotHistory(4, now),
  ...extra,
});

function manyProjects(now: number): ProjectSeed[] {
  return [
    {
      id: DEMO_PROJECT_ID,
      name: 'Local demo',
      clusters: [
        cluster(now, 'Cluster0', { tags: { ...ON_DEMAND } }),
        cluster(now, 'Analytics', { tags: { env: 'analytics' } }),
      ],
    },
    {
      id: demoProjectId(1),
      name: 'Payments',
      clusters: [
        cluster(now, 'Payments0', { tags: { ...ON_DEMAND, env: 'prod' } }),
        cluster(now, 'PaymentsStaging', { tags: { backup: 'none', env: 'staging' } }),
      ],
    },
    {
      id: demoProjectId(2),
      name: 'Search',
      clusters: [
        cluster(now, 'SearchSharded', { kind: 'sharded', numShards: 2, instanceSize: 'M30', tags: { ...ON_DEMAND } }),
        cluster(now, 'SearchPaused', { paused: true, tags: { ...ON_DEMAND } }),
      ],
    },
    {
      id: demoProjectId(3),
      name: 'Sandbox',
      clusters: [
        { name: 'FlexSandbox', kind: 'flex', flexShape: 'tenant', tags: { ...ON_DEMAND } },
        // The cluster API refuses this one, and so the cluster list leaves it out (see api.ts).
        { name: 'FlexNew', kind: 'flex', tags: { ...ON_DEMAND } },
        { name: 'SharedSandbox', kind: 'shared', tags: { ...ON_DEMAND } },
      ],
    },
    {
      id: demoProjectId(4),
      name: 'Reporting',
      clusters: [cluster(now, 'Reporting0', { tags: { ...ON_DEMAND } }), cluster(now, 'Reporting1')],
    },
    {
      id: demoProjectId(5),
      name: 'Archive',
      clusters: [{ name: 'ArchiveNoBackup', backupEnabled: false, tags: { ...ON_DEMAND } }],
    },
  ];
}

export const FLEET_SCENARIOS = {
  'many-projects': {
    description:
      'six projects; clusters tagged backup=on-demand or not, one paused, a flex one (TENANT shape) and one the API refuses, one shared, one without backup; selected by tag over "*"',
    projects: manyProjects,
    targets: [TAGGED],
  },
  tagged: {
    description:
      'one project whose clusters are tagged backup=on-demand (Cluster0, Cluster1) or almost (Backup=on-demand, backup=On-Demand, backup=weekly, none)',
    clusters: (now) => [
      cluster(now, 'Cluster0', { tags: { ...ON_DEMAND } }),
      cluster(now, 'Cluster1', { tags: { env: 'prod', ...ON_DEMAND } }),
      cluster(now, 'KeyCase', { tags: { Backup: 'on-demand' } }),
      cluster(now, 'ValueCase', { tags: { backup: 'On-Demand' } }),
      cluster(now, 'Weekly', { tags: { backup: 'weekly' } }),
      cluster(now, 'Untagged'),
    ],
    targets: [{ projectId: DEMO_PROJECT_ID, clusterName: '*', tags: { ...ON_DEMAND } }],
  },
  'project-denied': {
    description: 'three projects over "*": Restricted refuses listing its clusters (403 USER_UNAUTHORIZED)',
    projects: (now) => [
      { id: DEMO_PROJECT_ID, name: 'Local demo', clusters: [cluster(now, 'Cluster0')] },
      { id: demoProjectId(16), name: 'Restricted', denyList: true, clusters: [cluster(now, 'Secret0')] },
      { id: demoProjectId(17), name: 'Team B', clusters: [cluster(now, 'TeamB0')] },
    ],
    targets: [{ projectId: '*', clusterName: '*' }],
  },
} satisfies Record<string, Scenario>;
