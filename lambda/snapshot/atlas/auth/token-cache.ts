/**
 * Cache of service-account access tokens. Atlas allows 50 token requests a minute and 100 live
 * tokens per service account (docs/atlas-api.md, "Authentication"), so a token is reused until
 * shortly before it expires, across client instances and warm Lambda invocations (the
 * module-level default), and concurrent callers share one token request.
 */
import { createHash } from 'node:crypto';

/** What a token request returns. */
export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

/** A token for one call; `fromCache` tells whether it was minted before this call asked. */
export interface TokenLease {
  token: string;
  fromCache: boolean;
}

export interface TokenCacheOptions {
  /** Clock in epoch ms (tests). */
  now?: () => number;
  /** A token is no longer handed out this long before it expires. Default 60 s. */
  marginMs?: number;
}

interface Entry {
  token: string;
  usableUntil: number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<IssuedToken>>();
  private readonly now: () => number;
  private readonly marginMs: number;

  constructor(options: TokenCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.marginMs = options.marginMs ?? 60_000;
  }

  /**
   * A usable token for `key`, calling `fetch` only when there is none and no other caller is
   * already fetching one. A failed fetch is not cached: the next call tries again.
   */
  async get(key: string, fetch: () => Promise<IssuedToken>): Promise<TokenLease> {
    const entry = this.entries.get(key);
    if (entry && this.now() < entry.usableUntil) return { token: entry.token, fromCache: true };

    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetchAndStore(key, fetch);
      this.inFlight.set(key, pending);
    }
    const issued = await pending;
    // Even a token whose lifetime is shorter than the margin is good for the call that asked.
    return { token: issued.accessToken, fromCache: false };
  }

  /** Forgets `token` (Atlas refused it); a newer token stored meanwhile is kept. */
  invalidate(key: string, token: string): void {
    if (this.entries.get(key)?.token === token) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private async fetchAndStore(key: string, fetch: () => Promise<IssuedToken>): Promise<IssuedToken> {
    try {
      const issued = await fetch();
      this.entries.set(key, {
        token: issued.accessToken,
        usableUntil: this.now() + issued.expiresInSeconds * 1000 - this.marginMs,
      });
      return issued;
    } finally {
      this.inFlight.delete(key);
    }
  }
}

/**
 * The cache key: a rotated client secret must not reuse the old secret's token, yet the secret
 * itself is never kept as a map key in the clear.
 */
export function tokenCacheKey(baseUrl: string, clientId: string, clientSecret: string): string {
  const secretHash = createHash('sha256').update(clientSecret, 'utf8').digest('hex');
  return `${baseUrl}\n${clientId}\n${secretHash}`;
}

/** Shared by every client in the container, so tokens survive across warm invocations. */
export const defaultTokenCache = new TokenCache();
