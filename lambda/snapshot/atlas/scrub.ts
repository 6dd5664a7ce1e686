/**
 * The credential scrubber: removes every credential form the client has sent (the client secret
 * or private key, the Basic value of the token request, every bearer token, the Digest
 * `response`, `nonce` and `cnonce` values) from text that came back from the server (an error
 * `detail` could echo what was sent), and from everything the client logs, throws or returns.
 * Forms are added as they come into being (tokens as they are issued).
 */
import type { Logger } from '../types';

export const REDACTED = '[REDACTED]';
/** Shorter strings are not redacted: they would mangle ordinary text and protect nothing. */
const MIN_SECRET_LENGTH = 4;

export interface Scrubber {
  (text: string): string;
  /** Remembers one more credential form. */
  add(secret: string): void;
}

export function createScrubber(initial: readonly string[]): Scrubber {
  const secrets = new Set<string>();
  const add = (secret: string): void => {
    if (secret.length >= MIN_SECRET_LENGTH) secrets.add(secret);
  };
  initial.forEach(add);
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  return Object.assign(scrub, { add });
}

/** A logger whose every message and string field passes through `scrub`. */
export function scrubbingLogger(logger: Logger, scrub: (text: string) => string): Logger {
  const clean = (fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
    if (fields === undefined) return undefined;
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(fields)) out[name] = typeof value === 'string' ? scrub(value) : value;
    return out;
  };
  return {
    debug: (message, fields) => logger.debug(scrub(message), clean(fields)),
    info: (message, fields) => logger.info(scrub(message), clean(fields)),
    warn: (message, fields) => logger.warn(scrub(message), clean(fields)),
    error: (message, fields) => logger.error(scrub(message), clean(fields)),
    child: (fields) => scrubbingLogger(logger.child(clean(fields) ?? {}), scrub),
  };
}

/** The error as thrown, its message and stack scrubbed (the stack repeats the message). */
export function scrubError(e: unknown, scrub: (text: string) => string): unknown {
  if (e instanceof Error) {
    e.message = scrub(e.message);
    if (e.stack !== undefined) e.stack = scrub(e.stack);
  }
  return e;
}
