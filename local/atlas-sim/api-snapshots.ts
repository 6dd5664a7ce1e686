/**
 * Cloud backup snapshot endpoints: the replica-set list (paged), the sharded list, one snapshot on
 * either path, take, and the retention PATCH (replica-set path only). Check order: media type and
 * body shape (framework level), path parameters, project and cluster, the caller's role, then
 * Atlas's own snapshot rules (state.ts).
 */
import type { Answer } from './answers';
import { type Call, ok, requireBackupCluster, selfUrl } from './api-call';
import { parseRetentionBody, parseTakeBody, validateRetentionBody, validateTakeBody } from './bodies';
import { atlasErrors } from './errors';
import { OBJECT_ID } from './ids';
import type { ClusterRecord, SnapshotRecord } from './model';
import { pageOf, parsePaging } from './paging';
import { renderSnapshot } from './render';
import { checkBodyMediaType } from './versions';

function render(call: Call, snapshot: SnapshotRecord): Record<string, unknown> {
  return renderSnapshot(snapshot, call.state.view(snapshot), call.req.baseUrl);
}

function snapshotsOfType(call: Call, cluster: ClusterRecord, type: SnapshotRecord['type']): Record<string, unknown>[] {
  return call.state
    .snapshots(cluster.groupId, cluster.name)
    .filter((snapshot) => snapshot.type === type)
    .map((snapshot) => render(call, snapshot));
}

/** Replica-set list: paged; a sharded cluster's snapshots don't appear here. */
export function listSnapshots(call: Call): Answer {
  const page = parsePaging(call.req.query);
  const cluster = requireBackupCluster(call);
  return ok(call, pageOf(snapshotsOfType(call, cluster, 'replicaSet'), page, selfUrl(call)));
}

/** Sharded list: no paging parameters, everything on one page. */
export function listShardedSnapshots(call: Call): Answer {
  const cluster = requireBackupCluster(call);
  const results = snapshotsOfType(call, cluster, 'shardedCluster');
  return ok(call, { links: [{ href: selfUrl(call).toString(), rel: 'self' }], results, totalCount: results.length });
}

/** The snapshot named in the path, on the path of its type (the other path is 404). */
function requireSnapshot(call: Call, type: SnapshotRecord['type']): SnapshotRecord {
  const snapshotId = call.route.snapshotId ?? '';
  if (!OBJECT_ID.test(snapshotId)) throw atlasErrors.invalidPathParameter('snapshotId');
  const cluster = requireBackupCluster(call);
  const snapshot = call.state.snapshot(snapshotId);
  if (
    !snapshot ||
    snapshot.groupId !== cluster.groupId ||
    snapshot.clusterName !== cluster.name ||
    snapshot.type !== type
  ) {
    throw atlasErrors.snapshotNotFound(snapshotId, cluster.name);
  }
  return snapshot;
}

export function getSnapshot(call: Call, type: SnapshotRecord['type']): Answer {
  return ok(call, render(call, requireSnapshot(call, type)));
}

function checkBody(call: Call): void {
  const mediaError = checkBodyMediaType(call.req.headers['content-type'], call.version);
  if (mediaError) throw mediaError;
}

export function takeSnapshot(call: Call): Answer {
  checkBody(call);
  const body = parseTakeBody(call.req.body);
  const cluster = requireBackupCluster(call);
  if (call.access.readOnly) throw atlasErrors.userUnauthorized();
  const request = validateTakeBody(body);
  const snapshot = call.state.takeOnDemandSnapshot(cluster.groupId, cluster.name, request);
  return ok(call, render(call, snapshot));
}

/**
 * Extends (or shortens) a completed replica-set snapshot's retention. A sharded snapshot id on this
 * path is 404 SNAPSHOT_NOT_FOUND, as for GET; the sharded path has no PATCH at all (405).
 */
export function patchSnapshot(call: Call): Answer {
  checkBody(call);
  const body = parseRetentionBody(call.req.body);
  const snapshotId = call.route.snapshotId ?? '';
  if (!OBJECT_ID.test(snapshotId)) throw atlasErrors.invalidPathParameter('snapshotId');
  requireBackupCluster(call);
  if (call.access.readOnly || call.access.modifySnapshots === false) throw atlasErrors.cannotModifySnapshot(snapshotId);
  const snapshot = requireSnapshot(call, 'replicaSet');
  const change = validateRetentionBody(body);
  return ok(call, render(call, call.state.setSnapshotRetention(snapshot, change)));
}
