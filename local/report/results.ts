/**
 * What an invocation returned, or what it threw: a failed invocation carries its outcomes in the
 * error message after the results marker (docs/design.md, "Outcome notifications"), read here only
 * through `parseFailureMessage`, the function's own parser.
 */
import type { InvokeResult } from '../lambda/runtime';
import { parseFailureMessage } from '../../lambda/snapshot/log-events';
import type { Outcome } from '../../lambda/snapshot/types';
import { PLAIN, continuation, plural, row, statusColour, type Style } from './style';

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

/** Bytes in decimal units, as Atlas (and the function's e-mails) show sizes: 1582854144 -> `1.6 GB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? ''}`;
}

/** `1 h 02 min`, `5 min 01 s`, `42 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** How long a snapshot is kept: a promotion (`4 weeks`), else its retention in days. */
export function keptFor(o: Pick<Outcome, 'promotedTo' | 'retentionInDays'>): string | undefined {
  if (o.promotedTo) {
    const unit = o.promotedTo.retentionUnit.toLowerCase();
    return `${o.promotedTo.retentionValue} ${o.promotedTo.retentionValue === 1 ? unit.replace(/s$/, '') : unit}`;
  }
  return o.retentionInDays !== undefined ? `${o.retentionInDays} days` : undefined;
}

export function describeOutcome(o: Outcome): string {
  const http = o.httpStatus !== undefined ? `HTTP ${o.httpStatus}: ` : '';
  if (o.detail && o.status !== 'SUCCESS') return `${http}${o.detail}`;
  const facts: string[] = [];
  if (o.snapshotId) facts.push(`snapshot ${o.snapshotId} ${o.snapshotStatus ?? ''}`.trim());
  if (o.storageSizeBytes !== undefined) facts.push(formatBytes(o.storageSizeBytes));
  if (o.durationSeconds !== undefined) facts.push(`${formatDuration(o.durationSeconds)} after the request`);
  const kept = o.status === 'SUCCESS' ? keptFor(o) : undefined;
  if (kept !== undefined) facts.push(`kept ${kept}${o.promotedTo ? ' (promoted)' : ''}`);
  if (o.code === 'SNAPSHOT_COMPLETED' && o.expiresAt) facts.push(`expires ${o.expiresAt}`);
  if (o.followUpAt) facts.push(`first check at ${o.followUpAt}`);
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

/** The outcome's row, and a line per warning it carries. */
export function formatOutcome(o: Outcome, style: Style = PLAIN): string[] {
  return [
    formatOutcomeRow(o, style),
    ...(o.warnings ?? []).map((w) => continuation(`${' '.repeat(9)}${style.yellow(`warning: ${w}`)}`)),
  ];
}

/** What a returned result holds besides its outcomes (docs/design.md, "Handler result"). */
interface ResultExtras {
  omittedResults?: number;
  followUp?: { snapshotId?: string; attempt?: number; nextCheckAt?: string };
}

/** `{ "results": [1 outcome] }`, `{ "results": [100 outcomes], "omittedResults": 110, ... }`, a reschedule's followUp. */
function returnedShape(result: unknown, outcomes: number): string {
  const extras = (typeof result === 'object' && result !== null ? result : {}) as ResultExtras;
  const parts = [`"results": [${outcomes === 0 ? '' : plural(outcomes, 'outcome')}]`];
  if (extras.omittedResults !== undefined) parts.push(`"counts": {...}, "omittedResults": ${extras.omittedResults}`);
  if (extras.followUp !== undefined) {
    const { attempt, nextCheckAt } = extras.followUp;
    parts.push(`"followUp": { attempt ${attempt ?? '?'} at ${nextCheckAt ?? '?'} }`);
  }
  return `{ ${parts.join(', ')} }`;
}

export function formatInvocation(invocation: InvokeResult, style: Style = PLAIN): string[] {
  const outcomes = outcomesOf(invocation);
  const took = `${Math.round(invocation.durationMs)} ms`;
  const lines: string[] = [];
  if (invocation.ok) {
    lines.push(
      row(
        'result',
        `${style.green('returned')} ${returnedShape(invocation.result, outcomes.length)} in ${took}`,
        style,
        style.green,
      ),
    );
  } else if (invocation.timedOut) {
    lines.push(
      row(
        'result',
        `${style.red('TIMED OUT')}: ${invocation.error?.errorMessage ?? 'the invocation timed out'} (Lambda stopped it: no result, and whatever was not yet published is lost)`,
        style,
        style.red,
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
  for (const o of outcomes) lines.push(...formatOutcome(o, style));
  return lines;
}
