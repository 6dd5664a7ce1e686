/**
 * The run-based measurements: calls per run (cold, then warm in the same container), scale
 * against a 50 ms simulator, and the same under a token-bucket rate limit.
 */
import type { RateLimitOptions } from '../local/atlas-sim';
import { DEFAULT_CONCURRENCY } from '../lambda/snapshot/contract';
import { startBenchRun, type Counts, type Invocation, type StatusCounts } from './runs';
import { summarize } from './stats';

export const LATENCY_MS = 50;

export interface CallsResult {
  targets: number;
  /** CONFIRM_* set: one follow-up schedule per requested snapshot. */
  confirmation: boolean;
  cold: Counts;
  warm: Counts;
  coldStatuses: StatusCounts;
  warmStatuses: StatusCounts;
}

/**
 * Cold invocation, then the pending snapshots it started are completed through the simulator's
 * state API, then a warm invocation in the same process: both take the full path.
 */
export async function measureCalls(
  bundlePath: string,
  targets: number,
  perProject: number,
  confirmation = false,
): Promise<CallsResult> {
  const bench = await startBenchRun({ bundlePath, targets, perProject, confirmation });
  try {
    const cold = await bench.invoke();
    bench.run.sim.state.completePendingSnapshots();
    const warm = await bench.invoke();
    return {
      targets,
      confirmation,
      cold: cold.counts,
      warm: warm.counts,
      coldStatuses: cold.statuses,
      warmStatuses: warm.statuses,
    };
  } finally {
    await bench.close();
  }
}

export interface ScaleResult {
  targets: number;
  projects: number;
  repeats: number;
  /** Invocation wall time (the runtime's durationMs), median and max over the repeats. */
  durationMs: { median: number; max: number };
  /** From the median run: invocation sent -> first Atlas answer, and last Atlas answer -> result. */
  beforeFirstAnswerMs?: number;
  afterLastAnswerMs?: number;
  /** CPU time of the function process for the invocation, median over the repeats. */
  cpuMs?: number;
  /** Highest RSS high-water mark of the function process over the repeats. */
  peakRssBytes?: number;
  /** Atlas API requests per target, from the simulator's log (token request excluded). */
  roundTripsPerTarget: number;
  idealMs: number;
  ratio: number;
  counts: Counts;
  statuses: StatusCounts;
  /** Module load of the function process (the runner's own measurement), median. */
  runnerInitMs: number;
}

/** ceil(targets / concurrency) x round trips per target x latency. */
export function idealBoundMs(targets: number, roundTripsPerTarget: number, concurrency = DEFAULT_CONCURRENCY): number {
  return Math.ceil(targets / concurrency) * roundTripsPerTarget * LATENCY_MS;
}

export async function measureScale(
  bundlePath: string,
  targets: number,
  perProject: number,
  repeats: number,
): Promise<ScaleResult> {
  const runs: Invocation[] = [];
  const inits: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const bench = await startBenchRun({ bundlePath, targets, perProject, simulator: { latencyMs: LATENCY_MS } });
    try {
      inits.push(bench.initMs);
      runs.push(await bench.invoke());
    } finally {
      await bench.close();
    }
  }
  const durations = summarize(runs.map((r) => r.durationMs));
  const last = runs[runs.length - 1];
  const median = [...runs].sort((a, b) => a.durationMs - b.durationMs)[Math.floor(runs.length / 2)];
  if (last === undefined || median === undefined)
    throw new Error(`measureScale needs at least one repeat (${repeats})`);
  const roundTripsPerTarget = last.counts.atlasRequests / targets;
  const idealMs = idealBoundMs(targets, roundTripsPerTarget);
  const peaks = runs.map((r) => r.peakRssBytes).filter((p): p is number => p !== undefined);
  const result: ScaleResult = {
    targets,
    projects: Math.ceil(targets / perProject),
    repeats,
    durationMs: { median: durations.median, max: durations.max },
    roundTripsPerTarget,
    idealMs,
    ratio: durations.median / idealMs,
    counts: last.counts,
    // Over every repeat, so one bad run shows.
    statuses: sumStatuses(runs.map((r) => r.statuses)),
    runnerInitMs: summarize(inits).median,
  };
  if (peaks.length > 0) result.peakRssBytes = Math.max(...peaks);
  const cpu = runs.map((r) => r.cpuMs).filter((c): c is number => c !== undefined);
  if (cpu.length > 0) result.cpuMs = summarize(cpu).median;
  if (median.firstAtlasAnswerMs !== undefined && median.lastAtlasAnswerMs !== undefined) {
    result.beforeFirstAnswerMs = median.firstAtlasAnswerMs;
    // The two clocks (function process, simulator) differ by a millisecond or two: never below 0.
    result.afterLastAnswerMs = Math.max(0, median.durationMs - median.lastAtlasAnswerMs);
  }
  return result;
}

