/**
 * What Atlas answers, read defensively: error documents as coded errors (Atlas's `errorCode`
 * verbatim, docs/atlas-api.md "Errors"), bodies that must be JSON, and the shape guards of the
 * documents the procedure reads. Nothing here trusts the server: every string it takes from an
 * answer for a message passes through the client's scrubber first.
 */
import { Codes } from '../codes';
import { AtlasApiError, CodedError } from '../errors';
import type { AtlasCluster, AtlasProject, AtlasSnapshot } from '../types';
import { isPlainObject } from '../validation';
import type { HttpRequest, HttpResponse } from './transport';

/** Atlas's codes are short words; anything longer is not one. */
const MAX_CODE_CHARS = 100;
/** Atlas's details are a sentence or two; a longer one is cut (the outcome's detail has a budget too). */
const MAX_DETAIL_CHARS = 2_000;

/** Atlas's error document as an `AtlasApiError`; its code verbatim, its detail scrubbed, both bounded. */
export function atlasError(response: HttpResponse, scrub: (text: string) => string): AtlasApiError {
  const doc = tryParseJson(response.body);
  const fields = isPlainObject(doc) ? doc : {};
  const code =
    nonEmptyString(fields.errorCode) ??
    nonEmptyString(fields.error) ?? // OAuth errors of the token endpoint: {"error":"invalid_client"}
    nonEmptyString(response.headers['x-error-code']) ??
    Codes.UNEXPECTED_ERROR;
  const detail =
    nonEmptyString(fields.detail) ??
    nonEmptyString(fields.reason) ??
    nonEmptyString(fields.error_description) ??
    `Atlas answered HTTP ${response.status}`;
  // Scrubbed before clipped: a credential cut in two by the clip would otherwise survive in part.
  return new AtlasApiError(clip(scrub(code), MAX_CODE_CHARS), clip(scrub(detail), MAX_DETAIL_CHARS), response.status);
}

/** The answer's JSON document, or ATLAS_INVALID_RESPONSE when the body is not JSON. */
export function parseJson(response: HttpResponse, request: HttpRequest): unknown {
  const doc = tryParseJson(response.body);
  if (doc === undefined) {
    throw new CodedError(
      Codes.ATLAS_INVALID_RESPONSE,
      `Atlas answered ${request.method} ${request.path} with HTTP ${response.status} but a body that is not JSON ` +
        `(${response.body.length} characters, content type ${clip(response.headers['content-type'] ?? 'none', 100)})`,
      { httpStatus: response.status },
    );
  }
  return doc;
}

export function tryParseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A string taken from an answer for a message or a log field: control characters replaced and
 * the length bounded, so that a hostile header or link cannot flood a line or forge a new one.
 */
export function clip(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length <= max ? clean : `${clean.slice(0, max)}... (${clean.length - max} more characters)`;
}

export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** One page of a list answer (`{results, totalCount, links}`). */
export interface Page {
  results: unknown[];
  totalCount?: number;
  links?: unknown[];
}

export function isPage(value: unknown): value is Page {
  return (
    isPlainObject(value) &&
    Array.isArray(value.results) &&
    (value.totalCount === undefined || typeof value.totalCount === 'number') &&
    (value.links === undefined || Array.isArray(value.links))
  );
}

/**
 * A cluster document. Besides its name, the lists the procedure walks must be lists of objects
 * (`tags` of `{key, value}` strings, `replicationSpecs[].regionConfigs[]`): a scalar there would
 * otherwise fail deep inside the selection. Other fields are kept as Atlas sent them.
 */
export function isCluster(value: unknown): value is AtlasCluster {
  if (!isPlainObject(value) || typeof value.name !== 'string') return false;
  const { tags, replicationSpecs } = value;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every(isTag))) return false;
  return (
    replicationSpecs === undefined || (Array.isArray(replicationSpecs) && replicationSpecs.every(isReplicationSpec))
  );
}

function isTag(value: unknown): boolean {
  return isPlainObject(value) && typeof value.key === 'string' && typeof value.value === 'string';
}

function isReplicationSpec(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { regionConfigs } = value;
  return regionConfigs === undefined || (Array.isArray(regionConfigs) && regionConfigs.every(isPlainObject));
}

export function isProject(value: unknown): value is AtlasProject {
  return isPlainObject(value) && typeof value.id === 'string';
}

export function isSnapshot(value: unknown): value is AtlasSnapshot {
  return isPlainObject(value) && typeof value.id === 'string';
}

export function expectShape<T>(value: unknown, is: (v: unknown) => v is T, what: string, path: string): T {
  if (is(value)) return value;
  throw new CodedError(Codes.ATLAS_INVALID_RESPONSE, `Atlas answered ${path} with JSON that is not ${what}`);
}
