/**
 * The Atlas Admin API v2 adapter behind the `AtlasApi` port (ATLAS.md): authentication (service
 * account token or Digest), versioned media types, paging, retries with backoff inside the
 * invocation's deadline, and Atlas errors turned into coded errors. Nothing it throws or logs
 * carries a secret, a token or an axios error (whose `config` holds the request headers).
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import { version } from '../../package.json';
import {
  buildDigestAuthorization,
  defaultDigestChallengeCache,
  selectDigestChallenge,
  type DigestChallengeCache,
} from './digest';
import { Codes } from './codes';
import { AmbiguousRequestError, AtlasApiError, CodedError, describeError } from './errors';
import { defaultTokenCache, tokenCacheKey, type IssuedToken, type TokenCache } from './token-cache';
import type {
  AtlasApi,
  AtlasCluster,
  AtlasCredentials,
  AtlasProject,
  AtlasSnapshot,
  Deadline,
  Logger,
  TakeSnapshotRequest,
} from './types';
import { isPlainObject } from './validation';

export const USER_AGENT = `atlas-snapshot-scheduler/${version}`;
/** Resource versions (ATLAS.md "Base URL and versions"). */
export const CLUSTERS_MEDIA_TYPE = 'application/vnd.atlas.2024-08-05+json';
export const SNAPSHOTS_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';
export const GROUPS_MEDIA_TYPE = 'application/vnd.atlas.2023-01-01+json';

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ATTEMPTS = 5;
const PAGE_SIZE = 500;
/** 100 000 items: far beyond any real project; stops a server that never ends its list. */
const MAX_PAGES = 200;
/** A request is not started with less time left than this: it could not get an answer. */
const MIN_REQUEST_MS = 100;
const BACKOFF_BASE_MS = 300;
const BACKOFF_CAP_MS = 8_000;
/**
 * 429s are Atlas saying "later", not a failure: they are waited out for as long as the deadline
 * allows, up to this many times per request, instead of counting against `maxAttempts` (a busy
 * token bucket shared by many targets would otherwise turn into errors).
 */
const MAX_RATE_LIMITED_RETRIES = 50;
const DEFAULT_TOKEN_LIFETIME_S = 3_600;
const TOKEN_PATH = '/api/oauth/token';

export interface AtlasClientOptions {
  /** e.g. `https://cloud.mongodb.com`, without a trailing path to the API. */
  baseUrl: string;
  credentials: AtlasCredentials;
  /** Time left for Atlas work; no request or backoff sleep is started that would not fit. */
  deadline: Deadline;
  logger: Logger;
  /** Service-account tokens; default: shared by every client in the container. */
  tokenCache?: TokenCache;
  /** Last Digest challenge per (base URL, public key); default: shared by every client. */
  digestChallengeCache?: DigestChallengeCache;
  /** Upper bound of one request; the deadline may make it shorter. Default 10 000. */
  requestTimeoutMs?: number;
  /** Attempts per request when Atlas is rate limiting or failing transiently. Default 5. */
  maxAttempts?: number;
  /** Injected in tests to observe backoff without waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1) source for backoff jitter. */
  random?: () => number;
  /** Called when Atlas refuses the credentials (token endpoint 400/401/403, or a final 401). */
  onAuthRejected?: () => void;
}

/** Connections are kept open across calls and warm invocations (TLS handshakes are not free). */
const httpAgent = new http.Agent({ keepAlive: true });
const httpsAgent = new https.Agent({ keepAlive: true });

/**
 * One axios instance for every client: every status is an answer (no throw on 4xx/5xx), no
 * redirects, no proxy from the environment, and the body stays text so that we parse it and can
 * tell a malformed document from a valid one.
 */
const transport = axios.create({
  validateStatus: () => true,
  maxRedirects: 0,
  proxy: false,
  responseType: 'text',
  transformResponse: [(data: unknown) => data],
  httpAgent,
  httpsAgent,
});

interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path and query, appended to the base URL. */
  path: string;
  accept: string;
  contentType?: string;
  body?: string;
  /**
   * False for take-snapshot: it is resent only when Atlas certainly did not process it
   * (429, 401 before re-authenticating, connection refused).
   */
  idempotent: boolean;
}

interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

interface TransportFailure {
  /** Short, secret-free description, e.g. `connection reset (ECONNRESET)`. */
  description: string;
  retryable: boolean;
  /** The request certainly never reached the server (nothing to be ambiguous about). */
  notSent: boolean;
}

type Exchange = { kind: 'answered'; response: HttpResponse } | { kind: 'failed'; failure: TransportFailure };

/** Authorization for one attempt, and what to do when Atlas answers it with 401. */
interface AuthAttempt {
  header?: string;
  /** True when new credentials material was obtained and one more try may succeed. */
  renewAfterUnauthorized(response: HttpResponse): boolean;
}

interface Authenticator {
  authorize(request: HttpRequest): Promise<AuthAttempt>;
}

export function createAtlasClient(options: AtlasClientOptions): AtlasApi {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const logger = options.logger;
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const scrub = secretScrubber(options.credentials);
  const authenticator =
    options.credentials.kind === 'serviceAccount'
      ? serviceAccountAuth(options.credentials)
      : digestAuth(options.credentials);

  // ---- the port ----

  return {
    async getCluster(projectId, clusterName) {
      const path = `${groupPath(projectId)}/clusters/${encodeURIComponent(clusterName)}`;
      const doc = await getJson(path, CLUSTERS_MEDIA_TYPE);
      return expectShape(doc, isCluster, 'a cluster document', path);
    },

    async listClusters(projectId) {
      return readAllPages(`${groupPath(projectId)}/clusters`, CLUSTERS_MEDIA_TYPE, isCluster, 'a cluster document');
    },

    async listSnapshots(projectId, clusterName, sharded) {
      const base = `${groupPath(projectId)}/clusters/${encodeURIComponent(clusterName)}/backup/snapshots`;
      if (!sharded) return readAllPages(base, SNAPSHOTS_MEDIA_TYPE, isSnapshot, 'a snapshot document');
      // The sharded list takes no paging parameters (ATLAS.md).
      const path = `${base}/shardedClusters`;
      const page = expectShape(await getJson(path, SNAPSHOTS_MEDIA_TYPE), isPage, 'a list document', path);
      return page.results.map((item) => expectShape(item, isSnapshot, 'a snapshot document', path));
    },

    async listProjects() {
      return readAllPages('/api/atlas/v2/groups', GROUPS_MEDIA_TYPE, isProject, 'a project document');
    },

    async getSnapshot(projectId, clusterName, snapshotId, sharded) {
      const base = `${groupPath(projectId)}/clusters/${encodeURIComponent(clusterName)}/backup/snapshots`;
      const path = `${base}/${sharded ? 'shardedCluster/' : ''}${encodeURIComponent(snapshotId)}`;
      return expectShape(await getJson(path, SNAPSHOTS_MEDIA_TYPE), isSnapshot, 'a snapshot document', path);
    },

    async setSnapshotRetention(projectId, clusterName, snapshotId, retention) {
      const path = `${groupPath(projectId)}/clusters/${encodeURIComponent(clusterName)}/backup/snapshots/${encodeURIComponent(snapshotId)}`;
      const request: HttpRequest = {
        method: 'PATCH',
        path,
        accept: SNAPSHOTS_MEDIA_TYPE,
        contentType: SNAPSHOTS_MEDIA_TYPE,
        body: JSON.stringify({ retentionUnit: retention.retentionUnit, retentionValue: retention.retentionValue }),
        // Setting the same retention twice leaves the same snapshot: safe to resend.
        idempotent: true,
      };
      const response = await sendAuthenticated(request);
      return expectShape(parseJson(response, request), isSnapshot, 'a snapshot document', path);
    },

    async takeSnapshot(projectId, clusterName, body: TakeSnapshotRequest) {
      const path = `${groupPath(projectId)}/clusters/${encodeURIComponent(clusterName)}/backup/snapshots`;
      const request: HttpRequest = {
        method: 'POST',
        path,
        accept: SNAPSHOTS_MEDIA_TYPE,
        contentType: SNAPSHOTS_MEDIA_TYPE,
        body: JSON.stringify({ description: body.description, retentionInDays: body.retentionInDays }),
        idempotent: false,
      };
      const response = await sendAuthenticated(request);
      try {
        return expectShape(parseJson(response, request), isSnapshot, 'a snapshot document', path);
      } catch (e: unknown) {
        // Atlas said 2xx: the snapshot was most likely created. Let the caller re-read the list
        // rather than report a failure (or, worse, request a second one).
        throw new AmbiguousRequestError(`the take-snapshot answer was unreadable: ${describeError(e)}`);
      }
    },
  };

  // ---- reading ----

  async function getJson(path: string, accept: string): Promise<unknown> {
    const request: HttpRequest = { method: 'GET', path, accept, idempotent: true };
    return parseJson(await sendAuthenticated(request), request);
  }

  /** An API call with the configured credentials; a final 401 is reported to `onAuthRejected`. */
  async function sendAuthenticated(request: HttpRequest): Promise<HttpResponse> {
    try {
      return await send(request, authenticator);
    } catch (e: unknown) {
      if (e instanceof AtlasApiError && e.httpStatus === 401) options.onAuthRejected?.();
      throw e;
    }
  }

  /** Every page: stop at `totalCount`, or at a short or empty page (Atlas's order is undocumented). */
  async function readAllPages<T>(
    path: string,
    accept: string,
    isItem: (v: unknown) => v is T,
    what: string,
  ): Promise<T[]> {
    const items: T[] = [];
    for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
      const pagePath = `${path}?itemsPerPage=${PAGE_SIZE}&pageNum=${pageNum}`;
      const page = expectShape(await getJson(pagePath, accept), isPage, 'a list document', pagePath);
      for (const item of page.results) items.push(expectShape(item, isItem, what, pagePath));
      if (page.results.length < PAGE_SIZE) return items;
      if (page.totalCount !== undefined && items.length >= page.totalCount) return items;
    }
    throw new CodedError(Codes.ATLAS_INVALID_RESPONSE, `GET ${path} did not end after ${MAX_PAGES} pages`);
  }

  // ---- one request, with retries ----

  /**
   * Sends until Atlas answers 2xx, or throws. Retries 429 / 5xx / transient network failures
   * with backoff (not for a non-idempotent request that may have been processed), and re-tries
   * once with fresh credentials after a 401.
   */
  async function send(request: HttpRequest, auth: Authenticator): Promise<HttpResponse> {
    const label = `${request.method} ${request.path}`;
    let attempt = 0;
    let failures = 0;
    let rateLimited = 0;
    let renewed = false;
    let lastFailure: string | undefined;

    for (;;) {
      attempt += 1;
      const authorization = await auth.authorize(request);
      const timeoutMs = requestBudget(label, lastFailure);
      const result = await exchange(request, authorization.header, timeoutMs, attempt);

      if (result.kind === 'failed') {
        const { failure } = result;
        if (!request.idempotent && !failure.notSent) {
          throw new AmbiguousRequestError(
            `${label}: ${failure.description}; Atlas may have processed the request, so it was not sent again`,
          );
        }
        if (!failure.retryable) {
          throw new CodedError(Codes.ATLAS_UNREACHABLE, `${label} failed: ${failure.description}`);
        }
        failures += 1;
        lastFailure = failure.description;
        if (failures >= maxAttempts) {
          throw new CodedError(
            Codes.ATLAS_UNREACHABLE,
            `no answer from Atlas for ${label} after ${failures} attempts; last failure: ${lastFailure}`,
          );
        }
        await pause(backoffMs(failures), label, lastFailure);
        continue;
      }

      const { response } = result;
      if (response.status >= 200 && response.status < 300) return response;

      if (response.status === 401 && !renewed && authorization.renewAfterUnauthorized(response)) {
        // Atlas did not process a request it answered 401, so even a POST may be sent again.
        renewed = true;
        continue;
      }

      const error = atlasError(response);
      if (response.status === 429) {
        rateLimited += 1;
        lastFailure = `HTTP 429 ${error.code}`;
        if (rateLimited > MAX_RATE_LIMITED_RETRIES) throw error;
        const retryAfter = parseRetryAfterMs(response.headers['retry-after'], Date.now());
        // At least what Atlas asked for, and still growing exponentially (MongoDB's advice).
        await pause(Math.max(retryAfter ?? 0, backoffMs(Math.min(rateLimited, 6))), label, lastFailure);
        continue;
      }
      if (response.status >= 500) {
        if (!request.idempotent) {
          throw new AmbiguousRequestError(
            `${label} answered HTTP ${response.status} ${error.code}: ${error.message}; Atlas may have processed the request, so it was not sent again`,
            { httpStatus: response.status },
          );
        }
        failures += 1;
        lastFailure = `HTTP ${response.status} ${error.code}`;
        if (failures >= maxAttempts) throw error;
        const retryAfter = parseRetryAfterMs(response.headers['retry-after'], Date.now());
        await pause(Math.max(retryAfter ?? 0, backoffMs(failures)), label, lastFailure);
        continue;
      }

      throw error;
    }
  }

  /** The timeout for the next attempt, or an out-of-time error when none would fit. */
  function requestBudget(label: string, lastFailure: string | undefined): number {
    const remaining = options.deadline.remainingMs();
    if (remaining < MIN_REQUEST_MS) throw outOfTime(label, remaining, 'another request', lastFailure);
    return Math.min(requestTimeoutMs, remaining);
  }

  /** Sleeps before the next attempt, unless the sleep and a request after it would not fit. */
  async function pause(delayMs: number, label: string, lastFailure: string): Promise<void> {
    const remaining = options.deadline.remainingMs();
    if (delayMs + MIN_REQUEST_MS > remaining) {
      throw outOfTime(label, remaining, `waiting ${delayMs} ms and trying again`, lastFailure);
    }
    logger.info('retrying Atlas request', { request: label, delayMs, reason: lastFailure });
    await sleep(delayMs);
  }

  /** Full jitter: uniform in [0, min(cap, base * 2^(n-1))]. */
  function backoffMs(failures: number): number {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
    return Math.round(random() * ceiling);
  }

  /** One HTTP exchange; never throws: an answer (any status) or a classified failure. */
  async function exchange(
    request: HttpRequest,
    authorization: string | undefined,
    timeoutMs: number,
    attempt: number,
  ): Promise<Exchange> {
    // Our own timer covers the whole exchange (connect, headers and body); axios's `timeout` is a
    // socket idle timeout and would let a slowly dribbling answer run past the deadline.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const started = performance.now();
    const logFields = { method: request.method, path: request.path, attempt };
    try {
      const response = await transport.request<unknown>({
        url: `${baseUrl}${request.path}`,
        method: request.method,
        headers: {
          Accept: request.accept,
          'User-Agent': USER_AGENT,
          ...(request.contentType !== undefined ? { 'Content-Type': request.contentType } : {}),
          ...(authorization !== undefined ? { Authorization: authorization } : {}),
        },
        data: request.body,
        signal: controller.signal,
      });
      logger.debug('Atlas request', { ...logFields, status: response.status, ms: elapsed(started) });
      return {
        kind: 'answered',
        response: {
          status: response.status,
          headers: plainHeaders(response.headers),
          body: typeof response.data === 'string' ? response.data : '',
        },
      };
    } catch (e: unknown) {
      const failure = classifyFailure(e, timedOut, timeoutMs);
      logger.debug('Atlas request', { ...logFields, failure: failure.description, ms: elapsed(started) });
      return { kind: 'failed', failure };
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- answers ----

  /** Atlas's error document as an `AtlasApiError`; its code verbatim. */
  function atlasError(response: HttpResponse): AtlasApiError {
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
    return new AtlasApiError(code, scrub(detail), response.status);
  }

  function parseJson(response: HttpResponse, request: HttpRequest): unknown {
    const doc = tryParseJson(response.body);
    if (doc === undefined) {
      throw new CodedError(
        Codes.ATLAS_INVALID_RESPONSE,
        `Atlas answered ${request.method} ${request.path} with HTTP ${response.status} but a body that is not JSON ` +
          `(${response.body.length} characters, content type ${response.headers['content-type'] ?? 'none'})`,
        { httpStatus: response.status },
      );
    }
    return doc;
  }

  // ---- authentication ----

  function serviceAccountAuth(credentials: { clientId: string; clientSecret: string }): Authenticator {
    const cache = options.tokenCache ?? defaultTokenCache;
    const key = tokenCacheKey(baseUrl, credentials.clientId, credentials.clientSecret);
    return {
      async authorize() {
        const lease = await cache.get(key, () => requestToken(credentials));
        scrub.add(lease.token);
        return {
          header: `Bearer ${lease.token}`,
          renewAfterUnauthorized() {
            // A token minted for this very call is not stale: the refusal is real.
            if (!lease.fromCache) return false;
            cache.invalidate(key, lease.token);
            return true;
          },
        };
      },
    };
  }

  async function requestToken(credentials: { clientId: string; clientSecret: string }): Promise<IssuedToken> {
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, 'utf8').toString('base64');
    const request: HttpRequest = {
      method: 'POST',
      path: TOKEN_PATH,
      accept: 'application/json',
      contentType: 'application/x-www-form-urlencoded',
      body: 'grant_type=client_credentials',
      // Repeating it at worst mints a second token; it is retried like a read.
      idempotent: true,
    };
    const fixed: Authenticator = {
      authorize: () => Promise.resolve({ header: `Basic ${basic}`, renewAfterUnauthorized: () => false }),
    };
    let response: HttpResponse;
    try {
      response = await send(request, fixed);
    } catch (e: unknown) {
      if (e instanceof AtlasApiError && [400, 401, 403].includes(e.httpStatus ?? 0)) {
        options.onAuthRejected?.();
        throw new CodedError(
          Codes.ATLAS_AUTH_FAILED,
          `the Atlas token endpoint refused service account ${credentials.clientId}: HTTP ${e.httpStatus} ${e.code}: ${e.message}`,
          e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {},
        );
      }
      throw e;
    }
    return readToken(response, request);
  }

  function readToken(response: HttpResponse, request: HttpRequest): IssuedToken {
    const doc = parseJson(response, request);
    const invalid = (what: string) =>
      new CodedError(Codes.ATLAS_INVALID_RESPONSE, `the Atlas token endpoint answered without ${what}`, {
        httpStatus: response.status,
      });
    if (!isPlainObject(doc)) throw invalid('a JSON object');
    const accessToken = nonEmptyString(doc.access_token);
    if (accessToken === undefined) throw invalid('an access_token');
    if (
      doc.token_type !== undefined &&
      (typeof doc.token_type !== 'string' || doc.token_type.toLowerCase() !== 'bearer')
    ) {
      throw invalid('token_type Bearer');
    }
    const expiresIn = Number(doc.expires_in);
    // Documented as 3600; should it be missing, a 401 on the cached token still renews it.
    const expiresInSeconds = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_S;
    return { accessToken, expiresInSeconds };
  }

  function digestAuth(credentials: { publicKey: string; privateKey: string }): Authenticator {
    const cache = options.digestChallengeCache ?? defaultDigestChallengeCache;
    const key = `${baseUrl}\n${credentials.publicKey}`;
    const user = { username: credentials.publicKey, password: credentials.privateKey };
    return {
      authorize(request) {
        // Pre-emptive: answer the last challenge seen instead of first asking for a new one.
        const cached = cache.next(key);
        const uri = requestTarget(`${baseUrl}${request.path}`);
        return Promise.resolve({
          ...(cached
            ? { header: buildDigestAuthorization(cached.challenge, user, { method: request.method, uri }, cached.nc) }
            : {}),
          renewAfterUnauthorized(response) {
            const challenge = selectDigestChallenge(response.headers['www-authenticate']);
            if (!challenge) return false;
            // The same nonce again, not stale: the key itself was refused.
            if (cached && challenge.nonce === cached.challenge.nonce && !challenge.stale) return false;
            cache.store(key, challenge);
            return true;
          },
        });
      },
    };
  }
}

