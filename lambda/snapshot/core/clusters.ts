/**
 * What a cluster document says about on-demand snapshots (docs/atlas-api.md, "Clusters"): which
 * clusters cannot have one, which are paused, which snapshot list a cluster's snapshots live in.
 * Pure functions of Atlas's documents.
 */
import { AtlasCodes, Codes } from '../codes';
import { isCodedError } from '../errors';
import type { AtlasApi, AtlasCluster, AtlasSnapshot, ClusterRef, Status } from '../types';

const SHARDED_TYPES = new Set(['SHARDED', 'GEOSHARDED']);
const PENDING_STATUSES = new Set(['queued', 'inProgress']);

export const FLEX_DETAIL =
  'flex cluster (FLEX): Atlas takes the snapshots of flex clusters itself and has no on-demand snapshot API for them';
export const SHARED_TIER_DETAIL =
  'shared-tier cluster (M0/M2/M5): cloud backup snapshots need a dedicated cluster, M10 or larger';
export const BACKUP_OFF_DETAIL = 'cloud backup is not enabled on this cluster';
export const PAUSED_DETAIL =
  'the cluster is paused: Atlas takes no backups while it is paused; resume it in Atlas to back it up';

/** Why the procedure stops at the cluster document: code, detail and the status for a named cluster. */
export interface ClusterVerdict {
  code: string;
  detail: string;
  /** The status when the cluster was named explicitly; a selected one is always SKIPPED. */
  namedStatus: Status;
}

/**
 * The cluster read for the procedure. The cluster API refuses flex clusters with 400
 * CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API: that answer means "flex", not a failure.
 */
export type ClusterRead = { kind: 'cluster'; cluster: AtlasCluster } | { kind: 'flex' };

export async function readCluster(atlas: AtlasApi, target: ClusterRef): Promise<ClusterRead> {
  try {
    return { kind: 'cluster', cluster: await atlas.getCluster(target.projectId, target.clusterName) };
  } catch (e: unknown) {
    if (isCodedError(e) && e.code === AtlasCodes.CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API) return { kind: 'flex' };
    throw e;
  }
}

function regionConfigs(cluster: AtlasCluster) {
  return (cluster.replicationSpecs ?? []).flatMap((spec) => spec.regionConfigs ?? []);
}

/** A flex cluster as the 2024-08-05 cluster API shows one: TENANT with `effectiveInstanceSize: FLEX`. */
export function isFlex(cluster: AtlasCluster): boolean {
  return regionConfigs(cluster).some((r) => r.providerName === 'TENANT' && r.effectiveInstanceSize === 'FLEX');
}

/** Why a cluster cannot have an on-demand cloud backup snapshot, or undefined when it can. */
export function unsupportedReason(cluster: AtlasCluster): { code: string; detail: string } | undefined {
  if (isFlex(cluster)) return { code: Codes.UNSUPPORTED_CLUSTER, detail: FLEX_DETAIL };
  if (regionConfigs(cluster).some((r) => r.providerName === 'TENANT')) {
    return { code: Codes.UNSUPPORTED_CLUSTER, detail: SHARED_TIER_DETAIL };
  }
  if (cluster.backupEnabled === false) return { code: Codes.BACKUP_NOT_ENABLED, detail: BACKUP_OFF_DETAIL };
  return undefined;
}

/**
 * Where the procedure stops for this cluster (docs/design.md, "Per-target procedure"): unsupported
 * and backup-off clusters (ERROR when named, SKIPPED when selected), then paused ones (SKIPPED
 * either way: Atlas takes no backups of a paused cluster). Undefined: go on to the snapshot list.
 */
export function clusterVerdict(read: ClusterRead): ClusterVerdict | undefined {
  if (read.kind === 'flex') return { code: Codes.UNSUPPORTED_CLUSTER, detail: FLEX_DETAIL, namedStatus: 'ERROR' };
  const unsupported = unsupportedReason(read.cluster);
  if (unsupported) return { ...unsupported, namedStatus: 'ERROR' };
  if (read.cluster.paused === true)
    return { code: Codes.CLUSTER_PAUSED, detail: PAUSED_DETAIL, namedStatus: 'SKIPPED' };
  return undefined;
}

/** Sharded and geo-sharded clusters keep their snapshots in the sharded list. */
export function isSharded(cluster: AtlasCluster): boolean {
  return SHARDED_TYPES.has(cluster.clusterType ?? '');
}

/** The on-demand snapshot still queued or in progress, if any (Atlas allows one at a time). */
export function findPending(snapshots: readonly AtlasSnapshot[]): AtlasSnapshot | undefined {
  return snapshots.find((s) => s.snapshotType === 'onDemand' && PENDING_STATUSES.has(s.status ?? ''));
}
