/**
 * The Atlas Admin API simulator: a node:http server on loopback answering what docs/atlas-api.md
 * describes (auth, versions and their deprecation, projects, clusters, snapshots, errors, rate
 * limits), plus scripted faults, added latency and a request log. `startAtlasSimulator()` is the
 * only entry point.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, headerValue, listen, readBody, sleep } from '../http';
import { type Answer, type SimRequest, atlasErrorAnswer } from './answers';
import { handleApiCall } from './api';
import { CredentialStore, type Principal, authKindOf, normalizeIp } from './auth';
import { type Clock, systemClock } from './clock';
import { AtlasApiError, atlasErrors } from './errors';
import { type FaultSpec, FaultPlan } from './faults';
import { writeEndlessBody, writeGzipBomb } from './hostile';
import { ApiRateLimits } from './limits';
import { handleRevoke, handleToken } from './oauth';
import { TokenBucketLimiter } from './rate-limit';
import { RequestLog, type RequestLogEntry } from './request-log';
import { type RouteMatch, isOAuthEndpoint, matchRoute } from './routes';
import type { AtlasSimulator, AtlasSimulatorOptions, SimulatorSeed, SnapshotInfo } from './simulator';
import { AtlasState, DEFAULT_SNAPSHOT_TIMING } from './state';
import { type VersionDeprecation, checkDeprecation, deprecationHeaders, negotiate, versionsFor } from './versions';

export type { AtlasSimulator, AtlasSimulatorOptions, SimulatorSeed, SnapshotInfo } from './simulator';

interface Runtime {
  options: AtlasSimulatorOptions;
  clock: Clock;
  state: AtlasState;
  credentials: CredentialStore;
  log: RequestLog;
  faults: FaultPlan;
  latencyMs: number;
  limits: ApiRateLimits;
  /** Undefined when unlimited (set and reset by setTokenRateLimit). */
  tokenLimiter: TokenBucketLimiter | undefined;
  deprecations: VersionDeprecation[];
  tokenExpiresInSeconds: number;
}

export async function startAtlasSimulator(options: AtlasSimulatorOptions = {}): Promise<AtlasSimulator> {
  const runtime = createRuntime(options);
  seedRuntime(runtime, options.seed ?? {});
  for (const fault of options.faults ?? []) runtime.faults.add(fault);
  const server = await listen(
    (req, res) =>
      void onRequest(runtime, req, res).catch(() => {
        // Only a client that went away mid-request gets here; nothing is left to answer.
        if (!res.headersSent && !res.destroyed) writeAnswer(res, atlasErrorAnswer(atlasErrors.unexpected()));
      }),
    options.host,
    options.port,
  );
  return simulatorApi(runtime, server.url, server.port, () => server.close());
}

function createRuntime(options: AtlasSimulatorOptions): Runtime {
  const clock = options.clock ?? systemClock;
  const runtime: Runtime = {
    options,
    clock,
    state: new AtlasState(
      clock,
      { ...DEFAULT_SNAPSHOT_TIMING, ...options.snapshotTiming },
      options.snapshotOutcome !== undefined ? { snapshotOutcome: options.snapshotOutcome } : {},
    ),
    credentials: undefined as unknown as CredentialStore,
    log: new RequestLog(),
    faults: new FaultPlan(),
    latencyMs: options.latencyMs ?? 0,
    limits: new ApiRateLimits(clock, options.rateLimit, options.endpointRateLimits),
    tokenLimiter: options.tokenRateLimit ? new TokenBucketLimiter(clock, options.tokenRateLimit) : undefined,
    deprecations: checkedDeprecations(options.deprecations ?? []),
    tokenExpiresInSeconds: options.tokenExpiresInSeconds ?? 3600,
  };
  runtime.credentials = new CredentialStore({
    clock,
    tokenExpiresInSeconds: () => runtime.tokenExpiresInSeconds,
    nonceTtlMs: () => (options.nonceTtlSeconds ?? 300) * 1000,
  });
  return runtime;
}

function checkedDeprecations(deprecations: VersionDeprecation[]): VersionDeprecation[] {
  for (const deprecation of deprecations) checkDeprecation(deprecation);
  return [...deprecations];
}

function seedRuntime(runtime: Runtime, seed: SimulatorSeed): void {
  for (const account of seed.serviceAccounts ?? []) runtime.credentials.addServiceAccount(account);
  for (const key of seed.apiKeys ?? []) runtime.credentials.addApiKey(key);
  for (const project of seed.projects ?? []) runtime.state.addProject(project);
}

