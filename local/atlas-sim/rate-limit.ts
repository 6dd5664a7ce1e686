/**
 * Token bucket as Atlas describes its rate limits: each key (project, credential or the whole
 * simulator) holds `capacity` tokens, refilled continuously at `refillPerSecond`; a request
 * that finds the bucket empty gets 429 with `Retry-After` (whole seconds until one token).
 */
import type { Clock } from './clock';

export interface RateLimitOptions {
  capacity: number;
  refillPerSecond: number;
  /** What shares one bucket: `project` (groupId of the path, default), `credential`, or `global`. */
  scope?: 'project' | 'credential' | 'global';
  /** Atlas may leave `Retry-After` out; clients must cope with that too. */
  omitRetryAfter?: boolean;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a token is available again (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    readonly options: RateLimitOptions,
  ) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new Error('rate limit needs capacity >= 1 and refillPerSecond > 0');
    }
  }

  take(key: string): RateDecision {
    const bucket = this.refilled(key);
    const limit = this.options.capacity;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, limit, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    const wait = Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.refillPerSecond));
    return { allowed: false, limit, remaining: 0, retryAfterSeconds: wait };
  }

  /** The bucket's state without spending a token (for answers refused before the bucket is reached). */
  peek(key: string): RateDecision {
    const bucket = this.refilled(key);
    return {
      allowed: bucket.tokens >= 1,
      limit: this.options.capacity,
      remaining: Math.floor(bucket.tokens),
      retryAfterSeconds: 0,
    };
  }

  private refilled(key: string): Bucket {
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.capacity, updatedAt: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.options.capacity, bucket.tokens + elapsedSeconds * this.options.refillPerSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    return bucket;
  }
}

/**
 * `RateLimit-*` headers sent with every Admin API answer while a limit is configured;
 * `Retry-After` only on the 429 (`withRetryAfter` false for a peek).
 */
export function rateLimitHeaders(
  decision: RateDecision,
  omitRetryAfter = false,
  withRetryAfter = true,
): Record<string, string> {
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
  };
  if (withRetryAfter && !decision.allowed && !omitRetryAfter)
    headers['Retry-After'] = String(decision.retryAfterSeconds);
  return headers;
}

/**
 * The limits recorded on real answers (docs/atlas-api.md, Round 2 endpoints): `RateLimit-Limit`
 * 1200 on backup endpoints and 10000 on cluster endpoints, read here as per minute per project.
 * MongoDB publishes no per-endpoint numbers; these are what was seen, not a documented contract.
 */
export const RECORDED_RATE_LIMITS = {
  backup: { capacity: 1200, refillPerSecond: 20, scope: 'project' },
  clusters: { capacity: 10_000, refillPerSecond: 10_000 / 60, scope: 'project' },
} as const satisfies Record<string, RateLimitOptions>;
