/**
 * One benchmark run: the simulator (seeded with a fleet), the local AWS endpoints and the
 * deployable bundle in its Lambda-like process (local/harness.ts), plus what to read off the
 * simulator's request log and the AWS stand-ins after each invocation.
 */
import { performance } from 'node:perf_hooks';
import type { AtlasSimulatorOptions } from '../local/atlas-sim';
import { SCHEDULED_EVENT, startLocalRun, type LocalRun } from '../local/harness';
import type { InvokeResult } from '../local/lambda/runtime';
import type { Status } from '../lambda/snapshot/types';
import { makeFleet, seedFleet, type Fleet } from './layout';
import { functionProcessStats } from './proc-stats';

/** The function's time budget per invocation: large, so the figures measure speed, not give-ups. */
export const INVOKE_TIMEOUT_MS = 900_000;

export interface Counts {
  tokenRequests: number;
  /** Requests under /api/atlas/ (429 answers included). */
  atlasRequests: number;
  /** Of those, answered 429. */
  rateLimited: number;
  secretReads: number;
  publishes: number;
}

export type StatusCounts = Record<Status, number>;

export interface Invocation {
  ok: boolean;
  durationMs: number;
  counts: Counts;
  statuses: StatusCounts;
  /**
   * Where the wall time went, on this process's clock from the moment the invocation was sent:
   * first and last answer of an Atlas API request (token request excluded). After the last
   * answer the function only reports (logs, metrics, SNS publishes).
   */
  firstAtlasAnswerMs?: number;
  lastAtlasAnswerMs?: number;
  /** RSS high-water mark of the function process so far (undefined off Linux). */
  peakRssBytes?: number;
  /** CPU time (user + system) the function process spent on this invocation (undefined off Linux). */
  cpuMs?: number;
  errorMessage?: string;
}

export interface BenchRun {
  run: LocalRun;
  fleet: Fleet;
  initMs: number;
  invoke(): Promise<Invocation>;
  close(): Promise<void>;
}

function counts(run: LocalRun): Counts {
  return {
    tokenRequests: run.sim.log.tokenRequests(),
    atlasRequests: run.sim.log.apiCalls(),
    rateLimited: run.sim.log.count((e) => e.path.startsWith('/api/atlas/') && e.status === 429),
    secretReads: run.aws.secretsManager.reads(),
    publishes: run.aws.sns.published.length,
  };
}

function minus(a: Counts, b: Counts): Counts {
  return {
    tokenRequests: a.tokenRequests - b.tokenRequests,
    atlasRequests: a.atlasRequests - b.atlasRequests,
    rateLimited: a.rateLimited - b.rateLimited,
    secretReads: a.secretReads - b.secretReads,
    publishes: a.publishes - b.publishes,
  };
}

/** Outcome statuses of the messages published since `from` (one message per target). */
function statusesSince(run: LocalRun, from: number): StatusCounts {
  const statuses: StatusCounts = { SUCCESS: 0, SKIPPED: 0, ERROR: 0 };
  for (const doc of run.aws.sns.documents().slice(from)) {
    const status = (doc as { status?: Status }).status;
    if (status !== undefined && status in statuses) statuses[status] += 1;
  }
  return statuses;
}

export async function startBenchRun(options: {
  bundlePath: string;
  targets: number;
  perProject: number;
  order?: 'by-project' | 'interleaved';
  simulator?: AtlasSimulatorOptions;
}): Promise<BenchRun> {
  const fleet = makeFleet(options.targets, options.perProject, Date.now(), options.order);
  const answers: number[] = [];
  const simulator: AtlasSimulatorOptions = {
    ...options.simulator,
    onRequest: (entry) => {
      if (entry.path.startsWith('/api/atlas/')) answers.push(performance.now());
    },
  };
  // LOG_LEVEL stays the deployed default: logging is part of what the function costs.
  const run = await startLocalRun({ bundlePath: options.bundlePath, targets: fleet.targets, simulator });
  seedFleet(run.sim, fleet);
  return {
    run,
    fleet,
    initMs: run.fn.initMs,
    invoke: async () => {
      const before = counts(run);
      const published = run.aws.sns.published.length;
      answers.length = 0;
      const cpuBefore = functionProcessStats()?.cpuMs;
      const sent = performance.now();
      let result: InvokeResult;
      try {
        result = await run.fn.invoke(SCHEDULED_EVENT, { timeoutMs: INVOKE_TIMEOUT_MS });
      } catch (e: unknown) {
        throw new Error(`the function process failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      const invocation: Invocation = {
        ok: result.ok,
        durationMs: result.durationMs,
        counts: minus(counts(run), before),
        statuses: statusesSince(run, published),
      };
      const first = answers[0];
      const last = answers[answers.length - 1];
      if (first !== undefined && last !== undefined) {
        invocation.firstAtlasAnswerMs = first - sent;
        invocation.lastAtlasAnswerMs = last - sent;
      }
      const stats = functionProcessStats();
      if (stats !== undefined) {
        invocation.peakRssBytes = stats.peakRssBytes;
        if (cpuBefore !== undefined) invocation.cpuMs = stats.cpuMs - cpuBefore;
      }
      if (!result.ok && result.error !== undefined) invocation.errorMessage = result.error.errorMessage.slice(0, 300);
      return invocation;
    },
    close: () => run.close(),
  };
}
