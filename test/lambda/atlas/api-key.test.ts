/** API key (HTTP Digest) authentication against an independent Digest verifier. */
import { AtlasApiError } from '../../../lambda/snapshot/errors';
import { DigestServer } from '../../support/loopback-server';
import {
  PROJECT,
  PUBLIC_KEY,
  PRIVATE_KEY,
  API_KEY,
  cluster,
  snapshot,
  serve,
  fakeAtlas,
  clientFor,
  ok,
} from './helpers';

describe('API key (HTTP Digest) authentication', () => {
  it.each(['MD5', 'MD5-sess', 'SHA-256'])(
    'answers a %s challenge the server verifies, and reuses it: 2 calls, 1 challenge round trip',
    async (algorithm) => {
      const digest = new DigestServer({ users: { [PUBLIC_KEY]: PRIVATE_KEY }, algorithm });
      const server = await serve(
        fakeAtlas({ digest }, (r) => ok(r.method === 'POST' ? snapshot(1) : cluster('Cluster0'))),
      );
      const { client } = clientFor(server, { credentials: API_KEY });

      await client.getCluster(PROJECT, 'Cluster0');
      await client.takeSnapshot(PROJECT, 'Cluster0', { description: 'd', retentionInDays: 1 });

      expect(digest.challengesIssued).toBe(1);
      expect(server.requests).toHaveLength(3);
      expect(server.requests[0]?.headers.authorization).toBeUndefined();
      expect(server.requests[2]?.headers.authorization).toMatch(/nc=00000002/);
    },
  );

  it("passes Atlas's refusal of a wrong private key through after one retry", async () => {
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: 'the-real-key' } });
    const server = await serve(fakeAtlas({ digest }, () => ok(cluster('Cluster0'))));
    const { client, authRejected } = clientFor(server, { credentials: API_KEY });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({
      code: 'UNEXPECTED_ERROR',
      httpStatus: 401,
      message: 'You are not authorized for this resource.',
    });
    expect(server.requests).toHaveLength(2);
    expect(authRejected).toHaveBeenCalledTimes(1);
  });

  it('answers a stale nonce with one retry using the new challenge', async () => {
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: PRIVATE_KEY } });
    const server = await serve(fakeAtlas({ digest }, () => ok(cluster('Cluster0'))));
    const { client } = clientFor(server, { credentials: API_KEY });
    await client.getCluster(PROJECT, 'Cluster0');
    digest.expireNonce();

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(server.requests).toHaveLength(4);
    expect(digest.challengesIssued).toBe(2);
  });

  it('re-sends a POST that was answered 401 (Atlas did not process it)', async () => {
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: PRIVATE_KEY } });
    const server = await serve(fakeAtlas({ digest }, () => ok(snapshot(1))));
    const { client } = clientFor(server, { credentials: API_KEY });

    await client.takeSnapshot(PROJECT, 'Cluster0', { description: 'nightly', retentionInDays: 7 });

    expect(server.requests.map((r) => [r.method, r.body])).toEqual([
      ['POST', '{"description":"nightly","retentionInDays":7}'],
      ['POST', '{"description":"nightly","retentionInDays":7}'],
    ]);
  });
});
