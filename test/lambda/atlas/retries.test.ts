/** Retries inside the deadline: 429 with Retry-After, 5xx backoff, timeouts, refused connections. */
import { parseRetryAfterMs } from '../../../lambda/snapshot/atlas';
import { Codes } from '../../../lambda/snapshot/codes';
import { AmbiguousRequestError, AtlasApiError, CodedError } from '../../../lambda/snapshot/errors';
import { atlasErrorReply } from '../../support/loopback-server';
import {
  PROJECT,
  SERVICE_ACCOUNT,
  API_KEY,
  cluster,
  serve,
  fakeAtlas,
  newIssuer,
  clientFor,
  apiRequests,
  sequence,
  ok,
} from './helpers';

describe('retries', () => {
  it('waits at least Retry-After seconds after a 429, then succeeds', async () => {
    const server = await serve(
      fakeAtlas(
        { issuer: newIssuer() },
        sequence(
          atlasErrorReply(429, 'RATE_LIMITED_TOKEN_BUCKET', 'Too many requests', { 'retry-after': '1' }),
          ok(cluster('Cluster0')),
        ),
      ),
    );
    const { client, sleeps } = clientFor(server);

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(apiRequests(server)).toHaveLength(2);
  });

  it('backs off with full jitter after a 503, then succeeds', async () => {
    const server = await serve(
      fakeAtlas(
        { issuer: newIssuer() },
        sequence(atlasErrorReply(503, 'UNEXPECTED_ERROR', 'Service unavailable'), ok(cluster('Cluster0'))),
      ),
    );
    const { client, sleeps } = clientFor(server, { random: () => 0.5 });

    await client.getCluster(PROJECT, 'Cluster0');

    expect(sleeps).toEqual([150]); // 0.5 * 300 ms base
    expect(apiRequests(server)).toHaveLength(2);
  });

  it("gives up after maxAttempts with Atlas's own error code and status", async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => atlasErrorReply(500, 'UNEXPECTED_ERROR', 'Unexpected error.')),
    );
    const { client, sleeps } = clientFor(server, { maxAttempts: 4, random: () => 1 });

    const error = await client.listClusters(PROJECT).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({ code: 'UNEXPECTED_ERROR', httpStatus: 500 });
    expect(apiRequests(server)).toHaveLength(4);
    expect(sleeps).toEqual([300, 600, 1200]);
  });

  it('waits out more 429s than maxAttempts (Atlas asked for patience, not a failure)', async () => {
    let calls = 0;
    const route = () =>
      ++calls <= 6
        ? atlasErrorReply(429, 'RATE_LIMITED_TOKEN_BUCKET', 'Too many requests.', { 'Retry-After': '1' })
        : ok(cluster('Cluster0'));
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, route));
    const { client, sleeps } = clientFor(server, { maxAttempts: 3 });

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(apiRequests(server)).toHaveLength(7);
    expect(sleeps).toHaveLength(6);
    expect(Math.min(...sleeps)).toBeGreaterThanOrEqual(1000);
  });

  it('times out a server that never answers and reports ATLAS_UNREACHABLE', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ hang: true })));
    const { client } = clientFor(server, { requestTimeoutMs: 50, maxAttempts: 2 });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CodedError);
    expect(error).not.toBeInstanceOf(AmbiguousRequestError);
    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
    expect((error as Error).message).toContain('no answer within 50 ms');
    expect(apiRequests(server)).toHaveLength(2);
  });

  it('retries a connection dropped without an answer (socket hang up)', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, sequence({ destroy: true }, ok(cluster('Cluster0')))),
    );
    const { client, logger } = clientFor(server);

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(apiRequests(server)).toHaveLength(2);
    expect(logger.lines.join('\n')).toContain('ECONNRESET');
  });

  it('retries a refused connection, then reports ATLAS_UNREACHABLE', async () => {
    const server = await serve(() => ok({}));
    await server.close();
    const { client, sleeps } = clientFor(server, { credentials: API_KEY, maxAttempts: 3 });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(sleeps).toHaveLength(2);
  });

  it('sends nothing when the deadline has no time left', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(cluster('Cluster0'))));

    for (const credentials of [SERVICE_ACCOUNT, API_KEY]) {
      const { client } = clientFor(server, { credentials, deadline: { remainingMs: () => 0 } });
      const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
      expect((error as Error).message).toContain('ran out of time');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('does not start a Retry-After wait that would not fit in the deadline', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        atlasErrorReply(429, 'RATE_LIMITED_TOKEN_BUCKET', 'Slow down', { 'retry-after': '30' }),
      ),
    );
    const { client, sleeps } = clientFor(server, { deadline: { remainingMs: () => 5_000 } });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
    expect((error as Error).message).toMatch(/ran out of time.*HTTP 429 RATE_LIMITED_TOKEN_BUCKET/);
    expect(sleeps).toEqual([]);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');

    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});
