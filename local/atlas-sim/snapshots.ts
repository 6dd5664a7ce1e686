/**
 * Cloud backup snapshots: the store (indexed per cluster, kept in list order) and what Atlas
 * reports for one at a given moment. Status follows the clock (queued -> inProgress -> the end
 * the snapshot was given) unless pinned; the fields follow the recorded real documents
 * (docs/atlas-api.md): `createdAt` and a non-zero `storageSizeBytes` only once completed,
 * `mongodVersion` from `inProgress` on, `cloudProvider` from half way through it, `expiresAt` as the
 * take answered until completion and then recomputed from `createdAt`.
 *
 * A `failed` snapshot never completed, so it keeps the pending shape: no `createdAt`, size 0,
 * `expiresAt` as the take answered (an assumption: the recordings hold no failed snapshot).
 */
import { createHash } from 'node:crypto';
import { DAY_MS } from './calendar';
import type { Clock } from './clock';
import { objectId, scrambledKey } from './ids';
import type {
  ClusterRecord,
  SnapshotMember,
  SnapshotOutcome,
  SnapshotRecord,
  SnapshotStatus,
  SnapshotTiming,
  SnapshotView,
} from './model';

export const PENDING: readonly SnapshotStatus[] = ['queued', 'inProgress'];

const clusterKey = (groupId: string, clusterName: string): string => `${groupId}\u0000${clusterName}`;

/** A size around 1.5 GB (1.2-1.9 GB), stable per id, so snapshots differ as real ones do. */
export function snapshotSize(id: string): number {
  const spread = createHash('md5').update(id).digest().readUInt32BE(0) % 700_000_000;
  return 1_200_000_000 + spread;
}

export type NewSnapshotFields = Pick<
  SnapshotRecord,
  'snapshotType' | 'description' | 'frequencyType' | 'retentionInDays' | 'requestedAt'
> & { id?: string; outcome?: SnapshotOutcome };

/** One member snapshot per shard, plus the config server when it is dedicated. */
function shardMembers(cluster: ClusterRecord, at: number): SnapshotMember[] {
  const names = Array.from({ length: cluster.numShards }, (_, i) => `${cluster.name.toLowerCase()}-shard-${i}`);
  if (cluster.configServerType === 'DEDICATED') names.push(`${cluster.name.toLowerCase()}-config-0`);
  return names.map((replicaSetName) => ({ cloudProvider: 'AWS', id: objectId(at), replicaSetName }));
}

export function newSnapshotRecord(cluster: ClusterRecord, fields: NewSnapshotFields): SnapshotRecord {
  const id = fields.id ?? objectId(fields.requestedAt);
  const sharded = cluster.kind === 'sharded' || cluster.kind === 'geoSharded';
  const { outcome, ...rest } = fields;
  const record: SnapshotRecord = {
    ...rest,
    id,
    groupId: cluster.groupId,
    clusterName: cluster.name,
    type: sharded ? 'shardedCluster' : 'replicaSet',
    expiresAt: fields.requestedAt + fields.retentionInDays * DAY_MS,
    outcome: outcome ?? 'completed',
    sizeBytes: snapshotSize(id),
    mongodVersion: `${cluster.mongoDBMajorVersion}.4`,
    sortKey: scrambledKey(id),
  };
  if (sharded) {
    record.members = shardMembers(cluster, fields.requestedAt);
    record.configServerType = cluster.configServerType;
  } else {
    // As recorded: the replica set is named like the cluster.
    record.replicaSetName = cluster.name;
  }
  return record;
}

export class SnapshotStore {
  private readonly byId = new Map<string, SnapshotRecord>();
  /** Per cluster, sorted by `sortKey`: lists and the pending check never scan other clusters. */
  private readonly byCluster = new Map<string, SnapshotRecord[]>();

  constructor(
    private readonly clock: Clock,
    private readonly timing: () => SnapshotTiming,
  ) {}

  add(record: SnapshotRecord): SnapshotRecord {
    if (this.byId.has(record.id)) throw new Error(`snapshot ${record.id} already exists`);
    this.byId.set(record.id, record);
    const key = clusterKey(record.groupId, record.clusterName);
    const list = this.byCluster.get(key) ?? [];
    if (list.length === 0) this.byCluster.set(key, list);
    list.splice(insertionIndex(list, record.sortKey), 0, record);
    return record;
  }

  get(id: string): SnapshotRecord | undefined {
    return this.byId.get(id);
  }

  /** The cluster's snapshots in list order (a copy). */
  ofCluster(groupId: string, clusterName: string): SnapshotRecord[] {
    return [...(this.byCluster.get(clusterKey(groupId, clusterName)) ?? [])];
  }

  pendingOnDemand(groupId: string, clusterName: string): SnapshotRecord[] {
    const list = this.byCluster.get(clusterKey(groupId, clusterName)) ?? [];
    return list.filter((record) => record.snapshotType === 'onDemand' && PENDING.includes(this.status(record)));
  }

  all(): IterableIterator<SnapshotRecord> {
    return this.byId.values();
  }

  status(record: SnapshotRecord): SnapshotStatus {
    return record.pinnedStatus ?? this.timelineStatus(record);
  }

  view(record: SnapshotRecord): SnapshotView {
    const status = this.status(record);
    const asTaken = record.expiresAtOverride ?? record.expiresAt;
    if (status === 'queued') return { status, storageSizeBytes: 0, expiresAt: asTaken };
    const started: SnapshotView = {
      status,
      storageSizeBytes: 0,
      expiresAt: asTaken,
      mongodVersion: record.mongodVersion,
    };
    if (status !== 'inProgress' || this.pastHalfway(record)) started.cloudProvider = 'AWS';
    if (status !== 'completed') return started;
    const createdAt = record.createdAt ?? this.completionTime(record);
    return {
      ...started,
      createdAt,
      storageSizeBytes: record.sizeBytes,
      expiresAt: record.expiresAtOverride ?? createdAt + record.retentionInDays * DAY_MS,
    };
  }

  /** Pins a status; a snapshot pinned `completed` now shows the time it completed as `createdAt`. */
  pin(record: SnapshotRecord, status: SnapshotStatus): void {
    if (status === 'completed' && record.createdAt === undefined) {
      record.createdAt = Math.min(this.clock.now(), this.completionTime(record));
    }
    record.pinnedStatus = status;
  }

  private completionTime(record: SnapshotRecord): number {
    if (record.outcome === 'never') return Number.POSITIVE_INFINITY;
    const { queuedMs, inProgressMs } = this.timing();
    return record.requestedAt + queuedMs + inProgressMs;
  }

  private pastHalfway(record: SnapshotRecord): boolean {
    const { queuedMs, inProgressMs } = this.timing();
    return this.clock.now() - record.requestedAt >= queuedMs + inProgressMs / 2;
  }

  private timelineStatus(record: SnapshotRecord): SnapshotStatus {
    const elapsed = this.clock.now() - record.requestedAt;
    const { queuedMs, inProgressMs } = this.timing();
    if (elapsed < queuedMs) return 'queued';
    if (record.outcome === 'never' || elapsed < queuedMs + inProgressMs) return 'inProgress';
    return record.outcome;
  }
}

function insertionIndex(list: SnapshotRecord[], sortKey: string): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const key = list[middle]?.sortKey ?? '';
    if (key < sortKey) low = middle + 1;
    else high = middle;
  }
  return low;
}
