/**
 * The `AtlasApi` port's methods over the Atlas Admin API v2 (docs/atlas-api.md "Endpoints"):
 * paths, versioned media types, request bodies, paging, and the shape of each answer.
 */
import { Codes } from '../codes';
import { AmbiguousRequestError, CodedError, describeError } from '../errors';
import type { AtlasApi, TakeSnapshotRequest } from '../types';
import { expectShape, isCluster, isPage, isProject, isSnapshot, parseJson } from './answers';
import type { HttpRequest, HttpResponse } from './transport';

/** Resource versions (docs/atlas-api.md "Base URL and versions"). */
export const CLUSTERS_MEDIA_TYPE = 'application/vnd.atlas.2024-08-05+json';
export const SNAPSHOTS_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';
export const GROUPS_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';

export const PAGE_SIZE = 500;
/** 100 000 items: far beyond any real project; stops a server that never ends its list. */
export const MAX_PAGES = 200;

/** Sends one authenticated API request, retried as the request allows; throws a `CodedError`. */
export type SendApi = (request: HttpRequest) => Promise<HttpResponse>;

export function atlasApi(send: SendApi): AtlasApi {
  return {
    async getCluster(projectId, clusterName) {
      const path = clusterPath(projectId, clusterName);
      const doc = await getJson(send, path, CLUSTERS_MEDIA_TYPE);
      return expectShape(doc, isCluster, 'a cluster document', path);
    },

    async listClusters(projectId) {
      return readAllPages(
        send,
        `${groupPath(projectId)}/clusters`,
        CLUSTERS_MEDIA_TYPE,
        isCluster,
        'a cluster document',
      );
    },

    async listSnapshots(projectId, clusterName, sharded) {
      const base = snapshotsPath(projectId, clusterName);
      if (!sharded) return readAllPages(send, base, SNAPSHOTS_MEDIA_TYPE, isSnapshot, 'a snapshot document');
      // The sharded list takes no paging parameters (docs/atlas-api.md "Endpoints").
      const path = `${base}/shardedClusters`;
      const page = expectShape(await getJson(send, path, SNAPSHOTS_MEDIA_TYPE), isPage, 'a list document', path);
      return page.results.map((item) => expectShape(item, isSnapshot, 'a snapshot document', path));
    },

    async listProjects() {
      return readAllPages(send, '/api/atlas/v2/groups', GROUPS_MEDIA_TYPE, isProject, 'a project document');
    },

    async getSnapshot(projectId, clusterName, snapshotId, sharded) {
      const path = `${snapshotsPath(projectId, clusterName)}/${sharded ? 'shardedCluster/' : ''}${encodeURIComponent(snapshotId)}`;
      return expectShape(await getJson(send, path, SNAPSHOTS_MEDIA_TYPE), isSnapshot, 'a snapshot document', path);
    },

    async setSnapshotRetention(projectId, clusterName, snapshotId, retention) {
      const path = `${snapshotsPath(projectId, clusterName)}/${encodeURIComponent(snapshotId)}`;
      const request: HttpRequest = {
        method: 'PATCH',
        path,
        accept: SNAPSHOTS_MEDIA_TYPE,
        contentType: SNAPSHOTS_MEDIA_TYPE,
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
        accept: SNAPSHOTS_MEDIA_TYPE,
        contentType: SNAPSHOTS_MEDIA_TYPE,
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

async function getJson(send: SendApi, path: string, accept: string): Promise<unknown> {
  const request: HttpRequest = { method: 'GET', path, accept, idempotent: true };
  return parseJson(await send(request), request);
}

/** Every page: stop at `totalCount`, or at a short or empty page (Atlas's order is undocumented). */
async function readAllPages<T>(
  send: SendApi,
  path: string,
  accept: string,
  isItem: (v: unknown) => v is T,
  what: string,
): Promise<T[]> {
  const items: T[] = [];
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const pagePath = `${path}?itemsPerPage=${PAGE_SIZE}&pageNum=${pageNum}`;
    const page = expectShape(await getJson(send, pagePath, accept), isPage, 'a list document', pagePath);
    for (const item of page.results) items.push(expectShape(item, isItem, what, pagePath));
    if (page.results.length < PAGE_SIZE) return items;
    if (page.totalCount !== undefined && items.length >= page.totalCount) return items;
  }
  throw new CodedError(Codes.ATLAS_INVALID_RESPONSE, `GET ${path} did not end after ${MAX_PAGES} pages`);
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
