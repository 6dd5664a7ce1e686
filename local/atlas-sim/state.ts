/**
 * The simulated Atlas organization: projects, clusters and their cloud backup snapshots.
 * Snapshot status is derived from the clock (queued -> inProgress -> completed over
 * `SnapshotTiming`), so no timers run and tests move time with a `ManualClock`.
 * Atlas's domain guards for taking a snapshot live here; HTTP-level checks live in api.ts.
 */
import type { Clock } from './clock';
import { atlasErrors } from './errors';
import { objectId, scrambledKey } from './ids';

export type ClusterKind = 'replicaSet' | 'sharded' | 'geoSharded' | 'flex' | 'shared';
export type SnapshotStatus = 'queued' | 'inProgress' | 'completed' | 'failed';
export type SnapshotType = 'onDemand' | 'scheduled' | 'fallback';
export type TimeInput = number | string | Date;

export interface SnapshotTiming {
  /** Time a taken snapshot stays `queued` (createdAt absent meanwhile). */
  queuedMs: number;
  /** Then time it stays `inProgress` before `completed`. */
  inProgressMs: number;
}

/** About the 2.5 minutes ATLAS.md reports for a small cluster. */
export const DEFAULT_SNAPSHOT_TIMING: SnapshotTiming = { queuedMs: 30_000, inProgressMs: 120_000 };

export interface ClusterSeed {
  name: string;
  /** Default `replicaSet`. */
  kind?: ClusterKind;
  /** Default M10 (M0 for shared tier, FLEX for flex). */
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
  /** When it was taken (default one hour before now); for `progress`, when it was requested. */
  createdAt?: TimeInput;
  /** Default 7. */
  retentionInDays?: number;
  description?: string;
  /** Default by type: `ondemand` for on-demand (as observed), `daily` otherwise. */
  frequencyType?: string;
}

export interface ProjectSeed {
  id: string;
  name?: string;
  /** Backup Compliance Policy: the smallest retention an on-demand snapshot may ask for. */
  compliance?: { minRetentionDays: number };
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
  expiresAt: number;
  /** Set for seeded snapshots and by `setSnapshotStatus`: status no longer follows the clock. */
  pinnedStatus?: SnapshotStatus;
  /** Fixed creation time (seeded or pinned snapshots); otherwise the end of the queued phase. */
  createdAt?: number;
  /** Status reached at the end of the timeline (`failed` can be forced with setSnapshotStatus). */
  finalStatus: 'completed' | 'failed';
  mongodVersion: string;
  replicaSetName?: string;
  members?: SnapshotMember[];
  configServerType?: 'EMBEDDED' | 'DEDICATED';
}

export interface SnapshotView {
  status: SnapshotStatus;
  /** Absent while queued. */
  createdAt?: number;
  storageSizeBytes?: number;
}

export interface ProjectRecord {
  id: string;
  name: string;
  compliance?: { minRetentionDays: number };
  clusters: Map<string, ClusterRecord>;
}

export interface OnDemandRequest {
  description?: string;
  retentionInDays: number;
}

const DAY_MS = 86_400_000;
const PENDING: SnapshotStatus[] = ['queued', 'inProgress'];

export class AtlasState {
  private readonly projectsById = new Map<string, ProjectRecord>();
  private readonly snapshotsById = new Map<string, SnapshotRecord>();

  constructor(
    private readonly clock: Clock,
    public timing: SnapshotTiming = { ...DEFAULT_SNAPSHOT_TIMING },
  ) {}

  addProject(seed: ProjectSeed): ProjectRecord {
    if (this.projectsById.has(seed.id)) throw new Error(`project ${seed.id} already exists`);
    const project: ProjectRecord = {
      id: seed.id,
      name: seed.name ?? `Project ${seed.id.slice(-4)}`,
      ...(seed.compliance !== undefined ? { compliance: seed.compliance } : {}),
      clusters: new Map(),
    };
    this.projectsById.set(seed.id, project);
    for (const cluster of seed.clusters ?? []) this.addCluster(seed.id, cluster);
    return project;
  }

  project(id: string): ProjectRecord | undefined {
    return this.projectsById.get(id);
  }

  projects(): ProjectRecord[] {
    return [...this.projectsById.values()];
  }

  setCompliance(projectId: string, minRetentionDays: number | undefined): void {
    const project = this.requireProject(projectId);
    if (minRetentionDays === undefined) delete project.compliance;
    else project.compliance = { minRetentionDays };
  }

