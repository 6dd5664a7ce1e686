/**
 * Local Secrets Manager, SNS and EventBridge Scheduler behind one loopback endpoint, told apart
 * the way AWS's own front ends would: a JSON 1.1 `X-Amz-Target: secretsmanager.*` request is
 * Secrets Manager, a Query form body with `Action=` is SNS, a restJson1 request on `/schedules`
 * is Scheduler. The function reaches it only through the SDK's standard settings
 * (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_ENDPOINT_URL_SNS`, `AWS_ENDPOINT_URL_SCHEDULER` or
 * `AWS_ENDPOINT_URL`), which `env` lists ready to merge into a process environment.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, headerValue, listen, mediaType, readBody, sleep } from '../http';
import type { Hangable } from './faults';
import { SchedulerStandIn, schedulerError } from './scheduler';
import { type SecretSeed, SecretsManagerStandIn } from './secrets-manager';
import { SnsStandIn, xmlError } from './sns';
import {
  type AwsAnswer,
  type AwsRequest,
  LOCAL_ACCESS_KEY_ID,
  LOCAL_SECRET_ACCESS_KEY,
  type SignatureScope,
  parseSigV4,
  requestId,
} from './wire';

/**
 * Request bodies above this are refused. Well above what SNS and Scheduler accept (a 256 KB
 * PublishBatch grows up to threefold once form-encoded), so their own size errors answer first.
 */
const MAX_AWS_BODY_BYTES = 4 * 1024 * 1024;

export type AwsService = 'secretsmanager' | 'sns' | 'scheduler';

export interface LocalAwsOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default us-east-1. */
  region?: string;
  /** Default 123456789012. */
  accountId?: string;
  secrets?: SecretSeed[];
  /** Topic names or ARNs to create. */
  topics?: string[];
  /** Scheduler schedule groups to create besides `default`. */
  scheduleGroups?: string[];
  /** Added before every answer (real time). Default 0. */
  latencyMs?: number;
  /**
   * The services' time (epoch ms): creation times of schedules and every answer's `Date` header
   * (the SDK corrects its signing clock by it, and retries an error it corrected for). Default Date.now.
   */
  clock?: () => number;
}

export interface AwsRequestRecord {
  service: AwsService | 'unknown';
  operation: string;
  /** 0 while unanswered (and for ever when the request hung). */
  status: number;
  /** Left unanswered on purpose (`hangNext`). */
  hung?: boolean;
  /** From the SigV4 credential scope. */
  region?: string;
  accessKeyId?: string;
  timestamp: string;
}

export interface LocalAws {
  /** `http://127.0.0.1:<port>`, the endpoint for every service. */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** Standard SDK settings pointing at this endpoint, with dummy credentials. */
  readonly env: Record<string, string>;
  readonly secretsManager: SecretsManagerStandIn;
  readonly sns: SnsStandIn;
  readonly scheduler: SchedulerStandIn;
  /** Every request to any service, in order. */
  readonly requests: AwsRequestRecord[];
  /** Real time added before every answer, or before the answers of one service (which wins). */
  setLatency(ms: number, service?: AwsService): void;
  close(): Promise<void>;
}

interface Context {
  clock: () => number;
  secretsManager: SecretsManagerStandIn;
  sns: SnsStandIn;
  scheduler: SchedulerStandIn;
  requests: AwsRequestRecord[];
  latencyMs: number;
  serviceLatencyMs: Partial<Record<AwsService, number>>;
}

/** A request matched to a service: who it is for, and how to answer it. */
interface Routed {
  service: AwsService;
  operation: string;
  standIn: Hangable;
  answer: () => AwsAnswer;
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const context: Context = {
    clock: options.clock ?? Date.now,
    secretsManager: new SecretsManagerStandIn(region, accountId),
    sns: new SnsStandIn(region, accountId),
    scheduler: new SchedulerStandIn(region, accountId, options.clock),
    requests: [],
    latencyMs: options.latencyMs ?? 0,
    serviceLatencyMs: {},
  };
  for (const secret of options.secrets ?? []) context.secretsManager.putSecret(secret);
  for (const topic of options.topics ?? []) context.sns.addTopic(topic);
  for (const group of options.scheduleGroups ?? []) context.scheduler.addScheduleGroup(group);
  const server = await listen(
    (req, res) =>
      void onRequest(context, req, res).catch(() => {
        if (!res.headersSent && !res.destroyed)
          write(res, jsonError('InternalFailure', 500, 'local stand-in failure'), context.clock);
      }),
    options.host,
    options.port,
  );
  return {
    endpoint: server.url,
    region,
    accountId,
    env: sdkEnvironment(server.url, region),
    secretsManager: context.secretsManager,
    sns: context.sns,
    scheduler: context.scheduler,
    requests: context.requests,
    setLatency: (ms, service) => {
      if (service === undefined) context.latencyMs = ms;
      else context.serviceLatencyMs[service] = ms;
    },
    close: () => server.close(),
  };
}

/** What a process needs so the SDK clients talk to `endpoint` and nothing else. */
export function sdkEnvironment(endpoint: string, region: string): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: LOCAL_SECRET_ACCESS_KEY,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_ENDPOINT_URL_SNS: endpoint,
    AWS_ENDPOINT_URL_SCHEDULER: endpoint,
    // Never fall back to instance metadata when something is missing.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

