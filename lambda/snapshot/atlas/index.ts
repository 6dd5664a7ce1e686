/**
 * The Atlas Admin API v2 adapter behind the `AtlasApi` port (docs/atlas-api.md): authentication
 * (service account token or Digest), versioned media types, paging, retries with backoff inside
 * the invocation's deadline, and Atlas errors turned into coded errors. Nothing it throws or logs
 * carries a secret, a token or an axios error (whose `config` holds the request headers).
 *
 * The pieces: client.ts (the port's methods, paging), transport.ts (one exchange), retry.ts (the
 * retry decision and loop), paging.ts (which page next), auth/ (the two authenticators),
 * answers.ts (reading answers), scrub.ts (the credential scrubber), notices.ts (version notices).
 */
import { Codes } from '../codes';
import { CodedError } from '../errors';
import type { AtlasApi, AtlasClientFactoryOptions, RetentionSetting, TakeSnapshotRequest } from '../types';
import type { Authenticator } from './auth/authenticator';
import { apiKeyAuth } from './auth/api-key';
import { defaultDigestChallengeCache, type DigestChallengeCache } from './auth/digest';
import { serviceAccountAuth } from './auth/service-account';
import { defaultTokenCache, type TokenCache } from './auth/token-cache';
import { atlasApi } from './client';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_MS, sendWithRetries, type RetryLoopOptions } from './retry';
import { versionNotices } from './notices';
import { createScrubber, scrubbingLogger, scrubError, type Scrubber } from './scrub';
import { createTransport, type HttpRequest } from './transport';

export { CLUSTERS_MEDIA_TYPE, GROUPS_MEDIA_TYPE, SNAPSHOTS_MEDIA_TYPE } from './client';
export { apiBase, MAX_PAGES, nextPage, PAGE_SIZE, pageKey } from './paging';
export type { ApiBase, NextPage, PageRead } from './paging';
export { decideRetry, DEFAULT_MAX_ATTEMPTS, DEFAULT_REQUEST_TIMEOUT_MS, parseRetryAfterMs } from './retry';
export type { RetryDecision, RetryInput, RetryState } from './retry';
export { USER_AGENT } from './transport';
export { DigestChallengeCache } from './auth/digest';
export { TokenCache, tokenCacheKey } from './auth/token-cache';

/** What the handler gives (types.ts), plus knobs for tests. */
export interface AtlasClientOptions extends AtlasClientFactoryOptions {
  /** Service-account tokens; default: shared by every client in the container. */
  tokenCache?: TokenCache;
  /** Last Digest challenge per (base URL, public key); default: shared by every client. */
  digestChallengeCache?: DigestChallengeCache;
  /** Upper bound of one request; the deadline may make it shorter. Default 10 000. */
  requestTimeoutMs?: number;
  /** Attempts per request when Atlas is failing transiently. Default 5. */
  maxAttempts?: number;
  /** Injected in tests to observe backoff without waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1) source for backoff jitter. */
  random?: () => number;
  /** Called when Atlas refuses the credentials (token endpoint 400/401/403, or a 401 to fresh material). */
  onAuthRejected?: () => void;
}

export function createAtlasClient(options: AtlasClientOptions): AtlasApi {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const { credentials } = options;
  const scrub = createScrubber([
    credentials.kind === 'serviceAccount' ? credentials.clientSecret : credentials.privateKey,
  ]);
  // Shared by every client of the invocation: once Atlas refused the credentials, nothing more is asked.
  const run = options.run ?? {};
  const latch = (detail: string, httpStatus?: number): void => {
    run.authRefused ??= { detail, ...(httpStatus !== undefined ? { httpStatus } : {}) };
    options.onAuthRejected?.();
  };
  const logger = scrubbingLogger(options.logger, scrub);
  const loop: RetryLoopOptions = {
    exchange: createTransport(baseUrl),
    deadline: options.deadline,
    logger,
    maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    scrub,
    onAnswer: versionNotices({ logger, scrub, ...(options.onNotice ? { onNotice: options.onNotice } : {}) }),
    beforeAttempt: () => {
      if (run.authRefused) throw refusedEarlier(run.authRefused);
    },
    onRefused: (request, error) =>
      latch(`${request.method} ${request.path} was answered HTTP 401 ${error.code}: ${error.message}`, 401),
  };

  const authenticator: Authenticator =
    credentials.kind === 'serviceAccount'
      ? serviceAccountAuth({
          baseUrl,
          credentials,
          cache: options.tokenCache ?? defaultTokenCache,
          scrub,
          send: (request, auth) => sendWithRetries(request, auth, loop),
          onRefused: (error) => latch(error.message, error.httpStatus),
        })
      : apiKeyAuth({ baseUrl, credentials, cache: options.digestChallengeCache ?? defaultDigestChallengeCache, scrub });

  /** An API call with the configured credentials; its answer scrubbed (what the port returns may be published). */
  async function sendApi(request: HttpRequest) {
    const response = await sendWithRetries(request, authenticator.forRequest(request), loop);
    return { ...response, body: scrub(response.body) };
  }

  return scrubbed(atlasApi(sendApi, baseUrl), scrub);
}

/** What every request of a run fails with once Atlas refused its credentials. */
function refusedEarlier(refusal: { detail: string; httpStatus?: number }): CodedError {
  return new CodedError(
    Codes.ATLAS_AUTH_FAILED,
    `Atlas refused the credentials earlier in this invocation, so nothing more was asked: ${refusal.detail}`,
    refusal.httpStatus !== undefined ? { httpStatus: refusal.httpStatus } : {},
  );
}

/** The port with every error it throws passed through the scrubber on its way out. */
function scrubbed(api: AtlasApi, scrub: Scrubber): AtlasApi {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (e: unknown) {
        throw scrubError(e, scrub);
      }
    };
  return {
    listProjects: guard(() => api.listProjects()),
    getCluster: guard((projectId: string, clusterName: string) => api.getCluster(projectId, clusterName)),
    listClusters: guard((projectId: string) => api.listClusters(projectId)),
    listSnapshots: guard((projectId: string, clusterName: string, sharded: boolean) =>
      api.listSnapshots(projectId, clusterName, sharded),
    ),
    getSnapshot: guard((projectId: string, clusterName: string, snapshotId: string, sharded: boolean) =>
      api.getSnapshot(projectId, clusterName, snapshotId, sharded),
    ),
    takeSnapshot: guard((projectId: string, clusterName: string, body: TakeSnapshotRequest) =>
      api.takeSnapshot(projectId, clusterName, body),
    ),
    setSnapshotRetention: guard(
      (projectId: string, clusterName: string, snapshotId: string, retention: RetentionSetting) =>
        api.setSnapshotRetention(projectId, clusterName, snapshotId, retention),
    ),
  };
}
