/**
 * The simulated Atlas organization: projects, clusters and their cloud backup snapshots.
 * Snapshot status is derived from the clock (see snapshots.ts), so no timers run and tests move
 * time with a `ManualClock`. Atlas's domain guards for taking a snapshot and for changing its
 * retention live here; HTTP-level checks live in api.ts.
 */
import { DAY_MS, type RetentionUnit, addRetention, representable } from './calendar';
import type { Clock } from './clock';
import { atlasErrors } from './errors';
import { objectId } from './ids';
import type {
  ClusterKind,
  ClusterRecord,
  ClusterSeed,
  ProjectRecord,
  ProjectSeed,
  SnapshotOutcome,
  SnapshotRecord,
  SnapshotSeed,
  SnapshotStatus,
  SnapshotTiming,
  SnapshotType,
  SnapshotView,
} from './model';
import { PENDING, SnapshotStore, newSnapshotRecord } from './snapshots';

export type * from './model';
export { snapshotHistory } from './history';

/** About the 2.5 minutes docs/atlas-api.md reports for a small cluster. */
export const DEFAULT_SNAPSHOT_TIMING: SnapshotTiming = { queuedMs: 30_000, inProgressMs: 120_000 };

/** The organization every seeded project belongs to unless its seed says otherwise. */
export const DEMO_ORG_ID = '65a1b2c3d4e5f60718293a01';

export interface OnDemandRequest {
  description?: string;
  retentionInDays: number;
}

export interface RetentionChange {
  retentionUnit: RetentionUnit;
  retentionValue: number;
}

export interface AtlasStateOptions {
  /** How taken snapshots end unless their cluster says otherwise (default `completed`). */
  snapshotOutcome?: SnapshotOutcome;
}

export class AtlasState {
  private readonly projectsById = new Map<string, ProjectRecord>();
  private readonly store: SnapshotStore;

  constructor(
    private readonly clock: Clock,
    public timing: SnapshotTiming = { ...DEFAULT_SNAPSHOT_TIMING },
    private readonly options: AtlasStateOptions = {},
  ) {
    this.store = new SnapshotStore(clock, () => this.timing);
  }

