/**
 * The auth latch: one refusal of the credentials (token endpoint 400/401/403, or a 401 to a token
 * or Digest challenge obtained for that very request) ends every later request of the run at
 * once with ATLAS_AUTH_FAILED, without asking for a token again.
 */
import { DigestChallengeCache, TokenCache } from '../../../lambda/snapshot/atlas';
import { Codes } from '../../../lambda/snapshot/codes';
import { AtlasApiError } from '../../../lambda/snapshot/errors';
import type { AtlasRunState } from '../../../lambda/snapshot/types';
import { atlasErrorReply, DigestServer, type Route } from '../../support/loopback-server';
import {
  API_KEY,
  apiRequests,
  clientFor,
  cluster,
  fakeAtlas,
  newIssuer,
  ok,
  PROJECT,
  PUBLIC_KEY,
  serve,
  tokenRequests,
  type Harness,
} from './helpers';

const TARGETS = 200;
const CONCURRENCY = 8;

/** Runs one getCluster per target on its own client, CONCURRENCY at a time, like the handler. */
async function runTargets(makeClient: () => Harness, targets = TARGETS): Promise<unknown[]> {
  const outcomes: unknown[] = new Array(targets);
  let next = 0;
  const worker = async () => {
    while (next < targets) {
      const i = next++;
      outcomes[i] = await makeClient()
        .client.getCluster(PROJECT, `Cluster${i}`)
        .catch((e: unknown) => e);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

const codes = (outcomes: unknown[]) => outcomes.map((o) => (o as { code?: string }).code);
const always401: Route = () => atlasErrorReply(401, 'UNEXPECTED_ERROR', 'You are not authorized for this resource.');

describe('auth latch', () => {
  it('asks for at most 2 tokens for 200 targets when the API answers every token 401', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, always401));
    const run: AtlasRunState = {};
    const tokenCache = new TokenCache();

    const outcomes = await runTargets(() => clientFor(server, { run, tokenCache }));

    expect(tokenRequests(server).length).toBeLessThanOrEqual(2);
    expect(apiRequests(server).length).toBeLessThanOrEqual(2 * CONCURRENCY);
    expect(run.authRefused).toMatchObject({ httpStatus: 401 });
    expect(run.authRefused?.detail).toContain('You are not authorized for this resource.');
    expect(codes(outcomes).filter((c) => c === Codes.ATLAS_AUTH_FAILED).length).toBeGreaterThanOrEqual(
      TARGETS - CONCURRENCY,
    );
    expect(codes(outcomes).every((c) => c === Codes.ATLAS_AUTH_FAILED || c === 'UNEXPECTED_ERROR')).toBe(true);
  });

  it('asks for at most 2 tokens when the token cached by an earlier invocation is refused too', async () => {
    const issuer = newIssuer();
    let refuse = false;
    const server = await serve(fakeAtlas({ issuer }, (r) => (refuse ? always401(r) : ok(cluster('Cluster0')))));
    const tokenCache = new TokenCache();
    await clientFor(server, { tokenCache }).client.getCluster(PROJECT, 'Cluster0'); // the warm token
    refuse = true;
    const run: AtlasRunState = {};

    await runTargets(() => clientFor(server, { run, tokenCache }));

    expect(tokenRequests(server).length).toBeLessThanOrEqual(2);
    expect(run.authRefused).toBeDefined();
  });

  it('asks the token endpoint once for 200 targets when it refuses the credentials', async () => {
    const issuer = newIssuer();
    issuer.failWith = {
      status: 401,
      json: { error: 'invalid_client', error_description: 'Invalid client credentials' },
    };
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const run: AtlasRunState = {};
    const tokenCache = new TokenCache();

    const outcomes = await runTargets(() => clientFor(server, { run, tokenCache }));

    expect(tokenRequests(server)).toHaveLength(1);
    expect(apiRequests(server)).toHaveLength(0);
    expect(codes(outcomes)).toEqual(Array(TARGETS).fill(Codes.ATLAS_AUTH_FAILED));
    expect(run.authRefused).toMatchObject({ httpStatus: 401 });
    expect(run.authRefused?.detail).toContain('invalid_client');
  });

  it.each([400, 403])('latches a token endpoint refusal with HTTP %i', async (status) => {
    const issuer = newIssuer();
    issuer.failWith = { status, json: { error: 'access_denied' } };
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const run: AtlasRunState = {};

    await runTargets(() => clientFor(server, { run }), 20);

    expect(tokenRequests(server).length).toBeLessThanOrEqual(CONCURRENCY);
    expect(run.authRefused).toMatchObject({ httpStatus: status });
  });

  it('stops asking after a Digest answer to a fresh challenge is refused', async () => {
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: 'the-real-key' } });
    const server = await serve(fakeAtlas({ digest }, () => ok(cluster('Cluster0'))));
    const run: AtlasRunState = {};

    const outcomes = await runTargets(() => clientFor(server, { run, credentials: API_KEY }));

    expect(server.requests.length).toBeLessThanOrEqual(2 * CONCURRENCY);
    expect(run.authRefused).toMatchObject({ httpStatus: 401 });
    expect(codes(outcomes).filter((c) => c === Codes.ATLAS_AUTH_FAILED).length).toBeGreaterThanOrEqual(
      TARGETS - CONCURRENCY,
    );
  });

  it('fails a later target at once with ATLAS_AUTH_FAILED naming the earlier refusal', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, always401));
    const run: AtlasRunState = {};
    const first = await clientFor(server, { run })
      .client.getCluster(PROJECT, 'A')
      .catch((e: unknown) => e);
    const requestsBefore = server.requests.length;

    const later = await clientFor(server, { run })
      .client.getCluster(PROJECT, 'B')
      .catch((e: unknown) => e);

    expect(first).toBeInstanceOf(AtlasApiError);
    expect(first).toMatchObject({ code: 'UNEXPECTED_ERROR', httpStatus: 401 });
    expect(later).toMatchObject({ code: Codes.ATLAS_AUTH_FAILED, httpStatus: 401 });
    expect((later as Error).message).toMatch(/refused the credentials earlier in this invocation.*clusters\/A/);
    expect(server.requests.length).toBe(requestsBefore);
  });

  it('keeps runs apart: a new invocation asks again', async () => {
    const issuer = newIssuer();
    issuer.failWith = { status: 401, json: { error: 'invalid_client' } };
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    await clientFor(server, { run: {} })
      .client.getCluster(PROJECT, 'Cluster0')
      .catch(() => undefined);
    delete issuer.failWith;

    const result = await clientFor(server, { run: {} }).client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(tokenRequests(server)).toHaveLength(2);
  });

  it('does not latch a 401 USER_UNAUTHORIZED (a role missing on one project) and does not renew the token for it', async () => {
    const issuer = newIssuer();
    const server = await serve(
      fakeAtlas({ issuer }, (r) =>
        r.path.includes('/clusters/Forbidden')
          ? atlasErrorReply(401, 'USER_UNAUTHORIZED', 'Current user is not authorized to perform this action.')
          : ok(cluster('Allowed')),
      ),
    );
    const run: AtlasRunState = {};
    const tokenCache = new TokenCache();
    await clientFor(server, { run, tokenCache }).client.getCluster(PROJECT, 'Allowed');

    const forbidden = await clientFor(server, { run, tokenCache })
      .client.getCluster(PROJECT, 'Forbidden')
      .catch((e: unknown) => e);
    const allowed = await clientFor(server, { run, tokenCache }).client.getCluster(PROJECT, 'Allowed');

    expect(forbidden).toMatchObject({ code: 'USER_UNAUTHORIZED', httpStatus: 401 });
    expect(allowed.name).toBe('Allowed');
    expect(run.authRefused).toBeUndefined();
    expect(tokenRequests(server)).toHaveLength(1);
  });

  it('does not latch a 401 on a cached token that a fresh token then fixes', async () => {
    const issuer = newIssuer();
    const server = await serve(fakeAtlas({ issuer }, () => ok(cluster('Cluster0'))));
    const run: AtlasRunState = {};
    const tokenCache = new TokenCache();
    await clientFor(server, { run, tokenCache }).client.getCluster(PROJECT, 'Cluster0');
    issuer.revokeAll();

    const result = await clientFor(server, { run, tokenCache }).client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(run.authRefused).toBeUndefined();
  });

  it('does not latch a 401 that repeats a shared Digest nonce (another client may have overtaken its count)', async () => {
    const nonce = 'shared-nonce-0123456789';
    const challenge = `Digest realm="MMS Public API", nonce="${nonce}", algorithm=MD5, qop="auth", stale=false`;
    const server = await serve(() =>
      atlasErrorReply(401, 'UNEXPECTED_ERROR', 'You are not authorized for this resource.', {
        'www-authenticate': challenge,
      }),
    );
    const digestChallengeCache = new DigestChallengeCache();
    digestChallengeCache.store(`${server.baseUrl}\n${PUBLIC_KEY}`, {
      realm: 'MMS Public API',
      nonce,
      qop: 'auth',
      stale: false,
    });
    const run: AtlasRunState = {};

    const error = await clientFor(server, { run, credentials: API_KEY, digestChallengeCache })
      .client.getCluster(PROJECT, 'Cluster0')
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'UNEXPECTED_ERROR', httpStatus: 401 });
    expect(server.requests).toHaveLength(1);
    expect(run.authRefused).toBeUndefined();
  });
});
