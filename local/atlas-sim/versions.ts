/**
 * Versioned media types (ATLAS.md, Base URL and versions). Each resource accepts only its own
 * version dates; anything else, or no `application/vnd.atlas.*` type at all, is 406
 * `INVALID_VERSION_DATE`, and a version past its sunset date is 410 `VERSION_GONE`.
 */
import { type AtlasApiError, atlasErrors } from './errors';
import type { EndpointName } from './routes';

export interface ResourceVersion {
  date: string;
  /** ISO date after which the version answers 410. */
  sunset?: string;
}

export const CLUSTER_VERSIONS: ResourceVersion[] = [
  { date: '2024-08-05' },
  { date: '2023-02-01', sunset: '2027-07-01' },
  { date: '2023-01-01', sunset: '2027-07-01' },
];
export const SNAPSHOT_VERSIONS: ResourceVersion[] = [{ date: '2023-01-01' }];
/** Flex clusters have their own API; the simulator doesn't serve it but knows the date exists. */
export const FLEX_VERSION = '2024-11-13';

export function versionsFor(endpoint: EndpointName): ResourceVersion[] {
  switch (endpoint) {
    case 'listClusters':
    case 'getCluster':
      return CLUSTER_VERSIONS;
    case 'listSnapshots':
    case 'takeSnapshot':
    case 'getSnapshot':
    case 'listShardedSnapshots':
    case 'getShardedSnapshot':
      return SNAPSHOT_VERSIONS;
    default:
      return [];
  }
}

export function atlasMediaType(date: string): string {
  return `application/vnd.atlas.${date}+json`;
}

const VERSIONED = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$/;

/** The version dates named in an Accept header (several media types may be listed). */
export function requestedVersions(accept: string | undefined): string[] {
  if (!accept) return [];
  return accept
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '')
    .map((type) => VERSIONED.exec(type)?.[1])
    .filter((date): date is string => date !== undefined);
}

/** Picks the version to answer with, or throws the Atlas error for a missing/unknown/sunset one. */
export function negotiateVersion(accept: string | undefined, supported: ResourceVersion[], now: number): string {
  const requested = requestedVersions(accept);
  let gone: string | undefined;
  for (const date of requested) {
    const version = supported.find((candidate) => candidate.date === date);
    if (!version) continue;
    if (version.sunset && now >= Date.parse(`${version.sunset}T00:00:00Z`)) {
      gone = date;
      continue;
    }
    return date;
  }
  if (gone) throw atlasErrors.versionGone(gone);
  throw atlasErrors.invalidVersion();
}

/**
 * A request body must be sent with the same versioned media type. A different Atlas version is
 * a version error; a non-Atlas type (e.g. plain `application/json`) is refused as unsupported.
 */
export function checkBodyMediaType(contentType: string | undefined, version: string): AtlasApiError | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === atlasMediaType(version)) return undefined;
  if (VERSIONED.test(type)) return atlasErrors.invalidVersion();
  return atlasErrors.unsupportedMediaType(type || 'none');
}
