/**
 * The Atlas client against a real HTTP server on 127.0.0.1: what goes over the wire (paths,
 * media types, auth headers), and how answers and failures become results or coded errors.
 * No axios mock: the server sees exactly what Atlas would see.
 */
import {
  CLUSTERS_MEDIA_TYPE,
  createAtlasClient,
  parseRetryAfterMs,
  SNAPSHOTS_MEDIA_TYPE,
  type AtlasClientOptions,
} from '../../lambda/snapshot/atlas-client';
import { DigestChallengeCache } from '../../lambda/snapshot/digest';
import { Codes } from '../../lambda/snapshot/codes';
import { AmbiguousRequestError, AtlasApiError, CodedError } from '../../lambda/snapshot/errors';
import { TokenCache, tokenCacheKey } from '../../lambda/snapshot/token-cache';
import type { AtlasApi, AtlasCredentials, Logger } from '../../lambda/snapshot/types';
import {
  atlasErrorReply,
  DigestServer,
  startLoopbackServer,
  TokenIssuer,
  type LoopbackServer,
  type RecordedRequest,
  type Reply,
  type Route,
} from '../support/loopback-server';

const PROJECT = '5f1d0c2e3b4a59687766554a';
const GROUP = `/api/atlas/v2/groups/${PROJECT}`;
const TOKEN_PATH = '/api/oauth/token';
const CLIENT_ID = 'mdb_sa_id_6650a1b2c3d4e5f6a7b8c9d0';
const CLIENT_SECRET = 'mdb_sa_sk_TOP-SECRET-4f8a9c2e1b7d';
const PUBLIC_KEY = 'abcdwxyz';
const PRIVATE_KEY = '0b6a7c1e-PRIVATE-KEY-9f3d2a8b4c5e';
const SERVICE_ACCOUNT: AtlasCredentials = { kind: 'serviceAccount', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
const API_KEY: AtlasCredentials = { kind: 'apiKey', publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY };

const cluster = (name: string) => ({ name, clusterType: 'REPLICASET', backupEnabled: true, stateName: 'IDLE' });
const snapshot = (n: number) => ({
  id: n.toString(16).padStart(24, '0'),
  status: 'completed',
  snapshotType: 'onDemand',
});

// ---- harness ----

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(route: Route): Promise<LoopbackServer> {
  const server = await startLoopbackServer(route);
  servers.push(server);
  return server;
}

/** Atlas in front of `api`: the token endpoint and Bearer checks, or Digest checks. */
function fakeAtlas(auth: { issuer?: TokenIssuer; digest?: DigestServer }, api: Route): Route {
  return async (request) => {
    if (request.path === TOKEN_PATH) return auth.issuer ? auth.issuer.token(request) : { status: 404, json: {} };
    const refusal = auth.issuer ? auth.issuer.check(request) : auth.digest?.check(request);
    return refusal ?? api(request);
  };
}

function newIssuer(expiresIn?: number): TokenIssuer {
  return new TokenIssuer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...(expiresIn ? { expiresIn } : {}) });
}

/** A logger that keeps every line exactly as given (no redaction: the client itself must not leak). */
function recordingLogger(lines: string[] = []): Logger & { lines: string[] } {
  const make = (base: Record<string, unknown>): Logger => {
    const emit = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      void lines.push(JSON.stringify({ level, message, ...base, ...fields }));
    return {
      debug: emit('debug'),
      info: emit('info'),
      warn: emit('warn'),
      error: emit('error'),
      child: (f) => make({ ...base, ...f }),
    };
  };
  return Object.assign(make({}), { lines });
}

interface Harness {
  client: AtlasApi;
  sleeps: number[];
  logger: ReturnType<typeof recordingLogger>;
  authRejected: jest.Mock;
}

/** `ownTokenCache: false` gives the client no tokenCache, so it uses its module-level default. */
function clientFor(
  server: LoopbackServer,
  overrides: Partial<AtlasClientOptions> = {},
  { ownTokenCache = true } = {},
): Harness {
  const sleeps: number[] = [];
  const logger = recordingLogger();
  const authRejected = jest.fn();
  const client = createAtlasClient({
    baseUrl: server.baseUrl,
    credentials: SERVICE_ACCOUNT,
    deadline: { remainingMs: () => 60_000 },
    logger,
    ...(ownTokenCache ? { tokenCache: new TokenCache() } : {}),
    digestChallengeCache: new DigestChallengeCache(),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    onAuthRejected: authRejected,
    ...overrides,
  });
  return { client, sleeps, logger, authRejected };
}

