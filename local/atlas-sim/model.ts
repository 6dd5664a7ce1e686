/**
 * What the simulated organization is made of: the seeds a test or preset writes, and the records
 * the simulator keeps. Shapes of the answers live in render.ts; rules in state.ts and snapshots.ts.
 */

export type ClusterKind = 'replicaSet' | 'sharded' | 'geoSharded' | 'flex' | 'shared';
export type SnapshotStatus = 'queued' | 'inProgress' | 'completed' | 'failed';
export type SnapshotType = 'onDemand' | 'scheduled' | 'fallback';
export type TimeInput = number | string | Date;
/**
 * How snapshots taken on a cluster end: `completed` (default), `failed`, or `never` (they stay
 * `inProgress` until `setSnapshotStatus` finishes them).
 */
export type SnapshotOutcome = 'completed' | 'failed' | 'never';
/**
 * How the 2024-08-05 cluster API answers for a flex cluster (docs/atlas-api.md): `error` = 400
 * `CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API` (every flex cluster in the 2026 recordings), `tenant` =
 * a cluster migrated to flex earlier, rendered as `TENANT` with `effectiveInstanceSize: FLEX`.
 */
export type FlexShape = 'error' | 'tenant';

export interface SnapshotTiming {
  /** Time a taken snapshot stays `queued`. */
  queuedMs: number;
  /** Then time it stays `inProgress` before it ends (`createdAt` appears only then). */
  inProgressMs: number;
}

export interface ClusterSeed {
  name: string;
  /** Default `replicaSet`. */
  kind?: ClusterKind;
  /** Default M10 (M0 for shared tier, M5 for flex). */
  instanceSize?: string;
  /** Default true, except shared tier (always false). */
  backupEnabled?: boolean;
  paused?: boolean;
  /** Default `IDLE`. */
  stateName?: string;
  /** Shards of a sharded/geosharded cluster (default 2). */
  numShards?: number;
  /** Default `8.0`. */
  mongoDBMajorVersion?: string;
  /** Default `US_EAST_1`. */
  regionName?: string;
  /** Sharded snapshots report it; default `EMBEDDED`. */
  configServerType?: 'EMBEDDED' | 'DEDICATED';
  /** Rendered as `tags: [{key, value}]` in insertion order; keys and values 1-255 characters. */
  tags?: Record<string, string>;
  /** Flex clusters only; default `error`. */
  flexShape?: FlexShape;
  /** How snapshots taken on this cluster end; default the simulator's `snapshotOutcome`. */
  snapshotOutcome?: SnapshotOutcome;
  /** The next this many snapshots taken on this cluster end `failed` (then `snapshotOutcome`). */
  failNextSnapshots?: number;
  snapshots?: SnapshotSeed[];
}

export interface SnapshotSeed {
  id?: string;
  /** Default `scheduled`. */
  snapshotType?: SnapshotType;
  /**
   * Fixed status (default `completed`). A seeded snapshot keeps it forever unless
   * `progress` is set, in which case it moves on with the clock like a taken one.
   */
  status?: SnapshotStatus;
  progress?: boolean;
  /**
   * When it was taken (default one hour before now): its `createdAt` once completed. For a pending
   * or `progress` snapshot, when it was requested.
   */
  createdAt?: TimeInput;
  /** Default 7. */
  retentionInDays?: number;
  /** Default `createdAt` + `retentionInDays` (e.g. a snapshot whose retention was extended). */
  expiresAt?: TimeInput;
  description?: string;
  /** Default by type: `ondemand` for on-demand (as observed), `daily` otherwise. */
  frequencyType?: string;
}

export interface ProjectSeed {
  id: string;
  name?: string;
  /** Default a demo organization id. */
  orgId?: string;
  /** Backup Compliance Policy: the smallest retention an on-demand snapshot may ask for. */
  compliance?: { minRetentionDays: number };
  /** The project refuses listing its clusters: 403 `USER_UNAUTHORIZED` (an assumption, see errors.ts). */
  denyList?: boolean;
  clusters?: ClusterSeed[];
}

export interface ClusterRecord {
  id: string;
  groupId: string;
  name: string;
  kind: ClusterKind;
  instanceSize: string;
  backupEnabled: boolean;
  paused: boolean;
  stateName: string;
  numShards: number;
  mongoDBMajorVersion: string;
  regionName: string;
  configServerType: 'EMBEDDED' | 'DEDICATED';
  createDate: number;
  tags: Array<{ key: string; value: string }>;
  flexShape: FlexShape;
  snapshotOutcome?: SnapshotOutcome;
  failNextSnapshots: number;
}

export interface ProjectRecord {
  id: string;
  name: string;
  orgId: string;
  created: number;
  compliance?: { minRetentionDays: number };
  denyList: boolean;
  clusters: Map<string, ClusterRecord>;
}

export interface SnapshotMember {
  cloudProvider: string;
  id: string;
  replicaSetName: string;
}

export interface SnapshotRecord {
  id: string;
  groupId: string;
  clusterName: string;
  type: 'replicaSet' | 'shardedCluster';
  snapshotType: SnapshotType;
  description: string;
  frequencyType: string;
  retentionInDays: number;
  /** When it was requested (taken snapshots) or taken (seeded ones). */
  requestedAt: number;
  /** What the take answered (requested + retention), or the seeded expiry. */
  expiresAt: number;
  /** Set by a seed's `expiresAt` or a retention PATCH: wins over the recomputed expiry. */
  expiresAtOverride?: number;
  /** Set for seeded snapshots and by `setSnapshotStatus`: status no longer follows the clock. */
  pinnedStatus?: SnapshotStatus;
  /** Fixed creation time (seeded or pinned completed snapshots); otherwise when the timeline completes. */
  createdAt?: number;
  /** How the timeline ends. */
  outcome: SnapshotOutcome;
  /** The size once completed (derived from the id, around 1.5 GB). */
  sizeBytes: number;
  mongodVersion: string;
  replicaSetName?: string;
  members?: SnapshotMember[];
  configServerType?: 'EMBEDDED' | 'DEDICATED';
  /** List position (see ids.ts `scrambledKey`), computed once. */
  sortKey: string;
}

/** A snapshot as Atlas would report it right now (docs/atlas-api.md, recorded documents). */
export interface SnapshotView {
  status: SnapshotStatus;
  /** Present once completed only. */
  createdAt?: number;
  /** 0 until completed. */
  storageSizeBytes: number;
  expiresAt: number;
  /** Present from `inProgress` on. */
  mongodVersion?: string;
  /** Present from half way through `inProgress` on (replica-set documents). */
  cloudProvider?: string;
}
