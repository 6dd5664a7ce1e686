/** The simulator CLI's option values, parsed and checked (usage errors name the flag). */
import type { SnapshotOutcome } from './model';
import { RECORDED_RATE_LIMITS, type RateLimitOptions } from './rate-limit';
import { ENDPOINT_SETS, type EndpointSet } from './routes';
import type { AtlasSimulatorOptions } from './simulator';
import { type VersionDeprecation, checkDeprecation } from './versions';

export class UsageError extends Error {}

export interface CliValues {
  host?: string | undefined;
  port?: string | undefined;
  'latency-ms'?: string | undefined;
  'rate-limit'?: string | undefined;
  'endpoint-rate-limit'?: string[] | undefined;
  'recorded-rate-limits'?: boolean | undefined;
  'token-rate-limit'?: string | undefined;
  'token-expires-in'?: string | undefined;
  'queued-seconds'?: string | undefined;
  'in-progress-seconds'?: string | undefined;
  'snapshot-outcome'?: string | undefined;
  deprecate?: string[] | undefined;
}

export function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new UsageError(`--${name} must be a number >= 0, got "${value}"`);
  return parsed;
}

export function parseRateLimit(value: string | undefined, name = 'rate-limit'): RateLimitOptions | undefined {
  if (value === undefined) return undefined;
  const [capacity, refill, scope] = value.split('/');
  const limit: RateLimitOptions = { capacity: Number(capacity), refillPerSecond: Number(refill) };
  if (!(limit.capacity >= 1) || !(limit.refillPerSecond > 0)) {
    throw new UsageError(`--${name} must look like CAPACITY/REFILL_PER_SECOND (e.g. 10/2), got "${value}"`);
  }
  if (scope !== undefined) {
    if (scope !== 'project' && scope !== 'credential' && scope !== 'global') {
      throw new UsageError(`--${name} scope must be project, credential or global, got "${scope}"`);
    }
    limit.scope = scope;
  }
  return limit;
}

/** `SET=CAP/REFILL[/SCOPE]`, e.g. `backup=20/0.33`. */
export function parseEndpointRateLimit(value: string): [EndpointSet, RateLimitOptions] {
  const [set, limit] = value.split('=');
  if (!(ENDPOINT_SETS as readonly string[]).includes(set ?? '') || limit === undefined) {
    throw new UsageError(
      `--endpoint-rate-limit must look like SET=CAPACITY/REFILL_PER_SECOND with SET one of ${ENDPOINT_SETS.join(', ')}, got "${value}"`,
    );
  }
  return [set as EndpointSet, parseRateLimit(limit, 'endpoint-rate-limit') as RateLimitOptions];
}

/**
 * `[RESOURCE:]VERSION=SUNSET`, e.g. `clusters:2024-08-05=2027-01-01`: that version is deprecated
 * from `now` on (sent as an HTTP-date) and answers 410 from the sunset date.
 */
export function parseDeprecation(value: string, now: number): VersionDeprecation {
  const match = /^(?:([a-z]+):)?(\d{4}-\d{2}-\d{2})=(\d{4}-\d{2}-\d{2})$/.exec(value);
  const resource = match?.[1];
  if (!match || (resource !== undefined && !(ENDPOINT_SETS as readonly string[]).includes(resource))) {
    throw new UsageError(
      `--deprecate must look like [SET:]VERSION=SUNSET with SET one of ${ENDPOINT_SETS.join(', ')} (e.g. clusters:2024-08-05=2027-01-01), got "${value}"`,
    );
  }
  const deprecation: VersionDeprecation = {
    date: match[2] ?? '',
    ...(resource !== undefined ? { resource: resource as EndpointSet } : {}),
    deprecation: new Date(now).toISOString(),
    sunset: match[3] ?? '',
  };
  try {
    checkDeprecation(deprecation);
  } catch (error: unknown) {
    throw new UsageError(`--deprecate: ${error instanceof Error ? error.message : String(error)}`);
  }
  return deprecation;
}

const OUTCOMES: readonly SnapshotOutcome[] = ['completed', 'failed', 'never'];

function parseOutcome(value: string | undefined): SnapshotOutcome | undefined {
  if (value === undefined) return undefined;
  if (!(OUTCOMES as readonly string[]).includes(value)) {
    throw new UsageError(`--snapshot-outcome must be one of ${OUTCOMES.join(', ')}, got "${value}"`);
  }
  return value as SnapshotOutcome;
}

function endpointRateLimits(values: CliValues): AtlasSimulatorOptions['endpointRateLimits'] {
  const limits: Partial<Record<EndpointSet, RateLimitOptions>> = values['recorded-rate-limits']
    ? { ...RECORDED_RATE_LIMITS }
    : {};
  for (const value of values['endpoint-rate-limit'] ?? []) {
    const [set, limit] = parseEndpointRateLimit(value);
    limits[set] = limit;
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** Simulator options from the CLI values; `now` dates a `--deprecate`. */
export function simulatorOptions(values: CliValues, now: number): AtlasSimulatorOptions {
  const queued = numberOption(values['queued-seconds'], 'queued-seconds');
  const inProgress = numberOption(values['in-progress-seconds'], 'in-progress-seconds');
  const snapshotTiming = {
    ...(queued === undefined ? {} : { queuedMs: queued * 1000 }),
    ...(inProgress === undefined ? {} : { inProgressMs: inProgress * 1000 }),
  };
  const port = numberOption(values.port, 'port');
  const latencyMs = numberOption(values['latency-ms'], 'latency-ms');
  const rateLimit = parseRateLimit(values['rate-limit']);
  const perSet = endpointRateLimits(values);
  const tokenRateLimit = parseRateLimit(values['token-rate-limit'], 'token-rate-limit');
  const tokenExpiresInSeconds = numberOption(values['token-expires-in'], 'token-expires-in');
  const snapshotOutcome = parseOutcome(values['snapshot-outcome']);
  const deprecations = (values.deprecate ?? []).map((value) => parseDeprecation(value, now));
  return {
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    ...(perSet !== undefined ? { endpointRateLimits: perSet } : {}),
    ...(tokenRateLimit !== undefined ? { tokenRateLimit } : {}),
    ...(tokenExpiresInSeconds !== undefined ? { tokenExpiresInSeconds } : {}),
    ...(Object.keys(snapshotTiming).length > 0 ? { snapshotTiming } : {}),
    ...(snapshotOutcome !== undefined ? { snapshotOutcome } : {}),
    ...(deprecations.length > 0 ? { deprecations } : {}),
  };
}
