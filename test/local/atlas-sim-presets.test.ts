/** The named scenarios shared with `npm start` and the end-to-end tests, and the CLI's option parsing. */
import {
  ManualClock,
  PRESET_NAMES,
  type PresetName,
  type PresetTarget,
  atlasPreset,
  demoProjectId,
  isoWeekStartUtc,
  presetOptions,
} from '../../local/atlas-sim';
import {
  main,
  parseDeprecation,
  parseEndpointRateLimit,
  parseRateLimit,
  simulatorOptions,
} from '../../local/atlas-sim/cli';
import { CLUSTERS_V, SNAPSHOTS_V, bearerCall, digestCall, linkOf, snapshotsPath, startTestSimulator } from './helpers';

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
    (name) =>
      !name.startsWith('missing-') &&
      name !== 'mixed' &&
      name !== 'access-list' &&
      atlasPreset(name).targets.every((t) => t.projectId !== '*' && t.clusterName !== '*'),
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

interface Resolved {
  clusters: Array<{ projectId: string; clusterName: string }>;
  /** Projects whose cluster list was refused. */
  refused: string[];
}

/** Follows `rel: next` links (bounded) and collects `results`. */
async function allPages(path: string, accept: string): Promise<{ status: number; results: any[] }> {
  const results: any[] = [];
  let next: string | undefined = path;
  for (let page = 0; next !== undefined && page < 20; page += 1) {
    const answer = await bearerCall(sim, next.replace(sim.url, ''), { accept });
    if (answer.status !== 200) return { status: answer.status, results };
    results.push(...answer.json.results);
    next = linkOf(answer.json, 'next');
  }
  return { status: 200, results };
}

/** What a selector means (docs/design.md, selecting clusters), worked out over HTTP like a client would. */
async function resolve(targets: PresetTarget[]): Promise<Resolved> {
  const resolved: Resolved = { clusters: [], refused: [] };
  for (const target of targets) {
    const projects =
      target.projectId === '*'
        ? (await allPages('/api/atlas/v2/groups?itemsPerPage=2', SNAPSHOTS_V)).results.map((p) => p.id as string)
        : [target.projectId];
    for (const projectId of projects) {
      if (target.clusterName !== '*') {
        resolved.clusters.push({ projectId, clusterName: target.clusterName });
        continue;
      }
      const list = await allPages(`/api/atlas/v2/groups/${projectId}/clusters?itemsPerPage=2`, CLUSTERS_V);
      if (list.status !== 200) resolved.refused.push(projectId);
      const matching = list.results.filter((cluster) =>
        Object.entries(target.tags ?? {}).every(([key, value]) =>
          (cluster.tags as Array<{ key: string; value: string }>).some((t) => t.key === key && t.value === value),
        ),
      );
      resolved.clusters.push(...matching.map((cluster) => ({ projectId, clusterName: cluster.name as string })));
    }
  }
  return resolved;
}