function sumStatuses(list: StatusCounts[]): StatusCounts {
  const total: StatusCounts = { SUCCESS: 0, SKIPPED: 0, ERROR: 0 };
  for (const s of list) for (const key of Object.keys(total) as Array<keyof StatusCounts>) total[key] += s[key];
  return total;
}

export interface RateLimitedResult {
  name: string;
  targets: number;
  projects: number;
  order: 'by-project' | 'interleaved';
  limit: RateLimitOptions;
  durationMs: number;
  /**
   * The limit's own minimum: per bucket, (requests it had to admit - capacity) / refill rate;
   * buckets refill in parallel, so the largest.
   */
  limitMinimumMs: number;
  ratio: number;
  counts: Counts;
  statuses: StatusCounts;
  ok: boolean;
  errorMessage?: string;
}

export async function measureRateLimited(
  bundlePath: string,
  scenario: {
    name: string;
    targets: number;
    perProject: number;
    order?: 'by-project' | 'interleaved';
    limit: RateLimitOptions;
  },
  timeoutMs: number,
): Promise<RateLimitedResult> {
  const order = scenario.order ?? 'by-project';
  const bench = await startBenchRun({
    bundlePath,
    targets: scenario.targets,
    perProject: scenario.perProject,
    order,
    simulator: { latencyMs: LATENCY_MS, rateLimit: scenario.limit },
  });
  try {
    const invocation = await withTimeout(
      bench.invoke(),
      timeoutMs,
      `${scenario.name} did not finish within ${timeoutMs / 1000} s`,
    );
    // What each bucket had to admit: the Atlas requests it answered with something other than 429.
    const admitted = new Map<string, number>();
    for (const entry of bench.run.sim.log.entries((e) => e.path.startsWith('/api/atlas/') && e.status !== 429)) {
      const key = scenario.limit.scope === 'global' ? 'global' : (entry.groupId ?? 'none');
      admitted.set(key, (admitted.get(key) ?? 0) + 1);
    }
    const limitMinimumMs = Math.max(
      0,
      ...[...admitted.values()].map(
        (n) => (Math.max(0, n - scenario.limit.capacity) / scenario.limit.refillPerSecond) * 1000,
      ),
    );
    const result: RateLimitedResult = {
      name: scenario.name,
      targets: scenario.targets,
      projects: Math.ceil(scenario.targets / scenario.perProject),
      order,
      limit: scenario.limit,
      durationMs: invocation.durationMs,
      limitMinimumMs,
      // No request beyond capacity: the limit set no minimum (NaN, shown as n/a).
      ratio: limitMinimumMs > 0 ? invocation.durationMs / limitMinimumMs : Number.NaN,
      counts: invocation.counts,
      statuses: invocation.statuses,
      ok: invocation.ok,
    };
    if (invocation.errorMessage !== undefined) result.errorMessage = invocation.errorMessage;
    return result;
  } finally {
    await bench.close();
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