function simulatorApi(runtime: Runtime, url: string, port: number, close: () => Promise<void>): AtlasSimulator {
  const { state, credentials, clock } = runtime;
  const info = (projectId: string, clusterName: string) =>
    state.snapshots(projectId, clusterName).map((record) => snapshotInfo(state, record.id));
  return {
    url,
    port,
    clock,
    state,
    credentials,
    log: runtime.log,
    faults: runtime.faults,
    addProject: (seed) => void state.addProject(seed),
    addCluster: (projectId, seed) => state.addCluster(projectId, seed),
    addSnapshot: (projectId, clusterName, seed) =>
      snapshotInfo(state, state.addSnapshot(projectId, clusterName, seed).id),
    addServiceAccount: (seed) => credentials.addServiceAccount(seed),
    addApiKey: (seed) => credentials.addApiKey(seed),
    setAccessList: (id, list) => credentials.setAccessList(id, list),
    setCredentialAccess: (id, access) => credentials.setAccess(id, access),
    addFault: (spec) => runtime.faults.add(spec),
    setLatency: (ms) => {
      runtime.latencyMs = ms;
    },
    setRateLimit: (limit) => runtime.limits.setGeneral(limit),
    setEndpointRateLimit: (set, limit) => runtime.limits.setForSet(set, limit),
    setTokenRateLimit: (limit) => {
      runtime.tokenLimiter = limit ? new TokenBucketLimiter(clock, limit) : undefined;
    },
    setDeprecations: (deprecations) => {
      runtime.deprecations = checkedDeprecations(deprecations);
    },
    failNextSnapshot: (projectId, clusterName, count) => state.failNextSnapshot(projectId, clusterName, count),
    setSnapshotStatus: (id, status) => state.setSnapshotStatus(id, status),
    snapshots: info,
    pendingOnDemand: (projectId, clusterName) =>
      info(projectId, clusterName).filter(
        (s) => s.snapshotType === 'onDemand' && (s.status === 'queued' || s.status === 'inProgress'),
      ),
    close,
  };
}

function snapshotInfo(state: AtlasState, id: string): SnapshotInfo {
  const record = state.snapshot(id);
  if (!record) throw new Error(`no snapshot ${id}`);
  const view = state.view(record);
  const info: SnapshotInfo = {
    id: record.id,
    type: record.type,
    snapshotType: record.snapshotType,
    status: view.status,
    description: record.description,
    retentionInDays: record.retentionInDays,
    frequencyType: record.frequencyType,
    expiresAt: new Date(view.expiresAt).toISOString(),
    storageSizeBytes: view.storageSizeBytes,
  };
  if (view.createdAt !== undefined) info.createdAt = new Date(view.createdAt).toISOString();
  return info;
}

async function onRequest(runtime: Runtime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = matchRoute(method, url.pathname);
  const entry = startEntry(runtime, req, method, url, route);
  const fault = runtime.faults.take(method, url.pathname, route.endpoint);
  if (fault) entry.fault = fault.kind;
  // Hang: the request is left unanswered; close() destroys the socket.
  if (fault?.kind === 'hang' || fault?.kind === 'reset') {
    if (fault.kind === 'reset') req.socket.resetAndDestroy();
    runtime.options.onRequest?.({ ...entry });
    return;
  }
  if (fault?.kind === 'gzip-bomb' || fault?.kind === 'endless-body') {
    await readBody(req).catch(() => '');
    entry.status = 200;
    runtime.options.onRequest?.({ ...entry });
    const contentType = headerValue(req, 'accept') ?? 'application/json';
    if (fault.kind === 'gzip-bomb') await writeGzipBomb(res, contentType);
    else writeEndlessBody(res, contentType);
    return;
  }
  const answer = await answerFor(runtime, req, method, url, route, entry, fault);
  if (runtime.latencyMs > 0) await (runtime.options.delay ?? sleep)(runtime.latencyMs);
  entry.status = answer.status;
  if (answer.errorCode !== undefined) entry.errorCode = answer.errorCode;
  writeAnswer(res, answer);
  runtime.options.onRequest?.({ ...entry });
}

