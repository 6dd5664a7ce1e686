/**
 * Credentials the simulated organization knows, the access tokens it has issued, and the
 * check every Admin API call goes through: a live Bearer token or a verified Digest response,
 * then the credential's IP access list (docs/atlas-api.md, Authentication); and what the
 * credential may do once in (projects it belongs to, read-only or not).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Clock } from './clock';
import { DigestVerifier, digestChallenge } from './digest';
import { atlasErrors } from './errors';
import { randomToken } from './ids';
import type { AuthKind } from './request-log';

/** What a credential's roles allow, besides authenticating (both kinds of credential). */
export interface CredentialAccess {
  /** IPs or IPv4 CIDR blocks API calls must come from; absent = any. Token requests are not checked. */
  accessList?: string[];
  /**
   * The projects it belongs to: `GET /groups` lists only these, and calls into another project
   * answer 403 `USER_UNAUTHORIZED`. Absent = every project.
   */
  projects?: string[];
  /**
   * Project Read Only: reads work; take-snapshot answers 403 `USER_UNAUTHORIZED` and a retention
   * PATCH 403 `CANNOT_MODIFY_SNAPSHOT`.
   */
  readOnly?: boolean;
  /** False: may take snapshots but not change their retention (PATCH 403 `CANNOT_MODIFY_SNAPSHOT`). */
  modifySnapshots?: boolean;
}

export interface ServiceAccountSeed extends CredentialAccess {
  clientId: string;
  clientSecret: string;
  /** Live tokens allowed at once (Atlas: 100); one more is 403 `access_denied`. */
  maxLiveTokens?: number;
}

export interface ApiKeySeed extends CredentialAccess {
  publicKey: string;
  privateKey: string;
}

export interface Principal {
  kind: 'serviceAccount' | 'apiKey';
  /** Client id or public key. */
  id: string;
}

interface ServiceAccount extends ServiceAccountSeed {
  maxLiveTokens: number;
}

interface IssuedToken {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
}

export interface IssuedAccessToken {
  accessToken: string;
  expiresIn: number;
}

export type TokenIssueResult =
  { ok: true; token: IssuedAccessToken } | { ok: false; reason: 'invalid_client' | 'access_denied' };

export function authKindOf(header: string | undefined): AuthKind {
  if (!header) return 'none';
  const scheme = header.trim().split(/\s+/)[0]?.toLowerCase();
  if (scheme === 'bearer') return 'bearer';
  if (scheme === 'digest') return 'digest';
  if (scheme === 'basic') return 'basic';
  return 'other';
}