const apiRequests = (server: LoopbackServer): RecordedRequest[] => server.requests.filter((r) => r.path !== TOKEN_PATH);
const tokenRequests = (server: LoopbackServer): RecordedRequest[] =>
  server.requests.filter((r) => r.path === TOKEN_PATH);

/** Answers with each reply in turn, then keeps giving the last one. */
function sequence(...replies: Reply[]): Route {
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)]!;
}

const ok = (json: unknown): Reply => ({ status: 200, json });

// ---- service account ----

describe('service account authentication', () => {
  it('requests a token as Atlas documents it and calls the API with it as a Bearer token', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const { client } = clientFor(server);

    await client.getCluster(PROJECT, 'Cluster0');

    const [token] = tokenRequests(server);
    expect(token).toMatchObject({
      method: 'POST',
      path: TOKEN_PATH,
      body: 'grant_type=client_credentials',
    });
    expect(token?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    );
    expect(token?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(token?.headers.accept).toBe('application/json');
    expect(apiRequests(server)[0]?.headers.authorization).toBe(`Bearer ${issuer.issued[0]}`);
  });

  it('uses one token for two calls and for another client sharing the cache', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const tokenCache = new TokenCache();

    await clientFor(server, { tokenCache }).client.getCluster(PROJECT, 'Cluster0');
    await clientFor(server, { tokenCache }).client.getCluster(PROJECT, 'Cluster0');
    await clientFor(server, { tokenCache }).client.getCluster(PROJECT, 'Cluster0');

    expect(tokenRequests(server)).toHaveLength(1);
    expect(apiRequests(server)).toHaveLength(3);
  });

  it('shares one token request among 20 concurrent calls', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const { client } = clientFor(server);

    await Promise.all(Array.from({ length: 20 }, () => client.getCluster(PROJECT, 'Cluster0')));

    expect(tokenRequests(server)).toHaveLength(1);
    expect(apiRequests(server)).toHaveLength(20);
  });

  it('keeps tokens in a module-level cache by default (warm invocations)', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));

    await clientFor(server, {}, { ownTokenCache: false }).client.getCluster(PROJECT, 'Cluster0');
    await clientFor(server, {}, { ownTokenCache: false }).client.getCluster(PROJECT, 'Cluster0');

    expect(tokenRequests(server)).toHaveLength(1);
  });

  it('requests a new token once the cached one is within 60 s of expiring', async () => {
    const issuer = newIssuer(3600);
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    let now = 1_700_000_000_000;
    const { client } = clientFor(server, { tokenCache: new TokenCache({ now: () => now }) });

    await client.getCluster(PROJECT, 'Cluster0');
    now += 3539_000;
    await client.getCluster(PROJECT, 'Cluster0');
    expect(tokenRequests(server)).toHaveLength(1);
    now += 2_000; // 3541 s after issue: inside the 60 s margin
    await client.getCluster(PROJECT, 'Cluster0');

    expect(tokenRequests(server)).toHaveLength(2);
    expect(apiRequests(server)[2]?.headers.authorization).toBe(`Bearer ${issuer.issued[1]}`);
  });

  it('keys tokens by a hash of the secret, so a rotated secret gets its own token', () => {
    const before = tokenCacheKey('https://cloud.mongodb.com', CLIENT_ID, CLIENT_SECRET);
    const after = tokenCacheKey('https://cloud.mongodb.com', CLIENT_ID, `${CLIENT_SECRET}-rotated`);

    expect(after).not.toBe(before);
    expect(before).not.toContain(CLIENT_SECRET);
  });

  it('after a 401 on a cached token, gets one fresh token and retries the call once', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const { client, authRejected } = clientFor(server);
    await client.getCluster(PROJECT, 'Cluster0');
    issuer.revokeAll();

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(tokenRequests(server)).toHaveLength(2);
    expect(apiRequests(server).map((r) => r.headers.authorization)).toEqual([
      `Bearer ${issuer.issued[0]}`,
      `Bearer ${issuer.issued[0]}`,
      `Bearer ${issuer.issued[1]}`,
    ]);
    expect(authRejected).not.toHaveBeenCalled();
  });

  it('passes a 401 on a freshly minted token through without another token request', async () => {
    const issuer = newIssuer();
    const server = await serve(
      fakeAtlas({ issuer }, () =>
        atlasErrorReply(401, 'UNEXPECTED_ERROR', 'You are not authorized for this resource.'),
      ),
    );
    const { client, authRejected } = clientFor(server);

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({
      code: 'UNEXPECTED_ERROR',
      httpStatus: 401,
      message: 'You are not authorized for this resource.',
    });
    expect(tokenRequests(server)).toHaveLength(1);
    expect(apiRequests(server)).toHaveLength(1);
    expect(authRejected).toHaveBeenCalledTimes(1);
  });

  it('reports a token endpoint refusal as ATLAS_AUTH_FAILED and calls no API', async () => {
    const issuer = newIssuer();
    issuer.failWith = {
      status: 401,
      json: { error: 'invalid_client', error_description: 'Invalid client credentials' },
    };
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const { client, authRejected } = clientFor(server);

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CodedError);
    expect(error).toMatchObject({ code: Codes.ATLAS_AUTH_FAILED, httpStatus: 401 });
    expect((error as Error).message).toContain('invalid_client');
    expect(tokenRequests(server)).toHaveLength(1);
    expect(apiRequests(server)).toHaveLength(0);
    expect(authRejected).toHaveBeenCalledTimes(1);
  });

  it('retries a rate-limited token request', async () => {
    const issuer = newIssuer();
    let tokenCalls = 0;
    const server = await serve((request) => {
      if (request.path === TOKEN_PATH && ++tokenCalls === 1) {
        return { status: 429, headers: { 'retry-after': '2' }, json: { error: 'RATE_LIMITED' } };
      }
      return fakeAtlas({ issuer }, () => ok(cluster('Cluster0')))(request);
    });
    const { client, sleeps } = clientFor(server);

    await client.getCluster(PROJECT, 'Cluster0');

    expect(tokenRequests(server)).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });
});