  addCluster(projectId: string, seed: ClusterSeed): ClusterRecord {
    const project = this.requireProject(projectId);
    if (project.clusters.has(seed.name)) throw new Error(`cluster ${seed.name} already exists in ${projectId}`);
    const kind = seed.kind ?? 'replicaSet';
    const cluster: ClusterRecord = {
      id: objectId(this.clock.now()),
      groupId: projectId,
      name: seed.name,
      kind,
      instanceSize: seed.instanceSize ?? defaultInstanceSize(kind),
      backupEnabled: kind === 'shared' ? false : (seed.backupEnabled ?? true),
      paused: seed.paused ?? false,
      stateName: seed.stateName ?? 'IDLE',
      numShards: kind === 'sharded' || kind === 'geoSharded' ? (seed.numShards ?? 2) : 1,
      mongoDBMajorVersion: seed.mongoDBMajorVersion ?? '8.0',
      regionName: seed.regionName ?? 'US_EAST_1',
      configServerType: seed.configServerType ?? 'EMBEDDED',
      createDate: this.clock.now() - 90 * DAY_MS,
    };
    project.clusters.set(cluster.name, cluster);
    for (const snapshot of seed.snapshots ?? []) this.addSnapshot(projectId, cluster.name, snapshot);
    return cluster;
  }

  cluster(projectId: string, name: string): ClusterRecord | undefined {
    return this.projectsById.get(projectId)?.clusters.get(name);
  }

  clusters(projectId: string): ClusterRecord[] {
    return [...(this.projectsById.get(projectId)?.clusters.values() ?? [])];
  }

  /** Change a cluster in place (pause it, disable backup, ...). */
  updateCluster(
    projectId: string,
    name: string,
    patch: Partial<Pick<ClusterRecord, 'paused' | 'backupEnabled' | 'stateName'>>,
  ): void {
    Object.assign(this.requireCluster(projectId, name), patch);
  }

  removeCluster(projectId: string, name: string): void {
    this.requireProject(projectId).clusters.delete(name);
  }

  /** Seeds a snapshot as if Atlas had it already (scheduled history, a pending on-demand one, ...). */
  addSnapshot(projectId: string, clusterName: string, seed: SnapshotSeed = {}): SnapshotRecord {
    const cluster = this.requireCluster(projectId, clusterName);
    const snapshotType = seed.snapshotType ?? 'scheduled';
    const requestedAt =
      seed.createdAt === undefined ? this.clock.now() - 3_600_000 : new Date(seed.createdAt).getTime();
    const record = this.newSnapshot(cluster, {
      ...(seed.id !== undefined ? { id: seed.id } : {}),
      snapshotType,
      description: seed.description ?? defaultDescription(snapshotType),
      frequencyType: seed.frequencyType ?? (snapshotType === 'onDemand' ? 'ondemand' : 'daily'),
      retentionInDays: seed.retentionInDays ?? 7,
      requestedAt,
    });
    if (!seed.progress) {
      record.pinnedStatus = seed.status ?? 'completed';
      record.createdAt = requestedAt;
    } else if (seed.status === 'failed') record.finalStatus = 'failed';
    return record;
  }

  /**
   * Atlas's take-snapshot rules once the request itself is valid: backup must be on, the
   * cluster running, the retention at least the compliance minimum, and no other on-demand
   * snapshot queued or in progress (unless `bypassGuard`, used to stage a race).
   */
  takeOnDemandSnapshot(
    projectId: string,
    clusterName: string,
    request: OnDemandRequest,
    bypassGuard = false,
  ): SnapshotRecord {
    const project = this.requireProject(projectId);
    const cluster = this.requireCluster(projectId, clusterName);
    if (cluster.kind === 'flex') throw atlasErrors.flexInClusterApi(cluster.name);
    if (!cluster.backupEnabled) throw atlasErrors.backupNotEnabled();
    if (cluster.paused) throw atlasErrors.clusterPaused(cluster.name);
    const minimum = project.compliance?.minRetentionDays;
    if (minimum !== undefined && request.retentionInDays < minimum) throw atlasErrors.retentionBelowCompliance(minimum);
    if (!bypassGuard && this.pendingOnDemand(projectId, clusterName).length > 0) throw atlasErrors.unfinishedOnDemand();
    return this.newSnapshot(cluster, {
      snapshotType: 'onDemand',
      description: request.description ?? '',
      frequencyType: 'ondemand',
      retentionInDays: request.retentionInDays,
      requestedAt: this.clock.now(),
    });
  }

  /** The cluster's snapshots in a stable order that is deliberately not by date. */
  snapshots(projectId: string, clusterName: string): SnapshotRecord[] {
    return [...this.snapshotsById.values()]
      .filter((snapshot) => snapshot.groupId === projectId && snapshot.clusterName === clusterName)
      .sort((a, b) => scrambledKey(a.id).localeCompare(scrambledKey(b.id)));
  }

  snapshot(id: string): SnapshotRecord | undefined {
    return this.snapshotsById.get(id);
  }

  pendingOnDemand(projectId: string, clusterName: string): SnapshotRecord[] {
    return this.snapshots(projectId, clusterName).filter(
      (snapshot) => snapshot.snapshotType === 'onDemand' && PENDING.includes(this.view(snapshot).status),
    );
  }

