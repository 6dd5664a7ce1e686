/** Scripted faults, rate limiting, latency and the request log. */
import { request } from 'node:http';
import { DEMO_API_KEY, DEMO_SERVICE_ACCOUNT, type RequestLogEntry } from '../../local/atlas-sim';
import {
  CLUSTERS_V,
  PROJECT,
  SNAPSHOTS_V,
  bearerCall,
  bearerToken,
  call,
  clusterPath,
  digestCall,
  requestToken,
  snapshotsPath,
  startTestSimulator,
} from './helpers';

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;
let sim: Sim;

afterEach(async () => {
  await sim?.close();
});

/** A raw GET whose outcome is either an answer or a socket error code. */
function rawGet(url: string, token: string): { done: Promise<{ status?: number; error?: string }>; abort: () => void } {
  const req = request(url, { headers: { Authorization: `Bearer ${token}`, Accept: SNAPSHOTS_V } });
  const done = new Promise<{ status?: number; error?: string }>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode! });
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
  req.end();
  return { done, abort: () => req.destroy(new Error('aborted by test')) };
}

describe('scripted faults', () => {
  it('answers a scripted 5xx the given number of times, then normally', async () => {
    sim = await startTestSimulator({
      faults: [
        {
          kind: 'error',
          method: 'GET',
          path: '/api/atlas/v2/groups/*/clusters/*',
          status: 503,
          times: 2,
          retryAfterSeconds: 1,
        },
      ],
    });

    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V }));

    expect(answers.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(answers[0]?.json).toMatchObject({ error: 503, errorCode: 'UNEXPECTED_ERROR' });
    expect(answers[0]?.headers.get('retry-after')).toBe('1');
    expect(sim.log.count({ endpoint: 'getCluster', status: 503 })).toBe(2);
  });

  it('can skip matching requests before applying, and match by endpoint name', async () => {
    sim = await startTestSimulator();
    const fault = sim.addFault({ kind: 'error', endpoint: 'token', skip: 1, times: 1 });

    const statuses = [
      (await requestToken(sim)).status,
      (await requestToken(sim)).status,
      (await requestToken(sim)).status,
    ];

    expect(statuses).toEqual([200, 500, 200]);
    expect(fault.applied).toBe(1);
    expect(sim.faults.pending()).toEqual([]);
  });

  it('hangs: the request is logged but never answered', async () => {
    const arrived: RequestLogEntry[] = [];
    let seen: () => void = () => undefined;
    const hangSeen = new Promise<void>((resolve) => {
      seen = resolve;
    });
    sim = await startTestSimulator({
      faults: [{ kind: 'hang', endpoint: 'listSnapshots' }],
      onRequest: (entry) => {
        arrived.push(entry);
        if (entry.fault === 'hang') seen();
      },
    });
    const token = await bearerToken(sim);

    const pending = rawGet(`${sim.url}${snapshotsPath('Cluster0')}`, token);
    await hangSeen;
    pending.abort();
    const outcome = await pending.done;

    expect(outcome.status).toBeUndefined();
    expect(arrived.at(-1)).toMatchObject({ endpoint: 'listSnapshots', fault: 'hang' });
    expect(arrived.at(-1)?.status).toBeUndefined();
  });

  it('resets the connection', async () => {
    sim = await startTestSimulator({ faults: [{ kind: 'reset', endpoint: 'getCluster' }] });
    const token = await bearerToken(sim);

    const outcome = await rawGet(`${sim.url}${clusterPath('Cluster0')}`, token).done;

    expect(outcome.error).toBe('ECONNRESET');
    expect(sim.log.last()?.fault).toBe('reset');
    expect(sim.log.last()?.status).toBeUndefined();
  });

  it('commit-then-503: the snapshot exists although the answer is 503', async () => {
    sim = await startTestSimulator({ faults: [{ kind: 'commit-then-503', endpoint: 'takeSnapshot' }] });

    const answer = await bearerCall(sim, snapshotsPath('Cluster0'), {
      method: 'POST',
      body: { description: 'd', retentionInDays: 2 },
    });
    const retry = await bearerCall(sim, snapshotsPath('Cluster0'), {
      method: 'POST',
      body: { description: 'd', retentionInDays: 2 },
    });

    expect(answer.status).toBe(503);
    expect(sim.pendingOnDemand(PROJECT, 'Cluster0')).toHaveLength(1);
    expect(retry.json.errorCode).toBe('UNFINISHED_ON_DEMAND_SNAPSHOT');
  });

  it('race: another client takes a snapshot just before ours, so Atlas answers UNFINISHED_ON_DEMAND_SNAPSHOT', async () => {
    sim = await startTestSimulator({ faults: [{ kind: 'race', endpoint: 'takeSnapshot' }] });

    const list = await bearerCall(sim, snapshotsPath('Cluster0'));
    const answer = await bearerCall(sim, snapshotsPath('Cluster0'), { method: 'POST', body: { retentionInDays: 1 } });

    expect(list.json.results).toEqual([]);
    expect(answer.status).toBe(400);
    expect(answer.json.errorCode).toBe('UNFINISHED_ON_DEMAND_SNAPSHOT');
    expect(sim.pendingOnDemand(PROJECT, 'Cluster0').map((s) => s.description)).toEqual(['taken by another client']);
  });
});