// ---- Digest ----

describe('API key (HTTP Digest) authentication', () => {
  it.each(['MD5', 'MD5-sess', 'SHA-256'])(
    'answers a %s challenge the server verifies, and reuses it: 2 calls, 1 challenge round trip',
    async (algorithm) => {
      const digest = new DigestServer({ users: { [PUBLIC_KEY]: PRIVATE_KEY }, algorithm });
      const server = await serve(
        fakeAtlas({ digest }, (r) => ok(r.method === 'POST' ? snapshot(1) : cluster('Cluster0'))),
      );
      const { client } = clientFor(server, { credentials: API_KEY });

      await client.getCluster(PROJECT, 'Cluster0');
      await client.takeSnapshot(PROJECT, 'Cluster0', { description: 'd', retentionInDays: 1 });

      expect(digest.challengesIssued).toBe(1);
      expect(server.requests).toHaveLength(3);
      expect(server.requests[0]?.headers.authorization).toBeUndefined();
      expect(server.requests[2]?.headers.authorization).toMatch(/nc=00000002/);
    },
  );

  it("passes Atlas's refusal of a wrong private key through after one retry", async () => {
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: 'the-real-key' } });
    const server = await serve(fakeAtlas({ digest }, () => ok(cluster('Cluster0'))));
    const { client, authRejected } = clientFor(server, { credentials: API_KEY });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({
      code: 'UNEXPECTED_ERROR',
      httpStatus: 401,
      message: 'You are not authorized for this resource.',
    });
    expect(server.requests).toHaveLength(2);
    expect(authRejected).toHaveBeenCalledTimes(1);
  });

  it('answers a stale nonce with one retry using the new challenge', async () => {
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: PRIVATE_KEY } });
    const server = await serve(fakeAtlas({ digest }, () => ok(cluster('Cluster0'))));
    const { client } = clientFor(server, { credentials: API_KEY });
    await client.getCluster(PROJECT, 'Cluster0');
    digest.expireNonce();

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(server.requests).toHaveLength(4);
    expect(digest.challengesIssued).toBe(2);
  });

  it('re-sends a POST that was answered 401 (Atlas did not process it)', async () => {
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: PRIVATE_KEY } });
    const server = await serve(fakeAtlas({ digest }, () => ok(snapshot(1))));
    const { client } = clientFor(server, { credentials: API_KEY });

    await client.takeSnapshot(PROJECT, 'Cluster0', { description: 'nightly', retentionInDays: 7 });

    expect(server.requests.map((r) => [r.method, r.body])).toEqual([
      ['POST', '{"description":"nightly","retentionInDays":7}'],
      ['POST', '{"description":"nightly","retentionInDays":7}'],
    ]);
  });
});

