/**
 * Bounded answers: an endless answer and a gzip bomb fail that request with
 * ATLAS_INVALID_RESPONSE while the process stays small; compressed answers Atlas may send are read.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { AmbiguousRequestError } from '../../../lambda/snapshot/errors';
import { Codes } from '../../../lambda/snapshot/codes';
import type { Reply } from '../../support/loopback-server';
import { apiRequests, clientFor, cluster, fakeAtlas, newIssuer, PROJECT, serve } from './helpers';

const MiB = 1024 * 1024;

/** Runs `work` while sampling the resident set size; the largest growth seen, in MiB. */
async function peakRssGrowthMiB<T>(work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growthMiB: (peak - before) / MiB };
  } finally {
    clearInterval(timer);
  }
}

/** An answer that never ends: 64 KiB chunks, chunked transfer encoding. */
function endless(): Reply {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  return {
    status: 200,
    headers: { 'content-type': 'application/vnd.atlas.2024-08-05+json' },
    chunks: function* () {
      for (;;) yield chunk;
    },
  };
}

/** About 1 MiB of gzip that inflates to 1 GiB: 1024 gzip members of 1 MiB of zeros each. */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: 1024 }, () => member));
}

describe('byte caps', () => {
  it('fails an endless answer fast with ATLAS_INVALID_RESPONSE, once, and stays small', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, endless));
    const { client, sleeps } = clientFor(server);

    const { result: error, growthMiB } = await peakRssGrowthMiB(() =>
      client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e),
    );

    expect(error).toMatchObject({ code: Codes.ATLAS_INVALID_RESPONSE, httpStatus: 200 });
    expect((error as Error).message).toContain('larger than 16 MiB');
    expect(apiRequests(server)).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(growthMiB).toBeLessThan(100);
  });

  it('fails a gzip bomb (1 MiB inflating to 1 GiB) with ATLAS_INVALID_RESPONSE and stays small', async () => {
    const bomb = gzipBomb();
    expect(bomb.length).toBeLessThan(1.5 * MiB);
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => ({ status: 200, headers: { 'content-encoding': 'gzip' }, bytes: bomb })),
    );
    const { client } = clientFor(server);

    const { result: error, growthMiB } = await peakRssGrowthMiB(() =>
      client.listSnapshots(PROJECT, 'Cluster0', false).catch((e: unknown) => e),
    );

    expect(error).toMatchObject({ code: Codes.ATLAS_INVALID_RESPONSE, httpStatus: 200 });
    expect((error as Error).message).toContain('decodes to more than 32 MiB');
    expect(apiRequests(server)).toHaveLength(1);
    expect(growthMiB).toBeLessThan(100);
  });

  it('reports an oversized answer to take-snapshot as ambiguous, and does not resend it', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, endless));
    const { client } = clientFor(server);

    const error = await client
      .takeSnapshot(PROJECT, 'Cluster0', { description: 'd', retentionInDays: 1 })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AmbiguousRequestError);
    expect((error as Error).message).toContain('larger than 16 MiB');
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('asks for gzip or deflate, and reads gzip, deflate and br answers', async () => {
    const body = Buffer.from(JSON.stringify(cluster('Cluster0')));
    const encodings: Record<string, Buffer> = {
      gzip: gzipSync(body),
      deflate: deflateSync(body),
      br: brotliCompressSync(body),
    };
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) => {
        const encoding = r.path.split('/').pop() ?? '';
        return { status: 200, headers: { 'content-encoding': encoding }, bytes: encodings[encoding] ?? body };
      }),
    );
    const { client } = clientFor(server);

    for (const encoding of Object.keys(encodings)) {
      await expect(client.getCluster(PROJECT, encoding)).resolves.toEqual(cluster('Cluster0'));
    }
    expect(apiRequests(server).map((r) => r.headers['accept-encoding'])).toEqual(Array(3).fill('gzip, deflate'));
  });

  it('reads a large but plausible answer (a 3 MiB gzip page of clusters)', async () => {
    const big = Array.from({ length: 500 }, (_, i) => ({ ...cluster(`c${i}`), padding: 'x'.repeat(6_000) }));
    const bytes = gzipSync(JSON.stringify({ results: big, totalCount: 500, links: [] }));
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => ({ status: 200, headers: { 'content-encoding': 'gzip' }, bytes })),
    );
    const { client } = clientFor(server);

    await expect(client.listClusters(PROJECT)).resolves.toHaveLength(500);
  });

  it.each([
    ['gzip that is not gzip', { 'content-encoding': 'gzip' }, Buffer.from('{"name":"Cluster0"}')],
    ['gzip cut short', { 'content-encoding': 'gzip' }, gzipSync(JSON.stringify(cluster('Cluster0'))).subarray(0, 12)],
    ['an encoding nobody asked for', { 'content-encoding': 'zstd' }, Buffer.from('{}')],
  ])('refuses %s as ATLAS_INVALID_RESPONSE without retrying', async (_what, headers, bytes) => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ status: 200, headers, bytes })));
    const { client, sleeps } = clientFor(server);

    await expect(client.getCluster(PROJECT, 'Cluster0')).rejects.toMatchObject({
      code: Codes.ATLAS_INVALID_RESPONSE,
      httpStatus: 200,
    });
    expect(apiRequests(server)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reads an error document that came compressed', async () => {
    const doc = { error: 404, errorCode: 'CLUSTER_NOT_FOUND', detail: 'No cluster named Nope.' };
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => ({
        status: 404,
        headers: { 'content-encoding': 'gzip' },
        bytes: gzipSync(JSON.stringify(doc)),
      })),
    );
    const { client } = clientFor(server);

    await expect(client.getCluster(PROJECT, 'Nope')).rejects.toMatchObject({
      code: 'CLUSTER_NOT_FOUND',
      httpStatus: 404,
      message: 'No cluster named Nope.',
    });
  });

  it('cuts an answer whose body dribbles on past the request timeout', async () => {
    const dribble: Reply = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      chunks: async function* () {
        yield Buffer.from('{"name":"');
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          yield Buffer.from('x');
        }
      },
    };
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => dribble));
    const { client } = clientFor(server, { requestTimeoutMs: 50, maxAttempts: 2 });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
    expect((error as Error).message).toContain('no answer within 50 ms');
    expect(apiRequests(server)).toHaveLength(2);
  });
});
