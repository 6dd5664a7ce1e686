/**
 * HTTP Digest as Atlas speaks it for programmatic API keys (RFC 7616 with MD5 and qop=auth):
 * the server side (challenge, nonce bookkeeping, response verification) and a small client
 * side helper that tests and tools use to answer a challenge.
 */
import { createHash, randomBytes } from 'node:crypto';

export const DIGEST_REALM = 'MMS Public API';

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** `WWW-Authenticate` value, in the field order Atlas sends. */
export function digestChallenge(nonce: string, stale: boolean): string {
  return `Digest realm="${DIGEST_REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`;
}

/**
 * Parses `Digest k=v, k="v, with commas", ...` (also a `WWW-Authenticate` challenge).
 * Returns undefined when the scheme is not Digest.
 */
export function parseDigestHeader(header: string): Record<string, string> | undefined {
  const list = /^\s*Digest\s+(.*)$/is.exec(header)?.[1];
  if (list === undefined) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/g;
  for (const [, name, quoted, token] of list.matchAll(pattern)) {
    if (name === undefined) throw new Error('unreachable: the name group takes part in every match');
    params[name.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (token ?? '');
  }
  return params;
}

export interface DigestResponseInput {
  username: string;
  password: string;
  realm: string;
  method: string;
  uri: string;
  nonce: string;
  nc: string;
  cnonce: string;
  qop: string;
}

/** response = MD5(HA1:nonce:nc:cnonce:qop:HA2), HA1 = MD5(user:realm:password), HA2 = MD5(method:uri). */
export function digestResponse(input: DigestResponseInput): string {
  const ha1 = md5(`${input.username}:${input.realm}:${input.password}`);
  const ha2 = md5(`${input.method.toUpperCase()}:${input.uri}`);
  return md5(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

export interface DigestClientInput {
  username: string;
  password: string;
  method: string;
  /** Path and query exactly as sent on the request line. */
  uri: string;
  /** The `WWW-Authenticate` header of a 401. */
  challenge: string;
  /** Request counter for this nonce, starting at 1. */
  nc?: number;
  cnonce?: string;
}

/** Client side: the `Authorization` header answering a challenge. */
export function buildDigestAuthorization(input: DigestClientInput): string {
  const challenge = parseDigestHeader(input.challenge);
  if (!challenge?.nonce) throw new Error('not a Digest challenge');
  const realm = challenge.realm ?? DIGEST_REALM;
  const nc = (input.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  const response = digestResponse({ ...input, realm, nonce: challenge.nonce, nc, cnonce, qop: 'auth' });
  return (
    `Digest username="${input.username}", realm="${realm}", nonce="${challenge.nonce}", uri="${input.uri}", ` +
    `algorithm=MD5, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`
  );
}

interface NonceRecord {
  issuedAt: number;
  /** Highest nc accepted so far: a repeated or lower nc is a replay. */
  lastNc: number;
}

export type DigestVerdict =
  | { ok: true; username: string }
  | { ok: false; reason: 'malformed' | 'unknown-nonce' | 'stale' | 'replay' | 'bad-credentials' | 'wrong-uri' };

export interface DigestRequest {
  method: string;
  /** Path and query as received. */
  uri: string;
  header: string;
}

/** Issues nonces and verifies Digest responses against the known API keys. */
export class DigestVerifier {
  private readonly nonces = new Map<string, NonceRecord>();

  constructor(
    private readonly now: () => number,
    private readonly nonceTtlMs: () => number,
    private readonly privateKeyOf: (publicKey: string) => string | undefined,
  ) {}

  issueNonce(): string {
    this.forgetExpired();
    const nonce = randomBytes(24).toString('base64');
    this.nonces.set(nonce, { issuedAt: this.now(), lastNc: 0 });
    return nonce;
  }

  /** Number of nonces currently remembered (tests check that expiry cleans up). */
  get nonceCount(): number {
    return this.nonces.size;
  }

  verify(request: DigestRequest): DigestVerdict {
    const params = parseDigestHeader(request.header);
    const { username, nonce, uri, response, nc, cnonce, qop, realm } = params ?? {};
    if (!params || !username || !nonce || !uri || !response || !nc || !cnonce || qop !== 'auth') {
      return { ok: false, reason: 'malformed' };
    }
    if (realm !== DIGEST_REALM || (params.algorithm !== undefined && params.algorithm.toUpperCase() !== 'MD5')) {
      return { ok: false, reason: 'malformed' };
    }
    const record = this.nonces.get(nonce);
    if (!record) return { ok: false, reason: 'unknown-nonce' };
    if (this.now() - record.issuedAt > this.nonceTtlMs()) return { ok: false, reason: 'stale' };
    if (uri !== request.uri) return { ok: false, reason: 'wrong-uri' };
    const password = this.privateKeyOf(username);
    if (password === undefined) return { ok: false, reason: 'bad-credentials' };
    const expected = digestResponse({ username, password, realm, method: request.method, uri, nonce, nc, cnonce, qop });
    if (expected !== response.toLowerCase()) return { ok: false, reason: 'bad-credentials' };
    // The counter is checked only for a correct response, so a stranger can't burn a nonce.
    const count = Number.parseInt(nc, 16);
    if (!Number.isFinite(count) || count <= record.lastNc) return { ok: false, reason: 'replay' };
    record.lastNc = count;
    return { ok: true, username };
  }

  private forgetExpired(): void {
    // Keep expired nonces for a while longer so a late client gets `stale=true`, not a fresh challenge.
    const horizon = this.now() - 2 * this.nonceTtlMs();
    for (const [nonce, record] of this.nonces) if (record.issuedAt < horizon) this.nonces.delete(nonce);
  }
}
