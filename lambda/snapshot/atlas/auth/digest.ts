/**
 * HTTP Digest access authentication (RFC 7616), client side, for Atlas programmatic API keys
 * (public key = username, private key = password). Pure functions plus a small cache of the last
 * challenge per (base URL, public key), so calls after the first authenticate pre-emptively
 * instead of paying a 401 round trip each.
 */
import { createHash, randomBytes } from 'node:crypto';

/** One challenge (`WWW-Authenticate: <scheme> k=v, ...`); parameter names are lower-cased. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** A Digest challenge we can answer. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** As the server spelled it (echoed back); undefined means MD5 (RFC 7616 section 3.3). */
  algorithm?: string;
  /** `auth` when the server offers it; undefined for an RFC 2069 challenge without qop. */
  qop?: 'auth';
  opaque?: string;
  stale: boolean;
}

export interface DigestCredentials {
  username: string;
  password: string;
}

export interface DigestRequest {
  method: string;
  /** The request-target exactly as sent: path plus query string. */
  uri: string;
}

/** Hash functions by RFC 7616 algorithm name (without `-sess`), most preferred first. */
const HASHES: ReadonlyArray<readonly [string, string]> = [
  ['SHA-512-256', 'sha512-256'],
  ['SHA-256', 'sha256'],
  ['MD5', 'md5'],
];

/**
 * Parses a `WWW-Authenticate` value that may hold several challenges (Node joins repeated
 * headers with ", "). A token followed by `=` is a parameter of the current challenge; any other
 * token starts a new challenge. token68 credentials (Basic/Bearer) are not needed and skipped.
 */