// ---- endpoints ----

describe('endpoints, media types and paging', () => {
  it('reads a cluster with the 2024-08-05 media type, URL-encoding path segments', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(cluster('a b/c'))));
    const { client } = clientFor(server);

    const result = await client.getCluster(PROJECT, 'a b/c');

    expect(result).toEqual(cluster('a b/c'));
    const [request] = apiRequests(server);
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(`${GROUP}/clusters/a%20b%2Fc`);
    expect(request?.headers.accept).toBe(CLUSTERS_MEDIA_TYPE);
    expect(request?.headers['user-agent']).toMatch(/^atlas-snapshot-scheduler\/\d+\.\d+\.\d+/);
  });

  it('lists clusters page by page until totalCount is reached', async () => {
    const all = Array.from({ length: 1000 }, (_, i) => cluster(`c${i}`));
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) => {
        const size = Number(r.query.get('itemsPerPage'));
        const page = Number(r.query.get('pageNum'));
        return ok({ results: all.slice((page - 1) * size, page * size), totalCount: all.length, links: [] });
      }),
    );
    const { client } = clientFor(server);

    const result = await client.listClusters(PROJECT);

    expect(result).toHaveLength(1000);
    expect(apiRequests(server).map((r) => r.url)).toEqual([
      `${GROUP}/clusters?itemsPerPage=500&pageNum=1`,
      `${GROUP}/clusters?itemsPerPage=500&pageNum=2`,
    ]);
    expect(apiRequests(server).every((r) => r.headers.accept === CLUSTERS_MEDIA_TYPE)).toBe(true);
  });

  it('reads every page of replica-set snapshots (3 pages) with the 2023-01-01 media type', async () => {
    const all = Array.from({ length: 1100 }, (_, i) => snapshot(i));
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) => {
        const size = Number(r.query.get('itemsPerPage'));
        const page = Number(r.query.get('pageNum'));
        return ok({ results: all.slice((page - 1) * size, page * size), totalCount: all.length });
      }),
    );
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result.map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(apiRequests(server).map((r) => [r.path, r.query.get('pageNum'), r.headers.accept])).toEqual([
      [`${GROUP}/clusters/Cluster0/backup/snapshots`, '1', SNAPSHOTS_MEDIA_TYPE],
      [`${GROUP}/clusters/Cluster0/backup/snapshots`, '2', SNAPSHOTS_MEDIA_TYPE],
      [`${GROUP}/clusters/Cluster0/backup/snapshots`, '3', SNAPSHOTS_MEDIA_TYPE],
    ]);
  });

  it('stops at an empty page when Atlas gives no totalCount', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) =>
        ok({ results: r.query.get('pageNum') === '1' ? Array.from({ length: 500 }, (_, i) => snapshot(i)) : [] }),
      ),
    );
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result).toHaveLength(500);
    expect(apiRequests(server)).toHaveLength(2);
  });

  it('reads sharded snapshots from shardedClusters without paging parameters', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok({ results: [snapshot(1)], totalCount: 1 })));
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Shard0', true);

    expect(result).toEqual([snapshot(1)]);
    expect(apiRequests(server)[0]?.url).toBe(`${GROUP}/clusters/Shard0/backup/snapshots/shardedClusters`);
    expect(apiRequests(server)[0]?.headers.accept).toBe(SNAPSHOTS_MEDIA_TYPE);
  });

  it('takes a snapshot with a POST whose Content-Type is the snapshot media type', async () => {
    const queued = { ...snapshot(7), status: 'queued', description: 'nightly' };
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(queued)));
    const { client } = clientFor(server);

    const result = await client.takeSnapshot(PROJECT, 'Cluster0', { description: 'nightly', retentionInDays: 7 });

    expect(result).toEqual(queued);
    const [request] = apiRequests(server);
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`${GROUP}/clusters/Cluster0/backup/snapshots`);
    expect(request?.headers['content-type']).toBe(SNAPSHOTS_MEDIA_TYPE);
    expect(request?.headers.accept).toBe(SNAPSHOTS_MEDIA_TYPE);
    expect(JSON.parse(request?.body ?? '')).toEqual({ description: 'nightly', retentionInDays: 7 });
  });

  it('logs each request at debug level with method, path, status, attempt and duration', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(cluster('Cluster0'))));
    const { client, logger } = clientFor(server);

    await client.getCluster(PROJECT, 'Cluster0');

    const entries = logger.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 'debug',
        method: 'GET',
        path: `${GROUP}/clusters/Cluster0`,
        status: 200,
        attempt: 1,
        ms: expect.any(Number),
      }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ method: 'POST', path: TOKEN_PATH, status: 200 }));
  });
});

