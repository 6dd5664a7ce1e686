/**
 * Local Secrets Manager and SNS behind one loopback endpoint, told apart the way AWS's own
 * front ends would: a JSON 1.1 `X-Amz-Target: secretsmanager.*` request is Secrets Manager, a
 * Query form body with `Action=` is SNS. The function reaches it only through the SDK's
 * standard settings (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, `AWS_ENDPOINT_URL_SNS` or
 * `AWS_ENDPOINT_URL`), which `env` lists ready to merge into a process environment.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, headerValue, listen, mediaType, readBody, sleep } from '../http';
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
  /** Added before every answer (real time). Default 0. */
  latencyMs?: number;
}

export interface AwsRequestRecord {
  service: 'secretsmanager' | 'sns' | 'unknown';
  operation: string;
  status: number;
  /** From the SigV4 credential scope. */
  region?: string;
  accessKeyId?: string;
  timestamp: string;
}

export interface LocalAws {
  /** `http://127.0.0.1:<port>`, the endpoint for both services. */
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** Standard SDK settings pointing at this endpoint, with dummy credentials. */
  readonly env: Record<string, string>;
  readonly secretsManager: SecretsManagerStandIn;
  readonly sns: SnsStandIn;
  /** Every request to either service, in order. */
  readonly requests: AwsRequestRecord[];
  setLatency(ms: number): void;
  close(): Promise<void>;
}

interface Context {
  secretsManager: SecretsManagerStandIn;
  sns: SnsStandIn;
  requests: AwsRequestRecord[];
  latencyMs: number;
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const context: Context = {
    secretsManager: new SecretsManagerStandIn(region, accountId),
    sns: new SnsStandIn(region, accountId),
    requests: [],
    latencyMs: options.latencyMs ?? 0,
  };
  for (const secret of options.secrets ?? []) context.secretsManager.putSecret(secret);
  for (const topic of options.topics ?? []) context.sns.addTopic(topic);
  const server = await listen(
    (req, res) =>
      void onRequest(context, req, res).catch(() => {
        if (!res.headersSent && !res.destroyed) write(res, jsonError('InternalFailure', 500, 'local stand-in failure'));
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
    requests: context.requests,
    setLatency: (ms) => {
      context.latencyMs = ms;
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
    // Never fall back to instance metadata when something is missing.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

async function onRequest(context: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: string;
  try {
    body = await readBody(req);
  } catch (error: unknown) {
    if (error instanceof BodyTooLargeError) return write(res, jsonError('RequestEntityTooLarge', 413, error.message));
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
  const answer = route(context, req, request, record);
  record.status = answer.status;
  if (context.latencyMs > 0) await sleep(context.latencyMs);
  write(res, answer);
}

function route(context: Context, req: IncomingMessage, request: AwsRequest, record: AwsRequestRecord): AwsAnswer {
  const target = headerValue(req, 'x-amz-target');
  if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
    return jsonError('UnknownOperationException', 404, 'Only POST / is served here.');
  }
  if (target?.startsWith('secretsmanager.')) {
    record.service = 'secretsmanager';
    record.operation = target.slice('secretsmanager.'.length);
    const refused = checkSignature(request.scope, 'secretsmanager', 'json');
    return refused ?? context.secretsManager.handle(record.operation, request);
  }
  if (mediaType(headerValue(req, 'content-type')) === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(request.body);
    record.service = 'sns';
    record.operation = form.get('Action') ?? '';
    const refused = checkSignature(request.scope, 'sns', 'xml');
    return refused ?? context.sns.handle(form, request);
  }
  return jsonError('UnknownOperationException', 400, `Unknown target ${target ?? '(none)'}.`);
}

/** Unsigned requests, or requests signed for another service, are refused as AWS would. */
function checkSignature(
  scope: SignatureScope | undefined,
  service: string,
  shape: 'json' | 'xml',
): AwsAnswer | undefined {
  if (!scope) {
    const message = 'Request is missing Authentication Token';
    return shape === 'json'
      ? jsonError('MissingAuthenticationTokenException', 400, message)
      : xmlError({ status: 403, code: 'MissingAuthenticationToken', message });
  }
  if (scope.service !== service) {
    const message = `Credential should be scoped to correct service: '${service}'.`;
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

function write(res: ServerResponse, answer: AwsAnswer): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) });
  res.end(answer.body);
}
