/** The Atlas paths the simulator answers, each mapped to an endpoint name used by faults and the log. */

export type EndpointName =
  | 'token'
  | 'revoke'
  | 'listProjects'
  | 'listClusters'
  | 'getCluster'
  | 'listSnapshots'
  | 'takeSnapshot'
  | 'getSnapshot'
  | 'patchSnapshot'
  | 'listShardedSnapshots'
  | 'getShardedSnapshot'
  | 'unknown';

export interface RouteMatch {
  endpoint: EndpointName;
  /** The methods this path supports (a mismatch answers 405). */
  methods: string[];
  groupId?: string;
  clusterName?: string;
  snapshotId?: string;
  /** True when the method is allowed: endpoint then names what the request does. */
  methodAllowed: boolean;
}

const V2 = '/api/atlas/v2/groups/([^/]+)/clusters';
const SNAPSHOTS = `${V2}/([^/]+)/backup/snapshots`;

interface RouteDef {
  pattern: RegExp;
  byMethod: Record<string, EndpointName>;
  names: Array<'groupId' | 'clusterName' | 'snapshotId'>;
}

// Order matters: `shardedClusters` and `shardedCluster/{id}` must win over `{id}`.
const ROUTES: RouteDef[] = [
  { pattern: /^\/api\/oauth\/token$/, byMethod: { POST: 'token' }, names: [] },
  { pattern: /^\/api\/oauth\/revoke$/, byMethod: { POST: 'revoke' }, names: [] },
  { pattern: /^\/api\/atlas\/v2\/groups$/, byMethod: { GET: 'listProjects' }, names: [] },
  { pattern: new RegExp(`^${V2}$`), byMethod: { GET: 'listClusters' }, names: ['groupId'] },
  { pattern: new RegExp(`^${V2}/([^/]+)$`), byMethod: { GET: 'getCluster' }, names: ['groupId', 'clusterName'] },
  {
    pattern: new RegExp(`^${SNAPSHOTS}$`),
    byMethod: { GET: 'listSnapshots', POST: 'takeSnapshot' },
    names: ['groupId', 'clusterName'],
  },
  {
    pattern: new RegExp(`^${SNAPSHOTS}/shardedClusters$`),
    byMethod: { GET: 'listShardedSnapshots' },
    names: ['groupId', 'clusterName'],
  },
  // No PATCH here: Atlas has none for sharded snapshots, so PATCH on this path is 405.
  {
    pattern: new RegExp(`^${SNAPSHOTS}/shardedCluster/([^/]+)$`),
    byMethod: { GET: 'getShardedSnapshot' },
    names: ['groupId', 'clusterName', 'snapshotId'],
  },
  {
    pattern: new RegExp(`^${SNAPSHOTS}/([^/]+)$`),
    byMethod: { GET: 'getSnapshot', PATCH: 'patchSnapshot' },
    names: ['groupId', 'clusterName', 'snapshotId'],
  },
];

export function matchRoute(method: string, path: string): RouteMatch {
  for (const route of ROUTES) {
    const found = route.pattern.exec(path);
    if (!found) continue;
    const match: RouteMatch = {
      endpoint: route.byMethod[method] ?? 'unknown',
      methods: Object.keys(route.byMethod),
      methodAllowed: method in route.byMethod,
    };
    route.names.forEach((name, index) => {
      const segment = found[index + 1];
      if (segment === undefined) throw new Error('unreachable: each name of a route has its group in the pattern');
      match[name] = safeDecode(segment);
    });
    return match;
  }
  return { endpoint: 'unknown', methods: [], methodAllowed: false };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function isOAuthEndpoint(endpoint: EndpointName): boolean {
  return endpoint === 'token' || endpoint === 'revoke';
}

/** Atlas keeps a rate-limit bucket per set of endpoints (docs/atlas-api.md, Rate limits). */
export type EndpointSet = 'projects' | 'clusters' | 'backup';
export const ENDPOINT_SETS: readonly EndpointSet[] = ['projects', 'clusters', 'backup'];

export function endpointSetOf(endpoint: EndpointName): EndpointSet | undefined {
  switch (endpoint) {
    case 'listProjects':
      return 'projects';
    case 'listClusters':
    case 'getCluster':
      return 'clusters';
    case 'listSnapshots':
    case 'takeSnapshot':
    case 'getSnapshot':
    case 'patchSnapshot':
    case 'listShardedSnapshots':
    case 'getShardedSnapshot':
      return 'backup';
    default:
      return undefined;
  }
}
