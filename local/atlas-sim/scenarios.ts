/**
 * The scenarios behind the presets: the round-1 single-project ones and the snapshot-life ones
 * (a snapshot that fails, one that never finishes, a promotion history, a deprecated version).
 * The selection scenarios (several projects, tags, a refused list) are in scenarios-fleet.ts.
 */
import { DAY_MS } from './calendar';
import { DEMO_PROJECT_ID, UNKNOWN_PROJECT_ID } from './demo';
import { promotionHistory, snapshotHistory } from './history';
import type { ClusterSeed, ProjectSeed } from './model';
import type { AtlasSimulatorOptions } from './simulator';

/**
 * What to put in ATLAS_TARGETS: a named cluster or a selector (`"*"` and `tags`, docs/design.md,
 * selecting clusters).
 */
export interface PresetTarget {
  projectId: string;
  clusterName: string;
  tags?: Record<string, string>;
}

export type PresetOptions = Pick<
  AtlasSimulatorOptions,
  | 'rateLimit'
  | 'endpointRateLimits'
  | 'tokenRateLimit'
  | 'faults'
  | 'snapshotTiming'
  | 'snapshotOutcome'
  | 'deprecations'
>;

export interface Scenario {
  description: string;
  /** The clusters of the one demo project (`project` adds to it) ... */
  clusters?: (now: number) => ClusterSeed[];
  project?: Partial<ProjectSeed>;
  /** ... or every project, for scenarios over several. */
  projects?: (now: number) => ProjectSeed[];
  targets: PresetTarget[];
  options?: PresetOptions | ((now: number) => PresetOptions);
  accessList?: string[];
}

/**
 * An id whose list position (md5 of the id, see ids.ts) sorts after practically any other, so
 * the pending snapshot of `many-snapshots` lands on the last page of the list.
 */
const LAST_IN_LIST_ID = '65b0c0ffee000000001b8328';

export const target = (clusterName: string, projectId: string = DEMO_PROJECT_ID): PresetTarget => ({
  projectId,
  clusterName,
});

const replicaSet = (now: number, name = 'Cluster0', extra: Partial<ClusterSeed> = {}): ClusterSeed => ({
  name,
  snapshots: snapshotHistory(12, now),
  ...extra,
});

