/**
 * Programmatic API key authentication: HTTP Digest (docs/atlas-api.md "Authentication"), public
 * key = user, private key = password. Pre-emptive: an attempt answers the last challenge seen
 * (shared through the challenge cache) instead of first asking for a new one.
 */
import type { Scrubber } from '../scrub';
import type { HttpRequest } from '../transport';
import type { Authenticator } from './authenticator';
import { digestAuthorization, selectDigestChallenge, type DigestChallengeCache } from './digest';

export interface ApiKeyAuthOptions {
  baseUrl: string;
  credentials: { publicKey: string; privateKey: string };
  cache: DigestChallengeCache;
  scrub: Scrubber;
}

export function apiKeyAuth(options: ApiKeyAuthOptions): Authenticator {
  const { baseUrl, cache, scrub } = options;
  const key = `${baseUrl}\n${options.credentials.publicKey}`;
  const user = { username: options.credentials.publicKey, password: options.credentials.privateKey };
  return {
    forRequest(request: HttpRequest) {
      const uri = requestTarget(`${baseUrl}${request.path}`);
      let cached: ReturnType<DigestChallengeCache['next']>;
      return {
        header() {
          cached = cache.next(key);
          if (!cached) return Promise.resolve(undefined);
          const sent = digestAuthorization(cached.challenge, user, { method: request.method, uri }, cached.nc);
          // What the header carries besides the user name: never to be repeated in a log or an error.
          for (const value of [sent.response, sent.cnonce, cached.challenge.nonce]) scrub.add(value);
          return Promise.resolve(sent.header);
        },
        unauthorized(response) {
          const challenge = selectDigestChallenge(response.headers['www-authenticate']);
          if (!challenge) return 'final';
          // The same nonce again, not stale: the key itself was refused.
          if (cached && challenge.nonce === cached.challenge.nonce && !challenge.stale) return 'refused';
          cache.store(key, challenge);
          return 'renew';
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
