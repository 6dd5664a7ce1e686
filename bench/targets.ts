/**
 * The goals of issue 16 (and the bench parts of issues 10 and 12) as PASS/MISS checks over the
 * measured figures. Benchmark figures only: nothing here runs in the tests.
 */
import fs from 'node:fs';
import type { CeilingFit, CeilingPoint } from './ceiling';
import type { ShareResult } from './cpu-share';
import type { FollowUpResult } from './follow-ups';
import type { TargetCheck } from './report';
import type { CallsResult } from './scenarios';
import { kb, ms, ratio } from './stats';

export const GOALS = {
  wallVsFree: 1.15,
  cpuPerTargetMs: 2.0,
  bundleBytes: 300 * 1024,
  loadVsFloor: 1.15,
  ceilingClusters: 5_000,
} as const;

/** SNS calls per run: at most one per 10 outcomes, and one for the summary. */
export function snsCallsWithin(targets: number, requests: number): boolean {
  return requests <= Math.ceil(targets / 10) + 1;
}

/** What bench/results-ceiling.json says, if a ceiling was measured. */
export interface CeilingRecord {
  generatedAt: string;
  commit: string;
  fits: CeilingFit[];
  confirm?: CeilingPoint;
}

function readCeiling(file: string): CeilingRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as CeilingRecord;
  } catch {
    return undefined;
  }
}

/** The floors beside the function's own figure, on a free core. */
function floorText(share: ShareResult): string {
  const free = share.free.cpuPerTargetMs;
  if (share.floors.length === 0 || free === undefined) return '';
  const floors = share.floors.map(
    (f) => `${f.client === 'http' ? 'node:http' : 'axios'} + SDK ${f.cpuPerTargetMs.toFixed(2)} ms`,
  );
  return ` (free core: function ${free.toFixed(2)} ms; floors ${floors.join(', ')})`;
}

export function issue16Checks(input: {
  bundleBytes: number;
  load: { handlerMs: number; floorMs: number };
  share: ShareResult;
  calls: readonly CallsResult[];
  followUps: FollowUpResult;
  ceilingFile: string;
}): TargetCheck[] {
  const { share, followUps } = input;
  const atDefault = share.shares[0];
  const throttled = !('unavailable' in share.controller);
  const cpuPerTarget = atDefault?.cpuPerTargetMs;
  const loadRatio = input.load.handlerMs / input.load.floorMs;
  const shareRuns = [...share.free.runs, ...share.shares.flatMap((s) => s.runs)];
  const pending = followUps.followUps.find((f) => f.name.includes('pending'));
  const completed = followUps.followUps.find((f) => f.name === 'warm, snapshot completed');
  const ceiling = readCeiling(input.ceilingFile);
  const confirmed = ceiling?.confirm;
  return [
    {
      target: `${share.scenario.targets} targets at the ${atDefault?.memoryMb ?? '?'} MB share: wall <= ${GOALS.wallVsFree} x free core (median of pairs)`,
      measured:
        atDefault?.ratioMedian === undefined
          ? 'not measured'
          : `${ms(atDefault.wallMs.median)} / ${ms(share.free.wallMs.median)}, pairs ${ratio(atDefault.ratioMedian)}${throttled ? '' : ' (UNTHROTTLED: no cgroup)'}`,
      pass: throttled && atDefault?.ratioMedian !== undefined && atDefault.ratioMedian <= GOALS.wallVsFree,
    },
    {
      target: `CPU per target at the ${atDefault?.memoryMb ?? '?'} MB share <= ${GOALS.cpuPerTargetMs} ms (median)`,
      measured:
        cpuPerTarget === undefined
          ? 'not measured (needs Linux /proc)'
          : `${cpuPerTarget.toFixed(2)} ms${floorText(share)}`,
      pass: cpuPerTarget !== undefined && cpuPerTarget <= GOALS.cpuPerTargetMs,
    },
    {
      target: 'deployed bundle <= 300 KB',
      measured: kb(input.bundleBytes),
      pass: input.bundleBytes <= GOALS.bundleBytes,
    },
    {
      target: `module load <= ${GOALS.loadVsFloor} x floor (median)`,
      measured: `${ms(input.load.handlerMs)} / ${ms(input.load.floorMs)} = ${ratio(loadRatio)}`,
      pass: loadRatio <= GOALS.loadVsFloor,
    },
    {
      target: 'SNS calls per run <= ceil(targets / 10) + 1',
      measured: [
        ...input.calls.map((c) => `${c.targets}: ${c.cold.snsRequests}`),
        `${share.scenario.targets}: ${Math.max(...shareRuns.map((r) => r.counts.snsRequests))} (most of any run)`,
      ].join(', '),
      pass:
        input.calls.every((c) => snsCallsWithin(c.targets, c.cold.snsRequests)) &&
        shareRuns.every((r) => snsCallsWithin(share.scenario.targets, r.counts.snsRequests)),
    },
    {
      target: 'run with confirmation: one CreateSchedule per requested snapshot',
      measured: `${followUps.run.counts.scheduleCreates} CreateSchedule for ${followUps.run.requested} requested`,
      pass: followUps.run.requested > 0 && followUps.run.counts.scheduleCreates === followUps.run.requested,
    },
    {
      target:
        'follow-up, snapshot pending (warm): 1 Atlas GET, 1 CreateSchedule, nothing published, no token, no secret',
      measured: pending
        ? `${pending.counts.atlasRequests} GET, ${pending.counts.scheduleCreates} CreateSchedule, ${pending.counts.snsRequests} SNS, ${pending.counts.tokenRequests} token, ${pending.counts.secretReads} secret`
        : 'not measured',
      pass:
        pending !== undefined &&
        pending.counts.atlasRequests === 1 &&
        pending.counts.scheduleCreates === 1 &&
        pending.counts.snsRequests === 0 &&
        pending.counts.tokenRequests === 0 &&
        pending.counts.secretReads === 0,
    },
    {
      target: 'follow-up, snapshot completed (warm): 1 Atlas GET, 1 publish, no token, no secret',
      measured: completed
        ? `${completed.counts.atlasRequests} GET, ${completed.counts.snsRequests} SNS, ${completed.counts.scheduleCreates} CreateSchedule, ${completed.counts.tokenRequests} token, ${completed.counts.secretReads} secret`
        : 'not measured',
      pass:
        completed !== undefined &&
        completed.counts.atlasRequests === 1 &&
        completed.counts.snsRequests === 1 &&
        completed.counts.scheduleCreates === 0 &&
        completed.counts.tokenRequests === 0 &&
        completed.counts.secretReads === 0,
    },
    {
      target: `ceiling of one invocation >= ${GOALS.ceilingClusters} clusters within 720 s (npm run bench -- --ceiling)`,
      measured: confirmed
        ? `${confirmed.clusters} clusters in ${ms(confirmed.wallMs)} at concurrency ${confirmed.concurrency} (${ceiling.generatedAt.slice(0, 10)}, commit ${ceiling.commit})`
        : ceiling
          ? `predicted ${ceiling.fits.map((f) => `${f.predicted} at ${f.concurrency}`).join(', ')}; not confirmed`
          : 'not measured yet',
      pass: confirmed !== undefined && confirmed.wallMs <= 720_000 && confirmed.clusters >= GOALS.ceilingClusters,
    },
  ];
}
