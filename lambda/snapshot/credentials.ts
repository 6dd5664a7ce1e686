/**
 * Atlas credentials from Secrets Manager (docs/secret.md). The value is cached per container for a
 * short time so a rotated secret is picked up within minutes, and nothing derived from it (values,
 * unrecognised key names, SDK error text about it) reaches a message: a message names only the key
 * names this function knows and counts the others (someone may have pasted a secret as a key).
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Codes } from './codes';
import { CodedError } from './errors';
import type { AtlasCredentials } from './types';
import { checkBaseUrl, isPlainObject } from './validation';

export interface ParsedSecret {
  credentials: AtlasCredentials;
  /** `BaseUrl` of a MongoDB CloudFormation profile secret, when present. */
  baseUrl?: string;
}

/** Key names a message may show; any other key of the secret is only counted. */
export const KNOWN_SECRET_KEYS = [
  'clientId',
  'clientSecret',
  'publicKey',
  'privateKey',
  'ClientId',
  'ClientSecret',
  'PublicKey',
  'PrivateKey',
  'BaseUrl',
] as const;

/** "publicKey, 2 other keys": the recognised key names and a count of the others, never their text. */
export function describeSecretKeys(keys: readonly string[]): string {
  const known = keys.filter((k) => (KNOWN_SECRET_KEYS as readonly string[]).includes(k));
  const others = keys.length - known.length;
  const parts = [...known, ...(others > 0 ? [`${others} other key${others === 1 ? '' : 's'}`] : [])];
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** The first non-empty string among the given keys. */
function pick(doc: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = doc[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/**
 * Reads either shape, and MongoDB's CloudFormation profile keys (`PublicKey`, `PrivateKey`,
 * `BaseUrl`, `ClientId`, `ClientSecret`). A service account wins when both kinds are present.
 */
export function parseSecret(secretString: string | undefined): ParsedSecret {
  if (secretString === undefined) {
    throw new CodedError(Codes.SECRET_INVALID, 'the secret has no SecretString (binary secrets are not supported)');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(secretString);
  } catch {
    throw new CodedError(Codes.SECRET_INVALID, 'the secret value is not JSON');
  }
  if (!isPlainObject(doc)) throw new CodedError(Codes.SECRET_INVALID, 'the secret value is not a JSON object');

  const clientId = pick(doc, 'clientId', 'ClientId');
  const clientSecret = pick(doc, 'clientSecret', 'ClientSecret');
  const publicKey = pick(doc, 'publicKey', 'PublicKey');
  const privateKey = pick(doc, 'privateKey', 'PrivateKey');

  let credentials: AtlasCredentials;
  if (clientId && clientSecret) credentials = { kind: 'serviceAccount', clientId, clientSecret };
  else if (publicKey && privateKey) credentials = { kind: 'apiKey', publicKey, privateKey };
  else {
    throw new CodedError(
      Codes.SECRET_INVALID,
      `the secret must hold {"clientId","clientSecret"} (service account) or {"publicKey","privateKey"} (API key); keys found: ${describeSecretKeys(Object.keys(doc))}`,
    );
  }

  const baseUrl = pick(doc, 'BaseUrl', 'baseUrl');
  if (baseUrl === undefined) return { credentials };
  const [problem] = checkBaseUrl(baseUrl, "the secret's BaseUrl");
  if (problem !== undefined) throw new CodedError(Codes.SECRET_INVALID, problem);
  return { credentials, baseUrl: baseUrl.replace(/\/+$/, '') };
}

export interface SecretSourceOptions {
  client: Pick<SecretsManagerClient, 'send'>;
  secretId: string;
  ttlMs: number;
  now?: () => number;
}

/** Reads the secret at most once per TTL per container; concurrent callers share one read. */
export class SecretSource {
  // Both are reset to undefined: after a read (inFlight) and on invalidate() (cached).
  private cached?: { value: ParsedSecret; expiresAt: number } | undefined;
  private inFlight?: Promise<ParsedSecret> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SecretSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The parsed secret. `abortSignal` cancels the read (the handler aborts it when the invocation's
   * time runs out); the read is shared, so it cancels it for every caller waiting on it.
   */
  get(options: { abortSignal?: AbortSignal } = {}): Promise<ParsedSecret> {
    if (this.cached && this.now() < this.cached.expiresAt) return Promise.resolve(this.cached.value);
    this.inFlight ??= this.read(options.abortSignal).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forget the value, e.g. after Atlas refused the credentials, so the next run reads it anew. */
  invalidate(): void {
    this.cached = undefined;
  }

  private async read(abortSignal: AbortSignal | undefined): Promise<ParsedSecret> {
    const { client, secretId, ttlMs } = this.options;
    let secretString: string | undefined;
    try {
      const command = new GetSecretValueCommand({ SecretId: secretId });
      const answer = await (abortSignal ? client.send(command, { abortSignal }) : client.send(command));
      secretString = answer.SecretString;
    } catch (e: unknown) {
      throw new CodedError(Codes.SECRET_UNAVAILABLE, `cannot read secret ${secretId}: ${describeAwsError(e)}`);
    }
    const value = parseSecret(secretString);
    if (ttlMs > 0) this.cached = { value, expiresAt: this.now() + ttlMs };
    return value;
  }
}

/** Name and message of an SDK error; Secrets Manager never puts the secret value in either. */
export function describeAwsError(e: unknown): string {
  if (e instanceof Error) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return `${e.name}${status ? ` (HTTP ${status})` : ''}: ${e.message}`;
  }
  return String(e);
}