describe('round-2 presets', () => {
  const named = (r: Resolved) => r.clusters.map((c) => c.clusterName).sort();

  it.each(PRESET_NAMES.filter((name) => !name.startsWith('missing-') && name !== 'access-list'))(
    '%s: loads, and each target resolves to clusters that exist',
    async (name) => {
      sim = await startPreset(name);

      const resolved = await resolve(atlasPreset(name).targets);

      expect(resolved.clusters.length).toBeGreaterThan(0);
      for (const c of resolved.clusters) expect(sim.state.cluster(c.projectId, c.clusterName)).toBeDefined();
    },
  );

  it('uses selectors where they make sense and names otherwise; every target has the preset target shape', () => {
    const selectors = PRESET_NAMES.filter((name) => atlasPreset(name).targets.some((t) => t.clusterName === '*'));

    expect(selectors).toEqual(['mixed', 'many-projects', 'tagged', 'project-denied']);
    for (const name of PRESET_NAMES) {
      for (const t of atlasPreset(name).targets) {
        expect(Object.keys(t).filter((key) => !['projectId', 'clusterName', 'tags'].includes(key))).toEqual([]);
      }
    }
  });

  it('many-projects: six projects, the tag selects across them, untagged and the refused flex left out', async () => {
    sim = await startPreset('many-projects');

    const projects = await allPages('/api/atlas/v2/groups', SNAPSHOTS_V);
    const resolved = await resolve(atlasPreset('many-projects').targets);

    expect(projects.results).toHaveLength(6);
    expect(new Set(resolved.clusters.map((c) => c.projectId)).size).toBe(6);
    expect(named(resolved)).toEqual([
      'ArchiveNoBackup',
      'Cluster0',
      'FlexSandbox',
      'Payments0',
      'Reporting0',
      'SearchPaused',
      'SearchSharded',
      'SharedSandbox',
    ]);
    expect(atlasPreset('many-projects').targets).toEqual([
      { projectId: '*', clusterName: '*', tags: { backup: 'on-demand' } },
    ]);
  });

  it('tagged: only exact, case-sensitive key and value matches', async () => {
    sim = await startPreset('tagged');

    const resolved = await resolve(atlasPreset('tagged').targets);

    expect(named(resolved)).toEqual(['Cluster0', 'Cluster1']);
    expect(sim.state.clusters(atlasPreset('tagged').targets[0]!.projectId)).toHaveLength(6);
  });

  it('project-denied: one project refuses its cluster list, the others resolve', async () => {
    sim = await startPreset('project-denied');

    const resolved = await resolve(atlasPreset('project-denied').targets);

    expect(resolved.refused).toEqual([demoProjectId(16)]);
    expect(named(resolved)).toEqual(['Cluster0', 'TeamB0']);
  });

  it('snapshot-fails and never-finishes: the snapshot a run takes ends failed, or is still inProgress a day later', async () => {
    const outcomes = [];
    for (const name of ['snapshot-fails', 'never-finishes'] as const) {
      sim = await startPreset(name);
      const taken = await bearerCall(sim, snapshotsPath('Cluster0'), { method: 'POST', body: { retentionInDays: 1 } });
      sim.manual.advance(86_400_000);
      outcomes.push((await bearerCall(sim, `${snapshotsPath('Cluster0')}/${taken.json.id}`)).json.status);
      await sim.close();
    }

    expect(outcomes).toEqual(['failed', 'inProgress']);
  });

  it('promotion: completed on-demand snapshots over a year, kept grandfather-father-son, none expired', async () => {
    sim = await startPreset('promotion');
    const now = sim.clock.now();

    const list = await allPages(snapshotsPath('Cluster0'), SNAPSHOTS_V);
    const sharded = await bearerCall(sim, `${snapshotsPath('ShardedCluster')}/shardedClusters`);
    const onDemand = list.results.filter((s) => s.snapshotType === 'onDemand');
    const kept = (s: { createdAt: string; expiresAt: string }) =>
      (Date.parse(s.expiresAt) - Date.parse(s.createdAt)) / 86_400_000;
    const thisWeek = isoWeekStartUtc(now);

    expect(onDemand.length).toBeGreaterThan(20);
    expect(onDemand.every((s) => s.status === 'completed' && Date.parse(s.expiresAt) > now)).toBe(true);
    const created = onDemand.map((s) => Date.parse(s.createdAt));
    expect((Math.max(...created) - Math.min(...created)) / 86_400_000).toBeGreaterThan(300);
    expect(onDemand.filter((s) => kept(s) >= 365 * 7 - 2)).not.toHaveLength(0);
    expect(onDemand.filter((s) => kept(s) >= 365 && kept(s) <= 366).length).toBeGreaterThanOrEqual(10);
    expect(onDemand.filter((s) => kept(s) >= 27 && kept(s) <= 29).length).toBeGreaterThanOrEqual(2);
    expect(onDemand.filter((s) => Date.parse(s.createdAt) >= thisWeek).every((s) => kept(s) === 7)).toBe(true);
    expect(list.results.some((s) => s.snapshotType === 'scheduled')).toBe(true);
    expect(sharded.json.results.length).toBeGreaterThan(20);
  });

  it('deprecated: the cluster API answers with Deprecation (@epoch) and a future Sunset, snapshots do not', async () => {
    sim = await startPreset('deprecated');

    const cluster = await bearerCall(sim, '/api/atlas/v2/groups/65a1b2c3d4e5f60718293a4b/clusters/Cluster0', {
      accept: CLUSTERS_V,
    });
    const snapshots = await bearerCall(sim, snapshotsPath('Cluster0'));

    expect(cluster.status).toBe(200);
    expect(cluster.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(Date.parse(cluster.headers.get('sunset') ?? '')).toBeGreaterThan(sim.clock.now());
    expect(snapshots.headers.has('deprecation')).toBe(false);
  });
});

describe('CLI round-2 options', () => {
  const now = Date.parse('2026-03-01T00:00:00Z');

  it('--snapshot-outcome, --deprecate (repeatable), --endpoint-rate-limit and --recorded-rate-limits', () => {
    const options = simulatorOptions(
      {
        'snapshot-outcome': 'never',
        deprecate: ['clusters:2024-08-05=2027-01-01', '2023-01-01=2026-12-31'],
        'endpoint-rate-limit': ['backup=20/0.5/global'],
        'recorded-rate-limits': true,
      },
      now,
    );

    expect(options.snapshotOutcome).toBe('never');
    expect(options.deprecations).toEqual([
      { date: '2024-08-05', resource: 'clusters', deprecation: '2026-03-01T00:00:00.000Z', sunset: '2027-01-01' },
      { date: '2023-01-01', deprecation: '2026-03-01T00:00:00.000Z', sunset: '2026-12-31' },
    ]);
    expect(options.endpointRateLimits).toEqual({
      backup: { capacity: 20, refillPerSecond: 0.5, scope: 'global' },
      clusters: { capacity: 10_000, refillPerSecond: 10_000 / 60, scope: 'project' },
    });
  });

  it('leaves the new options out when not given', () => {
    expect(simulatorOptions({}, now)).toEqual({});
  });

  it.each([
    [() => simulatorOptions({ 'snapshot-outcome': 'sometimes' }, now), /--snapshot-outcome/],
    [() => parseDeprecation('2024-08-05', now), /--deprecate must look like/],
    [() => parseDeprecation('flex:2024-08-05=2027-01-01', now), /--deprecate must look like/],
    [() => parseDeprecation('2024-08-05=2027-13-45', now), /--deprecate: not a date/],
    [() => parseEndpointRateLimit('snapshots=1/1'), /SET one of projects, clusters, backup/],
    [() => parseEndpointRateLimit('backup=0/1'), /--endpoint-rate-limit must look like CAPACITY/],
  ])('refuses a bad value (%#)', (parse, message) => {
    expect(parse).toThrow(message);
  });

  it('--list-presets names every preset, the new ones included', async () => {
    let printed = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });

    try {
      await expect(main(['--list-presets'])).resolves.toBe(0);
    } finally {
      write.mockRestore();
    }

    for (const name of PRESET_NAMES) expect(printed).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});
