/**
 * `npm run bench`: how well the deployable function does its job, measured on the bundle that
 * deploys (cdk synth), against the Atlas simulator and the local AWS endpoints. Prints the tables
 * and the PASS/MISS of each target of issues 5 and 16, and writes bench/results.json.
 *
 * Options: --runs N (module-load samples per variant, default 25), --repeats N (runs per scale
 * point, default 3), --rounds N (rounds of the CPU-share comparison, default 3), --no-sweep (the
 * CPU share at the default memory only, not also 512/1024/1769 MB), --full (rate-limited runs
 * with 500 targets instead of 100: about 4 more minutes; writes bench/results-full.json instead).
 * `--ceiling` measures only the ceiling of one invocation (bench/ceiling-run.ts, about 20 minutes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONCURRENCY } from '../lambda/snapshot/contract';
import { MEMORY_MB } from '../lib/constructs/snapshot-function';
import { LOCAL_SECRET_NAME } from '../local/harness';
import { PROJECT_ROOT } from '../local/lambda/bundle';
import { prepareBundles } from './bundles';
import { runCeiling } from './ceiling-run';
import { LAMBDA_MB_PER_VCPU, lambdaCpuQuota } from './cgroup';
import { measureCpuShare, profileRun } from './cpu-share';
import { measureFollowUps } from './follow-ups';
import { measureModuleLoad } from './module-load';
import { loadAverage } from './proc-stats';
import { runNotes } from './run-notes';
import { table, verdict, type TargetCheck } from './report';
import { INVOKE_TIMEOUT_MS, type StatusCounts } from './runs';
import { LATENCY_MS, measureCalls, measureRateLimited, measureScale, type RateLimitedResult } from './scenarios';
import { cpuShareSection, followUpSection, profileSection, remeasureSection } from './sections';
import { kb, mb, ms, ratio, round } from './stats';
import { issue16Checks, snsCallsWithin } from './targets';

/** The memory sizes of the CPU-share sweep (the stack's default first). */
const SWEEP_MB = [MEMORY_MB, 256, 512, 1024, LAMBDA_MB_PER_VCPU].filter((m, i, all) => all.indexOf(m) === i);
const KB = 1024;
const MB = 1024 * 1024;
const TARGET = {
  bundleBytes: 300 * KB,
  loadVsFloor: 1.15,
  scaleTargets: 500,
  scaleVsIdeal: 1.3,
  peakRssBytes: 256 * MB,
} as const;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

const started = Date.now();
const progress = (message: string) =>
  process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

const outcomes = (s: StatusCounts) =>
  Object.entries<number>(s)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ') || 'none';

/** A PASS/MISS table of goals under its heading. */
function targetsSection(title: string, checks: readonly TargetCheck[]): string[] {
  return [
    `## ${title}`,
    '',
    table(
      ['target', 'measured', 'result'],
      checks.map((c) => [c.target, c.measured, verdict(c.pass)]),
    ),
    '',
  ];
}