/** `Basic base64(id:secret)` -> [id, secret]. */
export function parseBasic(header: string | undefined): [string, string] | undefined {
  const encoded = /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface CredentialStoreOptions {
  clock: Clock;
  /** `expires_in` of issued tokens, seconds (read on every issue, so it can change at run time). */
  tokenExpiresInSeconds: () => number;
  nonceTtlMs: () => number;
}

export class CredentialStore {
  private readonly serviceAccounts = new Map<string, ServiceAccount>();
  private readonly apiKeys = new Map<string, ApiKeySeed>();
  private readonly tokens = new Map<string, IssuedToken>();
  readonly digest: DigestVerifier;

  constructor(private readonly options: CredentialStoreOptions) {
    this.digest = new DigestVerifier(
      () => options.clock.now(),
      options.nonceTtlMs,
      (publicKey) => this.apiKeys.get(publicKey)?.privateKey,
    );
  }

  addServiceAccount(seed: ServiceAccountSeed): void {
    this.serviceAccounts.set(seed.clientId, { ...seed, maxLiveTokens: seed.maxLiveTokens ?? 100 });
  }

  addApiKey(seed: ApiKeySeed): void {
    this.apiKeys.set(seed.publicKey, { ...seed });
  }

  /** Sets (or with undefined, removes) the access list of a client id or public key. */
  setAccessList(id: string, accessList: string[] | undefined): void {
    this.setAccess(id, { accessList });
  }

  /** Changes what a client id or public key may do; a field given as undefined is removed. */
  setAccess(id: string, access: { [K in keyof CredentialAccess]?: CredentialAccess[K] | undefined }): void {
    const credential = this.credential(id);
    if (!credential) throw new Error(`no credential ${id}`);
    for (const [key, value] of Object.entries(access) as Array<[keyof CredentialAccess, unknown]>) {
      if (value === undefined) delete credential[key];
      else Object.assign(credential, { [key]: value });
    }
  }

  /** What the authenticated caller may do. */
  accessOf(principal: Principal): CredentialAccess {
    const credential =
      principal.kind === 'serviceAccount' ? this.serviceAccounts.get(principal.id) : this.apiKeys.get(principal.id);
    const { accessList, projects, readOnly, modifySnapshots } = credential ?? {};
    return {
      ...(accessList !== undefined ? { accessList: [...accessList] } : {}),
      ...(projects !== undefined ? { projects: [...projects] } : {}),
      ...(readOnly !== undefined ? { readOnly } : {}),
      ...(modifySnapshots !== undefined ? { modifySnapshots } : {}),
    };
  }

  private credential(id: string): CredentialAccess | undefined {
    return this.serviceAccounts.get(id) ?? this.apiKeys.get(id);
  }

  issueToken(clientId: string, clientSecret: string): TokenIssueResult {
    const account = this.serviceAccounts.get(clientId);
    if (!account || !sameSecret(account.clientSecret, clientSecret)) return { ok: false, reason: 'invalid_client' };
    if (this.liveTokens(clientId) >= account.maxLiveTokens) return { ok: false, reason: 'access_denied' };
    const expiresIn = this.options.tokenExpiresInSeconds();
    const accessToken = fakeJwt(clientId);
    this.tokens.set(accessToken, { clientId, expiresAt: this.options.clock.now() + expiresIn * 1000, revoked: false });
    return { ok: true, token: { accessToken, expiresIn } };
  }

  /** Checks the client's credentials; revokes `token` when it belongs to that client. */
  revokeToken(clientId: string, clientSecret: string, token: string): boolean {
    const account = this.serviceAccounts.get(clientId);
    if (!account || !sameSecret(account.clientSecret, clientSecret)) return false;
    const issued = this.tokens.get(token);
    if (issued && issued.clientId === clientId) issued.revoked = true;
    return true;
  }

  /** Tokens of this client neither expired nor revoked. */
  liveTokens(clientId: string): number {
    const now = this.options.clock.now();
    let count = 0;
    for (const token of this.tokens.values()) {
      if (token.clientId === clientId && !token.revoked && token.expiresAt > now) count += 1;
    }
    return count;
  }

  /** Tokens issued so far to this client (live or not). */
  issuedTokens(clientId: string): number {
    return [...this.tokens.values()].filter((token) => token.clientId === clientId).length;
  }

  /** Expires every token now, as if an hour had passed (tests of token refresh). */
  expireAllTokens(): void {
    const past = this.options.clock.now() - 1;
    for (const token of this.tokens.values()) token.expiresAt = past;
  }

  /**
   * Authenticates an Admin API call or throws the 401 Atlas answers (with a Digest challenge,
   * which Digest clients need and others ignore).
   */
  authenticate(authorization: string | undefined, method: string, uri: string): Principal {
    const kind = authKindOf(authorization);
    if (kind === 'bearer') return this.bearerPrincipal(authorization as string);
    if (kind === 'digest') return this.digestPrincipal(authorization as string, method, uri);
    throw this.unauthorized(false);
  }

  /** 403 `IP_ADDRESS_NOT_ON_ACCESS_LIST` when the credential has a list and `ip` is not on it. */
  checkAccessList(principal: Principal, ip: string): void {
    const list = this.accessOf(principal).accessList;
    if (list && !list.some((entry) => ipMatches(entry, ip))) throw atlasErrors.ipNotOnAccessList(ip);
  }

  private bearerPrincipal(authorization: string): Principal {
    const token = authorization.trim().slice('bearer'.length).trim();
    const issued = this.tokens.get(token);
    if (!issued || issued.revoked || issued.expiresAt <= this.options.clock.now()) throw this.unauthorized(false);
    return { kind: 'serviceAccount', id: issued.clientId };
  }

  private digestPrincipal(authorization: string, method: string, uri: string): Principal {
    const verdict = this.digest.verify({ header: authorization, method, uri });
    if (verdict.ok) return { kind: 'apiKey', id: verdict.username };
    throw this.unauthorized(verdict.reason === 'stale');
  }

  private unauthorized(stale: boolean) {
    return atlasErrors.notAuthorized({ 'WWW-Authenticate': digestChallenge(this.digest.issueNonce(), stale) });
  }
}

/** A JWT-shaped opaque token, like Atlas's (clients must not parse it; nothing here does). */
function fakeJwt(clientId: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ sub: clientId, jti: randomToken(9) })).toString('base64url');
  return `${header}.${payload}.${randomToken(32)}`;
}

/** Strips the IPv4-mapped IPv6 prefix node reports for IPv4 peers on dual-stack sockets. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}

function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
  return parts.reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** An access-list entry is an exact IP or an IPv4 CIDR block. */
export function ipMatches(entry: string, ip: string): boolean {
  const caller = normalizeIp(ip);
  const [base, bits] = entry.split('/');
  if (bits === undefined) return normalizeIp(entry) === caller;
  const network = ipv4ToNumber(base ?? '');
  const address = ipv4ToNumber(caller);
  const prefix = Number(bits);
  if (network === undefined || address === undefined || !(prefix >= 0 && prefix <= 32)) return false;
  const size = 2 ** (32 - prefix);
  return Math.floor(network / size) === Math.floor(address / size);
}