export const ROUND_ONE_SCENARIOS = {
  default: {
    description: 'one M10 replica set (Cluster0) with completed scheduled snapshots: a snapshot gets requested',
    clusters: (now) => [replicaSet(now)],
    targets: [target('Cluster0')],
  },
  pending: {
    description: 'Cluster0 already has an on-demand snapshot in progress: the run is SKIPPED',
    clusters: (now) => [
      replicaSet(now, 'Cluster0', {
        snapshots: [
          ...snapshotHistory(12, now),
          { snapshotType: 'onDemand', status: 'inProgress', createdAt: now - 60_000, description: 'taken earlier' },
        ],
      }),
    ],
    targets: [target('Cluster0')],
  },
  sharded: {
    description: 'a sharded cluster (ShardedCluster, 3 shards) and a geosharded one (GlobalCluster)',
    clusters: () => [
      {
        name: 'ShardedCluster',
        kind: 'sharded',
        numShards: 3,
        instanceSize: 'M30',
        snapshots: [{ snapshotType: 'scheduled', status: 'completed' }],
      },
      { name: 'GlobalCluster', kind: 'geoSharded', numShards: 2, instanceSize: 'M30', configServerType: 'DEDICATED' },
    ],
    targets: [target('ShardedCluster'), target('GlobalCluster')],
  },
  'rate-limited': {
    description: 'Cluster0 behind a tight token bucket (2 requests, 1 more every 2 s): 429 with Retry-After',
    clusters: (now) => [replicaSet(now)],
    targets: [target('Cluster0')],
    options: { rateLimit: { capacity: 2, refillPerSecond: 0.5, scope: 'project' } },
  },
  flex: {
    description: 'a flex cluster (FlexCluster): the cluster API refuses it (CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API)',
    clusters: (now) => [replicaSet(now), { name: 'FlexCluster', kind: 'flex' }],
    targets: [target('FlexCluster')],
  },
  shared: {
    description: 'a shared-tier M0 cluster (SharedCluster): no cloud backup',
    clusters: () => [{ name: 'SharedCluster', kind: 'shared' }],
    targets: [target('SharedCluster')],
  },
  'backup-disabled': {
    description: 'an M10 with backup disabled (NoBackup): take-snapshot answers BACKUP_JOB_NOT_FOUND',
    clusters: () => [{ name: 'NoBackup', backupEnabled: false }],
    targets: [target('NoBackup')],
  },
  paused: {
    description: 'a paused M10 (PausedCluster)',
    clusters: (now) => [replicaSet(now, 'PausedCluster', { paused: true })],
    targets: [target('PausedCluster')],
  },
  'missing-cluster': {
    description: 'the target cluster does not exist: 404 CLUSTER_NOT_FOUND',
    clusters: (now) => [replicaSet(now)],
    targets: [target('NoSuchCluster')],
  },
  'missing-project': {
    description: 'the target project does not exist: 404 GROUP_NOT_FOUND',
    clusters: (now) => [replicaSet(now)],
    targets: [target('Cluster0', UNKNOWN_PROJECT_ID)],
  },
  'many-snapshots': {
    description: '260 snapshots; the pending on-demand one is not on the first page (every page must be read)',
    clusters: (now) => [
      replicaSet(now, 'Cluster0', {
        snapshots: [
          ...snapshotHistory(259, now),
          { id: LAST_IN_LIST_ID, snapshotType: 'onDemand', status: 'queued', createdAt: now - 30_000 },
        ],
      }),
    ],
    targets: [target('Cluster0')],
  },
  race: {
    description:
      'another client takes an on-demand snapshot between our check and our request: UNFINISHED_ON_DEMAND_SNAPSHOT',
    clusters: (now) => [replicaSet(now)],
    targets: [target('Cluster0')],
    options: { faults: [{ kind: 'race', endpoint: 'takeSnapshot', times: 1 }] },
  },
  flaky: {
    description:
      'transient failures: the first cluster read answers 503, the first snapshot list resets the connection',
    clusters: (now) => [replicaSet(now)],
    targets: [target('Cluster0')],
    options: {
      faults: [
        { kind: 'error', endpoint: 'getCluster', status: 503, times: 1 },
        { kind: 'reset', endpoint: 'listSnapshots', times: 1 },
      ],
    },
  },
  compliance: {
    description: 'a Backup Compliance Policy requires at least 30 days of retention',
    clusters: (now) => [replicaSet(now)],
    targets: [target('Cluster0')],
    project: { compliance: { minRetentionDays: 30 } },
  },
  'access-list': {
    description: 'both credentials only allowed from 203.0.113.10: API calls answer IP_ADDRESS_NOT_ON_ACCESS_LIST',
    clusters: (now) => [replicaSet(now)],
    targets: [target('Cluster0')],
    accessList: ['203.0.113.10'],
  },
  mixed: {
    description: 'every kind of cluster in one project, targeted with "*"',
    clusters: (now) => [
      replicaSet(now, 'Cluster0'),
      replicaSet(now, 'Busy', { snapshots: [{ snapshotType: 'onDemand', status: 'queued', createdAt: now - 10_000 }] }),
      { name: 'ShardedCluster', kind: 'sharded', numShards: 2 },
      // TENANT shape: the cluster list leaves out a flex cluster that answers the 400 (see api.ts).
      { name: 'FlexCluster', kind: 'flex', flexShape: 'tenant' },
      { name: 'SharedCluster', kind: 'shared' },
      { name: 'NoBackup', backupEnabled: false },
    ],
    targets: [target('*')],
  },
} satisfies Record<string, Scenario>;

const iso = (ms: number): string => new Date(ms).toISOString();

export const LIFECYCLE_SCENARIOS = {
  'snapshot-fails': {
    description: 'Cluster0: the snapshot a run requests ends failed (a follow-up sees status failed)',
    clusters: (now) => [replicaSet(now, 'Cluster0', { snapshotOutcome: 'failed' })],
    targets: [target('Cluster0')],
  },
  'never-finishes': {
    description: 'Cluster0: the snapshot a run requests stays inProgress until told (follow-ups until the deadline)',
    clusters: (now) => [replicaSet(now, 'Cluster0', { snapshotOutcome: 'never' })],
    targets: [target('Cluster0')],
  },
  promotion: {
    description:
      "Cluster0 and ShardedCluster with 400 days of nightly on-demand snapshots kept grandfather-father-son in UTC (first of year 7 years, of month 12 months, of ISO week 4 weeks, others 7 days), this week's never promoted",
    clusters: (now) => [
      replicaSet(now, 'Cluster0', { snapshots: [...snapshotHistory(12, now), ...promotionHistory(now)] }),
      { name: 'ShardedCluster', kind: 'sharded', numShards: 2, instanceSize: 'M30', snapshots: promotionHistory(now) },
    ],
    targets: [target('Cluster0'), target('ShardedCluster')],
  },
  deprecated: {
    description:
      'the cluster API version 2024-08-05 is deprecated (since 30 days, sunset in 180): answers carry Deprecation and Sunset',
    clusters: (now) => [replicaSet(now)],
    targets: [target('Cluster0')],
    options: (now) => ({
      deprecations: [
        {
          date: '2024-08-05',
          resource: 'clusters',
          deprecation: `@${Math.floor((now - 30 * DAY_MS) / 1000)}`,
          sunset: iso(now + 180 * DAY_MS).slice(0, 10),
        },
      ],
    }),
  },
} satisfies Record<string, Scenario>;
