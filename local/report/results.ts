/**
 * What an invocation returned, or what it threw: a failed invocation carries its outcomes in the
 * error message after the results marker (docs/design.md, "Outcome notifications"), read here only
 * through `parseFailureMessage`, the function's own parser.
 */
import type { InvokeResult } from '../lambda/runtime';
import { parseFailureMessage } from '../../lambda/snapshot/log-events';
import type { Outcome } from '../../lambda/snapshot/types';
import { PLAIN, continuation, row, statusColour, type Style } from './style';

/** The outcomes of an invocation: returned, or carried in the failure message. */
export function outcomesOf(invocation: Pick<InvokeResult, 'ok' | 'result' | 'error'>): Outcome[] {
  if (invocation.ok) {
    const results = (invocation.result as { results?: unknown } | undefined)?.results;
    return Array.isArray(results) ? (results as Outcome[]) : [];
  }
  return parseFailureMessage(invocation.error?.errorMessage ?? '')?.results ?? [];
}

/** The failure message without its machine-readable results tail. */
export function failureSummary(errorMessage: string): string {
  return parseFailureMessage(errorMessage)?.summary ?? errorMessage;
}

export function describeOutcome(o: Outcome): string {
  const http = o.httpStatus !== undefined ? `HTTP ${o.httpStatus}: ` : '';
  if (o.detail && o.status !== 'SUCCESS') return `${http}${o.detail}`;
  const facts: string[] = [];
  if (o.snapshotId) facts.push(`snapshot ${o.snapshotId} ${o.snapshotStatus ?? ''}`.trim());
  if (o.status === 'SUCCESS' && o.retentionInDays !== undefined) facts.push(`kept ${o.retentionInDays} days`);
  if (o.detail) facts.push(o.detail);
  return `${http}${facts.join(', ')}`;
}

export function formatOutcomeRow(o: Outcome, style: Style = PLAIN): string {
  const colour = statusColour(o.status, style);
  const where = o.clusterName ?? '(run)';
  return continuation(
    `${colour(o.status.padEnd(7))}  ${o.code.padEnd(29)}  ${where.padEnd(14)}  ${describeOutcome(o)}`,
  );
}

export function formatInvocation(invocation: InvokeResult, style: Style = PLAIN): string[] {
  const outcomes = outcomesOf(invocation);
  const took = `${Math.round(invocation.durationMs)} ms`;
  const lines: string[] = [];
  if (invocation.ok) {
    lines.push(
      row(
        'result',
        `${style.green('returned')} { "results": [${outcomes.length} outcome${outcomes.length === 1 ? '' : 's'}] } in ${took}`,
        style,
        style.green,
      ),
    );
  } else {
    const error = invocation.error ?? { errorType: 'Error', errorMessage: 'unknown error' };
    lines.push(
      row(
        'result',
        `${style.red('invocation FAILED')} after ${took}: ${error.errorType}: ${failureSummary(error.errorMessage)}`,
        style,
        style.red,
      ),
    );
    if (error.errorType === 'InvocationFailedError') {
      lines.push(
        continuation(
          style.dim("(after publishing: a failed invocation is what Lambda's Errors metric and the alarm count)"),
        ),
      );
    }
  }
  for (const o of outcomes) lines.push(formatOutcomeRow(o, style));
  return lines;
}
