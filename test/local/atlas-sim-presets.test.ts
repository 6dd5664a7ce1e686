/** The named scenarios shared with `npm start` and the end-to-end tests, and the CLI's option parsing. */
import { ManualClock, PRESET_NAMES, type PresetName, atlasPreset, presetOptions } from '../../local/atlas-sim';
import { parseRateLimit } from '../../local/atlas-sim/cli';
import { CLUSTERS_V, SNAPSHOTS_V, bearerCall, digestCall, snapshotsPath, startTestSimulator } from './helpers';

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;
let sim: Sim;

afterEach(async () => {
  await sim?.close();
});

async function startPreset(name: PresetName): Promise<Sim> {
  return startTestSimulator(presetOptions(name, { clock: new ManualClock() }));
}

describe('presets', () => {
  const existing = PRESET_NAMES.filter(
    (name) => !name.startsWith('missing-') && name !== 'mixed' && name !== 'access-list',
  );

  it.each(existing)('%s: every target cluster exists and both credentials work', async (name) => {
    sim = await startPreset(name);
    const preset = atlasPreset(name);

    for (const target of preset.targets) {
      expect(sim.state.cluster(target.projectId, target.clusterName)).toBeDefined();
    }
    const path = `/api/atlas/v2/groups/${preset.targets[0]?.projectId}/clusters`;
    expect((await bearerCall(sim, path, { accept: CLUSTERS_V })).status).not.toBe(401);
    expect((await digestCall(sim, path, { accept: CLUSTERS_V })).status).not.toBe(401);
  });

  it('missing-cluster and missing-project point at what does not exist', async () => {
    const cluster = atlasPreset('missing-cluster').targets[0];
    const project = atlasPreset('missing-project').targets[0];
    sim = await startPreset('missing-cluster');

    const clusterAnswer = await bearerCall(
      sim,
      `/api/atlas/v2/groups/${cluster?.projectId}/clusters/${cluster?.clusterName}`,
      { accept: CLUSTERS_V },
    );
    const projectAnswer = await bearerCall(
      sim,
      `/api/atlas/v2/groups/${project?.projectId}/clusters/${project?.clusterName}`,
      { accept: CLUSTERS_V },
    );

    expect(clusterAnswer.json.errorCode).toBe('CLUSTER_NOT_FOUND');
    expect(projectAnswer.json.errorCode).toBe('GROUP_NOT_FOUND');
  });

  it('many-snapshots hides the pending on-demand snapshot beyond the first page', async () => {
    sim = await startPreset('many-snapshots');

    const first = await bearerCall(sim, snapshotsPath('Cluster0'));
    const last = await bearerCall(sim, `${snapshotsPath('Cluster0')}?pageNum=3`);

    expect(first.json.totalCount).toBe(260);
    expect(first.json.results.some((s: { snapshotType: string }) => s.snapshotType === 'onDemand')).toBe(false);
    expect(last.json.results.some((s: { snapshotType: string }) => s.snapshotType === 'onDemand')).toBe(true);
  });

  it('mixed targets every cluster of the project with "*"', async () => {
    sim = await startPreset('mixed');

    const list = await bearerCall(sim, '/api/atlas/v2/groups/65a1b2c3d4e5f60718293a4b/clusters', {
      accept: CLUSTERS_V,
    });

    expect(atlasPreset('mixed').targets).toEqual([{ projectId: '65a1b2c3d4e5f60718293a4b', clusterName: '*' }]);
    expect(list.json.totalCount).toBe(6);
  });

  it('access-list refuses the loopback caller', async () => {
    sim = await startPreset('access-list');

    const answer = await bearerCall(sim, snapshotsPath('Cluster0'), { accept: SNAPSHOTS_V });

    expect(answer.json.errorCode).toBe('IP_ADDRESS_NOT_ON_ACCESS_LIST');
  });

  it('lets explicit options win over the preset and keeps the preset faults', () => {
    const options = presetOptions('race', { rateLimit: { capacity: 9, refillPerSecond: 1 }, latencyMs: undefined });
    const rateLimited = presetOptions('rate-limited', { rateLimit: { capacity: 9, refillPerSecond: 1 } });

    expect(options.faults).toEqual([{ kind: 'race', endpoint: 'takeSnapshot', times: 1 }]);
    expect(options.rateLimit?.capacity).toBe(9);
    expect(rateLimited.rateLimit?.capacity).toBe(9);
    expect(options).not.toHaveProperty('latencyMs');
  });
});

describe('CLI --rate-limit', () => {
  it('parses CAPACITY/REFILL[/SCOPE]', () => {
    expect(parseRateLimit('10/2')).toEqual({ capacity: 10, refillPerSecond: 2 });
    expect(parseRateLimit('5/0.5/global')).toEqual({ capacity: 5, refillPerSecond: 0.5, scope: 'global' });
    expect(parseRateLimit(undefined)).toBeUndefined();
  });

  it.each(['ten', '0/1', '5/0', '5/1/everyone'])('refuses "%s"', (value) => {
    expect(() => parseRateLimit(value)).toThrow(/rate-limit/);
  });
});