function startEntry(
  runtime: Runtime,
  req: IncomingMessage,
  method: string,
  url: URL,
  route: RouteMatch,
): RequestLogEntry {
  const accept = headerValue(req, 'accept');
  const contentType = headerValue(req, 'content-type');
  return runtime.log.start({
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    endpoint: route.endpoint,
    auth: authKindOf(headerValue(req, 'authorization')),
    ...(accept !== undefined ? { accept } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
    ...(route.groupId !== undefined ? { groupId: route.groupId } : {}),
    ...(route.clusterName !== undefined ? { clusterName: route.clusterName } : {}),
    timestamp: new Date(runtime.clock.now()).toISOString(),
  });
}

async function answerFor(
  runtime: Runtime,
  req: IncomingMessage,
  method: string,
  url: URL,
  route: RouteMatch,
  entry: RequestLogEntry,
  fault: FaultSpec | undefined,
): Promise<Answer> {
  let body: string;
  try {
    body = await readBody(req);
  } catch (error: unknown) {
    if (error instanceof BodyTooLargeError)
      return atlasErrorAnswer(new AtlasApiError(413, 'REQUEST_TOO_LARGE', error.message));
    throw error;
  }
  if (fault?.kind === 'error') return scriptedError(fault);
  const simRequest: SimRequest = {
    method,
    path: url.pathname,
    rawUrl: req.url ?? '/',
    query: url.searchParams,
    headers: req.headers,
    ip: normalizeIp(req.socket.remoteAddress ?? ''),
    body,
    baseUrl: `http://${headerValue(req, 'host') ?? 'localhost'}`,
  };
  if (fault?.kind === 'race') stageRace(runtime, route);
  if (!isOAuthEndpoint(route.endpoint) && route.endpoint !== 'unknown' && body !== '')
    entry.body = parseLoggedBody(body);
  const answer = dispatch(runtime, simRequest, route, entry);
  // The request took effect (a snapshot may now exist) but the client is told it failed.
  if (fault?.kind === 'commit-then-503') return atlasErrorAnswer(atlasErrors.unexpected(503));
  return answer;
}

function scriptedError(fault: FaultSpec): Answer {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
  const error = atlasErrors.unexpected(fault.status ?? 500, fault.errorCode ?? 'UNEXPECTED_ERROR');
  return atlasErrorAnswer(new AtlasApiError(error.status, error.errorCode, error.detail, [], headers));
}

/** Another client takes an on-demand snapshot first (ignored when that isn't possible). */
function stageRace(runtime: Runtime, route: RouteMatch): void {
  if (!route.groupId || !route.clusterName || !runtime.state.cluster(route.groupId, route.clusterName)) return;
  try {
    runtime.state.takeOnDemandSnapshot(
      route.groupId,
      route.clusterName,
      { description: 'taken by another client', retentionInDays: 1 },
      true,
    );
  } catch (error: unknown) {
    if (!(error instanceof AtlasApiError)) throw error;
  }
}

function parseLoggedBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body.slice(0, 200);
  }
}

function dispatch(runtime: Runtime, req: SimRequest, route: RouteMatch, entry: RequestLogEntry): Answer {
  if (route.endpoint === 'token')
    return handleToken(req, {
      credentials: runtime.credentials,
      ...(runtime.tokenLimiter ? { tokenLimiter: runtime.tokenLimiter } : {}),
    });
  if (route.endpoint === 'revoke') return handleRevoke(req, { credentials: runtime.credentials });
  // Outside the Admin API (including a wrong method on the OAuth paths) nothing needs auth.
  if (!req.path.startsWith('/api/atlas/')) {
    return atlasErrorAnswer(
      route.methods.length > 0 ? atlasErrors.methodNotAllowed(req.method) : atlasErrors.resourceNotFound(req.path),
    );
  }
  let principal: Principal | undefined;
  let rateHeaders: Record<string, string> | undefined;
  let versionHeaders: Record<string, string> = {};
  try {
    principal = runtime.credentials.authenticate(firstHeader(req, 'authorization'), req.method, req.rawUrl);
    entry.principal = principal.id;
    runtime.credentials.checkAccessList(principal, req.ip);
    rateHeaders = runtime.limits.take(route, principal);
    if (!route.methodAllowed) {
      throw route.methods.length > 0
        ? atlasErrors.methodNotAllowed(req.method)
        : atlasErrors.resourceNotFound(req.path);
    }
    const versions = versionsFor(route.endpoint, runtime.deprecations);
    const version = negotiate(firstHeader(req, 'accept'), versions, runtime.clock.now());
    versionHeaders = deprecationHeaders(version);
    const access = runtime.credentials.accessOf(principal);
    const answer = handleApiCall(req, route, version.date, runtime.state, access);
    return { ...answer, headers: { ...answer.headers, ...rateHeaders, ...versionHeaders } };
  } catch (error: unknown) {
    const headers = { ...(rateHeaders ?? runtime.limits.peek(route, principal)), ...versionHeaders };
    if (error instanceof AtlasApiError) return atlasErrorAnswer(error, headers);
    return atlasErrorAnswer(atlasErrors.unexpected(), headers);
  }
}

function firstHeader(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function writeAnswer(res: ServerResponse, answer: Answer): void {
  if (res.destroyed) return;
  const body = answer.body ?? '';
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}
