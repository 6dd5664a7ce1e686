/**
 * The ceiling of one invocation (issue 12.4): the largest selection (`projectId: "*"`,
 * `clusterName: "*"`, 20-50 clusters per project) one invocation finishes within 80 % of Lambda's
 * 15-minute limit, at the default memory's CPU share, with Atlas answering in 250 ms and limiting
 * each project's backup endpoints to 1,200 requests a minute (the recorded limit). Found by
 * measuring a few sizes, fitting wall = fixed + per-cluster x clusters, and solving for the
 * budget; then one run at the predicted size confirms it.
 */
import { RECORDED_RATE_LIMITS } from '../local/atlas-sim';
import type { CpuGroup } from './cgroup';
import { makeSpreadFleet } from './layout';
import { startBenchRun, type Counts, type StatusCounts } from './runs';

/** 80 % of Lambda's 900 s limit. */
export const CEILING_BUDGET_MS = 720_000;
export const CEILING_LATENCY_MS = 250;

export interface CeilingSettings {
  latencyMs: number;
  /** Added before every AWS answer (SNS, Secrets Manager, Scheduler). */
  awsLatencyMs: number;
  confirmation: boolean;
  /** How the CPU was limited (e.g. `256 MB share, cgroup v1`), or `unthrottled: <why>`. */
  cpu: string;
}

export interface CeilingPoint {
  concurrency: number;
  /** Clusters seeded for the run; `processed` also counts the simulator's own demo cluster. */
  clusters: number;
  /** Outcomes of the run (every cluster the credentials see). */
  processed: number;
  projects: number;
  wallMs: number;
  clustersPerSecond: number;
  cpuMs?: number;
  cpuPerClusterMs?: number;
  throttledMs?: number;
  peakRssBytes?: number;
  rateLimited: number;
  counts: Counts;
  statuses: StatusCounts;
  /** CPU of the bench process (simulator and AWS stand-ins) per wall second. */
  benchCores: number;
  otherCores?: number;
  ok: boolean;
  errorMessage?: string;
}

export interface CeilingFit {
  concurrency: number;
  /** wall ms = fixedMs + perClusterMs x clusters (least squares over the points). */
  fixedMs: number;
  perClusterMs: number;
  /** The largest size (rounded down to 100) the fit says finishes within the budget. */
  predicted: number;
}

export async function measureCeilingPoint(
  bundlePath: string,
  clusters: number,
  concurrency: number,
  settings: CeilingSettings,
  group: CpuGroup | undefined,
): Promise<CeilingPoint> {
  const fleet = makeSpreadFleet(clusters, Date.now());
  const bench = await startBenchRun({
    bundlePath,
    targets: clusters,
    perProject: 0,
    fleet,
    simulator: { latencyMs: settings.latencyMs, endpointRateLimits: { ...RECORDED_RATE_LIMITS } },
    env: { ATLAS_CONCURRENCY: String(concurrency) },
    confirmation: settings.confirmation,
    awsLatencyMs: settings.awsLatencyMs,
    ...(group ? { cpuGroup: group } : {}),
  });
  try {
    const inv = await bench.invoke();
    const processed = inv.statuses.SUCCESS + inv.statuses.SKIPPED + inv.statuses.ERROR;
    const point: CeilingPoint = {
      concurrency,
      clusters,
      processed,
      projects: fleet.projects.length,
      wallMs: inv.durationMs,
      clustersPerSecond: processed / (inv.durationMs / 1000),
      rateLimited: inv.counts.rateLimited,
      counts: inv.counts,
      statuses: inv.statuses,
      benchCores: inv.benchCpuMs / inv.durationMs,
      ok: inv.ok,
    };
    if (inv.cpuMs !== undefined) {
      point.cpuMs = inv.cpuMs;
      point.cpuPerClusterMs = inv.cpuMs / Math.max(1, processed);
    }
    if (inv.throttle) point.throttledMs = inv.throttle.throttledMs;
    if (inv.peakRssBytes !== undefined) point.peakRssBytes = inv.peakRssBytes;
    if (inv.otherCpuMs !== undefined) point.otherCores = inv.otherCpuMs / inv.durationMs;
    if (inv.errorMessage !== undefined) point.errorMessage = inv.errorMessage;
    return point;
  } finally {
    await bench.close();
  }
}

/** Least squares of wall over clusters, and the size that fits the budget. */
export function fitCeiling(points: readonly CeilingPoint[], budgetMs = CEILING_BUDGET_MS): CeilingFit {
  const first = points[0];
  if (first === undefined) throw new Error('fitCeiling needs at least one point');
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.clusters, 0) / n;
  const my = points.reduce((s, p) => s + p.wallMs, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.clusters - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.clusters - mx) * (p.wallMs - my), 0);
  // One point (or all the same size): no fixed part can be told apart; all of it per cluster.
  const perClusterMs = sxx > 0 ? sxy / sxx : my / mx;
  const fixedMs = sxx > 0 ? my - perClusterMs * mx : 0;
  const predicted = Math.max(0, Math.floor((budgetMs - fixedMs) / perClusterMs / 100) * 100);
  return { concurrency: first.concurrency, fixedMs, perClusterMs, predicted };
}