  addProject(seed: ProjectSeed): ProjectRecord {
    if (this.projectsById.has(seed.id)) throw new Error(`project ${seed.id} already exists`);
    const project: ProjectRecord = {
      id: seed.id,
      name: seed.name ?? `Project ${seed.id.slice(-4)}`,
      orgId: seed.orgId ?? DEMO_ORG_ID,
      created: this.clock.now() - 365 * DAY_MS,
      ...(seed.compliance !== undefined ? { compliance: seed.compliance } : {}),
      denyList: seed.denyList ?? false,
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

  /** Makes the project refuse (or again allow) listing its clusters. */
  setDenyList(projectId: string, denyList: boolean): void {
    this.requireProject(projectId).denyList = denyList;
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
      tags: tagList(seed.tags ?? {}),
      flexShape: seed.flexShape ?? 'error',
      ...(seed.snapshotOutcome !== undefined ? { snapshotOutcome: seed.snapshotOutcome } : {}),
      failNextSnapshots: seed.failNextSnapshots ?? 0,
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

  /** Change a cluster in place (pause it, disable backup, how its snapshots end, ...). */
  updateCluster(
    projectId: string,
    name: string,
    patch: Partial<Pick<ClusterRecord, 'paused' | 'backupEnabled' | 'stateName' | 'snapshotOutcome' | 'flexShape'>>,
  ): void {
    Object.assign(this.requireCluster(projectId, name), patch);
  }

  /** The next `count` snapshots taken on the cluster end `failed`. */
  failNextSnapshot(projectId: string, clusterName: string, count = 1): void {
    this.requireCluster(projectId, clusterName).failNextSnapshots += count;
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
    const record = newSnapshotRecord(cluster, {
      ...(seed.id !== undefined ? { id: seed.id } : {}),
      snapshotType,
      description: seed.description ?? defaultDescription(snapshotType),
      frequencyType: seed.frequencyType ?? (snapshotType === 'onDemand' ? 'ondemand' : 'daily'),
      retentionInDays: seed.retentionInDays ?? 7,
      requestedAt,
      ...(seed.progress && seed.status === 'failed' ? { outcome: 'failed' as const } : {}),
    });
    if (seed.expiresAt !== undefined) record.expiresAtOverride = new Date(seed.expiresAt).getTime();
    if (!seed.progress) {
      record.pinnedStatus = seed.status ?? 'completed';
      if (record.pinnedStatus === 'completed') record.createdAt = requestedAt;
    }
    return this.store.add(record);
  }

  /**
   * Atlas's take-snapshot rules once the request itself is valid: backup must be on, the
   * cluster running, the retention at least the compliance minimum, and no other on-demand
   * snapshot queued or in progress (unless `bypassGuard`, used to stage another client's snapshot).
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
    return this.store.add(
      newSnapshotRecord(cluster, {
        snapshotType: 'onDemand',
        description: request.description ?? '',
        frequencyType: 'ondemand',
        retentionInDays: request.retentionInDays,
        requestedAt: this.clock.now(),
        outcome: bypassGuard ? 'completed' : this.nextOutcome(cluster),
      }),
    );
  }

  /**
   * PATCH retention (docs/atlas-api.md): only a completed snapshot; its new `expiresAt` is
   * `createdAt` + value x unit; with a Backup Compliance Policy it may not come earlier than the
   * current `expiresAt`.
   */
  setSnapshotRetention(record: SnapshotRecord, change: RetentionChange): SnapshotRecord {
    const view = this.store.view(record);
    if (PENDING.includes(view.status)) throw atlasErrors.cannotModifyInProgress(record.id);
    // Assumption: a failed snapshot has no createdAt to count from, so it cannot be modified.
    if (view.createdAt === undefined) throw atlasErrors.cannotModifySnapshot(record.id);
    const expiresAt = addRetention(view.createdAt, change.retentionUnit, change.retentionValue);
    if (!representable(expiresAt)) throw atlasErrors.validation('retentionValue is too large');
    const project = this.requireProject(record.groupId);
    if (project.compliance && expiresAt < view.expiresAt) throw atlasErrors.cannotDecreaseWithCompliance(record.id);
    record.expiresAtOverride = expiresAt;
    return record;
  }

  /** The cluster's snapshots in a stable order that is deliberately not by date. */
  snapshots(projectId: string, clusterName: string): SnapshotRecord[] {
    return this.store.ofCluster(projectId, clusterName);
  }

  snapshot(id: string): SnapshotRecord | undefined {
    return this.store.get(id);
  }

  pendingOnDemand(projectId: string, clusterName: string): SnapshotRecord[] {
    return this.store.pendingOnDemand(projectId, clusterName);
  }

  /** Status, dates, size and the fields that appear with progress, as Atlas would report them now. */
  view(record: SnapshotRecord): SnapshotView {
    return this.store.view(record);
  }

  /** Pins a snapshot's status (e.g. finish a pending one `completed` or `failed` now). */
  setSnapshotStatus(id: string, status: SnapshotStatus): void {
    const record = this.store.get(id);
    if (!record) throw new Error(`no snapshot ${id}`);
    this.store.pin(record, status);
  }

  /** Finishes every pending snapshot (all clusters) as `completed`. */
  completePendingSnapshots(): void {
    for (const record of this.store.all()) {
      if (PENDING.includes(this.store.status(record))) this.store.pin(record, 'completed');
    }
  }

  private nextOutcome(cluster: ClusterRecord): SnapshotOutcome {
    if (cluster.failNextSnapshots > 0) {
      cluster.failNextSnapshots -= 1;
      return 'failed';
    }
    return cluster.snapshotOutcome ?? this.options.snapshotOutcome ?? 'completed';
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
  // A flex cluster shown in TENANT shape names a tenant size (the enum has no FLEX instanceSize).
  if (kind === 'flex') return 'M5';
  return 'M10';
}

function defaultDescription(type: SnapshotType): string {
  return type === 'onDemand' ? 'on-demand snapshot' : '';
}

/** Atlas's tag rules: keys and values of 1-255 characters. */
function tagList(tags: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.entries(tags).map(([key, value]) => {
    if (key.length < 1 || key.length > 255 || value.length < 1 || value.length > 255) {
      throw new Error(`tag ${JSON.stringify(key)}=${JSON.stringify(value)}: keys and values need 1-255 characters`);
    }
    return { key, value };
  });
}
