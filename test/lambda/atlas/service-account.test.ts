/** Service-account authentication: the token request, the token cache, renewal after a 401, refusals. */
import { TokenCache, tokenCacheKey } from '../../../lambda/snapshot/atlas';
import { Codes } from '../../../lambda/snapshot/codes';
import { AtlasApiError, CodedError } from '../../../lambda/snapshot/errors';
import { atlasErrorReply } from '../../support/loopback-server';
import {
  PROJECT,
  TOKEN_PATH,
  CLIENT_ID,
  CLIENT_SECRET,
  cluster,
  serve,
  fakeAtlas,
  newIssuer,
  clientFor,
  apiRequests,
  tokenRequests,
  ok,
} from './helpers';

describe('service account authentication', () => {
  it('requests a token as Atlas documents it and calls the API with it as a Bearer token', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const { client } = clientFor(server);

    await client.getCluster(PROJECT, 'Cluster0');

    const [token] = tokenRequests(server);
    expect(token).toMatchObject({
      method: 'POST',
      path: TOKEN_PATH,
      body: 'grant_type=client_credentials',
    });
    expect(token?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
    );
    expect(token?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(token?.headers.accept).toBe('application/json');
    expect(apiRequests(server)[0]?.headers.authorization).toBe(`Bearer ${issuer.issued[0]}`);
  });

  it('uses one token for two calls and for another client sharing the cache', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const tokenCache = new TokenCache();

    await clientFor(server, { tokenCache }).client.getCluster(PROJECT, 'Cluster0');
    await clientFor(server, { tokenCache }).client.getCluster(PROJECT, 'Cluster0');
    await clientFor(server, { tokenCache }).client.getCluster(PROJECT, 'Cluster0');

    expect(tokenRequests(server)).toHaveLength(1);
    expect(apiRequests(server)).toHaveLength(3);
  });

  it('shares one token request among 20 concurrent calls', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const { client } = clientFor(server);

    await Promise.all(Array.from({ length: 20 }, () => client.getCluster(PROJECT, 'Cluster0')));

    expect(tokenRequests(server)).toHaveLength(1);
    expect(apiRequests(server)).toHaveLength(20);
  });

  it('keeps tokens in a module-level cache by default (warm invocations)', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));

    await clientFor(server, {}, { ownTokenCache: false }).client.getCluster(PROJECT, 'Cluster0');
    await clientFor(server, {}, { ownTokenCache: false }).client.getCluster(PROJECT, 'Cluster0');

    expect(tokenRequests(server)).toHaveLength(1);
  });

  it('requests a new token once the cached one is within 60 s of expiring', async () => {
    const issuer = newIssuer(3600);
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    let now = 1_700_000_000_000;
    const { client } = clientFor(server, { tokenCache: new TokenCache({ now: () => now }) });

    await client.getCluster(PROJECT, 'Cluster0');
    now += 3539_000;
    await client.getCluster(PROJECT, 'Cluster0');
    expect(tokenRequests(server)).toHaveLength(1);
    now += 2_000; // 3541 s after issue: inside the 60 s margin
    await client.getCluster(PROJECT, 'Cluster0');

    expect(tokenRequests(server)).toHaveLength(2);
    expect(apiRequests(server)[2]?.headers.authorization).toBe(`Bearer ${issuer.issued[1]}`);
  });

  it('keys tokens by a hash of the secret, so a rotated secret gets its own token', () => {
    const before = tokenCacheKey('https://cloud.mongodb.com', CLIENT_ID, CLIENT_SECRET);
    const after = tokenCacheKey('https://cloud.mongodb.com', CLIENT_ID, `${CLIENT_SECRET}-rotated`);

    expect(after).not.toBe(before);
    expect(before).not.toContain(CLIENT_SECRET);
  });

  it('after a 401 on a cached token, gets one fresh token and retries the call once', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const { client, authRejected } = clientFor(server);
    await client.getCluster(PROJECT, 'Cluster0');
    issuer.revokeAll();

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(tokenRequests(server)).toHaveLength(2);
    expect(apiRequests(server).map((r) => r.headers.authorization)).toEqual([
      `Bearer ${issuer.issued[0]}`,
      `Bearer ${issuer.issued[0]}`,
      `Bearer ${issuer.issued[1]}`,
    ]);
    expect(authRejected).not.toHaveBeenCalled();
  });

  it('passes a 401 on a freshly minted token through without another token request', async () => {
    const issuer = newIssuer();
    const server = await serve(
      fakeAtlas({ issuer }, () =>
        atlasErrorReply(401, 'UNEXPECTED_ERROR', 'You are not authorized for this resource.'),
      ),
    );
    const { client, authRejected } = clientFor(server);

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({
      code: 'UNEXPECTED_ERROR',
      httpStatus: 401,
      message: 'You are not authorized for this resource.',
    });
    expect(tokenRequests(server)).toHaveLength(1);
    expect(apiRequests(server)).toHaveLength(1);
    expect(authRejected).toHaveBeenCalledTimes(1);
  });

  it('reports a token endpoint refusal as ATLAS_AUTH_FAILED and calls no API', async () => {
    const issuer = newIssuer();
    issuer.failWith = {
      status: 401,
      json: { error: 'invalid_client', error_description: 'Invalid client credentials' },
    };
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const { client, authRejected } = clientFor(server);

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CodedError);
    expect(error).toMatchObject({ code: Codes.ATLAS_AUTH_FAILED, httpStatus: 401 });
    expect((error as Error).message).toContain('invalid_client');
    expect(tokenRequests(server)).toHaveLength(1);
    expect(apiRequests(server)).toHaveLength(0);
    expect(authRejected).toHaveBeenCalledTimes(1);
  });

  it('retries a rate-limited token request', async () => {
    const issuer = newIssuer();
    let tokenCalls = 0;
    const server = await serve((request) => {
      if (request.path === TOKEN_PATH && ++tokenCalls === 1) {
        return { status: 429, headers: { 'retry-after': '2' }, json: { error: 'RATE_LIMITED' } };
      }
      return fakeAtlas({ issuer }, () => ok(cluster('Cluster0')))(request);
    });
    const { client, sleeps } = clientFor(server);

    await client.getCluster(PROJECT, 'Cluster0');

    expect(tokenRequests(server)).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });
});
