/**
 * Named scenarios for the simulator, shared by the CLI, `npm start` and the end-to-end tests.
 * Every preset knows both demo credentials (service account and API key), so the secret a
 * run uses decides the auth kind; `targets` are what to put in ATLAS_TARGETS.
 */
import type { AtlasSimulatorOptions, SimulatorSeed } from './server';
import { type ClusterSeed, type ProjectSeed, snapshotHistory } from './state';

export const DEMO_PROJECT_ID = '65a1b2c3d4e5f60718293a4b';
/** A well-formed project id the simulator does not know (404 GROUP_NOT_FOUND). */
export const UNKNOWN_PROJECT_ID = '65a1b2c3d4e5f60718293aff';

/** Demo credentials only valid against the simulator. */
export const DEMO_SERVICE_ACCOUNT = {
  clientId: 'mdb_sa_id_65a1b2c3d4e5f60718293a50',
  clientSecret: 'mdb_sa_sk_local-simulator-only-not-a-real-secret',
} as const;
export const DEMO_API_KEY = {
  publicKey: 'simpubkey',
  privateKey: '00000000-0000-4000-8000-00000000sim0',
} as const;

/** SecretString values (DESIGN.md section 4) for the local Secrets Manager. */
export const DEMO_SECRET_STRINGS = {
  serviceAccount: JSON.stringify({
    clientId: DEMO_SERVICE_ACCOUNT.clientId,
    clientSecret: DEMO_SERVICE_ACCOUNT.clientSecret,
  }),
  apiKey: JSON.stringify({ publicKey: DEMO_API_KEY.publicKey, privateKey: DEMO_API_KEY.privateKey }),
  /** MongoDB's CloudFormation profile shape. */
  cfnProfile: JSON.stringify({ PublicKey: DEMO_API_KEY.publicKey, PrivateKey: DEMO_API_KEY.privateKey }),
} as const;

/**
 * An id whose list position (md5 of the id, see ids.ts) sorts after practically any other, so
 * the pending snapshot of `many-snapshots` lands on the last page of the list.
 */
const LAST_IN_LIST_ID = '65b0c0ffee000000001b8328';

export interface PresetTarget {
  projectId: string;
  clusterName: string;
}

export interface AtlasPreset {
  name: PresetName;
  description: string;
  seed: SimulatorSeed;
  /** Simulator options the scenario needs besides its seed (rate limit, faults, ...). */
  options: Pick<AtlasSimulatorOptions, 'rateLimit' | 'tokenRateLimit' | 'faults' | 'snapshotTiming'>;
  targets: PresetTarget[];
}

export const PRESET_NAMES = [
  'default',
  'pending',
  'sharded',
  'rate-limited',
  'flex',
  'shared',
  'backup-disabled',
  'paused',
  'missing-cluster',
  'missing-project',
  'many-snapshots',
  'race',
  'flaky',
  'compliance',
  'access-list',
  'mixed',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

const credentials = (accessList?: string[]): Pick<SimulatorSeed, 'serviceAccounts' | 'apiKeys'> => {
  const restriction = accessList !== undefined ? { accessList } : {};
  return {
    serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT, ...restriction }],
    apiKeys: [{ ...DEMO_API_KEY, ...restriction }],
  };
};

function project(clusters: ClusterSeed[], extra: Partial<ProjectSeed> = {}): ProjectSeed {
  return { id: DEMO_PROJECT_ID, name: 'Local demo', clusters, ...extra };
}

const target = (clusterName: string, projectId: string = DEMO_PROJECT_ID): PresetTarget => ({ projectId, clusterName });

interface Scenario {
  description: string;
  clusters: (now: number) => ClusterSeed[];
  targets: PresetTarget[];
  options?: AtlasPreset['options'];
  project?: Partial<ProjectSeed>;
  accessList?: string[];
}

const replicaSet = (now: number, name = 'Cluster0', extra: Partial<ClusterSeed> = {}): ClusterSeed => ({
  name,
  snapshots: snapshotHistory(12, now),
  ...extra,
});

const SCENARIOS: Record<PresetName, Scenario> = {
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
};

/** The preset's seed and options; `now` dates the snapshot history (use the simulator's clock). */
export function atlasPreset(name: PresetName, now: number = Date.now()): AtlasPreset {
  const scenario = SCENARIOS[name];
  return {
    name,
    description: scenario.description,
    seed: { ...credentials(scenario.accessList), projects: [project(scenario.clusters(now), scenario.project)] },
    options: scenario.options ?? {},
    targets: scenario.targets,
  };
}

/**
 * Options for `startAtlasSimulator` that reproduce a preset. Values set in `base` win over the
 * preset's (e.g. a CLI `--rate-limit`; one given as undefined is not set), faults of both apply,
 * and the seed is the preset's.
 */
export function presetOptions(
  name: PresetName,
  base: { [K in keyof AtlasSimulatorOptions]?: AtlasSimulatorOptions[K] | undefined } = {},
): AtlasSimulatorOptions {
  const now = (base.clock ?? { now: () => Date.now() }).now();
  const preset = atlasPreset(name, now);
  const defined = Object.fromEntries(Object.entries(base).filter(([, value]) => value !== undefined));
  return {
    ...preset.options,
    ...defined,
    faults: [...(preset.options.faults ?? []), ...(base.faults ?? [])],
    seed: preset.seed,
  };
}