// ---- helpers without client state ----

function groupPath(projectId: string): string {
  return `/api/atlas/v2/groups/${encodeURIComponent(projectId)}`;
}

function outOfTime(label: string, remainingMs: number, next: string, lastFailure: string | undefined): CodedError {
  return new CodedError(
    Codes.ATLAS_UNREACHABLE,
    `ran out of time for ${label}: ${Math.max(0, remainingMs)} ms left, not enough for ${next}; ` +
      `last failure: ${lastFailure ?? 'none (no attempt was made)'}`,
  );
}

/** The request-target as the HTTP client sends it (what Digest's `uri` must repeat). */
function requestTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable
 * (the caller then backs off exponentially).
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

const NETWORK_FAILURES: Record<string, { words: string; notSent: boolean }> = {
  ECONNREFUSED: { words: 'connection refused', notSent: true },
  EAI_AGAIN: { words: 'temporary DNS failure', notSent: true },
  ECONNRESET: { words: 'connection reset', notSent: false },
  EPIPE: { words: 'connection closed while sending', notSent: false },
  ETIMEDOUT: { words: 'network timeout', notSent: false },
  ECONNABORTED: { words: 'connection aborted', notSent: false },
  EHOSTUNREACH: { words: 'host unreachable', notSent: false },
  ENETUNREACH: { words: 'network unreachable', notSent: false },
  ENETDOWN: { words: 'network down', notSent: false },
  // axios: the answer was cut off while its body was being read.
  ERR_BAD_RESPONSE: { words: 'answer cut off', notSent: false },
};

