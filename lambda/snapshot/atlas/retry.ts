/**
 * Retries inside the invocation's deadline (docs/atlas-api.md "Rate limits"): a PURE decision,
 * `decideRetry`, of what to do after one failed attempt (wait and resend, or fail with which
 * error), and the loop that authorizes, sends, logs, asks the decision and sleeps. A 401 is the
 * authenticator's business (renew once, or give up); everything else is decided here.
 */
import { AtlasCodes, Codes } from '../codes';
import { AmbiguousRequestError, type AtlasApiError, CodedError } from '../errors';
import { LogEvents } from '../log-events';
import type { Deadline, Logger } from '../types';
import { atlasError } from './answers';
import type { RequestAuth } from './auth/authenticator';
import type { Exchange, ExchangeFn, HttpRequest, HttpResponse, TransportFailure } from './transport';

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ATTEMPTS = 5;
/** A request is not started with less time left than this: it could not get an answer. */
export const MIN_REQUEST_MS = 100;
const BACKOFF_BASE_MS = 300;
const BACKOFF_CAP_MS = 8_000;
/**
 * 429s are Atlas saying "later", not a failure: they are waited out for as long as the deadline
 * allows, up to this many times per request, instead of counting against `maxAttempts` (a busy
 * token bucket shared by many targets would otherwise turn into errors).
 */
export const MAX_RATE_LIMITED_RETRIES = 50;
/**
 * A 401 with this code means the credentials were accepted but lack a role on this resource
 * ("Current user is not authorized to perform this action"): no new token or nonce will help,
 * and other projects of the run may well be allowed, so it neither renews nor refuses the run.
 */
export const PERMISSION_REFUSED = AtlasCodes.USER_UNAUTHORIZED;
/** The exponent of a 429's backoff stops growing here (300 ms * 2^5 = 9.6 s, above the cap). */
const RATE_LIMITED_BACKOFF_STEPS = 6;

/** Counts carried from one attempt of a request to the next. */
export interface RetryState {
  /** 5xx answers and network failures so far (they count against `maxAttempts`). */
  failures: number;
  /** 429 answers so far. */
  rateLimited: number;
  /** What went wrong last, for the messages. */
  lastFailure?: string;
}

interface RetryInputCommon {
  /** `METHOD /path`, for messages. */
  label: string;
  idempotent: boolean;
  state: RetryState;
  maxAttempts: number;
  /** Time the invocation has left for Atlas work. */
  remainingMs: number;
  /** Epoch ms (an HTTP-date `Retry-After` is relative to it). */
  now: number;
  /** A draw in [0, 1) for the backoff's full jitter. */
  jitter: number;
}

/** An answer Atlas gave (not 2xx, not a 401 the authenticator handled). */
export interface RetryAnswer {
  status: number;
  headers: Record<string, string>;
  error: AtlasApiError;
}

export type RetryInput = RetryInputCommon &
  ({ response: RetryAnswer; failure?: never } | { failure: TransportFailure; response?: never });

export type RetryDecision =
  { kind: 'retry'; delayMs: number; reason: string; state: RetryState } | { kind: 'fail'; error: CodedError };

/**
 * What to do after an attempt that did not succeed. Retried: 429 (always; Atlas did not process
 * it), 5xx and transient network failures of a request that is safe to repeat, up to
 * `maxAttempts`. Never retried: other 4xx, an answer whose body we refused (too large, badly
 * encoded: ATLAS_INVALID_RESPONSE), and a non-idempotent request that may have reached Atlas
 * (`AmbiguousRequestError`: the caller re-reads state instead). No wait is started that,
 * with a request after it, would not fit in the time left.
 */
export function decideRetry(input: RetryInput): RetryDecision {
  const planned = input.failure ? afterFailure(input, input.failure) : afterAnswer(input, input.response);
  if (planned.kind === 'fail') return planned;
  if (planned.delayMs + MIN_REQUEST_MS > input.remainingMs) {
    const next = `waiting ${planned.delayMs} ms and trying again`;
    return { kind: 'fail', error: outOfTime(input.label, input.remainingMs, next, planned.reason) };
  }
  return planned;
}

