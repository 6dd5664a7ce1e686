/**
 * The printed sections of the issue-16 measurements: CPU share side by side, where the CPU goes,
 * follow-up calls, the ceiling of one invocation, and how the figures were made (everything needed
 * to measure them again elsewhere).
 */
import type { RunNotes } from './run-notes';
import type { CeilingFit, CeilingPoint, CeilingSettings } from './ceiling';
import type { ProfileResult, ShareResult, ShareVariant } from './cpu-share';
import type { FollowUpResult } from './follow-ups';
import { table } from './report';
import { mb, ms, ratio } from './stats';

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const cores = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(2));

/** Above this many cores used by other processes during a run, its figures are called noisy. */
export const NOISY_OTHER_CORES = 0.25;

function shareRow(v: ShareVariant, targets: number): string[] {
  const throttled = v.runs.map((r) => r.throttle?.throttledMs ?? 0);
  const others = v.runs.map((r) => r.otherCores ?? 0);
  return [
    v.label,
    v.quota ? `${v.quota.quotaUs} / ${v.quota.periodUs}` : '-',
    ms(v.wallMs.median),
    `${ms(v.wallMs.min)} - ${ms(v.wallMs.max)}`,
    v.ratioMedian === undefined ? '1.00x' : ratio(v.ratioMedian),
    v.pairedRatios ? v.pairedRatios.map((r) => r.toFixed(2)).join(', ') : '-',
    v.cpuMs ? ms(v.cpuMs.median) : 'n/a',
    v.cpuMs ? `${(v.cpuMs.median / targets).toFixed(2)} ms` : 'n/a',
    v.quota ? ms(throttled.sort((a, b) => a - b)[Math.floor(throttled.length / 2)] ?? 0) : '-',
    cores(Math.max(...others)),
    mb(Math.max(...v.runs.map((r) => r.peakRssBytes ?? 0))),
  ];
}

export function cpuShareSection(r: ShareResult): string[] {
  const s = r.scenario;
  const how =
    'unavailable' in r.controller
      ? `NO CPU QUOTA could be set (${r.controller.unavailable}): the "share" rows ran UNTHROTTLED`
      : `${r.controller.kind}, e.g. ${r.controller.example}`;
  return [
    `## CPU share (issue 16: ${s.targets} targets in ${s.targets / s.perProject} projects, ${s.latencyMs} ms per Atlas answer, confirmation ${s.confirmation ? 'on' : 'off'}, ${s.rounds} round(s))`,
    '',
    table(
      [
        'CPU',
        'quota us / period us',
        'wall (median)',
        'wall (min - max)',
        'wall / free (median of pairs)',
        'pairs',
        'function CPU (median)',
        'CPU / target',
        'throttled (median)',
        'other load (max cores)',
        'peak RSS',
      ],
      [shareRow(r.free, s.targets), ...r.shares.map((v) => shareRow(v, s.targets))],
    ),
    '',
    ...(r.floors.length > 0
      ? [
          table(
            [
              'the same exchanges without the function',
              'CPU (median)',
              'CPU (min - max)',
              'CPU / target',
              'function / floor',
            ],
            r.floors.map((f) => [
              f.client === 'http' ? 'floor: node:http + AWS SDK' : "floor: axios (the function's settings) + AWS SDK",
              ms(f.cpuMs.median),
              `${ms(f.cpuMs.min)} - ${ms(f.cpuMs.max)}`,
              `${f.cpuPerTargetMs.toFixed(2)} ms`,
              r.free.cpuMs ? ratio(r.free.cpuMs.median / f.cpuMs.median) : 'n/a',
            ]),
          ),
          '',
          'floor = bench/floor-client.cjs: the token request, 3 Atlas requests per target, a CreateSchedule per target (confirmation on), a PublishBatch per 10 targets, on a free core; no logging, formatting or checks. What no implementation with these clients can go below; the function on a free core is compared with it.',
          '',
        ]
      : []),
    `quota: Lambda's CPU share at the memory size (1 vCPU at 1769 MB): ${how}; the function process is moved into the group once loaded.`,
    'Runs take turns round by round (the first one rotated); "pairs" = wall of the run / wall of the free-core run of the same round.',
    'function CPU = user + system time of the function process during the invocation (all its threads); throttled = time the group was stopped by the quota.',
    `other load = CPU time of other processes on the machine during the run / wall time (above ${NOISY_OTHER_CORES} the run was noisy).`,
    '',
  ];
}

export function profileSection(p: ProfileResult): string[] {
  const s = p.summary;
  const rows = (list: typeof s.byGroup) => list.map((r) => [r.name, ms(r.ms), pct(r.share)]);
  return [
    `## Where the CPU goes (one ${p.targets}-target invocation on a free core, node --cpu-prof, ${p.intervalUs} us sampling)`,
    '',
    `sampled busy time in the invocation ${ms(s.busyMs)} (${s.samples} samples; idle ${ms(s.idleMs)}); function CPU with the profiler on ${p.cpuMs === undefined ? 'n/a' : ms(p.cpuMs)}, wall ${ms(p.wallMs)}.`,
    `frames in the bundle ${p.sourceMapped ? 'mapped to their sources through the source map of a byte-identical build' : 'NOT mapped (the source-map build differs from the deployed bundle)'}; profile kept in ${p.profileFile}.`,
    '',
    table(['group', 'self time', 'share'], rows(s.byGroup)),
    '',
    table(['module or package', 'self time', 'share'], rows(s.byModule)),
    '',
    table(['function (self time)', 'self time', 'share'], rows(s.byFunction)),
    '',
  ];
}

