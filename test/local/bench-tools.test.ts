/**
 * The benchmark's pure pieces (bench/): Lambda's CPU quota per memory size, the cgroup figures it
 * reads, the CPU-profile reduction, the ceiling fit and the SNS call goal. The measurements
 * themselves run only in `npm run bench` (no timing is asserted here).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fitCeiling, type CeilingPoint } from '../../bench/ceiling';
import { createCpuGroup, lambdaCpuQuota, parseKeyValues } from '../../bench/cgroup';
import { makeSpreadFleet } from '../../bench/layout';
import {
  frameResolver,
  nameAt,
  nodeModuleOf,
  packageOf,
  selfTimes,
  summarizeProfile,
  type CallFrame,
  type CpuProfile,
} from '../../bench/profile';
import { snsCallsWithin } from '../../bench/targets';

const frame = (functionName: string, url = '', lineNumber = 0, columnNumber = 0): CallFrame => ({
  functionName,
  scriptId: '1',
  url,
  lineNumber,
  columnNumber,
});

describe('Lambda CPU quota', () => {
  it('gives 256 MB 256/1769 of one CPU: 14472 us per 100000 us period', () => {
    // Act
    const quota = lambdaCpuQuota(256);

    // Assert
    expect(quota).toMatchObject({ memoryMb: 256, periodUs: 100_000, quotaUs: 14_472 });
    expect(quota.share).toBeCloseTo(0.14472, 5);
  });

  it('gives a whole CPU at 1769 MB and never less than the kernel minimum of 1 ms', () => {
    // Act / Assert
    expect(lambdaCpuQuota(1769).quotaUs).toBe(100_000);
    expect(lambdaCpuQuota(1).quotaUs).toBe(1_000);
    expect(() => lambdaCpuQuota(0)).toThrow('memory must be positive');
  });

  it('reads cpu.stat lines as numbers and ignores the rest', () => {
    // Act
    const stats = parseKeyValues('nr_periods 120\nnr_throttled 80\nthrottled_time 5000000\nbogus line here\n');

    // Assert
    expect(stats).toEqual({ nr_periods: 120, nr_throttled: 80, throttled_time: 5_000_000 });
  });

  it('says why no group can be made where no cpu controller exists', () => {
    // Arrange
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cgroup-'));

    // Act
    const made = createCpuGroup(lambdaCpuQuota(256), 'g', { v1Cpu: path.join(root, 'cpu'), v2: [root] });

    // Assert
    expect(made).toEqual({
      ok: false,
      reason: `no cgroup v1 cpu controller at ${path.join(root, 'cpu')}; no cgroup v2 cpu controller at ${root}`,
    });
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('CPU profile reduction', () => {
  // Root -> main -> (leaf, GC); samples every 100 us from t = 1000.
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
      { id: 2, callFrame: frame('main', 'file:///app/node_modules/axios/lib/core.js', 9), children: [3] },
      { id: 3, callFrame: frame('emit', 'node:events', 3) },
      { id: 4, callFrame: frame('(garbage collector)') },
      { id: 5, callFrame: frame('(idle)') },
    ],
    startTime: 1000,
    endTime: 1600,
    samples: [2, 3, 3, 4, 5, 2],
    timeDeltas: [0, 100, 100, 100, 100, 100],
  };

  it('gives each sample the time until the next one, inside the window only', () => {
    // Act
    const all = selfTimes(profile);
    const window = selfTimes(profile, { fromUs: 1100, toUs: 1300 });

    // Assert
    expect(all.samples).toBe(6);
    expect(Object.fromEntries(all.self)).toEqual({ 2: 200, 3: 200, 4: 100, 5: 100 });
    expect(window.samples).toBe(3);
    expect(Object.fromEntries(window.self)).toEqual({ 3: 200, 4: 100 });
  });

  it('sums self time by function, module and group, idle left out', () => {
    // Act
    const summary = summarizeProfile(profile, frameResolver('/app'));

    // Assert
    expect(summary.busyMs).toBeCloseTo(0.5, 6);
    expect(summary.idleMs).toBeCloseTo(0.1, 6);
    expect(summary.byModule.map((r) => [r.name, r.ms])).toEqual([
      ['axios', 0.2],
      ['node:events', 0.2],
      ['GC', 0.1],
    ]);
    expect(summary.byGroup.map((r) => r.name)).toEqual([
      'axios (and its dependencies)',
      'Node.js (http, net, streams, timers, ...)',
      'garbage collector',
    ]);
    expect(summary.byFunction[0]).toMatchObject({ name: 'main (axios/core.js:10)', share: 0.4 });
  });

  it('names packages, Node modules and JSON builtins', () => {
    // Act / Assert
    expect(packageOf('/x/node_modules/@smithy/core/dist-cjs/index.js')).toBe('@smithy/core');
    expect(packageOf('/x/node_modules/axios/lib/a.js')).toBe('axios');
    expect(packageOf('/x/lambda/snapshot/logger.ts')).toBeUndefined();
    expect(nodeModuleOf('node:internal/streams/readable')).toBe('node:streams');
    expect(nodeModuleOf('node:_http_client')).toBe('node:http');
    expect(nodeModuleOf('node:net')).toBe('node:net');
    expect(frameResolver('/app')(frame('stringify'))).toMatchObject({ module: 'JSON', group: 'JSON (V8 builtins)' });
  });

  it('finds the original name of a function at its position in the source line', () => {
    // Act / Assert
    expect(nameAt('export function formatOutcome(o: Outcome) {', 0)).toBe('formatOutcome');
    expect(nameAt('  const emit = (level: LogLevel) => {', 15)).toBe('emit');
    expect(nameAt('    add(outcome: Outcome): Outcome {', 4)).toBe('add');
    expect(nameAt('    info: (m, f) => emit(m, f),', 10)).toBe('info');
  });
});

describe('ceiling fit', () => {
  const point = (clusters: number, wallMs: number): CeilingPoint => ({
    concurrency: 8,
    clusters,
    processed: clusters,
    projects: 1,
    wallMs,
    clustersPerSecond: clusters / (wallMs / 1000),
    rateLimited: 0,
    counts: {
      tokenRequests: 0,
      atlasRequests: 0,
      rateLimited: 0,
      secretReads: 0,
      publishes: 0,
      snsRequests: 0,
      scheduleCreates: 0,
    },
    statuses: { SUCCESS: clusters, SKIPPED: 0, ERROR: 0 },
    benchCores: 0,
    ok: true,
  });

  it('fits wall = fixed + per cluster x clusters and solves for 720 s, rounded down to 100', () => {
    // Arrange: 2 s fixed, 70 ms per cluster.
    const points = [point(300, 23_000), point(600, 44_000), point(1200, 86_000)];

    // Act
    const fit = fitCeiling(points);

    // Assert
    expect(fit.fixedMs).toBeCloseTo(2_000, 6);
    expect(fit.perClusterMs).toBeCloseTo(70, 6);
    expect(fit.predicted).toBe(10_200);
  });

  it('with one size, puts all the time on the clusters', () => {
    // Act
    const fit = fitCeiling([point(1000, 72_000)]);

    // Assert
    expect(fit).toMatchObject({ fixedMs: 0, perClusterMs: 72, predicted: 10_000 });
  });
});

describe('bench layouts and goals', () => {
  it('spreads a fleet over projects of 20 to 50 clusters, selected with "*"', () => {
    // Act
    const fleet = makeSpreadFleet(130, 0);

    // Assert
    expect(fleet.projects.map((p) => p.clusters?.length)).toEqual([20, 35, 50, 25]);
    expect(fleet.targets).toEqual([{ projectId: '*', clusterName: '*' }]);
  });

  it('allows one SNS call per 10 targets and one for the summary', () => {
    // Act / Assert
    expect(snsCallsWithin(500, 51)).toBe(true);
    expect(snsCallsWithin(500, 52)).toBe(false);
    expect(snsCallsWithin(1, 2)).toBe(true);
    expect(snsCallsWithin(1, 3)).toBe(false);
  });
});