async function onRequest(context: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: string;
  try {
    body = await readBody(req, MAX_AWS_BODY_BYTES);
  } catch (error: unknown) {
    if (error instanceof BodyTooLargeError)
      return write(res, jsonError('RequestEntityTooLarge', 413, error.message), context.clock);
    throw error;
  }
  const scope = parseSigV4(headerValue(req, 'authorization'));
  const request: AwsRequest = { headers: req.headers, body, ...(scope !== undefined ? { scope } : {}) };
  const record: AwsRequestRecord = {
    service: 'unknown',
    operation: '',
    status: 0,
    ...(scope !== undefined ? { region: scope.region, accessKeyId: scope.accessKeyId } : {}),
    timestamp: new Date().toISOString(),
  };
  context.requests.push(record);
  const routed = route(context, req, request);
  if (!('service' in routed)) {
    record.status = routed.status;
    return write(res, routed, context.clock);
  }
  record.service = routed.service;
  record.operation = routed.operation;
  const hang = routed.standIn.takeHang();
  if (hang) {
    // Read, (optionally) acted on, never answered: the socket stays open until the client gives up or close().
    record.hung = true;
    if (hang.afterHandling) routed.answer();
    return;
  }
  const answer = routed.answer();
  record.status = answer.status;
  const latency = context.serviceLatencyMs[routed.service] ?? context.latencyMs;
  if (latency > 0) await sleep(latency);
  write(res, answer, context.clock);
}

function route(context: Context, req: IncomingMessage, request: AwsRequest): Routed | AwsAnswer {
  const url = new URL(req.url ?? '/', 'http://local');
  if (
    url.pathname === '/schedules' ||
    url.pathname.startsWith('/schedules/') ||
    url.pathname.startsWith('/schedule-groups')
  ) {
    return routeScheduler(context, req.method ?? 'GET', url, request);
  }
  const target = headerValue(req, 'x-amz-target');
  if (req.method !== 'POST' || url.pathname !== '/') {
    return jsonError('UnknownOperationException', 404, 'Only POST / and /schedules are served here.');
  }
  if (target?.startsWith('secretsmanager.')) {
    const operation = target.slice('secretsmanager.'.length);
    return {
      service: 'secretsmanager',
      operation,
      standIn: context.secretsManager,
      answer: () =>
        checkSignature(request.scope, 'secretsmanager', 'json') ?? context.secretsManager.handle(operation, request),
    };
  }
  if (mediaType(headerValue(req, 'content-type')) === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(request.body);
    return {
      service: 'sns',
      operation: form.get('Action') ?? '',
      standIn: context.sns,
      answer: () => checkSignature(request.scope, 'sns', 'xml') ?? context.sns.handle(form, request),
    };
  }
  return jsonError('UnknownOperationException', 400, `Unknown target ${target ?? '(none)'}.`);
}

/** restJson1 routes: the operation is the method and the path, `{Name}` the one segment after `/schedules/`. */
function routeScheduler(context: Context, method: string, url: URL, request: AwsRequest): Routed {
  const segments = url.pathname.split('/').slice(1);
  const [resource, encodedName, ...rest] = segments;
  let name: string | undefined;
  try {
    name = encodedName === undefined ? undefined : decodeURIComponent(encodedName);
  } catch {
    name = encodedName;
  }
  const operation = schedulerOperation(
    resource ?? '',
    method,
    name !== undefined && rest.length === 0,
    name === undefined,
  );
  return {
    service: 'scheduler',
    operation,
    standIn: context.scheduler,
    answer: () =>
      checkSignature(request.scope, 'scheduler', 'rest') ??
      context.scheduler.handle({
        ...request,
        operation,
        query: url.searchParams,
        ...(name !== undefined ? { name } : {}),
      }),
  };
}

function schedulerOperation(resource: string, method: string, oneItem: boolean, collection: boolean): string {
  const noun = resource === 'schedule-groups' ? 'ScheduleGroup' : 'Schedule';
  if (collection && method === 'GET') return `List${noun}s`;
  if (!oneItem) return `Unknown ${method} /${resource}`;
  const verbs: Record<string, string> = { POST: 'Create', GET: 'Get', PUT: 'Update', DELETE: 'Delete' };
  return `${verbs[method] ?? method}${noun}`;
}

/** Unsigned requests, or requests signed for another service, are refused as AWS would. */
function checkSignature(
  scope: SignatureScope | undefined,
  service: string,
  shape: 'json' | 'xml' | 'rest',
): AwsAnswer | undefined {
  if (!scope) {
    const message = 'Request is missing Authentication Token';
    if (shape === 'rest') return schedulerError('MissingAuthenticationTokenException', 403, message);
    return shape === 'json'
      ? jsonError('MissingAuthenticationTokenException', 400, message)
      : xmlError({ status: 403, code: 'MissingAuthenticationToken', message });
  }
  if (scope.service !== service) {
    const message = `Credential should be scoped to correct service: '${service}'.`;
    if (shape === 'rest') return schedulerError('InvalidSignatureException', 403, message);
    return shape === 'json'
      ? jsonError('InvalidSignatureException', 400, message)
      : xmlError({ status: 403, code: 'SignatureDoesNotMatch', message });
  }
  return undefined;
}

function jsonError(type: string, status: number, message: string): AwsAnswer {
  return {
    status,
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'x-amzn-RequestId': requestId(),
      'x-amzn-ErrorType': type,
    },
    body: JSON.stringify({ __type: type, Message: message }),
  };
}

function write(res: ServerResponse, answer: AwsAnswer, clock: () => number): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, {
    ...answer.headers,
    Date: new Date(clock()).toUTCString(),
    'Content-Length': String(Buffer.byteLength(answer.body)),
  });
  res.end(answer.body);
}