export function followUpSection(f: FollowUpResult): string[] {
  const c = f.run.counts;
  return [
    '## Completion confirmation calls (issue 10)',
    '',
    `run with confirmation, ${f.run.targets} targets: ${f.run.requested} snapshot(s) requested, ${c.scheduleCreates} CreateSchedule, ${c.atlasRequests} Atlas requests, ${c.snsRequests} SNS request(s)`,
    '',
    table(
      [
        'follow-up invocation',
        'token requests',
        'secret reads',
        'Atlas requests',
        'CreateSchedule',
        'SNS requests',
        'result',
      ],
      f.followUps.map((u) => [
        u.name,
        String(u.counts.tokenRequests),
        String(u.counts.secretReads),
        String(u.counts.atlasRequests),
        String(u.counts.scheduleCreates),
        String(u.counts.snsRequests),
        `${u.result}${u.ok ? '' : ' (invocation failed)'}`,
      ]),
    ),
    '',
  ];
}

export function ceilingSection(
  settings: CeilingSettings,
  points: readonly CeilingPoint[],
  fits: readonly CeilingFit[],
  confirm: CeilingPoint | undefined,
): string[] {
  const row = (p: CeilingPoint, label = '') => [
    `${label}${p.concurrency}`,
    `${p.clusters}${p.processed !== p.clusters ? ` (${p.processed} processed)` : ''}`,
    String(p.projects),
    ms(p.wallMs),
    p.clustersPerSecond.toFixed(1),
    p.cpuPerClusterMs === undefined ? 'n/a' : `${p.cpuPerClusterMs.toFixed(2)} ms`,
    p.throttledMs === undefined ? '-' : ms(p.throttledMs),
    String(p.rateLimited),
    p.peakRssBytes === undefined ? 'n/a' : mb(p.peakRssBytes),
    cores(p.benchCores),
    cores(p.otherCores),
    `${p.statuses.SUCCESS} SUCCESS, ${p.statuses.SKIPPED} SKIPPED, ${p.statuses.ERROR} ERROR${p.ok ? '' : ' (failed)'}`,
  ];
  return [
    `## Ceiling of one invocation (issue 12.4: projectId "*", clusterName "*", ${settings.latencyMs} ms per Atlas answer, backup endpoints 1200/min per project)`,
    '',
    `CPU: ${settings.cpu}; confirmation ${settings.confirmation ? 'on' : 'off'}; ${settings.awsLatencyMs} ms per AWS answer; budget 720 s (80 % of 15 min).`,
    '',
    table(
      [
        'concurrency',
        'clusters',
        'projects',
        'wall',
        'clusters / s',
        'CPU / cluster',
        'throttled',
        '429s',
        'peak RSS',
        'bench cores',
        'other cores',
        'outcomes',
      ],
      [...points.map((p) => row(p)), ...(confirm ? [row(confirm, 'confirm run, ')] : [])],
    ),
    '',
    table(
      ['concurrency', 'fit: fixed', 'fit: per cluster', 'predicted ceiling (720 s)'],
      fits.map((f) => [String(f.concurrency), ms(f.fixedMs), `${f.perClusterMs.toFixed(1)} ms`, String(f.predicted)]),
    ),
    '',
    confirm
      ? `confirm run at ${confirm.clusters} clusters, concurrency ${confirm.concurrency}: ${ms(confirm.wallMs)} (${confirm.wallMs <= 720_000 ? 'within' : 'OVER'} 720 s)`
      : 'no confirm run (--no-confirm-run)',
    'processed = outcomes of the run: the seeded clusters and the simulator\'s own demo cluster, which "*" finds too.',
    'bench cores = CPU of the bench process (Atlas simulator, AWS stand-ins) per wall second: near 1.0 the simulator, not the function, set the pace.',
    '',
  ];
}

export function remeasureSection(m: RunNotes & { maxOtherCores?: number }): string[] {
  const noisy = m.maxOtherCores !== undefined && m.maxOtherCores > NOISY_OTHER_CORES;
  return [
    '## How these figures were made (to measure again)',
    '',
    `command: ${m.command}   commit ${m.commit}${m.dirty ? ' (with uncommitted changes under lambda/ or lib/)' : ''}`,
    `machine: node ${m.node}, ${m.cpus} x ${m.cpuModel}; load average ${m.loadAtStart.toFixed(2)} at the start, ${m.loadAtEnd.toFixed(2)} at the end`,
    noisy
      ? `NOISY: other processes used up to ${m.maxOtherCores?.toFixed(2)} cores during a CPU-share run; medians of paired runs are quoted, but re-run on a quiet machine for final figures`
      : `quiet enough: other processes used at most ${cores(m.maxOtherCores)} cores during the CPU-share runs`,
    'Lambda runs Node.js 24; these figures come from the node above. The quota applies from the first invocation on (module load is measured unthrottled, in its own section).',
    '',
  ];
}
