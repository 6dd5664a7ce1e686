/**
 * The Admin API endpoints once a caller is authenticated, allowed and not rate limited:
 * projects (list), clusters (get, list) and, in api-snapshots.ts, cloud backup snapshots.
 */
import type { Answer, SimRequest } from './answers';
import { type Call, ok, requireClusterApiCluster, requireProject, selfUrl, visibleTo } from './api-call';
import { getSnapshot, listShardedSnapshots, listSnapshots, patchSnapshot, takeSnapshot } from './api-snapshots';
import type { CredentialAccess } from './auth';
import { atlasErrors } from './errors';
import { pageOf, parsePaging } from './paging';
import { renderCluster, renderProject } from './render';
import type { RouteMatch } from './routes';
import type { AtlasState } from './state';

export function handleApiCall(
  req: SimRequest,
  route: RouteMatch,
  version: string,
  state: AtlasState,
  access: CredentialAccess = {},
): Answer {
  const call: Call = { req, route, version, state, access };
  switch (route.endpoint) {
    case 'listProjects':
      return listProjects(call);
    case 'listClusters':
      return listClusters(call);
    case 'getCluster':
      return ok(call, renderCluster(requireClusterApiCluster(call), version, req.baseUrl));
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
    case 'patchSnapshot':
      return patchSnapshot(call);
    default:
      throw atlasErrors.resourceNotFound(req.path);
  }
}

/** The projects the credential belongs to, in the order they were created, paged. */
function listProjects(call: Call): Answer {
  const page = parsePaging(call.req.query);
  const projects = call.state
    .projects()
    .filter((project) => visibleTo(call.access, project.id))
    .map((project) => renderProject(project, call.req.baseUrl));
  return ok(call, pageOf(projects, page, selfUrl(call)));
}

/**
 * Every cluster of the project, paged. A flex cluster the cluster API refuses (the 2026 shape) is
 * left out: the cluster API stopped serving flex clusters in January 2026 (docs/atlas-api.md), so a
 * list that showed one would contradict the 400 its own GET answers. A flex cluster in the older
 * TENANT shape is listed in that shape.
 */
function listClusters(call: Call): Answer {
  const page = parsePaging(call.req.query);
  const project = requireProject(call);
  if (project.denyList) throw atlasErrors.userUnauthorized();
  const clusters = [...project.clusters.values()]
    .filter((cluster) => !(cluster.kind === 'flex' && cluster.flexShape === 'error'))
    .map((cluster) => renderCluster(cluster, call.version, call.req.baseUrl));
  return ok(call, pageOf(clusters, page, selfUrl(call)));
}