function afterFailure(input: RetryInputCommon, failure: TransportFailure): RetryDecision {
  const { label } = input;
  const what = failure.invalid
    ? `Atlas answered HTTP ${failure.httpStatus ?? '?'} but ${failure.description}`
    : failure.description;
  const status = failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {};
  if (!input.idempotent && !failure.notSent) {
    const detail = `${label}: ${what}; Atlas may have processed the request, so it was not sent again`;
    return { kind: 'fail', error: new AmbiguousRequestError(detail, status) };
  }
  if (failure.invalid) {
    return { kind: 'fail', error: new CodedError(Codes.ATLAS_INVALID_RESPONSE, `${label}: ${what}`, status) };
  }
  if (!failure.retryable) {
    return { kind: 'fail', error: new CodedError(Codes.ATLAS_UNREACHABLE, `${label} failed: ${failure.description}`) };
  }
  const failures = input.state.failures + 1;
  if (failures >= input.maxAttempts) {
    const detail = `no answer from Atlas for ${label} after ${failures} attempts; last failure: ${failure.description}`;
    return { kind: 'fail', error: new CodedError(Codes.ATLAS_UNREACHABLE, detail) };
  }
  const state = { ...input.state, failures, lastFailure: failure.description };
  return { kind: 'retry', delayMs: backoffMs(failures, input.jitter), reason: failure.description, state };
}

function afterAnswer(input: RetryInputCommon, answer: RetryAnswer): RetryDecision {
  const { error, status } = answer;
  const retryAfter = parseRetryAfterMs(answer.headers['retry-after'], input.now) ?? 0;
  if (status === 429) {
    const rateLimited = input.state.rateLimited + 1;
    if (rateLimited > MAX_RATE_LIMITED_RETRIES) return { kind: 'fail', error };
    const reason = `HTTP 429 ${error.code}`;
    // At least what Atlas asked for, and still growing exponentially (MongoDB's advice).
    const delayMs = Math.max(retryAfter, backoffMs(Math.min(rateLimited, RATE_LIMITED_BACKOFF_STEPS), input.jitter));
    return { kind: 'retry', delayMs, reason, state: { ...input.state, rateLimited, lastFailure: reason } };
  }
  if (status >= 500) {
    if (!input.idempotent) {
      const detail =
        `${input.label} answered HTTP ${status} ${error.code}: ${error.message}; ` +
        'Atlas may have processed the request, so it was not sent again';
      return { kind: 'fail', error: new AmbiguousRequestError(detail, { httpStatus: status }) };
    }
    const failures = input.state.failures + 1;
    if (failures >= input.maxAttempts) return { kind: 'fail', error };
    const reason = `HTTP ${status} ${error.code}`;
    const delayMs = Math.max(retryAfter, backoffMs(failures, input.jitter));
    return { kind: 'retry', delayMs, reason, state: { ...input.state, failures, lastFailure: reason } };
  }
  return { kind: 'fail', error };
}

