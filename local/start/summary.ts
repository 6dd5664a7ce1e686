/** The closing lines of a run: one row per step, and why the exit code is what it is. */
import { row, type Style } from '../report';
import type { Outcome, Target } from '../../lambda/snapshot/types';

/** What one step of a local run (or the one invocation of a real run) came to. */
export interface StepResult {
  /** The summary row's label (e.g. `scheduled`, `console`, `follow-up`). */
  label: string;
  /** False when an invocation of the step failed (or a follow-up could not be delivered). */
  ok: boolean;
  outcomes: Outcome[];
  /** Said after the tally, e.g. `(15 checks, 14 rescheduled)`. */
  note?: string;
}

export function targetsText(targets: readonly Target[]): string {
  return targets
    .map((t) => {
      const tags = t.tags ? ` tags ${JSON.stringify(t.tags)}` : '';
      return `${t.projectId}/${t.clusterName}${tags}`;
    })
    .join(', ');
}

/** e.g. `SUCCESS SNAPSHOT_REQUESTED, SKIPPED SNAPSHOT_IN_PROGRESS x2`. */
export function tally(outcomes: Outcome[]): string {
  if (outcomes.length === 0) return 'no outcome';
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(`${o.status} ${o.code}`, (counts.get(`${o.status} ${o.code}`) ?? 0) + 1);
  return [...counts].map(([key, n]) => (n > 1 ? `${key} x${n}` : key)).join(', ');
}

export function summaryRows(steps: StepResult[], style: Style): string[] {
  return steps.map((step) => {
    const state = step.ok ? style.green('returned') : style.red('failed  ');
    return row(step.label, `${state}  ${tally(step.outcomes)}${step.note ? `  ${style.dim(step.note)}` : ''}`, style);
  });
}

export const hasError = (steps: StepResult[]): boolean =>
  steps.some((s) => !s.ok || s.outcomes.some((o) => o.status === 'ERROR'));
