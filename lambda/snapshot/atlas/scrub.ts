/**
 * The credential scrubber: removes every credential form the client has sent from text that
 * came back from the server (an error `detail` could echo what was sent). Forms are added as
 * they come into being (tokens as they are issued).
 */

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
