/**
 * The Admin API's rate limits: one token bucket setting for every endpoint, optionally replaced
 * per endpoint set (projects, clusters, backup), each keyed by its scope. Every Admin API answer
 * carries `RateLimit-Limit`/`RateLimit-Remaining` while a limit applies to it; an answer refused
 * before the bucket is reached (authentication, access list) shows the bucket without spending.
 */
import type { Principal } from './auth';
import type { Clock } from './clock';
import { atlasErrors } from './errors';
import { type RateLimitOptions, TokenBucketLimiter, rateLimitHeaders } from './rate-limit';
import { type EndpointSet, type RouteMatch, endpointSetOf } from './routes';

export class ApiRateLimits {
  private general: TokenBucketLimiter | undefined;
  private readonly perSet = new Map<EndpointSet, TokenBucketLimiter>();

  constructor(
    private readonly clock: Clock,
    general: RateLimitOptions | undefined,
    perSet: Partial<Record<EndpointSet, RateLimitOptions>> = {},
  ) {
    this.setGeneral(general);
    for (const [set, options] of Object.entries(perSet) as Array<[EndpointSet, RateLimitOptions | undefined]>) {
      this.setForSet(set, options);
    }
  }

  setGeneral(options: RateLimitOptions | undefined): void {
    this.general = options ? new TokenBucketLimiter(this.clock, options) : undefined;
  }

  /** A limit of its own for one endpoint set (undefined: back to the general one). */
  setForSet(set: EndpointSet, options: RateLimitOptions | undefined): void {
    if (options) this.perSet.set(set, new TokenBucketLimiter(this.clock, options));
    else this.perSet.delete(set);
  }

  /** Spends one token of the caller's bucket; throws 429 when it is empty. */
  take(route: RouteMatch, principal: Principal): Record<string, string> {
    const limiter = this.limiterFor(route);
    if (!limiter) return {};
    const decision = limiter.take(bucketKey(limiter, route, principal));
    const headers = rateLimitHeaders(decision, limiter.options.omitRetryAfter);
    if (!decision.allowed) throw atlasErrors.rateLimited('RATE_LIMITED_TOKEN_BUCKET', headers);
    return headers;
  }

  /** The bucket's headers without spending (the caller may be unknown yet). */
  peek(route: RouteMatch, principal: Principal | undefined): Record<string, string> {
    const limiter = this.limiterFor(route);
    if (!limiter) return {};
    return rateLimitHeaders(limiter.peek(bucketKey(limiter, route, principal)), true, false);
  }

  private limiterFor(route: RouteMatch): TokenBucketLimiter | undefined {
    const set = endpointSetOf(route.endpoint);
    return (set && this.perSet.get(set)) ?? this.general;
  }
}

/**
 * The bucket a request spends from. With scope `project`, paths without a project (the projects
 * list) share one bucket; with scope `credential`, a caller not yet authenticated peeks at an
 * unused one (full), since no credential is known to charge.
 */
function bucketKey(limiter: TokenBucketLimiter, route: RouteMatch, principal: Principal | undefined): string {
  const scope = limiter.options.scope ?? 'project';
  if (scope === 'global') return 'global';
  if (scope === 'credential') return `credential:${principal?.id ?? '-'}`;
  return `project:${route.groupId ?? '-'}`;
}
