/**
 * Service-account authentication (docs/atlas-api.md "Authentication"): an OAuth 2.0 client
 * credentials token from `POST /api/oauth/token` (Basic auth), then `Authorization: Bearer`.
 * Tokens are shared through the token cache; a 401 on a cached token renews it once.
 */
import { Codes } from '../../codes';
import { AtlasApiError, CodedError } from '../../errors';
import { isPlainObject } from '../../validation';
import { nonEmptyString, parseJson } from '../answers';
import type { Scrubber } from '../scrub';
import type { HttpRequest, HttpResponse } from '../transport';
import type { Authenticator, RequestAuth } from './authenticator';
import { tokenCacheKey, type IssuedToken, type TokenCache } from './token-cache';

export const TOKEN_PATH = '/api/oauth/token';
const DEFAULT_TOKEN_LIFETIME_S = 3_600;
/** Statuses with which the token endpoint refuses the credentials (OAuth `invalid_client`, ...). */
const REFUSALS = [400, 401, 403];

export interface ServiceAccountAuthOptions {
  baseUrl: string;
  credentials: { clientId: string; clientSecret: string };
  cache: TokenCache;
  scrub: Scrubber;
  /** Sends a request with the given authentication, retried like any other. */
  send: (request: HttpRequest, auth: RequestAuth) => Promise<HttpResponse>;
  /** The token endpoint refused the credentials; `error` is the ATLAS_AUTH_FAILED thrown. */
  onRefused: (error: CodedError) => void;
}

export function serviceAccountAuth(options: ServiceAccountAuthOptions): Authenticator {
  const { cache, credentials, scrub } = options;
  const key = tokenCacheKey(options.baseUrl, credentials.clientId, credentials.clientSecret);
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, 'utf8').toString('base64');
  scrub.add(credentials.clientSecret);
  scrub.add(basic);
  const fixedBasic: RequestAuth = {
    header: () => Promise.resolve(`Basic ${basic}`),
    unauthorized: () => 'final',
  };

  async function requestToken(): Promise<IssuedToken> {
    const request: HttpRequest = {
      method: 'POST',
      path: TOKEN_PATH,
      accept: 'application/json',
      resource: 'token endpoint',
      contentType: 'application/x-www-form-urlencoded',
      body: 'grant_type=client_credentials',
      // Repeating it at worst mints a second token; it is retried like a read.
      idempotent: true,
    };
    let response: HttpResponse;
    try {
      response = await options.send(request, fixedBasic);
    } catch (e: unknown) {
      if (e instanceof AtlasApiError && REFUSALS.includes(e.httpStatus ?? 0)) {
        const refused = new CodedError(
          Codes.ATLAS_AUTH_FAILED,
          `the Atlas token endpoint refused service account ${credentials.clientId}: HTTP ${e.httpStatus} ${e.code}: ${e.message}`,
          e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {},
        );
        options.onRefused(refused);
        throw refused;
      }
      throw e;
    }
    return readToken(response, request);
  }

  return {
    forRequest() {
      let lease: { token: string; fromCache: boolean } | undefined;
      return {
        async header() {
          lease = await cache.get(key, requestToken);
          scrub.add(lease.token);
          return `Bearer ${lease.token}`;
        },
        unauthorized() {
          // A token minted for this very call is not stale: the refusal is real.
          if (lease === undefined || !lease.fromCache) return 'refused';
          cache.invalidate(key, lease.token);
          return 'renew';
        },
      };
    },
  };
}

function readToken(response: HttpResponse, request: HttpRequest): IssuedToken {
  const doc = parseJson(response, request);
  const invalid = (what: string) =>
    new CodedError(Codes.ATLAS_INVALID_RESPONSE, `the Atlas token endpoint answered without ${what}`, {
      httpStatus: response.status,
    });
  if (!isPlainObject(doc)) throw invalid('a JSON object');
  const accessToken = nonEmptyString(doc.access_token);
  if (accessToken === undefined) throw invalid('an access_token');
  if (
    doc.token_type !== undefined &&
    (typeof doc.token_type !== 'string' || doc.token_type.toLowerCase() !== 'bearer')
  ) {
    throw invalid('token_type Bearer');
  }
  const expiresIn = Number(doc.expires_in);
  // Documented as 3600; should it be missing, a 401 on the cached token still renews it.
  const expiresInSeconds = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_S;
  return { accessToken, expiresInSeconds };
}
