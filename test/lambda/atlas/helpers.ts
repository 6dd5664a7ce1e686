/**
 * Shared harness of the Atlas client tests: a real HTTP server on 127.0.0.1 in front of which
 * `fakeAtlas` puts Atlas's token endpoint and Bearer checks, or Digest checks; a client wired to
 * it with its own caches, a recorded logger and recorded sleeps. No axios mock: the server sees
 * exactly what Atlas would see.
 */
import {
  createAtlasClient,
  DigestChallengeCache,
  TokenCache,
  type AtlasClientOptions,
} from '../../../lambda/snapshot/atlas';
import type { AtlasApi, AtlasCredentials, Logger } from '../../../lambda/snapshot/types';
import {
  type DigestServer,
  startLoopbackServer,
  TokenIssuer,
  type LoopbackServer,
  type RecordedRequest,
  type Reply,
  type Route,
} from '../../support/loopback-server';

export const PROJECT = '5f1d0c2e3b4a59687766554a';
export const GROUP = `/api/atlas/v2/groups/${PROJECT}`;
export const TOKEN_PATH = '/api/oauth/token';
export const CLIENT_ID = 'mdb_sa_id_6650a1b2c3d4e5f6a7b8c9d0';
export const CLIENT_SECRET = 'mdb_sa_sk_TOP-SECRET-4f8a9c2e1b7d';
export const PUBLIC_KEY = 'abcdwxyz';
export const PRIVATE_KEY = '0b6a7c1e-PRIVATE-KEY-9f3d2a8b4c5e';
export const SERVICE_ACCOUNT: AtlasCredentials = {
  kind: 'serviceAccount',
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
};
export const API_KEY: AtlasCredentials = { kind: 'apiKey', publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY };

export const cluster = (name: string) => ({ name, clusterType: 'REPLICASET', backupEnabled: true, stateName: 'IDLE' });
export const snapshot = (n: number) => ({
  id: n.toString(16).padStart(24, '0'),
  status: 'completed',
  snapshotType: 'onDemand',
});

// ---- harness ----

export const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export async function serve(route: Route): Promise<LoopbackServer> {
  const server = await startLoopbackServer(route);
  servers.push(server);
  return server;
}

/** Atlas in front of `api`: the token endpoint and Bearer checks, or Digest checks. */
export function fakeAtlas(auth: { issuer?: TokenIssuer; digest?: DigestServer }, api: Route): Route {
  return async (request) => {
    if (request.path === TOKEN_PATH) return auth.issuer ? auth.issuer.token(request) : { status: 404, json: {} };
    const refusal = auth.issuer ? auth.issuer.check(request) : auth.digest?.check(request);
    return refusal ?? api(request);
  };
}

export function newIssuer(expiresIn?: number): TokenIssuer {
  return new TokenIssuer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...(expiresIn ? { expiresIn } : {}) });
}

/** A logger that keeps every line exactly as given (no redaction: the client itself must not leak). */
export function recordingLogger(lines: string[] = []): Logger & { lines: string[] } {
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

export interface Harness {
  client: AtlasApi;
  sleeps: number[];
  logger: ReturnType<typeof recordingLogger>;
  authRejected: jest.Mock;
}

/** `ownTokenCache: false` gives the client no tokenCache, so it uses its module-level default. */
export function clientFor(
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

export const apiRequests = (server: LoopbackServer): RecordedRequest[] =>
  server.requests.filter((r) => r.path !== TOKEN_PATH);
export const tokenRequests = (server: LoopbackServer): RecordedRequest[] =>
  server.requests.filter((r) => r.path === TOKEN_PATH);

/** Answers with each reply in turn, then keeps giving the last one. */
export function sequence(...replies: Reply[]): Route {
  let i = 0;
  return () => replies[Math.min(i++, replies.length - 1)]!;
}

export const ok = (json: unknown): Reply => ({ status: 200, json });

/** Everything about an error that could end up in a log or a notification. */
export function exposeError(e: unknown): string {
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
