/** The pure retry decision, table-driven: no server, no clock, no sleeping. */
import { decideRetry, type RetryDecision, type RetryInput } from '../../../lambda/snapshot/atlas';
import { Codes } from '../../../lambda/snapshot/codes';
import { AmbiguousRequestError, AtlasApiError } from '../../../lambda/snapshot/errors';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const base = {
  label: 'GET /api/atlas/v2/groups/x/clusters/c',
  idempotent: true,
  state: { failures: 0, rateLimited: 0 },
  maxAttempts: 5,
  remainingMs: 60_000,
  now: NOW,
  jitter: 0.5,
};

const answer = (status: number, code: string, headers: Record<string, string> = {}) => ({
  response: { status, headers, error: new AtlasApiError(code, `Atlas said ${code}`, status) },
});
const failure = (description: string, retryable: boolean, notSent: boolean) => ({
  failure: { description, retryable, notSent },
});

/** What a decision amounts to, for table comparisons. */
function summary(decision: RetryDecision): Record<string, unknown> {
  if (decision.kind === 'retry') {
    return { kind: 'retry', delayMs: decision.delayMs, reason: decision.reason, state: decision.state };
  }
  return {
    kind: 'fail',
    ambiguous: decision.error instanceof AmbiguousRequestError,
    code: decision.error.code,
    httpStatus: decision.error.httpStatus,
  };
}

