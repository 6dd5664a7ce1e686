/**
 * The `AtlasApi` port's methods over the Atlas Admin API v2 (docs/atlas-api.md "Endpoints"):
 * paths, versioned media types, request bodies, paging, and the shape of each answer.
 */
import { Codes } from '../codes';
import { AmbiguousRequestError, CodedError, describeError } from '../errors';
import type { AtlasApi, TakeSnapshotRequest } from '../types';
import { clip, expectShape, isCluster, isPage, isProject, isSnapshot, parseJson } from './answers';
import { apiBase, firstPage, MAX_PAGES, nextPage, pageKey, type ApiBase, type PageRequest } from './paging';
import type { HttpRequest, HttpResponse } from './transport';

/** Resource versions (docs/atlas-api.md "Base URL and versions"). */
export const CLUSTERS_MEDIA_TYPE = 'application/vnd.atlas.2024-08-05+json';
export const SNAPSHOTS_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';
export const GROUPS_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';

/** A resource version: the media type that selects it, and what it is of (for version notices). */
interface Version {
  mediaType: string;
  resource: string;
}
const CLUSTERS: Version = { mediaType: CLUSTERS_MEDIA_TYPE, resource: 'clusters' };
const SNAPSHOTS: Version = { mediaType: SNAPSHOTS_MEDIA_TYPE, resource: 'cloud backup snapshots' };
const GROUPS: Version = { mediaType: GROUPS_MEDIA_TYPE, resource: 'projects' };

/** Sends one authenticated API request, retried as the request allows; throws a `CodedError`. */
export type SendApi = (request: HttpRequest) => Promise<HttpResponse>;

/** The port over `send`; `baseUrl` (no trailing slash) is what Atlas's paging links must stay on. */
export function atlasApi(send: SendApi, baseUrl: string): AtlasApi {
  const base = apiBase(baseUrl);
  const readAllPages = <T>(path: string, version: Version, isItem: (v: unknown) => v is T, what: string) =>
    readList(send, base, { path, version, isItem, what });
  return {
    async getCluster(projectId, clusterName) {
      const path = clusterPath(projectId, clusterName);
      const doc = await getJson(send, path, CLUSTERS);
      return expectShape(doc, isCluster, 'a cluster document', path);
    },

    async listClusters(projectId) {
      return readAllPages(`${groupPath(projectId)}/clusters`, CLUSTERS, isCluster, 'a cluster document');
    },

    async listSnapshots(projectId, clusterName, sharded) {
      const base = snapshotsPath(projectId, clusterName);
      if (!sharded) return readAllPages(base, SNAPSHOTS, isSnapshot, 'a snapshot document');
      // The sharded list takes no paging parameters (docs/atlas-api.md "Endpoints").
      const path = `${base}/shardedClusters`;
      const page = expectShape(await getJson(send, path, SNAPSHOTS), isPage, 'a list document', path);
      return page.results.map((item) => expectShape(item, isSnapshot, 'a snapshot document', path));
    },

    async listProjects() {
      return readAllPages('/api/atlas/v2/groups', GROUPS, isProject, 'a project document');
    },

    async getSnapshot(projectId, clusterName, snapshotId, sharded) {
      const path = `${snapshotsPath(projectId, clusterName)}/${sharded ? 'shardedCluster/' : ''}${encodeURIComponent(snapshotId)}`;
      return expectShape(await getJson(send, path, SNAPSHOTS), isSnapshot, 'a snapshot document', path);
    },

    async setSnapshotRetention(projectId, clusterName, snapshotId, retention) {
      const path = `${snapshotsPath(projectId, clusterName)}/${encodeURIComponent(snapshotId)}`;
      const request: HttpRequest = {
        method: 'PATCH',
        path,
        accept: SNAPSHOTS.mediaType,
        resource: SNAPSHOTS.resource,
        contentType: SNAPSHOTS.mediaType,
        body: JSON.stringify({ retentionUnit: retention.retentionUnit, retentionValue: retention.retentionValue }),
        // Setting the same retention twice leaves the same snapshot: safe to resend.
        idempotent: true,
      };
      return expectShape(parseJson(await send(request), request), isSnapshot, 'a snapshot document', path);
    },

    async takeSnapshot(projectId, clusterName, body: TakeSnapshotRequest) {
      const path = snapshotsPath(projectId, clusterName);
      const request: HttpRequest = {
        method: 'POST',
        path,
        accept: SNAPSHOTS.mediaType,
        resource: SNAPSHOTS.resource,
        contentType: SNAPSHOTS.mediaType,
        body: JSON.stringify({ description: body.description, retentionInDays: body.retentionInDays }),
        idempotent: false,
      };
      const response = await send(request);
      try {
        return expectShape(parseJson(response, request), isSnapshot, 'a snapshot document', path);
      } catch (e: unknown) {
        // Atlas said 2xx: the snapshot was most likely created. Let the caller re-read the list
        // rather than report a failure (or, worse, request a second one).
        throw new AmbiguousRequestError(`the take-snapshot answer was unreadable: ${describeError(e)}`);
      }
    },
  };
}

async function getJson(send: SendApi, path: string, version: Version): Promise<unknown> {
  const request: HttpRequest = {
    method: 'GET',
    path,
    accept: version.mediaType,
    resource: version.resource,
    idempotent: true,
  };
  return parseJson(await send(request), request);
}

interface ListRead<T> {
  /** The list's path, without a query. */
  path: string;
  version: Version;
  isItem: (v: unknown) => v is T;
  what: string;
}

/** Every page of a list (paging.ts decides which page comes next; Atlas's order is undocumented). */
async function readList<T>(send: SendApi, base: ApiBase, list: ListRead<T>): Promise<T[]> {
  const items: T[] = [];
  let request: PageRequest = firstPage(list.path);
  const seen = new Set<string>([request.path]);
  for (let pagesRead = 1; pagesRead <= MAX_PAGES; pagesRead++) {
    const { path } = request;
    const page = expectShape(await getJson(send, path, list.version), isPage, 'a list document', path);
    for (const item of page.results) items.push(expectShape(item, list.isItem, list.what, path));
    const next = nextPage(base, list.path, { ...request, page, itemsRead: items.length, pagesRead });
    if (next.kind === 'done') return items;
    if (next.kind === 'invalid') throw new CodedError(Codes.ATLAS_INVALID_RESPONSE, `GET ${path}: ${next.detail}`);
    const key = pageKey(next.path);
    if (seen.has(key)) {
      throw new CodedError(
        Codes.ATLAS_INVALID_RESPONSE,
        `GET ${path}: the next page is one already read (${clip(next.path)})`,
      );
    }
    seen.add(key);
    request = next;
  }
  throw new CodedError(Codes.ATLAS_INVALID_RESPONSE, `GET ${list.path} did not end after ${MAX_PAGES} pages`);
}

function groupPath(projectId: string): string {
  return `/api/atlas/v2/groups/${encodeURIComponent(projectId)}`;
}

function clusterPath(projectId: string, clusterName: string): string {
  return `${groupPath(projectId)}/clusters/${encodeURIComponent(clusterName)}`;
}

function snapshotsPath(projectId: string, clusterName: string): string {
  return `${clusterPath(projectId, clusterName)}/backup/snapshots`;
}