// ---- errors and retries ----

describe('Atlas errors', () => {
  it('passes 404 CLUSTER_NOT_FOUND through with its HTTP status, without retrying', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        atlasErrorReply(404, 'CLUSTER_NOT_FOUND', 'No cluster named Nope exists in group x.'),
      ),
    );
    const { client, sleeps } = clientFor(server);

    const error = await client.getCluster(PROJECT, 'Nope').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({
      code: 'CLUSTER_NOT_FOUND',
      httpStatus: 404,
      message: 'No cluster named Nope exists in group x.',
    });
    expect(apiRequests(server)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('takes the code of a non-JSON error from X-Error-Code, else UNEXPECTED_ERROR', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) =>
        r.path.endsWith('/A')
          ? { status: 403, headers: { 'x-error-code': 'IP_ADDRESS_NOT_ON_ACCESS_LIST' }, text: '<html>denied</html>' }
          : { status: 418, text: 'teapot' },
      ),
    );
    const { client } = clientFor(server);

    await expect(client.getCluster(PROJECT, 'A')).rejects.toMatchObject({
      code: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
      httpStatus: 403,
    });
    await expect(client.getCluster(PROJECT, 'B')).rejects.toMatchObject({
      code: Codes.UNEXPECTED_ERROR,
      httpStatus: 418,
    });
  });

  it('reports a 2xx answer that is not JSON as ATLAS_INVALID_RESPONSE', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ status: 200, text: '{"name": "Clus' })));
    const { client } = clientFor(server);

    await expect(client.getCluster(PROJECT, 'Cluster0')).rejects.toMatchObject({
      code: Codes.ATLAS_INVALID_RESPONSE,
      httpStatus: 200,
    });
  });

  it('reports a 2xx JSON answer of the wrong shape as ATLAS_INVALID_RESPONSE', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok({ results: 'nope' })));
    const { client } = clientFor(server);

    await expect(client.listSnapshots(PROJECT, 'Cluster0', false)).rejects.toMatchObject({
      code: Codes.ATLAS_INVALID_RESPONSE,
    });
    await expect(client.getCluster(PROJECT, 'Cluster0')).rejects.toMatchObject({ code: Codes.ATLAS_INVALID_RESPONSE });
  });
});

