/**
 * Versioned media types (docs/atlas-api.md, Base URL and versions). Each resource accepts only its
 * own version dates; anything else, or no `application/vnd.atlas.*` type at all, is 406
 * `INVALID_VERSION_DATE`, and a version past its sunset date is 410 `VERSION_GONE`. A deprecated
 * version still answers, with `Deprecation` and `Sunset` headers.
 */
import { type AtlasApiError, atlasErrors } from './errors';
import { type EndpointName, type EndpointSet, endpointSetOf } from './routes';

export interface ResourceVersion {
  date: string;
  /** When it was deprecated: an ISO date (sent as an HTTP-date) or `@<epoch seconds>` (sent as is). */
  deprecated?: string;
  /** ISO date from which the version answers 410 (sent as an HTTP-date in `Sunset`). */
  sunset?: string;
}

/** Marks a version deprecated, for the resources of one endpoint set or (absent) every resource. */
export interface VersionDeprecation {
  date: string;
  resource?: EndpointSet;
  /** ISO date or HTTP-date (sent as an HTTP-date), or `@<epoch seconds>` (sent as is). */
  deprecation: string;
  /** ISO date or HTTP-date; from then on the version answers 410 `VERSION_GONE`. */
  sunset: string;
}

/** 2024-08-05 deprecated the older cluster versions (sunset 2027-07-01). */
export const CLUSTER_VERSIONS: ResourceVersion[] = [
  { date: '2024-08-05' },
  { date: '2023-02-01', deprecated: '2024-08-05', sunset: '2027-07-01' },
  { date: '2023-01-01', deprecated: '2024-08-05', sunset: '2027-07-01' },
];
export const SNAPSHOT_VERSIONS: ResourceVersion[] = [{ date: '2023-01-01' }];
export const PROJECT_VERSIONS: ResourceVersion[] = [{ date: '2023-01-01' }];
/** Flex clusters have their own API; the simulator doesn't serve it but knows the date exists. */
export const FLEX_VERSION = '2024-11-13';

const BY_SET: Record<EndpointSet, ResourceVersion[]> = {
  projects: PROJECT_VERSIONS,
  clusters: CLUSTER_VERSIONS,
  backup: SNAPSHOT_VERSIONS,
};

/** The versions an endpoint serves, with any configured deprecations applied. */
export function versionsFor(
  endpoint: EndpointName,
  deprecations: readonly VersionDeprecation[] = [],
): ResourceVersion[] {
  const set = endpointSetOf(endpoint);
  if (set === undefined) return [];
  return BY_SET[set].map((version) => {
    const notice = deprecations.find(
      (candidate) => candidate.date === version.date && (candidate.resource ?? set) === set,
    );
    return notice ? { ...version, deprecated: notice.deprecation, sunset: notice.sunset } : version;
  });
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

function dateOf(text: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
}

/** Picks the version to answer with, or throws the Atlas error for a missing/unknown/sunset one. */
export function negotiate(accept: string | undefined, supported: ResourceVersion[], now: number): ResourceVersion {
  const requested = requestedVersions(accept);
  let gone: string | undefined;
  for (const date of requested) {
    const version = supported.find((candidate) => candidate.date === date);
    if (!version) continue;
    if (version.sunset && now >= dateOf(version.sunset)) {
      gone = date;
      continue;
    }
    return version;
  }
  if (gone) throw atlasErrors.versionGone(gone);
  throw atlasErrors.invalidVersion();
}

export function negotiateVersion(accept: string | undefined, supported: ResourceVersion[], now: number): string {
  return negotiate(accept, supported, now).date;
}

function httpDate(text: string): string {
  const ms = dateOf(text);
  if (Number.isNaN(ms)) throw new Error(`not a date: "${text}"`);
  return new Date(ms).toUTCString();
}

/** `Deprecation` and `Sunset` for an answer in a deprecated version; none otherwise. */
export function deprecationHeaders(version: ResourceVersion): Record<string, string> {
  if (version.deprecated === undefined) return {};
  const headers: Record<string, string> = {
    Deprecation: version.deprecated.startsWith('@') ? version.deprecated : httpDate(version.deprecated),
  };
  if (version.sunset !== undefined) headers.Sunset = httpDate(version.sunset);
  return headers;
}

/** Checks a deprecation option once, so a bad date fails at start rather than on a request. */
export function checkDeprecation(notice: VersionDeprecation): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(notice.date)) throw new Error(`deprecation: version "${notice.date}" is no date`);
  if (!/^@\d+$/.test(notice.deprecation)) httpDate(notice.deprecation);
  httpDate(notice.sunset);
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
