/**
 * One benchmark run: the simulator (seeded with a fleet), the local AWS endpoints and the
 * deployable bundle in its Lambda-like process (local/harness.ts), plus what to read off the
 * simulator's request log, the AWS stand-ins and /proc after each invocation. Optionally the
 * function process runs inside a CPU cgroup (Lambda's share at a memory size), with confirmation
 * on (set up by the harness as the stack does: schedule group, follow-up role, dead-letter queue),
 * or with Node options (`--cpu-prof`).
 */
import type { AtlasSimulatorOptions } from '../local/atlas-sim';
import { SCHEDULED_EVENT, startLocalRun, type LocalRun } from '../local/harness';
import type { InvokeResult } from '../local/lambda/runtime';
import type { Status, Target } from '../lambda/snapshot/types';
import type { CpuGroup, ThrottleStats } from './cgroup';
import { makeFleet, seedFleet, type Fleet } from './layout';
import { functionProcessStats, machineBusyMs, ownCpuMs } from './proc-stats';

/** The function's time budget per invocation: large, so the figures measure speed, not give-ups. */
export const INVOKE_TIMEOUT_MS = 900_000;

/** The world of a scenario run: its fleet, the simulator's latency, confirmation on or off. */
export function scenarioRunOptions(scenario: {
  targets: number;
  perProject: number;
  latencyMs: number;
  confirmation: boolean;
}): Pick<BenchRunOptions, 'targets' | 'perProject' | 'simulator' | 'confirmation'> {
  const { targets, perProject, latencyMs, confirmation } = scenario;
  return { targets, perProject, simulator: { latencyMs }, confirmation };
}

export interface Counts {
  tokenRequests: number;
  /** Requests under /api/atlas/ (429 answers included). */
  atlasRequests: number;
  /** Of those, answered 429. */
  rateLimited: number;
  secretReads: number;
  /** Messages SNS accepted (a PublishBatch of 10 counts 10). */
  publishes: number;
  /** SNS API requests (Publish and PublishBatch): what is signed and sent. */
  snsRequests: number;
  /** EventBridge Scheduler CreateSchedule requests. */
  scheduleCreates: number;
}

export type StatusCounts = Record<Status, number>;

export interface Invocation {
  ok: boolean;
  durationMs: number;
  counts: Counts;
  /** Statuses of the per-target messages (the run summary is not a target). */
  statuses: StatusCounts;
  /** Run summary messages published. */
  summaries: number;
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
  /** CPU time of this process (simulator, AWS stand-ins, harness) during the invocation. */
  benchCpuMs: number;
  /**
   * CPU time of everything else on the machine during the invocation (other test runs), ms: machine
   * busy time minus the function's and this process's. Divided by the wall time: cores taken.
   */
  otherCpuMs?: number;
  /** The cgroup's throttling during the invocation (throttled runs only). */
  throttle?: ThrottleStats;
  /** process.hrtime in microseconds (the clock of a .cpuprofile) when the invocation was sent and answered. */
  sentUs: number;
  answeredUs: number;
  result?: unknown;
  errorMessage?: string;
}

export interface BenchRunOptions {
  bundlePath: string;
  targets: number;
  perProject: number;
  order?: 'by-project' | 'interleaved';
  /** The fleet to seed instead of makeFleet(targets, perProject). */
  fleet?: Fleet;
  /** Run targets instead of the fleet's (e.g. a `*` selector). */
  runTargets?: Target[];
  simulator?: AtlasSimulatorOptions;
  /** Extra function environment (ATLAS_CONCURRENCY, ...). */
  env?: Record<string, string>;
  /** CONFIRM_* set and the context carries a function ARN: each requested snapshot gets a follow-up schedule. */
  confirmation?: boolean;
  /** Node options of the function process. */
  execArgv?: string[];
  /** The function process is moved into this group once loaded (Lambda's init phase is not throttled the same way). */
  cpuGroup?: CpuGroup;
  /** Added before every AWS answer (SNS, Secrets Manager, Scheduler), ms. Default 0. */
  awsLatencyMs?: number;
}

export interface BenchRun {
  run: LocalRun;
  fleet: Fleet;
  initMs: number;
  invoke(event?: unknown): Promise<Invocation>;
  close(): Promise<void>;
}

function counts(run: LocalRun): Counts {
  const requests = run.aws.requests;
  return {
    tokenRequests: run.sim.log.tokenRequests(),
    atlasRequests: run.sim.log.apiCalls(),
    rateLimited: run.sim.log.count((e) => e.path.startsWith('/api/atlas/') && e.status === 429),
    secretReads: run.aws.secretsManager.reads(),
    publishes: run.aws.sns.published.length,
    snsRequests: requests.filter((r) => r.service === 'sns' && r.operation.startsWith('Publish')).length,
    scheduleCreates: requests.filter((r) => r.service === 'scheduler' && r.operation === 'CreateSchedule').length,
  };
}