describe('retries', () => {
  it('waits at least Retry-After seconds after a 429, then succeeds', async () => {
    const server = await serve(
      fakeAtlas(
        { issuer: newIssuer() },
        sequence(
          atlasErrorReply(429, 'RATE_LIMITED_TOKEN_BUCKET', 'Too many requests', { 'retry-after': '1' }),
          ok(cluster('Cluster0')),
        ),
      ),
    );
    const { client, sleeps } = clientFor(server);

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(apiRequests(server)).toHaveLength(2);
  });

  it('backs off with full jitter after a 503, then succeeds', async () => {
    const server = await serve(
      fakeAtlas(
        { issuer: newIssuer() },
        sequence(atlasErrorReply(503, 'UNEXPECTED_ERROR', 'Service unavailable'), ok(cluster('Cluster0'))),
      ),
    );
    const { client, sleeps } = clientFor(server, { random: () => 0.5 });

    await client.getCluster(PROJECT, 'Cluster0');

    expect(sleeps).toEqual([150]); // 0.5 * 300 ms base
    expect(apiRequests(server)).toHaveLength(2);
  });

  it("gives up after maxAttempts with Atlas's own error code and status", async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => atlasErrorReply(500, 'UNEXPECTED_ERROR', 'Unexpected error.')),
    );
    const { client, sleeps } = clientFor(server, { maxAttempts: 4, random: () => 1 });

    const error = await client.listClusters(PROJECT).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({ code: 'UNEXPECTED_ERROR', httpStatus: 500 });
    expect(apiRequests(server)).toHaveLength(4);
    expect(sleeps).toEqual([300, 600, 1200]);
  });

  it('waits out more 429s than maxAttempts (Atlas asked for patience, not a failure)', async () => {
    let calls = 0;
    const route = () =>
      ++calls <= 6
        ? atlasErrorReply(429, 'RATE_LIMITED_TOKEN_BUCKET', 'Too many requests.', { 'Retry-After': '1' })
        : ok(cluster('Cluster0'));
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, route));
    const { client, sleeps } = clientFor(server, { maxAttempts: 3 });

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(apiRequests(server)).toHaveLength(7);
    expect(sleeps).toHaveLength(6);
    expect(Math.min(...sleeps)).toBeGreaterThanOrEqual(1000);
  });

  it('times out a server that never answers and reports ATLAS_UNREACHABLE', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ hang: true })));
    const { client } = clientFor(server, { requestTimeoutMs: 50, maxAttempts: 2 });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CodedError);
    expect(error).not.toBeInstanceOf(AmbiguousRequestError);
    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
    expect((error as Error).message).toContain('no answer within 50 ms');
    expect(apiRequests(server)).toHaveLength(2);
  });

  it('retries a connection dropped without an answer (socket hang up)', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, sequence({ destroy: true }, ok(cluster('Cluster0')))),
    );
    const { client, logger } = clientFor(server);

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(apiRequests(server)).toHaveLength(2);
    expect(logger.lines.join('\n')).toContain('ECONNRESET');
  });

  it('retries a refused connection, then reports ATLAS_UNREACHABLE', async () => {
    const server = await serve(() => ok({}));
    await server.close();
    const { client, sleeps } = clientFor(server, { credentials: API_KEY, maxAttempts: 3 });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(sleeps).toHaveLength(2);
  });

  it('sends nothing when the deadline has no time left', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(cluster('Cluster0'))));

    for (const credentials of [SERVICE_ACCOUNT, API_KEY]) {
      const { client } = clientFor(server, { credentials, deadline: { remainingMs: () => 0 } });
      const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
      expect((error as Error).message).toContain('ran out of time');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('does not start a Retry-After wait that would not fit in the deadline', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        atlasErrorReply(429, 'RATE_LIMITED_TOKEN_BUCKET', 'Slow down', { 'retry-after': '30' }),
      ),
    );
    const { client, sleeps } = clientFor(server, { deadline: { remainingMs: () => 5_000 } });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
    expect((error as Error).message).toMatch(/ran out of time.*HTTP 429 RATE_LIMITED_TOKEN_BUCKET/);
    expect(sleeps).toEqual([]);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');

    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('take snapshot is not repeated blindly', () => {
  const body = { description: 'nightly', retentionInDays: 7 };

  it('throws AmbiguousRequestError after a 503 and sends exactly one POST', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => atlasErrorReply(503, 'UNEXPECTED_ERROR', 'Service unavailable')),
    );
    const { client, sleeps } = clientFor(server);

    const error = await client.takeSnapshot(PROJECT, 'Cluster0', body).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AmbiguousRequestError);
    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE, httpStatus: 503 });
    expect(apiRequests(server).filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('throws AmbiguousRequestError for a 200 whose body is unreadable (the snapshot probably exists)', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ status: 200, text: '{"id": ' })));
    const { client } = clientFor(server);

    const error = await client.takeSnapshot(PROJECT, 'Cluster0', body).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AmbiguousRequestError);
    expect((error as Error).message).toContain('the take-snapshot answer was unreadable');
    expect(apiRequests(server).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('throws AmbiguousRequestError after a timeout and sends exactly one POST', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ hang: true })));
    const { client } = clientFor(server, { requestTimeoutMs: 50 });

    await expect(client.takeSnapshot(PROJECT, 'Cluster0', body)).rejects.toBeInstanceOf(AmbiguousRequestError);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('throws AmbiguousRequestError after a dropped connection and sends exactly one POST', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ destroy: true })));
    const { client } = clientFor(server);

    await expect(client.takeSnapshot(PROJECT, 'Cluster0', body)).rejects.toBeInstanceOf(AmbiguousRequestError);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('retries after a 429 (Atlas did not process it)', async () => {
    const server = await serve(
      fakeAtlas(
        { issuer: newIssuer() },
        sequence(
          atlasErrorReply(429, 'RATE_LIMITED_TOKEN_BUCKET', 'Too many requests'),
          ok({ ...snapshot(9), status: 'queued' }),
        ),
      ),
    );
    const { client, sleeps } = clientFor(server);

    const result = await client.takeSnapshot(PROJECT, 'Cluster0', body);

    expect(result.id).toBe(snapshot(9).id);
    expect(apiRequests(server).filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('retries a refused connection (nothing was sent), never as ambiguous', async () => {
    const server = await serve(() => ok({}));
    await server.close();
    const { client, sleeps } = clientFor(server, { credentials: API_KEY, maxAttempts: 2 });

    const error = await client.takeSnapshot(PROJECT, 'Cluster0', body).catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(AmbiguousRequestError);
    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
    expect(sleeps).toHaveLength(1);
  });

  it('passes UNFINISHED_ON_DEMAND_SNAPSHOT through for the core to handle', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        atlasErrorReply(400, 'UNFINISHED_ON_DEMAND_SNAPSHOT', 'An on-demand snapshot is in progress.'),
      ),
    );
    const { client } = clientFor(server);

    await expect(client.takeSnapshot(PROJECT, 'Cluster0', body)).rejects.toMatchObject({
      code: 'UNFINISHED_ON_DEMAND_SNAPSHOT',
      httpStatus: 400,
    });
    expect(apiRequests(server)).toHaveLength(1);
  });
});