/** Full jitter: uniform in [0, min(cap, base * 2^(n-1))]. */
export function backoffMs(failures: number, jitter: number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
  return Math.round(jitter * ceiling);
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable
 * (the caller then backs off exponentially).
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export function outOfTime(
  label: string,
  remainingMs: number,
  next: string,
  lastFailure: string | undefined,
): CodedError {
  return new CodedError(
    Codes.ATLAS_UNREACHABLE,
    `ran out of time for ${label}: ${Math.max(0, remainingMs)} ms left, not enough for ${next}; ` +
      `last failure: ${lastFailure ?? 'none (no attempt was made)'}`,
  );
}

// ---- the loop ----

export interface RetryLoopOptions {
  exchange: ExchangeFn;
  deadline: Deadline;
  logger: Logger;
  maxAttempts: number;
  /** Upper bound of one attempt; the deadline may make it shorter. */
  requestTimeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Applied to everything taken from an answer for a message. */
  scrub: (text: string) => string;
  /** Runs before every attempt; throws to stop (e.g. the run's credentials were refused). */
  beforeAttempt?: () => void;
  /** Every answer, whatever its status (version notices). */
  onAnswer?: (request: HttpRequest, response: HttpResponse) => void;
  /** Atlas refused the credentials themselves: material obtained for this request was answered 401. */
  onRefused?: (request: HttpRequest, error: AtlasApiError) => void;
}

/**
 * Sends until Atlas answers 2xx, or throws a `CodedError`. After a 401 the authenticator may
 * renew its material once (a stale token or nonce); Atlas did not process a request it answered
 * 401, so even a POST may then be sent again. A 401 to material obtained for this very request
 * goes to `onRefused` (the run stops asking).
 */
export async function sendWithRetries(
  request: HttpRequest,
  auth: RequestAuth,
  o: RetryLoopOptions,
): Promise<HttpResponse> {
  const label = `${request.method} ${request.path}`;
  let state: RetryState = { failures: 0, rateLimited: 0 };
  let renewed = false;
  for (let attempt = 1; ; attempt++) {
    o.beforeAttempt?.();
    const authorization = await auth.header();
    const timeoutMs = attemptTimeoutMs(label, o.deadline.remainingMs(), o.requestTimeoutMs, state.lastFailure);
    const result = await o.exchange(request, authorization, timeoutMs);
    logAttempt(o.logger, request, attempt, result);
    const step = judge(request, auth, o, result, state, renewed);
    if (step.kind === 'done') return step.response;
    if (step.kind === 'renew') {
      renewed = true;
      continue;
    }
    if (step.kind === 'fail') throw step.error;
    o.logger.info(LogEvents.atlasRetry, { request: label, delayMs: step.delayMs, reason: step.reason });
    await o.sleep(step.delayMs);
    state = step.state;
  }
}

type Step = { kind: 'done'; response: HttpResponse } | { kind: 'renew' } | RetryDecision;

/** What one attempt's result means: done, renew the credentials once, or what `decideRetry` says. */
function judge(
  request: HttpRequest,
  auth: RequestAuth,
  o: RetryLoopOptions,
  result: Exchange,
  state: RetryState,
  renewed: boolean,
): Step {
  if (result.kind === 'failed') return decideRetry({ ...retryInput(request, o, state), failure: result.failure });
  const { response } = result;
  o.onAnswer?.(request, response);
  if (response.status >= 200 && response.status < 300) {
    auth.answered?.();
    return { kind: 'done', response };
  }
  const error = atlasError(response, o.scrub);
  if (response.status !== 401 || error.code === PERMISSION_REFUSED) {
    auth.answered?.(); // the credentials were accepted
    const answer = { status: response.status, headers: response.headers, error };
    return decideRetry({ ...retryInput(request, o, state), response: answer });
  }
  const verdict = auth.unauthorized(response);
  if (verdict === 'renew' && !renewed) return { kind: 'renew' };
  if (verdict === 'refused') o.onRefused?.(request, error);
  return { kind: 'fail', error };
}

/** What `decideRetry` needs besides the failure; read only once an attempt failed. */
function retryInput(request: HttpRequest, o: RetryLoopOptions, state: RetryState): RetryInputCommon {
  return {
    label: `${request.method} ${request.path}`,
    idempotent: request.idempotent,
    state,
    maxAttempts: o.maxAttempts,
    remainingMs: o.deadline.remainingMs(),
    now: Date.now(),
    jitter: o.random(),
  };
}

/** The timeout of the next attempt, or an out-of-time error when none would fit. */
function attemptTimeoutMs(label: string, remainingMs: number, requestTimeoutMs: number, lastFailure?: string): number {
  if (remainingMs < MIN_REQUEST_MS) throw outOfTime(label, remainingMs, 'another request', lastFailure);
  return Math.min(requestTimeoutMs, remainingMs);
}

/** One debug line per attempt: what was sent, and the status or the failure; never a header. */
function logAttempt(logger: Logger, request: HttpRequest, attempt: number, result: Exchange): void {
  const outcome =
    result.kind === 'answered' ? { status: result.response.status } : { failure: result.failure.description };
  logger.debug(LogEvents.atlasRequest, {
    method: request.method,
    path: request.path,
    attempt,
    ...outcome,
    ms: result.ms,
  });
}