/**
 * Turns whatever the HTTP stack threw into a secret-free description. Only the error's `code`
 * and a fixed wording are kept; the axios error itself (with its `config`) is dropped here.
 */
function classifyFailure(e: unknown, timedOut: boolean, timeoutMs: number): TransportFailure {
  if (timedOut) return { description: `no answer within ${timeoutMs} ms`, retryable: true, notSent: false };
  const code = errorCode(e);
  const known = code === undefined ? undefined : NETWORK_FAILURES[code];
  if (known) {
    // Node reports a connection the server dropped before answering as ECONNRESET "socket hang up".
    const hangUp = e instanceof Error && e.message === 'socket hang up' ? 'socket hang up, ' : '';
    return { description: `${hangUp}${known.words} (${code})`, retryable: true, notSent: known.notSent };
  }
  if (code === 'ENOTFOUND') return { description: 'host name not found (ENOTFOUND)', retryable: false, notSent: true };
  return { description: `request failed (${code ?? 'unknown error'})`, retryable: false, notSent: false };
}

function errorCode(e: unknown, depth = 0): string | undefined {
  if (typeof e !== 'object' || e === null || depth > 3) return undefined;
  const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect may report an AggregateError of per-address failures.
  const inner = Array.isArray(errors) ? (errors[0] as unknown) : cause;
  return errorCode(inner, depth + 1);
}