async function main(): Promise<void> {
  if (process.argv.includes('--ceiling')) return runCeiling(progress);
  const loadRuns = option('runs', 25);
  const repeats = option('repeats', 3);
  const rounds = option('rounds', 3);
  const sweep = !process.argv.includes('--no-sweep');
  const full = process.argv.includes('--full');
  const loadAtStart = loadAverage();
  progress('cdk synth (the deployable bundle) and the floor / naive comparison bundles ...');
  const bundles = await prepareBundles();
  const bundlePath = path.join(PROJECT_ROOT, bundles.handler.file);

  progress(`module load: ${loadRuns} fresh node processes per variant, round-robin (+2 warm-up rounds) ...`);
  // The environment the stack gives the function, so the handler's cold-start work (config
  // validation, clients) is the deployed one; the same for every variant.
  const loadEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ATLAS_SECRET_ID: LOCAL_SECRET_NAME,
    SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:atlas-snapshot-notifications',
    ATLAS_TARGETS: JSON.stringify([{ projectId: '65a1b2c3d4e5f60718293a4b', clusterName: 'Cluster0' }]),
    SNAPSHOT_RETENTION_DAYS: '7',
    SNAPSHOT_DESCRIPTION: 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)',
  };
  const load = measureModuleLoad(
    [
      { name: 'handler', file: bundles.handler.file },
      { name: 'floor', file: bundles.floor.file },
      { name: 'naive', file: bundles.naive.file },
    ],
    {
      runs: loadRuns,
      warmup: 2,
      env: loadEnv,
      onRound: (r) => r > 0 && r % 5 === 0 && progress(`  module load round ${r}/${loadRuns}`),
    },
  );
  const [loadHandler, loadFloor, loadNaive] = load as [(typeof load)[0], (typeof load)[0], (typeof load)[0]];
  const handlerToFloor = loadHandler.ms.median / loadFloor.ms.median;
  const handlerToNaive = loadHandler.ms.median / loadNaive.ms.median;

  progress('calls per run: cold, then warm in the same process (1 and 10 targets; 10 with confirmation) ...');
  const calls = [
    await measureCalls(bundlePath, 1, 1),
    await measureCalls(bundlePath, 10, 5),
    await measureCalls(bundlePath, 10, 5, true),
  ];
  progress('completion confirmation: a run, then follow-up invocations from its schedules ...');
  const followUps = await measureFollowUps(bundlePath);

  const scale = [];
  for (const n of [1, 10, 100, 500]) {
    progress(`scale: ${n} target(s), ${LATENCY_MS} ms per Atlas answer, ${repeats} run(s) ...`);
    scale.push(await measureScale(bundlePath, n, 10, repeats));
  }

  const rateTargets = full ? 500 : 100;
  const limit = { capacity: 100, refillPerSecond: 10 };
  const rateScenarios = [
    {
      id: 'global bucket',
      name: `${rateTargets} targets, one global bucket`,
      targets: rateTargets,
      perProject: 10,
      limit: { ...limit, scope: 'global' as const },
    },
    {
      id: 'bucket per project',
      name: `${rateTargets} targets in ${rateTargets === 500 ? 5 : 2} projects, bucket per project, listed project by project`,
      targets: rateTargets,
      perProject: rateTargets === 500 ? 100 : 50,
      limit: { ...limit, scope: 'project' as const },
    },
    {
      id: 'bucket per project, interleaved list',
      name: `same, targets listed round-robin over the projects`,
      targets: rateTargets,
      perProject: rateTargets === 500 ? 100 : 50,
      order: 'interleaved' as const,
      limit: { ...limit, scope: 'project' as const },
    },
  ];
  const rateLimited: RateLimitedResult[] = [];
  for (const scenario of rateScenarios) {
    progress(`rate limit: ${scenario.name} (capacity ${limit.capacity}, ${limit.refillPerSecond}/s) ...`);
    const timeoutMs = 30_000 + 3 * ((3 * scenario.targets) / limit.refillPerSecond) * 1000;
    rateLimited.push(await measureRateLimited(bundlePath, scenario, timeoutMs));
  }

  const shareScenario = {
    targets: TARGET.scaleTargets,
    perProject: 10,
    latencyMs: LATENCY_MS,
    confirmation: true,
    memorySizes: sweep ? SWEEP_MB : [MEMORY_MB],
    rounds,
    floors: true,
  };
  progress(
    `CPU share: ${shareScenario.targets} targets, free core and ${shareScenario.memorySizes.map((m) => `${m} MB`).join(', ')} shares, ${rounds} round(s) ...`,
  );
  const share = await measureCpuShare(bundlePath, shareScenario, progress);
  progress('profile: one invocation with node --cpu-prof ...');
  const profile = await profileRun(bundlePath, bundles.sourceMap, shareScenario);

  // ---- targets -----------------------------------------------------------------------------
  const big = scale.find((s) => s.targets === TARGET.scaleTargets)!;
  const checks: TargetCheck[] = [
    {
      target: 'deployed bundle <= 300 KB',
      measured: kb(bundles.handler.bytes),
      pass: bundles.handler.bytes <= TARGET.bundleBytes,
    },
    {
      target: `module load <= ${TARGET.loadVsFloor} x floor (median)`,
      measured: `${ms(loadHandler.ms.median)} / ${ms(loadFloor.ms.median)} = ${ratio(handlerToFloor)}`,
      pass: handlerToFloor <= TARGET.loadVsFloor,
    },
    {
      target: 'module load below the naive baseline (median)',
      measured: `${ms(loadHandler.ms.median)} / ${ms(loadNaive.ms.median)} = ${ratio(handlerToNaive)}`,
      pass: handlerToNaive < 1,
    },
    {
      target: 'cold run at the floor (1 token, 3 Atlas/target, 1 secret read, 1 message/target + summary)',
      measured: calls
        .map(
          (c) =>
            `${c.targets}: ${c.cold.tokenRequests}/${c.cold.atlasRequests}/${c.cold.secretReads}/${c.cold.publishes}`,
        )
        .join(', '),
      pass: calls.every(
        (c) =>
          c.cold.tokenRequests === 1 &&
          c.cold.atlasRequests === 3 * c.targets &&
          c.cold.secretReads === 1 &&
          c.cold.publishes === c.targets + 1,
      ),
    },
    {
      target: 'SNS requests per run <= ceil(targets / 10) + 1',
      measured: calls.map((c) => `${c.targets}: ${c.cold.snsRequests}`).join(', '),
      pass: calls.every((c) => snsCallsWithin(c.targets, c.cold.snsRequests)),
    },
    {
      target: 'warm run: no token request, no secret read',
      measured: calls
        .map((c) => `${c.targets}: ${c.warm.tokenRequests} token, ${c.warm.secretReads} secret`)
        .join('; '),
      pass: calls.every((c) => c.warm.tokenRequests === 0 && c.warm.secretReads === 0),
    },
    {
      target: `${TARGET.scaleTargets} targets <= ${TARGET.scaleVsIdeal} x ideal bound`,
      measured: `${ms(big.durationMs.median)} / ${ms(big.idealMs)} = ${ratio(big.ratio)}`,
      pass: big.ratio <= TARGET.scaleVsIdeal && big.statuses.ERROR === 0,
    },
    {
      target: `${TARGET.scaleTargets} targets peak RSS < 256 MB`,
      measured: big.peakRssBytes === undefined ? 'not measured (needs Linux /proc)' : mb(big.peakRssBytes),
      pass: big.peakRssBytes !== undefined && big.peakRssBytes < TARGET.peakRssBytes,
    },
    ...rateLimited.map((r, i) => {
      const scenario = rateScenarios[i];
      if (scenario === undefined) throw new Error('unreachable: one rate-limit result per scenario');
      return {
        target: `rate limit (${scenario.id}): every target SUCCESS or SKIPPED`,
        measured: outcomes(r.statuses),
        pass: r.statuses.ERROR === 0 && r.statuses.SUCCESS + r.statuses.SKIPPED === r.targets,
      };
    }),
  ];

  // ---- tables ------------------------------------------------------------------------------
  const out: string[] = [];
  out.push(
    `## Cold start (module load: median / max of ${loadRuns} fresh node ${process.version} processes per variant)`,
    '',
  );
  out.push(
    table(
      ['variant', 'bundle', 'gzip', 'load median', 'load max', 'RSS after load'],
      (
        [
          ['handler (deployed, cdk.out)', bundles.handler, loadHandler],
          ['floor (SDK clients + axios, deploy options)', bundles.floor, loadFloor],
          ['naive (unminified, SDK bundled, no alias)', bundles.naive, loadNaive],
        ] as const
      ).map(([label, b, l]) => [
        label,
        kb(b.bytes),
        kb(b.gzipBytes),
        ms(l.ms.median),
        ms(l.ms.max),
        mb(l.maxRssKbMedian * KB),
      ]),
    ),
    '',
    `handler/floor ${ratio(handlerToFloor)}, handler/naive ${ratio(handlerToNaive)}; rebuild with the deploy options equals cdk.out byte for byte: ${bundles.rebuildMatchesDeploy ? 'yes' : 'NO'}`,
    `largest parts of the deployed bundle: ${bundles.contributors.map((c) => `${c.source} ${kb(c.bytes)}`).join(', ')}`,
    '',
  );
  out.push('## Calls per run (cold invocation, then warm in the same process within the secret/token TTL)', '');
  out.push(
    table(
      [
        'targets',
        'run',
        'token requests',
        'Atlas requests',
        'Atlas / target',
        'secret reads',
        'SNS requests',
        'messages',
        'CreateSchedule',
        'outcomes',
      ],
      calls.flatMap((c) =>
        (['cold', 'warm'] as const).map((kind) => {
          const n = c[kind];
          return [
            `${c.targets}${c.confirmation ? ' (confirmation on)' : ''}`,
            kind,
            String(n.tokenRequests),
            String(n.atlasRequests),
            (n.atlasRequests / c.targets).toFixed(1),
            String(n.secretReads),
            String(n.snsRequests),
            String(n.publishes),
            String(n.scheduleCreates),
            outcomes(kind === 'cold' ? c.coldStatuses : c.warmStatuses),
          ];
        }),
      ),
    ),
    '',
    'SNS requests = PublishBatch calls (each signed and sent); messages = what SNS accepted (one per target and the run summary).',
    '',
  );
  out.push(...followUpSection(followUps));
  out.push(
    `## Scale (${LATENCY_MS} ms added to every Atlas answer, concurrency ${DEFAULT_CONCURRENCY}, cold invocation, median of ${repeats})`,
    '',
  );
  out.push(
    table(
      [
        'targets',
        'projects',
        'wall (median)',
        'wall (max)',
        'ideal bound',
        'ratio',
        'round trips / target',
        'to 1st Atlas answer',
        'after last Atlas answer',
        'function CPU',
        'peak RSS',
        `outcomes (${repeats} runs)`,
      ],
      scale.map((s) => [
        String(s.targets),
        String(s.projects),
        ms(s.durationMs.median),
        ms(s.durationMs.max),
        ms(s.idealMs),
        ratio(s.ratio),
        s.roundTripsPerTarget.toFixed(1),
        s.beforeFirstAnswerMs === undefined ? 'n/a' : ms(s.beforeFirstAnswerMs),
        s.afterLastAnswerMs === undefined ? 'n/a' : ms(s.afterLastAnswerMs),
        s.cpuMs === undefined ? 'n/a' : ms(s.cpuMs),
        s.peakRssBytes === undefined ? 'n/a' : mb(s.peakRssBytes),
        outcomes(s.statuses),
      ]),
    ),
    '',
    'ideal bound = ceil(targets / concurrency) x round trips per target x 50 ms (the one shared token request not counted);',
    'to 1st Atlas answer = token request, secret read and the first call; after last Atlas answer = reporting the last target (the others are published as they finish);',
    'function CPU = user + system time of the function process during the invocation (median)',
    `confirmation off here (no CreateSchedule); the CPU-share section below runs the stack's default configuration (confirmation on) at Lambda's share (${MEMORY_MB} MB = ${lambdaCpuQuota(MEMORY_MB).share.toFixed(3)} vCPU)`,
    '',
  );
  out.push(
    `## Rate limit (token bucket: capacity ${limit.capacity}, refill ${limit.refillPerSecond}/s; ${LATENCY_MS} ms per answer)`,
    '',
  );
  out.push(
    table(
      ['scenario', 'wall', "limit's minimum", 'ratio', '429 answers', 'Atlas requests', 'outcomes'],
      rateLimited.map((r) => [
        r.name,
        ms(r.durationMs),
        ms(r.limitMinimumMs),
        ratio(r.ratio),
        String(r.counts.rateLimited),
        String(r.counts.atlasRequests),
        outcomes(r.statuses),
      ]),
    ),
    '',
    "limit's minimum = max over buckets of (requests the bucket admitted - capacity) / refill rate",
    '',
  );
  out.push(...cpuShareSection(share), ...profileSection(profile));
  out.push(...targetsSection('Targets (issue 5)', checks));
  const checks16 = issue16Checks({
    bundleBytes: bundles.handler.bytes,
    load: { handlerMs: loadHandler.ms.median, floorMs: loadFloor.ms.median },
    share,
    calls,
    followUps,
    ceilingFile: path.join(PROJECT_ROOT, 'bench', 'results-ceiling.json'),
  });
  out.push(...targetsSection('Targets (issue 16)', checks16));
  const notes = {
    ...runNotes(loadAtStart),
    ...(share.maxOtherCores !== undefined ? { maxOtherCores: share.maxOtherCores } : {}),
  };
  out.push(...remeasureSection(notes));
  process.stdout.write(`${out.join('\n')}\n`);

  const results = {
    generatedAt: new Date().toISOString(),
    commit: notes.commit,
    functionSourcesModified: notes.dirty,
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
    },
    settings: {
      loadRuns,
      loadWarmupRounds: 2,
      scaleRepeats: repeats,
      latencyMs: LATENCY_MS,
      concurrency: DEFAULT_CONCURRENCY,
      invokeTimeoutMs: INVOKE_TIMEOUT_MS,
      full,
      cpuShareRounds: rounds,
      memorySizes: shareScenario.memorySizes,
      quotas: shareScenario.memorySizes.map((m) => lambdaCpuQuota(m)),
    },
    notes,
    bundle: bundles,
    moduleLoad: { variants: load, handlerToFloor: round(handlerToFloor, 3), handlerToNaive: round(handlerToNaive, 3) },
    calls,
    scale,
    rateLimited,
    followUps,
    cpuShare: share,
    profile,
    targets: checks.map((c) => ({ ...c, result: verdict(c.pass) })),
    targetsIssue16: checks16.map((c) => ({ ...c, result: verdict(c.pass) })),
    benchSeconds: round((Date.now() - started) / 1000),
  };
  const file = full ? 'results-full.json' : 'results.json';
  fs.writeFileSync(path.join(PROJECT_ROOT, 'bench', file), `${JSON.stringify(results, null, 2)}\n`);
  const all = [...checks, ...checks16];
  progress(`done: ${all.filter((c) => c.pass).length}/${all.length} targets met; bench/${file} written`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
