/** Both Atlas auth kinds are really verified: service-account tokens and HTTP Digest API keys. */
import { DEMO_API_KEY, DEMO_SERVICE_ACCOUNT, buildDigestAuthorization, parseDigestHeader } from '../../local/atlas-sim';
import { CLUSTERS_V, bearerToken, call, clusterPath, digestCall, requestToken, startTestSimulator } from './helpers';

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;
let sim: Sim;

afterEach(async () => {
  await sim?.close();
});

describe('service account token endpoint', () => {
  it('issues a Bearer token that opens the Admin API', async () => {
    sim = await startTestSimulator({ tokenExpiresInSeconds: 120 });

    const token = await requestToken(sim);
    const cluster = await call(sim, clusterPath('Cluster0'), {
      accept: CLUSTERS_V,
      authorization: `Bearer ${token.json.access_token}`,
    });

    expect(token.status).toBe(200);
    expect(token.headers.get('content-type')).toBe('application/json');
    expect(token.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 120 });
    expect(cluster.status).toBe(200);
    expect(sim.log.last()).toMatchObject({ auth: 'bearer', principal: DEMO_SERVICE_ACCOUNT.clientId, status: 200 });
  });

  it('refuses a wrong secret and an unknown client with 401 invalid_client', async () => {
    sim = await startTestSimulator();

    const wrongSecret = await requestToken(sim, DEMO_SERVICE_ACCOUNT.clientId, 'nope');
    const unknown = await requestToken(sim, 'mdb_sa_id_unknown', DEMO_SERVICE_ACCOUNT.clientSecret);

    for (const answer of [wrongSecret, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    }
  });

  it('refuses a missing Basic header, a wrong grant type and a non-form body', async () => {
    sim = await startTestSimulator();
    const basic = `Basic ${Buffer.from(`${DEMO_SERVICE_ACCOUNT.clientId}:${DEMO_SERVICE_ACCOUNT.clientSecret}`).toString('base64')}`;
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${sim.url}/api/oauth/token`, { method: 'POST', headers, body });

    const noAuth = await post({ 'Content-Type': 'application/x-www-form-urlencoded' }, 'grant_type=client_credentials');
    const wrongGrant = await post(
      { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      'grant_type=password',
    );
    const json = await post(
      { Authorization: basic, 'Content-Type': 'application/json' },
      '{"grant_type":"client_credentials"}',
    );

    expect(noAuth.status).toBe(401);
    expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });
    expect(wrongGrant.status).toBe(400);
    expect(json.status).toBe(400);
  });

  it('answers 403 access_denied beyond the live-token limit, and revoking frees a slot', async () => {
    sim = await startTestSimulator({ seed: { serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT, maxLiveTokens: 2 }] } });
    const first = await bearerToken(sim);
    await bearerToken(sim);

    const third = await requestToken(sim);
    const revoke = await fetch(`${sim.url}/api/oauth/revoke`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${DEMO_SERVICE_ACCOUNT.clientId}:${DEMO_SERVICE_ACCOUNT.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: `token=${encodeURIComponent(first)}&token_type_hint=access_token`,
    });
    const afterRevoke = await requestToken(sim);
    const revokedUse = await call(sim, clusterPath('Cluster0'), {
      accept: CLUSTERS_V,
      authorization: `Bearer ${first}`,
    });

    expect(third.status).toBe(403);
    expect(third.json.error).toBe('access_denied');
    expect(revoke.status).toBe(200);
    expect(afterRevoke.status).toBe(200);
    expect(revokedUse.status).toBe(401);
  });

  it('expires tokens after expires_in on the simulator clock', async () => {
    sim = await startTestSimulator({ tokenExpiresInSeconds: 60 });
    const token = await bearerToken(sim);
    const path = clusterPath('Cluster0');

    const fresh = await call(sim, path, { accept: CLUSTERS_V, authorization: `Bearer ${token}` });
    sim.manual.advance(60_000);
    const expired = await call(sim, path, { accept: CLUSTERS_V, authorization: `Bearer ${token}` });

    expect(fresh.status).toBe(200);
    expect(expired.status).toBe(401);
    expect(expired.json.errorCode).toBe('UNEXPECTED_ERROR');
    expect(sim.credentials.liveTokens(DEMO_SERVICE_ACCOUNT.clientId)).toBe(0);
  });

  it('rate limits the token endpoint with 429 RATE_LIMITED and Retry-After', async () => {
    sim = await startTestSimulator({ tokenRateLimit: { capacity: 2, refillPerSecond: 50 / 60 } });
    await requestToken(sim);
    await requestToken(sim);

    const limited = await requestToken(sim);
    sim.manual.advance(2_000);
    const later = await requestToken(sim);

    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ error: 429, errorCode: 'RATE_LIMITED' });
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-error-code')).toBe('RATE_LIMITED');
    expect(later.status).toBe(200);
  });
});

describe('Bearer on the Admin API', () => {
  it.each([
    ['no Authorization header', undefined],
    ['an unknown token', 'Bearer not-a-token'],
    ['Basic credentials', `Basic ${Buffer.from('a:b').toString('base64')}`],
  ])('answers 401 with a Digest challenge for %s', async (_label, authorization) => {
    sim = await startTestSimulator();

    const answer = await call(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V, authorization });

    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({
      detail: 'You are not authorized for this resource.',
      error: 401,
      errorCode: 'UNEXPECTED_ERROR',
      parameters: [],
      reason: 'Unauthorized',
    });
    expect(answer.headers.get('x-error-code')).toBe('UNEXPECTED_ERROR');
    expect(answer.headers.get('www-authenticate')).toMatch(
      /^Digest realm="MMS Public API", domain="", nonce="[^"]+", algorithm=MD5, qop="auth", stale=false$/,
    );
  });
});

describe('HTTP Digest API keys', () => {
  it('accepts a correct response to the challenge', async () => {
    sim = await startTestSimulator();

    const answer = await digestCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(answer.status).toBe(200);
    expect(sim.log.entries().map((e) => [e.auth, e.status])).toEqual([
      ['none', 401],
      ['digest', 200],
    ]);
    expect(sim.log.last()?.principal).toBe(DEMO_API_KEY.publicKey);
  });

  it('refuses a wrong private key and an unknown public key with 401 UNEXPECTED_ERROR', async () => {
    sim = await startTestSimulator();

    const wrongKey = await digestCall(
      sim,
      clusterPath('Cluster0'),
      { accept: CLUSTERS_V },
      { publicKey: DEMO_API_KEY.publicKey, privateKey: 'wrong' },
    );
    const unknown = await digestCall(
      sim,
      clusterPath('Cluster0'),
      { accept: CLUSTERS_V },
      { publicKey: 'nobody', privateKey: DEMO_API_KEY.privateKey },
    );

    for (const answer of [wrongKey, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({
        errorCode: 'UNEXPECTED_ERROR',
        detail: 'You are not authorized for this resource.',
      });
    }
  });

  it('allows reusing a nonce with an increasing nc and refuses a replayed nc', async () => {
    sim = await startTestSimulator();
    const path = clusterPath('Cluster0');
    const challenge = (await call(sim, path, { accept: CLUSTERS_V })).headers.get('www-authenticate') as string;
    const header = (nc: number) =>
      buildDigestAuthorization({
        username: DEMO_API_KEY.publicKey,
        password: DEMO_API_KEY.privateKey,
        method: 'GET',
        uri: path,
        challenge,
        nc,
      });

    const first = await call(sim, path, { accept: CLUSTERS_V, authorization: header(1) });
    const second = await call(sim, path, { accept: CLUSTERS_V, authorization: header(2) });
    const replay = await call(sim, path, { accept: CLUSTERS_V, authorization: header(2) });

    expect([first.status, second.status, replay.status]).toEqual([200, 200, 401]);
  });

  it('answers stale=true once the nonce is older than its lifetime, and the new nonce works', async () => {
    sim = await startTestSimulator({ nonceTtlSeconds: 30 });
    const path = clusterPath('Cluster0');
    const challenge = (await call(sim, path, { accept: CLUSTERS_V })).headers.get('www-authenticate') as string;
    sim.manual.advance(31_000);
    const sign = (header: string, nc: number) =>
      buildDigestAuthorization({
        username: DEMO_API_KEY.publicKey,
        password: DEMO_API_KEY.privateKey,
        method: 'GET',
        uri: path,
        challenge: header,
        nc,
      });

    const stale = await call(sim, path, { accept: CLUSTERS_V, authorization: sign(challenge, 1) });
    const renewed = stale.headers.get('www-authenticate') as string;
    const retried = await call(sim, path, { accept: CLUSTERS_V, authorization: sign(renewed, 1) });

    expect(stale.status).toBe(401);
    expect(parseDigestHeader(renewed)).toMatchObject({
      stale: 'true',
      realm: 'MMS Public API',
      qop: 'auth',
      algorithm: 'MD5',
    });
    expect(retried.status).toBe(200);
  });

  it('refuses a response computed for another URI', async () => {
    sim = await startTestSimulator();
    const path = clusterPath('Cluster0');
    const challenge = (await call(sim, path, { accept: CLUSTERS_V })).headers.get('www-authenticate') as string;
    const authorization = buildDigestAuthorization({
      username: DEMO_API_KEY.publicKey,
      password: DEMO_API_KEY.privateKey,
      method: 'GET',
      uri: clusterPath(),
      challenge,
    });

    const answer = await call(sim, path, { accept: CLUSTERS_V, authorization });

    expect(answer.status).toBe(401);
  });
});

describe('IP access list', () => {
  it('answers 403 IP_ADDRESS_NOT_ON_ACCESS_LIST naming the caller IP, for both credential kinds', async () => {
    sim = await startTestSimulator();
    sim.setAccessList(DEMO_SERVICE_ACCOUNT.clientId, ['203.0.113.0/24']);
    sim.setAccessList(DEMO_API_KEY.publicKey, ['203.0.113.10']);

    const token = await requestToken(sim);
    const bearer = await call(sim, clusterPath('Cluster0'), {
      accept: CLUSTERS_V,
      authorization: `Bearer ${token.json.access_token}`,
    });
    const digest = await digestCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(token.status).toBe(200);
    for (const answer of [bearer, digest]) {
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ errorCode: 'IP_ADDRESS_NOT_ON_ACCESS_LIST', parameters: ['127.0.0.1'] });
      expect(answer.json.detail).toContain('127.0.0.1');
    }
  });

  it('lets the caller through when its IP or block is listed', async () => {
    sim = await startTestSimulator();
    sim.setAccessList(DEMO_SERVICE_ACCOUNT.clientId, ['10.0.0.0/8', '127.0.0.0/8']);

    const answer = await call(sim, clusterPath('Cluster0'), {
      accept: CLUSTERS_V,
      authorization: `Bearer ${await bearerToken(sim)}`,
    });

    expect(answer.status).toBe(200);
  });
});
