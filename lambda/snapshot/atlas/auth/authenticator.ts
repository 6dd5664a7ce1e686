/**
 * What the retry loop needs from an authentication scheme (docs/atlas-api.md "Authentication"):
 * the `Authorization` value of each attempt of one request, and what a 401 means.
 */
import type { HttpRequest, HttpResponse } from '../transport';

/**
 * What to do after Atlas answered an attempt 401:
 * - `renew`: new material was obtained (a stale token, a new Digest nonce); one more attempt may succeed;
 * - `refused`: material obtained for this very request was refused: the credentials themselves are wrong;
 * - `final`: pass the 401 on.
 */
export type UnauthorizedVerdict = 'renew' | 'refused' | 'final';

/** The authentication of one request, across its attempts. */
export interface RequestAuth {
  /** The `Authorization` value of the next attempt; undefined before a Digest challenge is known. */
  header(): Promise<string | undefined>;
  unauthorized(response: HttpResponse): UnauthorizedVerdict;
  /** The last attempt got an answer other than 401 (its credentials were accepted). */
  answered?(): void;
}

export interface Authenticator {
  forRequest(request: HttpRequest): RequestAuth;
}