describe('decideRetry', () => {
  const cases: Array<[string, RetryInput, Record<string, unknown>]> = [
    [
      '429 with Retry-After waits at least that long',
      { ...base, ...answer(429, 'RATE_LIMITED_TOKEN_BUCKET', { 'retry-after': '3' }) },
      {
        kind: 'retry',
        delayMs: 3000,
        reason: 'HTTP 429 RATE_LIMITED_TOKEN_BUCKET',
        state: { failures: 0, rateLimited: 1, lastFailure: 'HTTP 429 RATE_LIMITED_TOKEN_BUCKET' },
      },
    ],
    [
      '429 with an HTTP-date Retry-After waits until then',
      { ...base, ...answer(429, 'RATE_LIMITED', { 'retry-after': 'Tue, 01 Dec 2026 00:00:05 GMT' }) },
      expect.objectContaining({ kind: 'retry', delayMs: 5000 }),
    ],
    [
      '429 without Retry-After backs off exponentially (jitter 0.5 of 300 ms)',
      { ...base, ...answer(429, 'RATE_LIMITED_TOKEN_BUCKET') },
      expect.objectContaining({ kind: 'retry', delayMs: 150 }),
    ],
    [
      "the 4th 429's backoff ceiling has doubled three times (0.5 of 2400 ms)",
      { ...base, state: { failures: 0, rateLimited: 3 }, ...answer(429, 'RATE_LIMITED_TOKEN_BUCKET') },
      expect.objectContaining({ kind: 'retry', delayMs: 1200 }),
    ],
    [
      '429s do not count against maxAttempts',
      { ...base, maxAttempts: 1, state: { failures: 0, rateLimited: 10 }, ...answer(429, 'RATE_LIMITED') },
      expect.objectContaining({ kind: 'retry' }),
    ],
    [
      "the 51st 429 of one request gives up with Atlas's error",
      { ...base, state: { failures: 0, rateLimited: 50 }, ...answer(429, 'RATE_LIMITED_TOKEN_BUCKET') },
      { kind: 'fail', ambiguous: false, code: 'RATE_LIMITED_TOKEN_BUCKET', httpStatus: 429 },
    ],
    [
      'a 429 to a POST is resent (Atlas did not process it)',
      { ...base, idempotent: false, ...answer(429, 'RATE_LIMITED_TOKEN_BUCKET') },
      expect.objectContaining({ kind: 'retry' }),
    ],
    [
      '5xx of an idempotent request is retried with backoff',
      { ...base, ...answer(503, 'UNEXPECTED_ERROR') },
      {
        kind: 'retry',
        delayMs: 150,
        reason: 'HTTP 503 UNEXPECTED_ERROR',
        state: { failures: 1, rateLimited: 0, lastFailure: 'HTTP 503 UNEXPECTED_ERROR' },
      },
    ],
    [
      '5xx honours a longer Retry-After',
      { ...base, ...answer(503, 'UNEXPECTED_ERROR', { 'retry-after': '2' }) },
      expect.objectContaining({ kind: 'retry', delayMs: 2000 }),
    ],
    [
      '5xx of a non-idempotent request is ambiguous, never resent',
      { ...base, idempotent: false, ...answer(500, 'UNEXPECTED_ERROR') },
      { kind: 'fail', ambiguous: true, code: Codes.ATLAS_UNREACHABLE, httpStatus: 500 },
    ],
    [
      "5xx on the last attempt gives up with Atlas's error",
      { ...base, state: { failures: 4, rateLimited: 0 }, ...answer(500, 'UNEXPECTED_ERROR') },
      { kind: 'fail', ambiguous: false, code: 'UNEXPECTED_ERROR', httpStatus: 500 },
    ],
    [
      'other 4xx are never retried',
      { ...base, ...answer(404, 'CLUSTER_NOT_FOUND') },
      { kind: 'fail', ambiguous: false, code: 'CLUSTER_NOT_FOUND', httpStatus: 404 },
    ],
    [
      'a network failure before sending is retried, even for a POST',
      { ...base, idempotent: false, ...failure('connection refused (ECONNREFUSED)', true, true) },
      expect.objectContaining({ kind: 'retry', reason: 'connection refused (ECONNREFUSED)' }),
    ],
    [
      'a network failure after sending is retried for a read',
      { ...base, ...failure('connection reset (ECONNRESET)', true, false) },
      expect.objectContaining({ kind: 'retry', state: expect.objectContaining({ failures: 1 }) }),
    ],
    [
      'a network failure after sending a POST is ambiguous',
      { ...base, idempotent: false, ...failure('connection reset (ECONNRESET)', true, false) },
      { kind: 'fail', ambiguous: true, code: Codes.ATLAS_UNREACHABLE, httpStatus: undefined },
    ],
    [
      'a failure that cannot get better is not retried',
      { ...base, ...failure('host name not found (ENOTFOUND)', false, true) },
      { kind: 'fail', ambiguous: false, code: Codes.ATLAS_UNREACHABLE, httpStatus: undefined },
    ],
    [
      'the last allowed network failure gives up',
      {
        ...base,
        maxAttempts: 3,
        state: { failures: 2, rateLimited: 0 },
        ...failure('no answer within 50 ms', true, false),
      },
      { kind: 'fail', ambiguous: false, code: Codes.ATLAS_UNREACHABLE, httpStatus: undefined },
    ],
    [
      'a wait that would not leave time for a request is not started',
      { ...base, remainingMs: 3_000, ...answer(429, 'RATE_LIMITED_TOKEN_BUCKET', { 'retry-after': '3' }) },
      { kind: 'fail', ambiguous: false, code: Codes.ATLAS_UNREACHABLE, httpStatus: undefined },
    ],
    [
      'a wait that leaves time for a request is started',
      { ...base, remainingMs: 3_100, ...answer(429, 'RATE_LIMITED_TOKEN_BUCKET', { 'retry-after': '3' }) },
      expect.objectContaining({ kind: 'retry', delayMs: 3000 }),
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(summary(decideRetry(input))).toEqual(expected);
  });

  it('says in its message what it ran out of time for and what failed last', () => {
    const decision = decideRetry({
      ...base,
      remainingMs: 1_000,
      ...answer(429, 'RATE_LIMITED_TOKEN_BUCKET', { 'retry-after': '30' }),
    });

    expect(decision.kind).toBe('fail');
    expect(decision.kind === 'fail' && decision.error.message).toBe(
      `ran out of time for ${base.label}: 1000 ms left, not enough for waiting 30000 ms and trying again; ` +
        'last failure: HTTP 429 RATE_LIMITED_TOKEN_BUCKET',
    );
  });

  it('names the attempts and the last failure when it gives up on the network', () => {
    const decision = decideRetry({
      ...base,
      maxAttempts: 2,
      state: { failures: 1, rateLimited: 0 },
      ...failure('connection reset (ECONNRESET)', true, false),
    });

    expect(decision.kind === 'fail' && decision.error.message).toBe(
      `no answer from Atlas for ${base.label} after 2 attempts; last failure: connection reset (ECONNRESET)`,
    );
  });

  it('caps the backoff at 8 s however many failures came before', () => {
    const decision = decideRetry({
      ...base,
      jitter: 1,
      maxAttempts: 50,
      state: { failures: 20, rateLimited: 0 },
      ...answer(502, 'X'),
    });

    expect(decision).toMatchObject({ kind: 'retry', delayMs: 8000 });
  });

  it('is pure: the same input gives the same decision and the input state is not changed', () => {
    const input: RetryInput = { ...base, state: { failures: 1, rateLimited: 2 }, ...answer(503, 'UNEXPECTED_ERROR') };

    const first = summary(decideRetry(input));
    const second = summary(decideRetry(input));

    expect(second).toEqual(first);
    expect(input.state).toEqual({ failures: 1, rateLimited: 2 });
  });
});
