/**
 * The run summary (docs/notifications.md, "Run summary"): after a run's per-target outcomes, one
 * document with the worst status, the counts per status and one line per target. Pure.
 */
import { Codes } from '../codes';
import type { Outcome, RunSummary, Status, SummaryLine, Trigger } from '../types';

/** Worst last: a run is as good as its worst target. */
const SEVERITY: Record<Status, number> = { SUCCESS: 0, SKIPPED: 1, ERROR: 2 };
const STATUSES: readonly Status[] = ['SUCCESS', 'SKIPPED', 'ERROR'];

export interface SummaryRun {
  trigger: Trigger;
  dryRun: boolean;
  invocationId: string;
  timestamp: string;
}

/** The worst of the statuses; SKIPPED for none (nothing was done). */
export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Status | undefined;
  for (const status of statuses) if (worst === undefined || SEVERITY[status] > SEVERITY[worst]) worst = status;
  return worst ?? 'SKIPPED';
}

export function countStatuses(outcomes: readonly Pick<Outcome, 'status'>[]): Record<Status, number> {
  const counts: Record<Status, number> = { SUCCESS: 0, SKIPPED: 0, ERROR: 0 };
  for (const o of outcomes) counts[o.status] += 1;
  return counts;
}

/** "3 targets: 2 SUCCESS, 1 ERROR" (statuses with a count of 0 left out). */
export function summaryDetail(counts: Record<Status, number>, dryRun: boolean): string {
  const total = STATUSES.reduce((sum, s) => sum + counts[s], 0);
  const parts = STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const text = `${total} target${total === 1 ? '' : 's'}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
  return dryRun ? `${text} (dry run)` : text;
}

function lineOf(o: Outcome): SummaryLine {
  return {
    ...(o.projectId !== undefined ? { projectId: o.projectId } : {}),
    ...(o.clusterName !== undefined ? { clusterName: o.clusterName } : {}),
    status: o.status,
    code: o.code,
    ...(o.snapshotId !== undefined ? { snapshotId: o.snapshotId } : {}),
  };
}

/** The summary of a run's outcomes: one line per outcome, in target order. */
export function buildRunSummary(outcomes: readonly Outcome[], run: SummaryRun): RunSummary {
  const counts = countStatuses(outcomes);
  return {
    status: worstStatus(outcomes.map((o) => o.status)),
    code: Codes.RUN_SUMMARY,
    stage: 'summary',
    counts,
    targets: outcomes.map(lineOf),
    detail: summaryDetail(counts, run.dryRun),
    trigger: run.trigger,
    dryRun: run.dryRun,
    invocationId: run.invocationId,
    timestamp: run.timestamp,
  };
}

/**
 * The summary with at most `max` lines (`omittedTargets` counts the others). The worst are kept first
 * (ERROR, then SKIPPED, then SUCCESS, each in target order), so a long run never hides its failures;
 * the kept lines stay in target order.
 */
export function limitSummaryLines(summary: RunSummary, max: number): RunSummary {
  const lines = summary.targets;
  if (lines.length <= max) return summary;
  const kept = lines
    .map((line, i) => ({ i, severity: SEVERITY[line.status] }))
    .sort((a, b) => b.severity - a.severity || a.i - b.i)
    .slice(0, Math.max(0, Math.floor(max)))
    .map((x) => x.i)
    .sort((a, b) => a - b);
  const targets = kept.flatMap((i) => {
    const line = lines[i];
    return line ? [line] : [];
  });
  return { ...summary, targets, omittedTargets: (summary.omittedTargets ?? 0) + lines.length - targets.length };
}