function minus(a: Counts, b: Counts): Counts {
  const out = { ...a };
  for (const key of Object.keys(out) as Array<keyof Counts>) out[key] = a[key] - b[key];
  return out;
}

function minusThrottle(a: ThrottleStats, b: ThrottleStats): ThrottleStats {
  return {
    periods: a.periods - b.periods,
    throttledPeriods: a.throttledPeriods - b.throttledPeriods,
    throttledMs: a.throttledMs - b.throttledMs,
  };
}

/** Outcome statuses of the messages published since `from` (one per target, plus the summary). */
function statusesSince(run: LocalRun, from: number): { statuses: StatusCounts; summaries: number } {
  const statuses: StatusCounts = { SUCCESS: 0, SKIPPED: 0, ERROR: 0 };
  let summaries = 0;
  for (const doc of run.aws.sns.documents().slice(from)) {
    const { status, stage } = doc as { status?: Status; stage?: string };
    if (stage === 'summary') summaries++;
    else if (status !== undefined && status in statuses) statuses[status] += 1;
  }
  return { statuses, summaries };
}

const hrUs = (): number => Number(process.hrtime.bigint() / 1000n);

export async function startBenchRun(options: BenchRunOptions): Promise<BenchRun> {
  const fleet = options.fleet ?? makeFleet(options.targets, options.perProject, Date.now(), options.order);
  const answers: number[] = [];
  const simulator: AtlasSimulatorOptions = {
    ...options.simulator,
    onRequest: (entry) => {
      if (entry.path.startsWith('/api/atlas/')) answers.push(hrUs());
    },
  };
  // LOG_LEVEL stays the deployed default: logging is part of what the function costs.
  const run = await startLocalRun({
    bundlePath: options.bundlePath,
    targets: options.runTargets ?? fleet.targets,
    simulator,
    confirmation: options.confirmation === true,
    ...(options.env ? { env: options.env } : {}),
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
  });
  seedFleet(run.sim, fleet);
  if (options.awsLatencyMs) run.aws.setLatency(options.awsLatencyMs);
  const pid = run.fn.pid;
  try {
    options.cpuGroup?.add(pid);
  } catch (e: unknown) {
    await run.close();
    throw e;
  }
  return {
    run,
    fleet,
    initMs: run.fn.initMs,
    invoke: async (event: unknown = SCHEDULED_EVENT) => {
      const before = counts(run);
      const published = run.aws.sns.published.length;
      answers.length = 0;
      const cpuBefore = functionProcessStats(pid)?.cpuMs;
      const busyBefore = machineBusyMs();
      const ownBefore = ownCpuMs();
      const throttleBefore = options.cpuGroup?.stats();
      const sentUs = hrUs();
      let result: InvokeResult;
      try {
        result = await run.fn.invoke(event, {
          timeoutMs: INVOKE_TIMEOUT_MS,
        });
      } catch (e: unknown) {
        throw new Error(`the function process failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      const answeredUs = hrUs();
      const benchCpuMs = ownCpuMs() - ownBefore;
      const busyAfter = machineBusyMs();
      const stats = functionProcessStats(pid);
      const invocation: Invocation = {
        ok: result.ok,
        durationMs: result.durationMs,
        counts: minus(counts(run), before),
        ...statusesSince(run, published),
        benchCpuMs,
        sentUs,
        answeredUs,
        result: result.result,
      };
      const first = answers[0];
      const last = answers[answers.length - 1];
      if (first !== undefined && last !== undefined) {
        invocation.firstAtlasAnswerMs = (first - sentUs) / 1000;
        invocation.lastAtlasAnswerMs = (last - sentUs) / 1000;
      }
      if (stats !== undefined) {
        invocation.peakRssBytes = stats.peakRssBytes;
        if (cpuBefore !== undefined) invocation.cpuMs = stats.cpuMs - cpuBefore;
      }
      if (busyBefore !== undefined && busyAfter !== undefined && invocation.cpuMs !== undefined) {
        invocation.otherCpuMs = Math.max(0, busyAfter - busyBefore - invocation.cpuMs - benchCpuMs);
      }
      const throttleAfter = options.cpuGroup?.stats();
      if (throttleBefore && throttleAfter) invocation.throttle = minusThrottle(throttleAfter, throttleBefore);
      if (!result.ok && result.error !== undefined) invocation.errorMessage = result.error.errorMessage.slice(0, 300);
      return invocation;
    },
    close: () => run.close(),
  };
}
