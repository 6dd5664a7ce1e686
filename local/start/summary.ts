/** The closing lines of a run: one row per invocation, and why the exit code is what it is. */
import type { InvokeResult } from '../lambda/runtime';
import { row, type Style } from '../report';
import type { Outcome, Target } from '../../lambda/snapshot/types';

export interface Invocation {
  /** The summary row's label (e.g. `scheduled`, `console`). */
  label: string;
  result: InvokeResult;
  outcomes: Outcome[];
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

export function summaryRows(invocations: Invocation[], style: Style): string[] {
  return invocations.map((inv) => {
    const state = inv.result.ok ? style.green('returned') : style.red('failed  ');
    return row(inv.label, `${state}  ${tally(inv.outcomes)}`, style);
  });
}

export const hasError = (invocations: Invocation[]): boolean =>
  invocations.some((i) => !i.result.ok || i.outcomes.some((o) => o.status === 'ERROR'));