describe('rate limit', () => {
  it('answers 429 RATE_LIMITED_TOKEN_BUCKET with Retry-After once the bucket is empty, and refills', async () => {
    sim = await startTestSimulator({ rateLimit: { capacity: 2, refillPerSecond: 0.25 } });
    const token = await bearerToken(sim);
    const get = () => call(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V, authorization: `Bearer ${token}` });

    const first = await get();
    await get();
    const limited = await get();
    sim.manual.advance(4_000);
    const refilled = await get();

    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({
      error: 429,
      errorCode: 'RATE_LIMITED_TOKEN_BUCKET',
      reason: 'Too Many Requests',
    });
    expect(limited.headers.get('retry-after')).toBe('4');
    expect(refilled.status).toBe(200);
  });

  it('keeps one bucket per project by default and can share one globally', async () => {
    const other = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    const seed = {
      serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT }],
      projects: [
        { id: PROJECT, clusters: [{ name: 'Cluster0' }] },
        { id: other, clusters: [{ name: 'Cluster0' }] },
      ],
    };
    sim = await startTestSimulator({ seed, rateLimit: { capacity: 1, refillPerSecond: 1 } });
    const perProject = [
      (await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V })).status,
      (await bearerCall(sim, clusterPath('Cluster0', other), { accept: CLUSTERS_V })).status,
    ];
    sim.setRateLimit({ capacity: 1, refillPerSecond: 1, scope: 'global' });
    const global = [
      (await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V })).status,
      (await bearerCall(sim, clusterPath('Cluster0', other), { accept: CLUSTERS_V })).status,
    ];

    expect(perProject).toEqual([200, 200]);
    expect(global).toEqual([200, 429]);
  });

  it('can leave Retry-After out, as Atlas sometimes does', async () => {
    sim = await startTestSimulator({ rateLimit: { capacity: 1, refillPerSecond: 1, omitRetryAfter: true } });
    const token = await bearerToken(sim);
    await call(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V, authorization: `Bearer ${token}` });

    const limited = await call(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V, authorization: `Bearer ${token}` });

    expect(limited.status).toBe(429);
    expect(limited.headers.has('retry-after')).toBe(false);
  });
});

describe('latency', () => {
  it('waits the configured latency before every answer', async () => {
    const waits: number[] = [];
    sim = await startTestSimulator({
      latencyMs: 50,
      delay: async (ms) => {
        waits.push(ms);
      },
    });

    await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });
    sim.setLatency(0);
    await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(waits).toEqual([50, 50]);
  });
});

describe('request log', () => {
  it('records method, path, query, status, errorCode, auth kind, accept and time, and counts by kind', async () => {
    sim = await startTestSimulator();

    await bearerCall(sim, `${snapshotsPath('Cluster0')}?itemsPerPage=5&pageNum=1`);
    await digestCall(sim, clusterPath('Nope'), { accept: CLUSTERS_V });

    const entries = sim.log.entries();
    expect(entries.map((e) => [e.endpoint, e.auth, e.status, e.errorCode])).toEqual([
      ['token', 'basic', 200, undefined],
      ['listSnapshots', 'bearer', 200, undefined],
      ['getCluster', 'none', 401, 'UNEXPECTED_ERROR'],
      ['getCluster', 'digest', 404, 'CLUSTER_NOT_FOUND'],
    ]);
    expect(entries[1]).toMatchObject({
      method: 'GET',
      path: snapshotsPath('Cluster0'),
      query: { itemsPerPage: '5', pageNum: '1' },
      accept: SNAPSHOTS_V,
      groupId: PROJECT,
      clusterName: 'Cluster0',
      timestamp: new Date(sim.clock.now()).toISOString(),
    });
    expect(sim.log.tokenRequests()).toBe(1);
    expect(sim.log.apiCalls()).toBe(3);
    expect(sim.log.countByAuth()).toMatchObject({ basic: 1, bearer: 1, digest: 1, none: 1 });
    expect(sim.log.countByEndpoint()).toMatchObject({ token: 1, listSnapshots: 1, getCluster: 2 });
  });

  it('never stores a secret, a token or an Authorization header', async () => {
    sim = await startTestSimulator();
    const token = await bearerToken(sim);
    await call(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V, authorization: `Bearer ${token}` });
    await digestCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });
    await fetch(`${sim.url}/api/oauth/revoke`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${DEMO_SERVICE_ACCOUNT.clientId}:${DEMO_SERVICE_ACCOUNT.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: `token=${token}`,
    });

    const dump = JSON.stringify(sim.log.entries());

    expect(dump).not.toContain(token);
    expect(dump).not.toContain(DEMO_SERVICE_ACCOUNT.clientSecret);
    expect(dump).not.toContain(DEMO_API_KEY.privateKey);
    expect(dump).not.toMatch(/Bearer |Digest |Basic /);
  });
});
