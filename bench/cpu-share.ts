/**
 * The 500-target point at Lambda's CPU share (issue 16): the same run on a free core and inside a
 * CPU quota equal to Lambda's share at a memory size, side by side. Runs take turns round by round
 * (the starting one rotated), so drift and other load on the machine land on every variant alike;
 * each throttled run is paired with the free run of its round, and the ratio is taken per pair.
 * Also one profiled run (free core, `--cpu-prof`): where the CPU goes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../local/lambda/bundle';
import { createCpuGroup, lambdaCpuQuota, type CpuGroup, type CpuQuota, type ThrottleStats } from './cgroup';
import { frameResolver, loadBundleMap, readProfile, summarizeProfile, type ProfileSummary } from './profile';
import { measureFloor, type FloorClient, type FloorSample } from './floor-run';
import { loadAverage } from './proc-stats';
import { scenarioRunOptions, startBenchRun, type Counts, type Invocation, type StatusCounts } from './runs';
import { summarize } from './stats';

export interface ShareScenario {
  targets: number;
  perProject: number;
  latencyMs: number;
  /** CONFIRM_* set (the stack's default): one CreateSchedule per requested snapshot. */
  confirmation: boolean;
  /** Memory sizes whose CPU share is measured; the first is the stack's default. */
  memorySizes: number[];
  rounds: number;
  /** Also the floors (bench/floor-run.ts) in every round, on a free core. */
  floors: boolean;
}

export interface ShareRun {
  round: number;
  /** Position in its round (0 = first). */
  slot: number;
  wallMs: number;
  cpuMs?: number;
  peakRssBytes?: number;
  /** Cores the rest of the machine used meanwhile (other test runs): other CPU time / wall. */
  otherCores?: number;
  /** CPU of the bench process itself (simulator, AWS stand-ins) per wall second. */
  benchCores: number;
  loadAverage: number;
  throttle?: ThrottleStats;
  statuses: StatusCounts;
  counts: Counts;
}

export interface ShareVariant {
  /** `free core`, or the memory size whose share was applied. */
  label: string;
  memoryMb?: number;
  quota?: CpuQuota;
  runs: ShareRun[];
  wallMs: { median: number; min: number; max: number };
  cpuMs?: { median: number; min: number; max: number };
  cpuPerTargetMs?: number;
  /** wall(this) / wall(free) of the same round, one per round; and their median. */
  pairedRatios?: number[];
  ratioMedian?: number;
}

export interface FloorVariant {
  client: FloorClient;
  runs: FloorSample[];
  cpuMs: { median: number; min: number; max: number };
  cpuPerTargetMs: number;
}

export interface ShareResult {
  scenario: ShareScenario;
  /** The same exchanges without the function (node:http, then axios; both with the AWS SDK). */
  floors: FloorVariant[];
  /** How the quota was applied, or why it could not be (then the "throttled" runs ran free). */
  controller: { kind: string; example: string } | { unavailable: string };
  free: ShareVariant;
  shares: ShareVariant[];
  /** The largest share of "other" machine load seen in any run (cores). */
  maxOtherCores?: number;
}

function toRun(inv: Invocation, round: number, slot: number, load: number): ShareRun {
  const wall = inv.durationMs;
  const run: ShareRun = {
    round,
    slot,
    wallMs: wall,
    benchCores: inv.benchCpuMs / wall,
    loadAverage: load,
    statuses: inv.statuses,
    counts: inv.counts,
  };
  if (inv.cpuMs !== undefined) run.cpuMs = inv.cpuMs;
  if (inv.peakRssBytes !== undefined) run.peakRssBytes = inv.peakRssBytes;
  if (inv.otherCpuMs !== undefined) run.otherCores = inv.otherCpuMs / wall;
  if (inv.throttle) run.throttle = inv.throttle;
  return run;
}

function variant(label: string, runs: ShareRun[], targets: number, memoryMb?: number, quota?: CpuQuota): ShareVariant {
  const wall = summarize(runs.map((r) => r.wallMs));
  const out: ShareVariant = {
    label,
    runs,
    wallMs: { median: wall.median, min: wall.min, max: wall.max },
    ...(memoryMb !== undefined ? { memoryMb } : {}),
    ...(quota ? { quota } : {}),
  };
  const cpu = runs.map((r) => r.cpuMs).filter((c): c is number => c !== undefined);
  if (cpu.length > 0) {
    const s = summarize(cpu);
    out.cpuMs = { median: s.median, min: s.min, max: s.max };
    out.cpuPerTargetMs = s.median / targets;
  }
  return out;
}

