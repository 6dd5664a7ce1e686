/**
 * Programmatic API key authentication: HTTP Digest (docs/atlas-api.md "Authentication"), public
 * key = user, private key = password. Pre-emptive: an attempt answers the last challenge seen
 * (shared through the challenge cache) instead of first asking for a new one.
 *
 * A challenge Atlas sends in a 401 is first answered by that request alone, and shared only once
 * it worked: then a 401 to that answer means the key itself was refused (never a nonce count
 * another client overtook), which is what lets the whole run stop asking (the auth latch, see index.ts).
 */
import type { Scrubber } from '../scrub';
import type { HttpRequest } from '../transport';
import type { Authenticator } from './authenticator';
import { digestAuthorization, selectDigestChallenge, type DigestChallenge, type DigestChallengeCache } from './digest';

export interface ApiKeyAuthOptions {
  baseUrl: string;
  credentials: { publicKey: string; privateKey: string };
  cache: DigestChallengeCache;
  scrub: Scrubber;
}

interface Answered {
  challenge: DigestChallenge;
  nc: number;
  /** A challenge this request received itself (not one from the cache). */
  fresh: boolean;
}

export function apiKeyAuth(options: ApiKeyAuthOptions): Authenticator {
  const { baseUrl, cache, scrub } = options;
  const key = `${baseUrl}\n${options.credentials.publicKey}`;
  const user = { username: options.credentials.publicKey, password: options.credentials.privateKey };
  return {
    forRequest(request: HttpRequest) {
      const uri = requestTarget(`${baseUrl}${request.path}`);
      /** The challenge this request was sent and answers on its own until Atlas accepts it. */
      let own: { challenge: DigestChallenge; nc: number } | undefined;
      let last: Answered | undefined;
      return {
        header() {
          if (own) {
            own.nc += 1;
            last = { ...own, fresh: true };
          } else {
            const cached = cache.next(key);
            last = cached && { ...cached, fresh: false };
          }
          if (!last) return Promise.resolve(undefined);
          const sent = digestAuthorization(last.challenge, user, { method: request.method, uri }, last.nc);
          // What the header carries besides the user name: never to be repeated in a log or an error.
          for (const value of [sent.response, sent.cnonce, last.challenge.nonce]) scrub.add(value);
          return Promise.resolve(sent.header);
        },
        unauthorized(response) {
          const challenge = selectDigestChallenge(response.headers['www-authenticate']);
          // Our answer to a challenge Atlas just sent us was refused: the key is wrong.
          if (last?.fresh && !challenge?.stale) return 'refused';
          if (!challenge) return 'final';
          // The same nonce again, not stale: the key was refused (or a shared nonce's count was overtaken).
          if (last && challenge.nonce === last.challenge.nonce && !challenge.stale) return 'final';
          own = { challenge, nc: 0 };
          return 'renew';
        },
        answered() {
          if (!own || !last?.fresh) return;
          cache.store(key, own.challenge, own.nc);
          own = undefined;
        },
      };
    },
  };
}

/** The request-target as the HTTP client sends it (what Digest's `uri` must repeat). */
function requestTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}
