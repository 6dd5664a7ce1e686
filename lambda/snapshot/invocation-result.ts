/**
 * What an invocation returns or throws (docs/design.md, "Handler result"), bounded whatever the number
 * of targets: Lambda refuses a response over 6 MB, and a failed invocation's message travels to
 * failure destinations with their own limits. The full list is always in the `outcome` log lines.
 */
import { countStatuses } from './core/summary';
import { formatFailureMessage } from './log-events';
import { capText } from './notify/budget';
import type { Outcome, Status } from './types';

/** Outcomes a result carries before it switches to counts + the first ones. */
export const MAX_RESULTS_RETURNED = 100;
/** Outcomes a failure message carries. */
export const MAX_RESULTS_IN_ERROR = 20;
/** Bytes of outcome JSON in a failure message. */
const MAX_ERROR_RESULTS_BYTES = 64 * 1024;

export interface HandlerResult {
  results: Outcome[];
  /** With more than MAX_RESULTS_RETURNED outcomes: the counts of all of them. */
  counts?: Record<Status, number>;
  /** With more than MAX_RESULTS_RETURNED outcomes: how many are not in `results`. */
  omittedResults?: number;
  /** A follow-up that found the snapshot still pending and scheduled the next check. */
  followUp?: { snapshotId: string; attempt: number; nextCheckAt: string };
}

export function handlerResult(results: readonly Outcome[], followUp?: HandlerResult['followUp']): HandlerResult {
  const base: HandlerResult =
    results.length <= MAX_RESULTS_RETURNED
      ? { results: [...results] }
      : {
          results: results.slice(0, MAX_RESULTS_RETURNED),
          counts: countStatuses(results),
          omittedResults: results.length - MAX_RESULTS_RETURNED,
        };
  return followUp ? { ...base, followUp } : base;
}

export interface FailureFacts {
  results: readonly Outcome[];
  publishFailures: ReadonlyArray<{ error: string }>;
  schedulingFailures: readonly string[];
  /** The run ran out of time before every target had an outcome. */
  unfinished: boolean;
}

export function shouldFail(f: FailureFacts): boolean {
  return (
    f.unfinished ||
    f.publishFailures.length > 0 ||
    f.schedulingFailures.length > 0 ||
    f.results.some((r) => r.status === 'ERROR')
  );
}

const nameOf = (o: Outcome) => (o.clusterName ? `${o.projectId}/${o.clusterName}` : 'run');

/** The outcomes a failure message carries: all when few, else the errors first, in target order. */
function carried(results: readonly Outcome[]): Outcome[] {
  let max = MAX_RESULTS_IN_ERROR;
  for (;;) {
    const picked =
      results.length <= max
        ? [...results]
        : results
            .map((o, i) => ({ o, i, error: o.status === 'ERROR' ? 0 : 1 }))
            .sort((a, b) => a.error - b.error || a.i - b.i)
            .slice(0, max)
            .sort((a, b) => a.i - b.i)
            .map((x) => x.o);
    if (max <= 1 || Buffer.byteLength(JSON.stringify(picked)) <= MAX_ERROR_RESULTS_BYTES) return picked;
    max = Math.floor(max / 2);
  }
}

/** `<what failed>. Results: [<some outcomes>]` (formatFailureMessage), bounded. */
export function failureMessage(f: FailureFacts): string {
  const errors = f.results.filter((r) => r.status === 'ERROR');
  const parts: string[] = [];
  if (errors.length > 0) {
    const list = errors
      .slice(0, 10)
      .map((o) => `${nameOf(o)}: ${o.code}`)
      .join(', ');
    parts.push(
      `${errors.length} of ${f.results.length} target(s) ended in ERROR (${list}${errors.length > 10 ? ', ...' : ''})`,
    );
  }
  if (f.publishFailures.length > 0) {
    parts.push(
      `${f.publishFailures.length} notification(s) could not be published (${capText(f.publishFailures[0]?.error ?? '', 300)})`,
    );
  }
  if (f.schedulingFailures.length > 0) {
    parts.push(
      `${f.schedulingFailures.length} follow-up check(s) could not be scheduled, so completion will not be confirmed (${capText(f.schedulingFailures[0] ?? '', 300)})`,
    );
  }
  if (f.unfinished) parts.push('the run ran out of time before every target had an outcome');
  const results = carried(f.results);
  if (results.length < f.results.length) {
    parts.push(`${results.length} of ${f.results.length} results below, every outcome is in the log`);
  }
  return formatFailureMessage(parts.join('; '), results);
}
