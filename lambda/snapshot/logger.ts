/**
 * One structured JSON logger for the function: one line per entry on stdout, the shape
 * CloudWatch Logs Insights queries directly. Fields whose names look like credentials are
 * replaced before anything is written, and errors are reduced to name/code/message, so an
 * axios error's request config (with its Authorization header) can never reach a log line.
 */
import type { Logger } from './types';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SENSITIVE_KEY = /authorization|password|secret|token|privatekey|private_key|cookie|credential/i;
/** Names of things, not their values: `secretId`, `secretArn`, `tokenExpiresIn` stay readable. */
const NAME_KEY = /(Id|Arn|Name|ExpiresIn)$/;
export const REDACTED = '[REDACTED]';

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

/** A deep copy safe to print: credential-like keys redacted, errors reduced, cycles cut. */
export function sanitize(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value instanceof Error) return describeErrorForLog(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => sanitize(v, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const sensitive = SENSITIVE_KEY.test(key) && !NAME_KEY.test(key);
    out[key] =
      sensitive && (typeof v === 'string' || typeof v === 'object') && v !== null ? REDACTED : sanitize(v, seen);
  }
  return out;
}

function describeErrorForLog(e: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  const { code, httpStatus } = e as Error & { code?: unknown; httpStatus?: unknown };
  if (typeof code === 'string') out.code = code;
  if (typeof httpStatus === 'number') out.httpStatus = httpStatus;
  return out;
}

/** A logger that drops everything (tests and tools that do not care). */
export const silentLogger: Logger = createLogger({ write: () => undefined });