  /** Status, createdAt and size as Atlas would report them right now. */
  view(record: SnapshotRecord): SnapshotView {
    const status = record.pinnedStatus ?? this.timelineStatus(record);
    if (status === 'queued') return { status };
    const createdAt = record.createdAt ?? record.requestedAt + this.timing.queuedMs;
    if (status === 'completed') return { status, createdAt, storageSizeBytes: 1_845_493_760 };
    return { status, createdAt };
  }

  /** Pins a snapshot's status (e.g. make a pending one `completed` or `failed` now). */
  setSnapshotStatus(id: string, status: SnapshotStatus): void {
    const record = this.snapshotsById.get(id);
    if (!record) throw new Error(`no snapshot ${id}`);
    if (status !== 'queued' && record.createdAt === undefined) {
      // Keep the creation time it already shows; a snapshot still queued starts now.
      record.createdAt = Math.min(this.clock.now(), record.requestedAt + this.timing.queuedMs);
    }
    record.pinnedStatus = status;
  }

  /** Finishes every pending snapshot (all clusters) as `completed`. */
  completePendingSnapshots(): void {
    for (const record of this.snapshotsById.values()) {
      if (PENDING.includes(this.view(record).status)) this.setSnapshotStatus(record.id, 'completed');
    }
  }

  private timelineStatus(record: SnapshotRecord): SnapshotStatus {
    const elapsed = this.clock.now() - record.requestedAt;
    if (elapsed < this.timing.queuedMs) return 'queued';
    if (elapsed < this.timing.queuedMs + this.timing.inProgressMs) return 'inProgress';
    return record.finalStatus;
  }

  private newSnapshot(
    cluster: ClusterRecord,
    fields: Pick<
      SnapshotRecord,
      'snapshotType' | 'description' | 'frequencyType' | 'retentionInDays' | 'requestedAt'
    > & { id?: string },
  ): SnapshotRecord {
    const id = fields.id ?? objectId(fields.requestedAt);
    if (this.snapshotsById.has(id)) throw new Error(`snapshot ${id} already exists`);
    const sharded = cluster.kind === 'sharded' || cluster.kind === 'geoSharded';
    const record: SnapshotRecord = {
      ...fields,
      id,
      groupId: cluster.groupId,
      clusterName: cluster.name,
      type: sharded ? 'shardedCluster' : 'replicaSet',
      expiresAt: fields.requestedAt + fields.retentionInDays * DAY_MS,
      finalStatus: 'completed',
      mongodVersion: `${cluster.mongoDBMajorVersion}.4`,
    };
    if (sharded) {
      record.members = shardMembers(cluster, fields.requestedAt);
      record.configServerType = cluster.configServerType;
    } else {
      record.replicaSetName = `${cluster.name.toLowerCase()}-shard-0`;
    }
    this.snapshotsById.set(id, record);
    return record;
  }

  private requireProject(id: string): ProjectRecord {
    const project = this.projectsById.get(id);
    if (!project) throw new Error(`no project ${id}`);
    return project;
  }

  private requireCluster(projectId: string, name: string): ClusterRecord {
    const cluster = this.requireProject(projectId).clusters.get(name);
    if (!cluster) throw new Error(`no cluster ${name} in ${projectId}`);
    return cluster;
  }
}

function defaultInstanceSize(kind: ClusterKind): string {
  if (kind === 'shared') return 'M0';
  if (kind === 'flex') return 'FLEX';
  return 'M10';
}

function defaultDescription(type: SnapshotType): string {
  return type === 'onDemand' ? 'on-demand snapshot' : '';
}

/** One member snapshot per shard, plus the config server when it is dedicated. */
function shardMembers(cluster: ClusterRecord, at: number): SnapshotMember[] {
  const names = Array.from({ length: cluster.numShards }, (_, i) => `${cluster.name.toLowerCase()}-shard-${i}`);
  if (cluster.configServerType === 'DEDICATED') names.push(`${cluster.name.toLowerCase()}-config-0`);
  return names.map((replicaSetName) => ({ cloudProvider: 'AWS', id: objectId(at), replicaSetName }));
}

export interface HistoryOptions {
  /** Newest snapshot time (default: the clock's now minus one hour). */
  newest?: number;
  /** Hours between two snapshots (default 6). */
  intervalHours?: number;
  /** Every n-th one is a `fallback` snapshot (default 7; 0 = none). */
  fallbackEvery?: number;
}

/** `count` completed scheduled/fallback snapshots, enough to make lists span several pages. */
export function snapshotHistory(count: number, now: number, options: HistoryOptions = {}): SnapshotSeed[] {
  const newest = options.newest ?? now - 3_600_000;
  const interval = (options.intervalHours ?? 6) * 3_600_000;
  const fallbackEvery = options.fallbackEvery ?? 7;
  return Array.from({ length: count }, (_, i) => ({
    snapshotType: fallbackEvery > 0 && i % fallbackEvery === fallbackEvery - 1 ? 'fallback' : 'scheduled',
    status: 'completed',
    createdAt: newest - i * interval,
    retentionInDays: 30,
    frequencyType: i % 4 === 0 ? 'hourly' : 'daily',
  }));
}
