/**
 * The follow-up checks of a local run (docs/local.md): the simulated clock moving to a schedule's
 * time, a check that found the snapshot still pending (one line: it publishes nothing), a schedule
 * Scheduler could not deliver, and the retention table of a run of nights with promotion.
 */
import type { FiredFollowUp } from '../lambda/follow-ups';
import { LogEvents } from '../../lambda/snapshot/log-events';
import type { FollowUp, Outcome } from '../../lambda/snapshot/types';
import { parseLogLine } from './log-lines';
import { keptFor } from './results';
import { PLAIN, continuation, row, type Style } from './style';

const MINUTE_MS = 60_000;

/** `5 min`, `2 h 15 min`, `3 days` (rounded to the minute; days only when whole). */
export function formatSpan(ms: number): string {
  const minutes = Math.round(ms / MINUTE_MS);
  if (minutes < 60) return `${minutes} min`;
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** `2026-12-01T23:17:57Z` (whole seconds, as Scheduler's at() has them). */
export const instant = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** The follow-up event a fired schedule carried, if it is one. */
export function followUpOf(fired: Pick<FiredFollowUp, 'event'>): FollowUp | undefined {
  const followUp = (fired.event as { followUp?: unknown } | undefined)?.followUp;
  return typeof followUp === 'object' && followUp !== null ? (followUp as FollowUp) : undefined;
}

const short = (id: string | undefined) => (id && id.length > 12 ? `${id.slice(0, 8)}...` : (id ?? '?'));

/** `clock     advancing the simulated clock 5 min to ...: snap-...-1 fires (check 1 of Cluster0's snapshot ...)`. */
export function formatClockLine(
  fromMs: number,
  fired: Pick<FiredFollowUp, 'schedule' | 'firedAt' | 'event'>,
  style: Style = PLAIN,
): string {
  const followUp = followUpOf(fired);
  const what = followUp
    ? `check ${followUp.attempt} of ${followUp.clusterName}'s snapshot ${short(followUp.snapshotId)}`
    : 'not a follow-up check';
  const moved =
    fired.firedAt - fromMs >= MINUTE_MS / 2
      ? `advancing the simulated clock ${formatSpan(fired.firedAt - fromMs)} to ${instant(fired.firedAt)}`
      : `at the same time, ${instant(fired.firedAt)}`;
  return row('clock', `${moved}: schedule ${fired.schedule.name} fires (${what})`, style, style.cyan);
}

/** The status a check read, from its `follow-up check` log line. */
function checkedStatus(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const record = parseLogLine(line);
    if (record?.message === LogEvents.followUpCheck && typeof record.snapshotStatus === 'string')
      return record.snapshotStatus;
  }
  return undefined;
}

/** A reschedule's result: the next check. */
function nextCheckOf(result: unknown): { attempt?: number; nextCheckAt?: string } | undefined {
  const next = (result as { followUp?: { attempt?: number; nextCheckAt?: string } } | undefined)?.followUp;
  return typeof next === 'object' && next !== null ? next : undefined;
}

/** True when the check found the snapshot still pending and only scheduled the next one. */
export function isReschedule(fired: FiredFollowUp): boolean {
  return fired.result?.ok === true && nextCheckOf(fired.result.result) !== undefined;
}

/**
 * One line for a check that found the snapshot still pending, e.g.
 * `check 3   +35 min  Cluster0 6b0f5478...: inProgress, next check 4 in 40 min (at ...); nothing published`.
 */
export function formatRescheduledCheck(fired: FiredFollowUp, style: Style = PLAIN): string {
  const followUp = followUpOf(fired);
  const next = nextCheckOf(fired.result?.result);
  const since = followUp ? `+${formatSpan(fired.firedAt - Date.parse(followUp.requestedAt))}` : '';
  const status = checkedStatus(fired.result?.lines ?? []) ?? 'still pending';
  const nextAt = next?.nextCheckAt !== undefined ? Date.parse(next.nextCheckAt) : undefined;
  const when = nextAt !== undefined ? ` in ${formatSpan(nextAt - fired.firedAt)} (at ${instant(nextAt)})` : '';
  return row(
    `check ${followUp?.attempt ?? '?'}`,
    `${since.padEnd(13)} ${followUp?.clusterName ?? '?'} ${short(followUp?.snapshotId)}: ${status}, next check ${next?.attempt ?? '?'}${when}; nothing published`,
    style,
  );
}

/** A schedule Scheduler could not deliver (it would retry, then send it to the dead-letter queue). */
export function formatUndelivered(fired: FiredFollowUp, style: Style = PLAIN): string[] {
  const dlq = fired.schedule.target.deadLetterArn;
  return [
    row(
      'undeliv.',
      `schedule ${fired.schedule.name} could not be delivered: ${fired.undelivered ?? '?'}`,
      style,
      style.red,
    ),
    continuation(
      dlq
        ? `EventBridge Scheduler would retry it, then send it to ${dlq}`
        : 'and it has no dead-letter queue: it is lost',
    ),
  ];
}

/** One night of a run of nights: when it ran and the confirmation outcome of each cluster. */
export interface Night {
  at: number;
  confirmations: Outcome[];
}

/**
 * Which snapshot was kept how long, night by night: one column per cluster (its snapshot's
 * retention, `(promoted)` when the follow-up extended it, and until when), then each warning once.
 */
export function formatRetentionTable(nights: readonly Night[], style: Style = PLAIN): string[] {
  const clusters = [...new Set(nights.flatMap((n) => n.confirmations.map((o) => o.clusterName ?? '(run)')))];
  const cell = (o: Outcome | undefined): string => {
    if (!o) return '-';
    if (o.code !== 'SNAPSHOT_COMPLETED') return `${o.status} ${o.code}`;
    const until = o.expiresAt ? ` until ${o.expiresAt.slice(0, 10)}` : '';
    return `${keptFor(o) ?? '?'}${o.promotedTo ? ' (promoted)' : ''}${until}${o.warnings?.length ? ' *' : ''}`;
  };
  const rows = nights.map((n, i) => [
    String(i + 1),
    instant(n.at).slice(0, 10),
    ...clusters.map((c) => cell(n.confirmations.find((o) => (o.clusterName ?? '(run)') === c))),
  ]);
  const header = ['night', 'date', ...clusters];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [
    row('kept', style.bold(line(header)), style),
    ...rows.map((r) => {
      const text = line(r);
      return continuation(/\(promoted\)/.test(text) ? style.green(text) : text);
    }),
  ];
  const warnings = new Map<string, Set<string>>();
  for (const o of nights.flatMap((n) => n.confirmations)) {
    for (const w of o.warnings ?? []) {
      const who = warnings.get(w) ?? new Set<string>();
      who.add(o.clusterName ?? '(run)');
      warnings.set(w, who);
    }
  }
  for (const [w, who] of warnings) lines.push(continuation(style.yellow(`* ${[...who].join(', ')}: ${w}`)));
  return lines;
}

/** e.g. `Cluster0: 1 kept 12 months, 4 kept 4 weeks, 25 kept 7 days`, per cluster. */
export function retentionTally(nights: readonly Night[]): string[] {
  const byCluster = new Map<string, Map<string, number>>();
  for (const o of nights.flatMap((n) => n.confirmations)) {
    if (o.code !== 'SNAPSHOT_COMPLETED') continue;
    const counts = byCluster.get(o.clusterName ?? '(run)') ?? new Map<string, number>();
    const kept = keptFor(o) ?? '?';
    counts.set(kept, (counts.get(kept) ?? 0) + 1);
    byCluster.set(o.clusterName ?? '(run)', counts);
  }
  return [...byCluster].map(([cluster, counts]) =>
    continuation(`${cluster}: ${[...counts].map(([kept, n]) => `${n} kept ${kept}`).join(', ')}`),
  );
}
