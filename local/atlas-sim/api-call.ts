/**
 * One authenticated Admin API call and the lookups every endpoint starts with. Check order
 * follows a typical server: path parameters, project (and whether the caller belongs to it),
 * then the cluster.
 */
import { type Answer, type SimRequest, jsonAnswer } from './answers';
import type { CredentialAccess } from './auth';
import { atlasErrors } from './errors';
import { OBJECT_ID } from './ids';
import type { ClusterRecord, ProjectRecord } from './model';
import type { RouteMatch } from './routes';
import type { AtlasState } from './state';
import { atlasMediaType } from './versions';

export interface Call {
  req: SimRequest;
  route: RouteMatch;
  version: string;
  state: AtlasState;
  /** What the caller's credential may do. */
  access: CredentialAccess;
}

export function ok(call: Call, value: unknown): Answer {
  return jsonAnswer(200, value, `${atlasMediaType(call.version)};charset=utf-8`);
}

export function selfUrl(call: Call): URL {
  return new URL(call.req.rawUrl, call.req.baseUrl);
}

export function visibleTo(access: CredentialAccess, projectId: string): boolean {
  return access.projects === undefined || access.projects.includes(projectId);
}

export function requireProject(call: Call): ProjectRecord {
  const groupId = call.route.groupId ?? '';
  if (!OBJECT_ID.test(groupId)) throw atlasErrors.invalidPathParameter('groupId');
  const project = call.state.project(groupId);
  if (!project) throw atlasErrors.groupNotFound(groupId);
  if (!visibleTo(call.access, project.id)) throw atlasErrors.userUnauthorized();
  return project;
}

export function requireCluster(call: Call): ClusterRecord {
  const project = requireProject(call);
  const name = call.route.clusterName ?? '';
  const cluster = project.clusters.get(name);
  if (!cluster) throw atlasErrors.clusterNotFound(name, project.id);
  return cluster;
}

/** Flex as recorded in 2026: the cluster API refuses it, unless it has the older TENANT shape. */
export function requireClusterApiCluster(call: Call): ClusterRecord {
  const cluster = requireCluster(call);
  if (cluster.kind === 'flex' && cluster.flexShape === 'error') throw atlasErrors.flexInClusterApi(cluster.name);
  return cluster;
}

/**
 * Cloud backup endpoints refuse flex clusters in either shape: a flex cluster's snapshots live in
 * the flex API (an assumption for the TENANT shape; the function never gets this far for one).
 */
export function requireBackupCluster(call: Call): ClusterRecord {
  const cluster = requireCluster(call);
  if (cluster.kind === 'flex') throw atlasErrors.flexInClusterApi(cluster.name);
  return cluster;
}
