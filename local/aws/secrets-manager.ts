/**
 * Secrets Manager on its real wire protocol (AWS JSON 1.1): `POST /` with
 * `X-Amz-Target: secretsmanager.GetSecretValue` and `Content-Type: application/x-amz-json-1.1`.
 * Errors carry `__type` in the body and `x-amzn-ErrorType` in a header, which is what the SDK's
 * deserializer reads to build `ResourceNotFoundException`, `AccessDeniedException`, ...
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type HangOptions, type Hangable, HangScript } from './faults';
import { type AwsAnswer, type AwsRequest, requestId } from './wire';

const JSON_11 = 'application/x-amz-json-1.1';

/** Failures a secret read can be made to answer with. */
export type SecretFailure =
  'AccessDeniedException' | 'DecryptionFailure' | 'InternalServiceError' | 'ResourceNotFoundException';

export interface SecretSeed {
  /** Secret name, e.g. `atlas/snapshot-scheduler`. */
  name: string;
  secretString?: string;
  /** A binary secret (no SecretString): the function must refuse it as SECRET_INVALID. */
  secretBinary?: Uint8Array;
  /** Every read of this secret fails this way. */
  failure?: SecretFailure;
}

interface StoredSecret extends SecretSeed {
  arn: string;
  versionId: string;
  createdDate: number;
}

export interface SecretRead {
  operation: string;
  secretId?: string;
  /** The secret's name when found. */
  name?: string;
  status: number;
  errorType?: string;
  region?: string;
  accessKeyId?: string;
}

const FAILURES: Record<SecretFailure, { status: number; message: (id: string) => string }> = {
  AccessDeniedException: {
    status: 400,
    message: (id) =>
      `User: arn:aws:sts::123456789012:assumed-role/local-function/local is not authorized to perform: secretsmanager:GetSecretValue on resource: ${id} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
  },
  DecryptionFailure: { status: 400, message: () => 'Access to KMS is not allowed' },
  InternalServiceError: { status: 500, message: () => 'An error occurred on the server side.' },
  ResourceNotFoundException: { status: 400, message: () => "Secrets Manager can't find the specified secret." },
};

function jsonAnswer(status: number, value: unknown, errorType?: string): AwsAnswer {
  const headers: Record<string, string> = { 'Content-Type': JSON_11, 'x-amzn-RequestId': requestId() };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  return { status, headers, body: JSON.stringify(value) };
}

function errorAnswer(type: string, status: number, message: string): AwsAnswer {
  return jsonAnswer(status, { __type: type, Message: message }, type);
}

export class SecretsManagerStandIn implements Hangable {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly hangs = new HangScript();
  /** Reset to undefined by failAll(undefined). */
  private globalFailure?: SecretFailure | undefined;
  /** Every request, in order. */
  readonly requests: SecretRead[] = [];

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Adds or replaces a secret (a replacement gets a new VersionId, as a rotation would). */
  putSecret(seed: SecretSeed): string {
    const existing = this.secrets.get(seed.name);
    const suffix = randomBytes(4).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
    const arn =
      existing?.arn ?? `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${seed.name}-${suffix}`;
    this.secrets.set(seed.name, { ...seed, arn, versionId: randomUUID(), createdDate: Math.floor(Date.now() / 1000) });
    return arn;
  }

  deleteSecret(nameOrArn: string): void {
    const secret = this.find(nameOrArn);
    if (secret) this.secrets.delete(secret.name);
  }

  arnOf(name: string): string {
    const secret = this.secrets.get(name);
    if (!secret) throw new Error(`no secret ${name}`);
    return secret.arn;
  }

  /** Makes reads of one secret fail (undefined restores it). */
  setFailure(nameOrArn: string, failure: SecretFailure | undefined): void {
    const secret = this.find(nameOrArn);
    if (!secret) throw new Error(`no secret ${nameOrArn}`);
    if (failure === undefined) delete secret.failure;
    else secret.failure = failure;
  }

  /** Makes every read fail (undefined restores normal answers). */
  failAll(failure: SecretFailure | undefined): void {
    this.globalFailure = failure;
  }

  /** The next `count` requests are read and never answered (until the server closes). */
  hangNext(count: number, options: HangOptions = {}): void {
    this.hangs.hangNext(count, options);
  }

  takeHang(): HangOptions | undefined {
    return this.hangs.takeHang();
  }

  /** Successful GetSecretValue answers so far (optionally of one secret, by name). */
  reads(name?: string): number {
    return this.requests.filter(
      (r) => r.operation === 'GetSecretValue' && r.status === 200 && (!name || r.name === name),
    ).length;
  }

  handle(operation: string, req: AwsRequest): AwsAnswer {
    const record: SecretRead = {
      operation,
      status: 0,
      ...(req.scope !== undefined ? { region: req.scope.region, accessKeyId: req.scope.accessKeyId } : {}),
    };
    this.requests.push(record);
    const answer = this.answer(operation, req, record);
    record.status = answer.status;
    const errorType = answer.headers['x-amzn-ErrorType'];
    if (errorType !== undefined) record.errorType = errorType;
    return answer;
  }

  private answer(operation: string, req: AwsRequest, record: SecretRead): AwsAnswer {
    if (operation !== 'GetSecretValue')
      return errorAnswer('UnknownOperationException', 400, `Operation ${operation} is not supported here.`);
    let input: { SecretId?: unknown; VersionId?: unknown; VersionStage?: unknown };
    try {
      input = JSON.parse(req.body || '{}') as typeof input;
    } catch {
      return errorAnswer('SerializationException', 400, 'Request body is not valid JSON.');
    }
    if (typeof input.SecretId !== 'string' || input.SecretId === '') {
      return errorAnswer('InvalidParameterException', 400, 'You must provide a value for the SecretId parameter.');
    }
    record.secretId = input.SecretId;
    const secret = this.find(input.SecretId);
    const failure = this.globalFailure ?? secret?.failure;
    if (failure) return errorAnswer(failure, FAILURES[failure].status, FAILURES[failure].message(input.SecretId));
    if (!secret)
      return errorAnswer('ResourceNotFoundException', 400, FAILURES.ResourceNotFoundException.message(input.SecretId));
    if (!this.versionMatches(secret, input.VersionId, input.VersionStage)) {
      return errorAnswer(
        'ResourceNotFoundException',
        400,
        "Secrets Manager can't find the specified secret value for VersionId or VersionStage.",
      );
    }
    record.name = secret.name;
    return jsonAnswer(200, this.secretValue(secret));
  }

  private versionMatches(secret: StoredSecret, versionId: unknown, stage: unknown): boolean {
    if (versionId !== undefined && versionId !== secret.versionId) return false;
    return stage === undefined || stage === 'AWSCURRENT';
  }

  private secretValue(secret: StoredSecret): Record<string, unknown> {
    const value: Record<string, unknown> = {
      ARN: secret.arn,
      CreatedDate: secret.createdDate,
      Name: secret.name,
      VersionId: secret.versionId,
      VersionStages: ['AWSCURRENT'],
    };
    if (secret.secretString !== undefined) value.SecretString = secret.secretString;
    if (secret.secretBinary !== undefined) value.SecretBinary = Buffer.from(secret.secretBinary).toString('base64');
    return value;
  }

  /** By name, full ARN, or partial ARN (without the random 6-character suffix), as AWS accepts. */
  private find(id: string): StoredSecret | undefined {
    const byName = this.secrets.get(id);
    if (byName) return byName;
    for (const secret of this.secrets.values()) {
      if (secret.arn === id || secret.arn.slice(0, -7) === id) return secret;
    }
    return undefined;
  }
}
