/**
 * What an answer says besides its body: `Deprecation`/`Sunset` on deprecated versions (410 after
 * the sunset), and `RateLimit-*` on every Admin API answer while a limit applies, per endpoint set.
 */
import { DEMO_API_KEY, DEMO_SERVICE_ACCOUNT, ManualClock, RECORDED_RATE_LIMITS } from '../../local/atlas-sim';
import {
  CLUSTERS_V,
  PROJECT,
  SNAPSHOTS_V,
  bearerCall,
  call,
  clusterPath,
  digestCall,
  snapshotsPath,
  startTestSimulator,
} from './helpers';

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;
let sim: Sim;

afterEach(async () => {
  await sim?.close();
});

const deprecated2024 = {
  date: '2024-08-05',
  resource: 'clusters' as const,
  deprecation: '2025-01-01',
  sunset: '2025-06-30',
};

describe('version deprecation notices', () => {
  it('a deprecated cluster version answers with Deprecation and Sunset (HTTP-dates), on GET and list', async () => {
    sim = await startTestSimulator({ deprecations: [deprecated2024] });

    const one = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });
    const list = await bearerCall(sim, clusterPath(), { accept: CLUSTERS_V });
    const snapshots = await bearerCall(sim, snapshotsPath('Cluster0'));

    for (const answer of [one, list]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('deprecation')).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
      expect(answer.headers.get('sunset')).toBe('Mon, 30 Jun 2025 00:00:00 GMT');
    }
    expect(snapshots.headers.has('deprecation')).toBe(false);
    expect(snapshots.headers.has('sunset')).toBe(false);
  });

  it('sends an @epoch Deprecation as given, and the notice on an error answer in that version', async () => {
    sim = await startTestSimulator({ deprecations: [{ ...deprecated2024, deprecation: '@1735689600' }] });

    const missing = await bearerCall(sim, clusterPath('Nope'), { accept: CLUSTERS_V });

    expect(missing.status).toBe(404);
    expect(missing.headers.get('deprecation')).toBe('@1735689600');
    expect(missing.headers.get('sunset')).toBe('Mon, 30 Jun 2025 00:00:00 GMT');
  });

  it('answers 410 VERSION_GONE once the sunset has passed', async () => {
    sim = await startTestSimulator({ deprecations: [deprecated2024], clock: new ManualClock('2025-06-29T23:59:59Z') });

    const before = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });
    sim.manual.advance(1_000);
    const after = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(before.status).toBe(200);
    expect(after.status).toBe(410);
    expect(after.json.errorCode).toBe('VERSION_GONE');
  });

  it('the older cluster versions carry their real deprecation (2024-08-05) and sunset (2027-07-01)', async () => {
    sim = await startTestSimulator();

    const old = await bearerCall(sim, clusterPath('Cluster0'), { accept: 'application/vnd.atlas.2023-02-01+json' });
    const current = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(old.headers.get('deprecation')).toBe('Mon, 05 Aug 2024 00:00:00 GMT');
    expect(old.headers.get('sunset')).toBe('Thu, 01 Jul 2027 00:00:00 GMT');
    expect(current.headers.has('deprecation')).toBe(false);
  });

  it('a deprecation for one resource leaves the same date on other resources alone; setDeprecations replaces them', async () => {
    sim = await startTestSimulator({
      deprecations: [{ date: '2023-01-01', resource: 'backup', deprecation: '2025-01-01', sunset: '2026-01-01' }],
    });

    const backup = await bearerCall(sim, snapshotsPath('Cluster0'));
    const projects = await bearerCall(sim, '/api/atlas/v2/groups', { accept: SNAPSHOTS_V });
    sim.setDeprecations([]);
    const cleared = await bearerCall(sim, snapshotsPath('Cluster0'));

    expect(backup.headers.get('sunset')).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    expect(projects.headers.has('sunset')).toBe(false);
    expect(cleared.headers.has('sunset')).toBe(false);
  });

  it('refuses a deprecation whose dates cannot be read, at start', async () => {
    await expect(
      startTestSimulator({ deprecations: [{ date: '2024-08-05', deprecation: 'soon', sunset: '2027-01-01' }] }),
    ).rejects.toThrow(/not a date/);
  });
});

describe('RateLimit headers', () => {
  it('are on every Admin API answer while a limit is set: 200, 404, 401 challenge, 403 access list', async () => {
    sim = await startTestSimulator({ rateLimit: { capacity: 5, refillPerSecond: 1 } });

    const okAnswer = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });
    const notFound = await bearerCall(sim, clusterPath('Nope'), { accept: CLUSTERS_V });
    const challenge = await call(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });
    sim.setAccessList(DEMO_API_KEY.publicKey, ['203.0.113.10']);
    const denied = await digestCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(okAnswer.headers.get('ratelimit-remaining')).toBe('4');
    expect(notFound.headers.get('ratelimit-remaining')).toBe('3');
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('ratelimit-limit')).toBe('5');
    expect(challenge.headers.get('ratelimit-remaining')).toBe('3');
    expect(challenge.headers.has('retry-after')).toBe(false);
    expect(denied.json.errorCode).toBe('IP_ADDRESS_NOT_ON_ACCESS_LIST');
    expect(denied.headers.get('ratelimit-limit')).toBe('5');
  });

  it('are absent when no limit is set', async () => {
    sim = await startTestSimulator();

    const answer = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(answer.headers.has('ratelimit-limit')).toBe(false);
  });

  it('an endpoint set with its own bucket: backup limited, cluster calls unaffected', async () => {
    sim = await startTestSimulator({ endpointRateLimits: { backup: { capacity: 2, refillPerSecond: 0.5 } } });
    const list = () => bearerCall(sim, snapshotsPath('Cluster0'));

    const answers = [await list(), await list(), await list()];
    const cluster = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[2]?.json.errorCode).toBe('RATE_LIMITED_TOKEN_BUCKET');
    expect(answers[2]?.headers.get('retry-after')).toBe('2');
    expect(cluster.status).toBe(200);
    expect(cluster.headers.has('ratelimit-limit')).toBe(false);
  });

  it('the recorded limits: 1200 on backup endpoints, 10000 on cluster endpoints, each per project', async () => {
    const other = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    sim = await startTestSimulator({
      endpointRateLimits: RECORDED_RATE_LIMITS,
      seed: {
        serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT }],
        projects: [
          { id: PROJECT, clusters: [{ name: 'Cluster0' }] },
          { id: other, clusters: [{ name: 'Cluster0' }] },
        ],
      },
    });

    const backup = await bearerCall(sim, snapshotsPath('Cluster0'));
    const clusters = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });
    const otherProject = await bearerCall(sim, snapshotsPath('Cluster0', other));

    expect(backup.headers.get('ratelimit-limit')).toBe('1200');
    expect(backup.headers.get('ratelimit-remaining')).toBe('1199');
    expect(clusters.headers.get('ratelimit-limit')).toBe('10000');
    expect(otherProject.headers.get('ratelimit-remaining')).toBe('1199');
  });

  it('setEndpointRateLimit replaces a set limit at run time and undefined goes back to the general one', async () => {
    sim = await startTestSimulator({ rateLimit: { capacity: 50, refillPerSecond: 1 } });

    sim.setEndpointRateLimit('clusters', { capacity: 7, refillPerSecond: 1 });
    const own = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });
    sim.setEndpointRateLimit('clusters', undefined);
    const general = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(own.headers.get('ratelimit-limit')).toBe('7');
    expect(general.headers.get('ratelimit-limit')).toBe('50');
  });
});