export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const skip = (chars: RegExp) => {
    while (i < header.length && chars.test(header.charAt(i))) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < header.length && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(header.charAt(i))) i++;
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let value = '';
    while (i < header.length && header.charAt(i) !== '"') {
      if (header.charAt(i) === '\\' && i + 1 < header.length) i++;
      value += header.charAt(i);
      i++;
    }
    i++; // closing quote
    return value;
  };

  let current: AuthChallenge | undefined;
  while (i < header.length) {
    skip(/[\s,]/);
    const token = readToken();
    if (token === '') {
      i++; // a character that fits nowhere: step over it rather than loop forever
      continue;
    }
    skip(/[ \t]/);
    if (header.charAt(i) === '=' && current) {
      i++;
      skip(/[ \t]/);
      const value = header.charAt(i) === '"' ? readQuoted() : readToken();
      current.params[token.toLowerCase()] = value;
    } else if (header.charAt(i) === '=') {
      skip(/=/); // token68 padding without a scheme: ignore
    } else {
      current = { scheme: token, params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}

/** The strongest Digest challenge we support among those offered, or undefined. */
export function selectDigestChallenge(header: string | undefined): DigestChallenge | undefined {
  if (!header) return undefined;
  const usable = parseChallenges(header)
    .filter((c) => c.scheme.toLowerCase() === 'digest')
    .map(toDigestChallenge)
    .filter((c): c is DigestChallenge => c !== undefined);
  usable.sort((a, b) => rank(a.algorithm) - rank(b.algorithm));
  return usable[0];
}

function toDigestChallenge(c: AuthChallenge): DigestChallenge | undefined {
  const { realm, nonce, algorithm, qop, opaque, stale } = c.params;
  if (realm === undefined || !nonce) return undefined;
  if (hashOf(algorithm) === undefined) return undefined;
  let chosenQop: 'auth' | undefined;
  if (qop !== undefined) {
    // Only qop=auth: auth-int would hash the body, which Atlas never asks for.
    const offered = qop.split(',').map((q) => q.trim().toLowerCase());
    if (!offered.includes('auth')) return undefined;
    chosenQop = 'auth';
  }
  return {
    realm,
    nonce,
    ...(algorithm !== undefined ? { algorithm } : {}),
    ...(chosenQop ? { qop: chosenQop } : {}),
    ...(opaque !== undefined ? { opaque } : {}),
    stale: stale?.toLowerCase() === 'true',
  };
}

function rank(algorithm: string | undefined): number {
  const base = (algorithm ?? 'MD5').toUpperCase().replace(/-SESS$/, '');
  const index = HASHES.findIndex(([name]) => name === base);
  return index === -1 ? HASHES.length : index;
}

/** node:crypto hash name for an RFC 7616 algorithm (absent = MD5), or undefined if unsupported. */
function hashOf(algorithm: string | undefined): string | undefined {
  const base = (algorithm ?? 'MD5').toUpperCase().replace(/-SESS$/, '');
  return HASHES.find(([name]) => name === base)?.[1];
}

function isSession(algorithm: string | undefined): boolean {
  return (algorithm ?? '').toUpperCase().endsWith('-SESS');
}

/** A fresh client nonce: 16 random bytes, hex. */
export function newCnonce(): string {
  return randomBytes(16).toString('hex');
}

/** `nc` as RFC 7616 spells it: 8 lower-case hex digits. */
export function formatNonceCount(nc: number): string {
  return nc.toString(16).padStart(8, '0');
}

/** The `response` value (RFC 7616 section 3.4.1), for qop=auth or no qop. */
export function computeDigestResponse(
  challenge: DigestChallenge,
  credentials: DigestCredentials,
  request: DigestRequest,
  cnonce: string,
  nc: string,
): string {
  const algo = hashOf(challenge.algorithm);
  if (algo === undefined) throw new Error(`unsupported digest algorithm ${challenge.algorithm ?? ''}`);
  const h = (text: string) => createHash(algo).update(text, 'utf8').digest('hex');

  let ha1 = h(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  if (isSession(challenge.algorithm)) ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = h(`${request.method.toUpperCase()}:${request.uri}`);
  return challenge.qop
    ? h(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${challenge.qop}:${ha2}`)
    : h(`${ha1}:${challenge.nonce}:${ha2}`);
}

/** A full `Authorization: Digest ...` value. `cnonce` is random unless given (tests). */
export function buildDigestAuthorization(
  challenge: DigestChallenge,
  credentials: DigestCredentials,
  request: DigestRequest,
  nonceCount: number,
  cnonce: string = newCnonce(),
): string {
  return digestAuthorization(challenge, credentials, request, nonceCount, cnonce).header;
}

/** The `Authorization` value and the values in it that must never be logged or echoed. */
export interface DigestAuthorization {
  header: string;
  response: string;
  cnonce: string;
}

export function digestAuthorization(
  challenge: DigestChallenge,
  credentials: DigestCredentials,
  request: DigestRequest,
  nonceCount: number,
  cnonce: string = newCnonce(),
): DigestAuthorization {
  const nc = formatNonceCount(nonceCount);
  const response = computeDigestResponse(challenge, credentials, request, cnonce, nc);
  const parts = [
    `username=${quote(credentials.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(request.uri)}`,
    ...(challenge.algorithm !== undefined ? [`algorithm=${challenge.algorithm}`] : []),
    `response=${quote(response)}`,
    ...(challenge.qop ? [`qop=${challenge.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`] : []),
    ...(challenge.opaque !== undefined ? [`opaque=${quote(challenge.opaque)}`] : []),
  ];
  return { header: `Digest ${parts.join(', ')}`, response, cnonce };
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The last challenge seen per key, with its nonce count. Module-level by default so that warm
 * Lambda invocations reuse it; Atlas answers an expired nonce with a new challenge, which
 * replaces the cached one.
 */
export class DigestChallengeCache {
  private readonly entries = new Map<string, { challenge: DigestChallenge; nc: number }>();

  /** The challenge to answer and the next nonce count for it, or undefined. */
  next(key: string): { challenge: DigestChallenge; nc: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    entry.nc += 1;
    return { challenge: entry.challenge, nc: entry.nc };
  }

  /**
   * Remembers a new challenge; its nonce count starts again, after the `used` counts a caller
   * already sent with it (a challenge it answered on its own first).
   */
  store(key: string, challenge: DigestChallenge, used = 0): void {
    const current = this.entries.get(key);
    if (current && current.challenge.nonce === challenge.nonce) {
      current.nc = Math.max(current.nc, used);
      return;
    }
    this.entries.set(key, { challenge, nc: used });
  }

  clear(): void {
    this.entries.clear();
  }
}

export const defaultDigestChallengeCache = new DigestChallengeCache();