function plainHeaders(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
    else if (Array.isArray(value)) out[name.toLowerCase()] = value.join(', ');
    else if (typeof value === 'number') out[name.toLowerCase()] = String(value);
  }
  return out;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function tryParseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

interface Page {
  results: unknown[];
  totalCount?: number;
}

function isPage(value: unknown): value is Page {
  return (
    isPlainObject(value) &&
    Array.isArray(value.results) &&
    (value.totalCount === undefined || typeof value.totalCount === 'number')
  );
}

function isCluster(value: unknown): value is AtlasCluster {
  return isPlainObject(value) && typeof value.name === 'string';
}

function isProject(value: unknown): value is AtlasProject {
  return isPlainObject(value) && typeof value.id === 'string';
}

function isSnapshot(value: unknown): value is AtlasSnapshot {
  return isPlainObject(value) && typeof value.id === 'string';
}

function expectShape<T>(value: unknown, is: (v: unknown) => v is T, what: string, path: string): T {
  if (is(value)) return value;
  throw new CodedError(Codes.ATLAS_INVALID_RESPONSE, `Atlas answered ${path} with JSON that is not ${what}`);
}

/**
 * Removes every known secret from text that came from the server (an error `detail` could echo
 * what was sent). Tokens are added as they are issued.
 */
function secretScrubber(credentials: AtlasCredentials): ((text: string) => string) & { add(secret: string): void } {
  const secrets = new Set<string>([
    credentials.kind === 'serviceAccount' ? credentials.clientSecret : credentials.privateKey,
  ]);
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[REDACTED]');
    return out;
  };
  return Object.assign(scrub, { add: (secret: string) => void secrets.add(secret) });
}
