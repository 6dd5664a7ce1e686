/**
 * Service-account token endpoints (docs/atlas-api.md, Authentication): `POST /api/oauth/token` with
 * Basic client credentials and `grant_type=client_credentials`, `POST /api/oauth/revoke`.
 * Errors use the OAuth 2.0 body (`{error, error_description}`), except the rate limit, which
 * Atlas answers with its own error body and code `RATE_LIMITED`.
 */
import { type Answer, type SimRequest, atlasErrorAnswer, jsonAnswer } from './answers';
import { type CredentialStore, parseBasic } from './auth';
import { atlasErrors } from './errors';
import { type TokenBucketLimiter, rateLimitHeaders } from './rate-limit';

export interface OAuthDeps {
  credentials: CredentialStore;
  /** Token requests per client id and caller IP; absent = unlimited. */
  tokenLimiter?: TokenBucketLimiter;
}

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Answer {
  return {
    ...jsonAnswer(status, { error, error_description: description }, 'application/json', headers),
    errorCode: error,
  };
}

const FORM = 'application/x-www-form-urlencoded';

function formOf(req: SimRequest): URLSearchParams | undefined {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  return type === FORM ? new URLSearchParams(req.body) : undefined;
}

export function handleToken(req: SimRequest, deps: OAuthDeps): Answer {
  const basic = parseBasic(req.headers.authorization);
  if (!basic) {
    return oauthError(401, 'invalid_client', 'Client authentication failed.', {
      'WWW-Authenticate': 'Basic realm="oauth"',
    });
  }
  const limited = takeTokenBudget(deps, `${basic[0]}|${req.ip}`);
  if (limited) return limited;
  const form = formOf(req);
  if (!form) return oauthError(400, 'invalid_request', `Content-Type must be ${FORM}.`);
  if (form.get('grant_type') !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
  }
  const result = deps.credentials.issueToken(basic[0], basic[1]);
  if (!result.ok && result.reason === 'invalid_client')
    return oauthError(401, 'invalid_client', 'Client authentication failed.');
  if (!result.ok)
    return oauthError(
      403,
      'access_denied',
      'The maximum number of active access tokens for this service account has been reached.',
    );
  return jsonAnswer(
    200,
    { access_token: result.token.accessToken, expires_in: result.token.expiresIn, token_type: 'Bearer' },
    'application/json',
    { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  );
}

export function handleRevoke(req: SimRequest, deps: OAuthDeps): Answer {
  const basic = parseBasic(req.headers.authorization);
  const form = formOf(req);
  if (!form) return oauthError(400, 'invalid_request', `Content-Type must be ${FORM}.`);
  const token = form.get('token');
  if (!token) return oauthError(400, 'invalid_request', 'The token parameter is required.');
  if (!basic || !deps.credentials.revokeToken(basic[0], basic[1], token)) {
    return oauthError(401, 'invalid_client', 'Client authentication failed.');
  }
  // RFC 7009: 200 whether or not the token was known.
  return { status: 200, headers: {} };
}

function takeTokenBudget(deps: OAuthDeps, key: string): Answer | undefined {
  if (!deps.tokenLimiter) return undefined;
  const decision = deps.tokenLimiter.take(key);
  if (decision.allowed) return undefined;
  const headers = rateLimitHeaders(decision, deps.tokenLimiter.options.omitRetryAfter);
  return atlasErrorAnswer(atlasErrors.rateLimited('RATE_LIMITED', headers));
}