export async function measureCpuShare(
  bundlePath: string,
  scenario: ShareScenario,
  progress: (message: string) => void,
): Promise<ShareResult> {
  const groups = new Map<number, CpuGroup>();
  let unavailable: string | undefined;
  for (const memoryMb of scenario.memorySizes) {
    const made = createCpuGroup(lambdaCpuQuota(memoryMb), `atlas-bench-${process.pid}-${memoryMb}mb`);
    if (!made.ok) {
      unavailable = made.reason;
      break;
    }
    groups.set(memoryMb, made.group);
  }
  if (unavailable !== undefined) {
    for (const group of groups.values()) group.remove();
    groups.clear();
    progress(`  no CPU quota possible here, the "throttled" runs run unthrottled: ${unavailable}`);
  }
  const floorClients: FloorClient[] = scenario.floors ? ['http', 'axios'] : [];
  const variants: Array<number | 'free' | FloorClient> = ['free', ...scenario.memorySizes, ...floorClients];
  const runs = new Map<number | 'free', ShareRun[]>(['free' as const, ...scenario.memorySizes].map((v) => [v, []]));
  const floorRuns = new Map<FloorClient, FloorSample[]>(floorClients.map((c) => [c, []]));
  try {
    for (let round = 0; round < scenario.rounds; round++) {
      for (let k = 0; k < variants.length; k++) {
        const which = variants[(round + k) % variants.length]!;
        if (which === 'http' || which === 'axios') {
          progress(
            `  round ${round + 1}/${scenario.rounds}: floor (${which === 'http' ? 'node:http' : 'axios'} + AWS SDK) ...`,
          );
          floorRuns.get(which)!.push(await measureFloor(bundlePath, scenario, which));
          continue;
        }
        const group = which === 'free' ? undefined : groups.get(which);
        const label = which === 'free' ? 'free core' : `${which} MB share`;
        progress(`  round ${round + 1}/${scenario.rounds}: ${label} ...`);
        const load = loadAverage();
        const bench = await startBenchRun({
          bundlePath,
          ...scenarioRunOptions(scenario),
          ...(group ? { cpuGroup: group } : {}),
        });
        try {
          runs.get(which)!.push(toRun(await bench.invoke(), round, k, load));
        } finally {
          await bench.close();
        }
      }
    }
  } finally {
    for (const group of groups.values()) group.remove();
  }
  const freeRuns = runs.get('free')!;
  const free = variant('free core', freeRuns, scenario.targets);
  const shares = scenario.memorySizes.map((memoryMb) => {
    const list = runs.get(memoryMb)!;
    const v = variant(`${memoryMb} MB share`, list, scenario.targets, memoryMb, lambdaCpuQuota(memoryMb));
    v.pairedRatios = list.map((r) => r.wallMs / (freeRuns.find((f) => f.round === r.round)?.wallMs ?? Number.NaN));
    v.ratioMedian = summarize(v.pairedRatios).median;
    return v;
  });
  const example = groups.size > 0 ? [...groups.values()][0]! : undefined;
  const others = [...runs.values()]
    .flat()
    .map((r) => r.otherCores)
    .filter((c): c is number => c !== undefined);
  const floors = floorClients.map((client): FloorVariant => {
    const list = floorRuns.get(client)!;
    const cpu = summarize(list.map((f) => f.cpuMs));
    return {
      client,
      runs: list,
      cpuMs: { median: cpu.median, min: cpu.min, max: cpu.max },
      cpuPerTargetMs: cpu.median / scenario.targets,
    };
  });
  return {
    scenario,
    floors,
    controller: example
      ? {
          kind: example.kind,
          example: `${example.dir}: cfs_period_us ${example.quota.periodUs}, cfs_quota_us ${example.quota.quotaUs}`,
        }
      : { unavailable: unavailable ?? 'no memory size given' },
    free,
    shares,
    ...(others.length > 0 ? { maxOtherCores: Math.max(...others) } : {}),
  };
}

export interface ProfileResult {
  targets: number;
  intervalUs: number;
  /** The function process's CPU time during the profiled invocation (the profiler adds some). */
  cpuMs?: number;
  wallMs: number;
  summary: ProfileSummary;
  /** Frames mapped through the source map of a byte-identical build of the deployed bundle. */
  sourceMapped: boolean;
  /** Kept for a look in Chrome DevTools / speedscope. */
  profileFile: string;
}

/** One invocation of the scenario on a free core with the V8 profiler on. */
export async function profileRun(
  bundlePath: string,
  sourceMap: { file: string; matchesDeploy: boolean },
  scenario: Pick<ShareScenario, 'targets' | 'perProject' | 'latencyMs' | 'confirmation'>,
  intervalUs = 500,
): Promise<ProfileResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-bench-prof-'));
  const bench = await startBenchRun({
    bundlePath,
    ...scenarioRunOptions(scenario),
    execArgv: [
      '--require',
      path.join(PROJECT_ROOT, 'bench', 'profile-exit.cjs'),
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-interval=${intervalUs}`,
    ],
  });
  let invocation: Invocation;
  try {
    invocation = await bench.invoke();
  } finally {
    await bench.close();
  }
  const profile = readProfile(dir);
  const mapped = sourceMap.matchesDeploy;
  const resolve = frameResolver(
    PROJECT_ROOT,
    mapped ? loadBundleMap(bundlePath, path.join(PROJECT_ROOT, sourceMap.file)) : undefined,
  );
  const summary = summarizeProfile(profile, resolve, {
    window: { fromUs: invocation.sentUs, toUs: invocation.answeredUs },
  });
  const kept = path.join(PROJECT_ROOT, 'bench', '.out', 'invocation.cpuprofile');
  fs.copyFileSync(
    path.join(
      dir,
      fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!,
    ),
    kept,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    targets: scenario.targets,
    intervalUs,
    ...(invocation.cpuMs !== undefined ? { cpuMs: invocation.cpuMs } : {}),
    wallMs: invocation.durationMs,
    summary,
    sourceMapped: mapped,
    profileFile: path.relative(PROJECT_ROOT, kept),
  };
}
