/**
 * The Admin API endpoints once a caller is authenticated, allowed and not rate limited:
 * clusters (get, list) and cloud backup snapshots (list, sharded list, get, take).
 * Check order follows a typical server: media types and body shape first (framework level),
 * then path parameters, project, cluster, and finally Atlas's own snapshot rules.
 */
import { type Answer, type SimRequest, jsonAnswer } from './answers';
import { atlasErrors } from './errors';
import { OBJECT_ID } from './ids';
import { pageOf, parsePaging } from './paging';
import { renderCluster, renderSnapshot } from './render';
import type { RouteMatch } from './routes';
import type { AtlasState, ClusterRecord, OnDemandRequest, ProjectRecord, SnapshotRecord } from './state';
import { atlasMediaType, checkBodyMediaType } from './versions';

interface Call {
  req: SimRequest;
  route: RouteMatch;
  version: string;
  state: AtlasState;
}

function ok(call: Call, value: unknown): Answer {
  return jsonAnswer(200, value, `${atlasMediaType(call.version)};charset=utf-8`);
}

export function handleApiCall(req: SimRequest, route: RouteMatch, version: string, state: AtlasState): Answer {
  const call: Call = { req, route, version, state };
  switch (route.endpoint) {
    case 'listClusters':
      return listClusters(call);
    case 'getCluster':
      return ok(call, renderCluster(requireDedicatedCluster(call), version, req.baseUrl));
    case 'listSnapshots':
      return listSnapshots(call);
    case 'listShardedSnapshots':
      return listShardedSnapshots(call);
    case 'getSnapshot':
      return getSnapshot(call, 'replicaSet');
    case 'getShardedSnapshot':
      return getSnapshot(call, 'shardedCluster');
    case 'takeSnapshot':
      return takeSnapshot(call);
    default:
      throw atlasErrors.resourceNotFound(req.path);
  }
}

function requireProject(call: Call): ProjectRecord {
  const groupId = call.route.groupId ?? '';
  if (!OBJECT_ID.test(groupId)) throw atlasErrors.invalidPathParameter('groupId');
  const project = call.state.project(groupId);
  if (!project) throw atlasErrors.groupNotFound(groupId);
  return project;
}

function requireCluster(call: Call): ClusterRecord {
  const project = requireProject(call);
  const name = call.route.clusterName ?? '';
  const cluster = project.clusters.get(name);
  if (!cluster) throw atlasErrors.clusterNotFound(name, project.id);
  return cluster;
}

/** Flex clusters exist but the cluster and cloud backup APIs refuse them. */
function requireDedicatedCluster(call: Call): ClusterRecord {
  const cluster = requireCluster(call);
  if (cluster.kind === 'flex') throw atlasErrors.flexInClusterApi(cluster.name);
  return cluster;
}

function selfUrl(call: Call): URL {
  return new URL(call.req.rawUrl, call.req.baseUrl);
}

function listClusters(call: Call): Answer {
  const page = parsePaging(call.req.query);
  const project = requireProject(call);
  const clusters = [...project.clusters.values()].map((cluster) =>
    renderCluster(cluster, call.version, call.req.baseUrl),
  );
  return ok(call, pageOf(clusters, page, selfUrl(call)));
}

function snapshotsOfType(call: Call, cluster: ClusterRecord, type: SnapshotRecord['type']): Record<string, unknown>[] {
  return call.state
    .snapshots(cluster.groupId, cluster.name)
    .filter((snapshot) => snapshot.type === type)
    .map((snapshot) => renderSnapshot(snapshot, call.state.view(snapshot), call.req.baseUrl));
}

/** Replica-set list: paged; a sharded cluster's snapshots don't appear here. */
function listSnapshots(call: Call): Answer {
  const page = parsePaging(call.req.query);
  const cluster = requireDedicatedCluster(call);
  return ok(call, pageOf(snapshotsOfType(call, cluster, 'replicaSet'), page, selfUrl(call)));
}

/** Sharded list: no paging parameters, everything on one page. */
function listShardedSnapshots(call: Call): Answer {
  const cluster = requireDedicatedCluster(call);
  const results = snapshotsOfType(call, cluster, 'shardedCluster');
  return ok(call, { links: [{ href: selfUrl(call).toString(), rel: 'self' }], results, totalCount: results.length });
}

function getSnapshot(call: Call, type: SnapshotRecord['type']): Answer {
  const snapshotId = call.route.snapshotId ?? '';
  if (!OBJECT_ID.test(snapshotId)) throw atlasErrors.invalidPathParameter('snapshotId');
  const cluster = requireDedicatedCluster(call);
  const snapshot = call.state.snapshot(snapshotId);
  if (
    !snapshot ||
    snapshot.groupId !== cluster.groupId ||
    snapshot.clusterName !== cluster.name ||
    snapshot.type !== type
  ) {
    throw atlasErrors.snapshotNotFound(snapshotId, cluster.name);
  }
  return ok(call, renderSnapshot(snapshot, call.state.view(snapshot), call.req.baseUrl));
}

function takeSnapshot(call: Call): Answer {
  const mediaError = checkBodyMediaType(call.req.headers['content-type'], call.version);
  if (mediaError) throw mediaError;
  const body = parseTakeBody(call.req.body);
  const cluster = requireDedicatedCluster(call);
  const request = validateTakeBody(body);
  const snapshot = call.state.takeOnDemandSnapshot(cluster.groupId, cluster.name, request);
  return ok(call, renderSnapshot(snapshot, call.state.view(snapshot), call.req.baseUrl));
}

const TAKE_ATTRIBUTES = new Set(['description', 'retentionInDays']);

/** JSON and attribute types, as the deserializer would refuse them. */
function parseTakeBody(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw atlasErrors.invalidJson();
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw atlasErrors.invalidJson();
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!TAKE_ATTRIBUTES.has(key)) throw atlasErrors.invalidAttribute(key);
  const retention = record.retentionInDays;
  if (retention !== undefined && retention !== null && !Number.isInteger(retention))
    throw atlasErrors.invalidAttribute('retentionInDays');
  if (record.description !== undefined && record.description !== null && typeof record.description !== 'string') {
    throw atlasErrors.invalidAttribute('description');
  }
  return record;
}

/** Value rules: retention is required and at least one day (no documented maximum). */
function validateTakeBody(body: Record<string, unknown>): OnDemandRequest {
  const retention = body.retentionInDays;
  if (typeof retention !== 'number') throw atlasErrors.validation('retentionInDays is required');
  if (retention < 1) throw atlasErrors.validation('retentionInDays must be greater than or equal to 1');
  return {
    retentionInDays: retention,
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
  };
}
