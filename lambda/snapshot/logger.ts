/**
 * One structured JSON logger for the function: one line per entry on stdout, the shape
 * CloudWatch Logs Insights queries directly. Fields whose names look like credentials are
 * replaced, credential forms inside strings (Bearer and Basic values, Digest response/nonce/cnonce,
 * service-account secrets) are scrubbed, and errors are reduced to name/code/message, so an
 * axios error's request config (with its Authorization header) can never reach a log line.
 * Everything is copied with depth and size bounds: a hostile value (5,000 levels deep, a million
 * keys) is logged as a truncated shape, never a RangeError or a line of megabytes.
 */
import type { Logger } from './types';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SENSITIVE_KEY = /authorization|password|secret|token|privatekey|private_key|cookie|credential|cnonce|^nonce$/i;
/** Names of things, not their values: `secretId`, `secretArn`, `tokenExpiresIn` stay readable. */
const NAME_KEY = /(Id|Arn|Name|ExpiresIn)$/;
/** Credential forms inside free text: `Bearer <token>`, `Basic <base64>`, Digest fields, `mdb_sa_sk_...`. */
const SECRET_IN_TEXT =
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{16,}=*|\b(response|nonce|cnonce)\s*=\s*"[^"]*"|\bmdb_sa_sk_[A-Za-z0-9_-]+/gi;
export const REDACTED = '[REDACTED]';
export const TRUNCATED = '[Truncated]';

export interface SanitizeLimits {
  /** Levels below the top (deeper values become TRUNCATED). */
  depth: number;
  /** Keys per object and items per array (the rest are counted). */
  width: number;
  /** Characters per string (the rest are counted). */
  chars: number;
  /** Values copied in all (later ones become TRUNCATED). */
  nodes: number;
}

/** Wide enough for every line the function writes; bounded for anything it is given. */
export const LOG_LIMITS: SanitizeLimits = { depth: 12, width: 200, chars: 16_000, nodes: 20_000 };

export interface LoggerOptions {
  level?: string;
  /** Fields on every line (service, requestId, target ...). */
  fields?: Record<string, unknown>;
  /** Where a finished line goes; stdout by default. */
  write?: (line: string) => void;
  now?: () => Date;
}

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  const level = value?.toLowerCase();
  return level !== undefined && level in LEVELS ? (level as LogLevel) : fallback;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[parseLogLevel(options.level)];
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());

  const make = (base: Record<string, unknown>): Logger => {
    const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
      if (LEVELS[level] < threshold) return;
      const entry = { level: level.toUpperCase(), timestamp: now().toISOString(), message, ...base, ...fields };
      write(JSON.stringify(sanitize(entry)));
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** The text with every credential form it contains replaced. */
export function scrubText(text: string): string {
  return text.replace(SECRET_IN_TEXT, (_match: string, scheme?: string, field?: string) => {
    if (scheme) return `${scheme} ${REDACTED}`;
    if (field) return `${field}="${REDACTED}"`;
    return REDACTED;
  });
}

/**
 * A copy safe to print: credential-like keys redacted, credential forms in strings scrubbed, errors
 * reduced, repeated references cut, and depth, width, string length and size bounded by `limits`.
 */
export function sanitize(value: unknown, limits: SanitizeLimits = LOG_LIMITS): unknown {
  const budget = { nodes: limits.nodes };
  return copy(value, 0, limits, budget, new WeakSet<object>());
}

function copy(
  value: unknown,
  depth: number,
  limits: SanitizeLimits,
  budget: { nodes: number },
  seen: WeakSet<object>,
): unknown {
  if (budget.nodes-- <= 0) return TRUNCATED;
  if (typeof value === 'string') return scrubText(capChars(value, limits.chars));
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return `[${typeof value}]`;
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return describeErrorForLog(value, limits);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (seen.has(value)) return '[Circular]';
  if (depth >= limits.depth) return TRUNCATED;
  seen.add(value);
  if (Array.isArray(value)) {
    const items: unknown[] = value.slice(0, limits.width).map((v: unknown) => copy(v, depth + 1, limits, budget, seen));
    if (value.length > limits.width) items.push(`... and ${value.length - limits.width} more items`);
    return items;
  }
  const out: Record<string, unknown> = {};
  let count = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (count++ >= limits.width) {
      out['...'] = 'more keys left out';
      break;
    }
    const v = (value as Record<string, unknown>)[key];
    const sensitive = SENSITIVE_KEY.test(key) && !NAME_KEY.test(key);
    out[key] =
      sensitive && (typeof v === 'string' || typeof v === 'object') && v !== null
        ? REDACTED
        : copy(v, depth + 1, limits, budget, seen);
  }
  return out;
}

function capChars(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`;
}

function describeErrorForLog(e: Error, limits: SanitizeLimits): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: scrubText(capChars(e.message, limits.chars)) };
  const { code, httpStatus } = e as Error & { code?: unknown; httpStatus?: unknown };
  if (typeof code === 'string') out.code = code;
  if (typeof httpStatus === 'number') out.httpStatus = httpStatus;
  return out;
}

/** Bounds for the event's shape in the `invocation started` line. */
const EVENT_LIMITS: SanitizeLimits = { depth: 6, width: 30, chars: 300, nodes: 500 };
const FOLLOW_UP_FIELDS = ['version', 'projectId', 'clusterName', 'snapshotId', 'attempt', 'sharded', 'trigger'];

/**
 * The event for the log: an EventBridge scheduled event by its envelope, a follow-up by the snapshot it
 * names, anything else as a bounded copy (the function's own events are small; a hostile one is cut).
 */
export function summarizeEvent(event: unknown): unknown {
  if (event === undefined || event === null) return null;
  if (typeof event !== 'object' || Array.isArray(event)) return sanitize(event, EVENT_LIMITS);
  const e = event as Record<string, unknown>;
  if (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event') {
    return sanitize({ source: e.source, 'detail-type': e['detail-type'], time: e.time }, EVENT_LIMITS);
  }
  const followUp = e.followUp;
  if (followUp !== null && typeof followUp === 'object' && !Array.isArray(followUp)) {
    const f = followUp as Record<string, unknown>;
    const picked = Object.fromEntries(FOLLOW_UP_FIELDS.filter((k) => k in f).map((k) => [k, f[k]]));
    return sanitize({ followUp: picked }, { ...EVENT_LIMITS, depth: 2 });
  }
  return sanitize(event, EVENT_LIMITS);
}

/** A logger that drops everything (tests and tools that do not care). */
export const silentLogger: Logger = createLogger({ write: () => undefined });