// ---- secrets ----

describe('secrets', () => {
  /** Everything about an error that could end up in a log or a notification. */
  function exposeError(e: unknown): string {
    const seen = new WeakSet<object>();
    const walk = (value: unknown, depth: number): unknown => {
      if (typeof value !== 'object' || value === null) return value;
      if (seen.has(value) || depth > 6) return '[seen]';
      seen.add(value);
      const out: Record<string, unknown> = {};
      for (const key of Object.getOwnPropertyNames(value))
        out[key] = walk((value as Record<string, unknown>)[key], depth + 1);
      return out;
    };
    return `${String(e)}\n${e instanceof Error ? e.stack : ''}\n${JSON.stringify(walk(e, 0))}`;
  }

  it('keeps the client secret, private key and bearer tokens out of every log line and error', async () => {
    const issuer = newIssuer();
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: 'another-key' } });
    const server = await serve(async (request) => {
      const mode = request.path.split('/')[7]; // /api/atlas/v2/groups/{id}/clusters/{mode}
      if (mode === 'digest') return digest.check(request) ?? ok(cluster('x'));
      if (request.path === TOKEN_PATH) return issuer.token(request);
      const refusal = issuer.check(request);
      if (refusal) return refusal;
      const token = request.headers.authorization ?? '';
      switch (mode) {
        // A server that echoes what it got: the client must still not repeat it.
        case 'echo':
          return atlasErrorReply(400, 'INVALID_ATTRIBUTE', `bad request with ${token} and ${CLIENT_SECRET}`);
        case 'fail':
          return atlasErrorReply(500, 'UNEXPECTED_ERROR', `boom ${token}`);
        case 'hang':
          return { hang: true };
        case 'drop':
          return { destroy: true };
        default:
          return ok(request.method === 'POST' ? snapshot(1) : cluster('x'));
      }
    });
    const logger = recordingLogger();
    const errors: unknown[] = [];
    const run = async (credentials: AtlasCredentials, clusterName: string, post = false) => {
      const { client } = clientFor(server, { credentials, logger, requestTimeoutMs: 50, maxAttempts: 2 });
      await (
        post
          ? client.takeSnapshot(PROJECT, clusterName, { description: 'd', retentionInDays: 1 })
          : client.getCluster(PROJECT, clusterName)
      ).catch((e: unknown) => errors.push(e));
    };

    for (const mode of ['ok', 'echo', 'fail', 'hang', 'drop']) {
      await run(SERVICE_ACCOUNT, mode);
      await run(SERVICE_ACCOUNT, mode, true);
    }
    await run(API_KEY, 'digest');
    await run({ kind: 'serviceAccount', clientId: CLIENT_ID, clientSecret: `${CLIENT_SECRET}-wrong` }, 'ok');

    const tokens = issuer.issued;
    expect(tokens.length).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThanOrEqual(9);
    expect(logger.lines.length).toBeGreaterThan(10);
    const everything = [...logger.lines, ...errors.map(exposeError)].join('\n');
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    for (const secret of [CLIENT_SECRET, PRIVATE_KEY, ...tokens, basic, 'response=']) {
      expect(everything).not.toContain(secret);
    }
    for (const e of errors) {
      expect(e).toBeInstanceOf(CodedError);
      expect(e).not.toHaveProperty('config');
      expect((e as Error).cause).toBeUndefined();
    }
  });
});
