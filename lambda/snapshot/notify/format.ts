/**
 * Notifications for the outcome topic (docs/notifications.md): every message is `MessageStructure:
 * json` with a `default` body (the JSON document, for SQS/Lambda/HTTP subscribers) and an `email` body
 * (plain text a person reads at 3 a.m.: what happened, to which cluster, what to do, where to look),
 * a short subject with status and cluster first, and String attributes for subscription filters.
 * Pure: the outbox publishes what this returns.
 */
import { Codes } from '../codes';
import { limitSummaryLines } from '../core/summary';
import type { Notice, Outcome, PublishEntry, RunSummary, Status } from '../types';
import { adviceFor, summaryAdvice } from './advice';
import { boundOutcome, capText, entryBytes, SNS_MAX_BYTES } from './budget';
import { whereToLookLines, type WhereToLook } from './context';

/** A formatted entry without its batch id, with its size as SNS counts it. */
export type FormattedEntry = Omit<PublishEntry, 'id'> & { bytes: number };

const SUBJECT_MAX = 100;
/** Lines a summary starts with before it is shrunk to fit (each line is about 250 bytes in both bodies). */
const SUMMARY_LINES_START = 1_000;

const WHAT: Record<string, string> = {
  [Codes.SNAPSHOT_REQUESTED]: 'snapshot requested',
  [Codes.SNAPSHOT_IN_PROGRESS]: 'snapshot already in progress',
  [Codes.DRY_RUN]: 'dry run, nothing requested',
  [Codes.SNAPSHOT_FAILED]: 'snapshot failed',
  [Codes.SNAPSHOT_NOT_CONFIRMED]: 'snapshot not confirmed',
  [Codes.CLUSTER_PAUSED]: 'cluster paused, no snapshot',
};

/** 1582854144 -> "1.6 GB" (decimal units, as Atlas shows sizes). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

/** 151 -> "2 min 31 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${s % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function oneLine(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - 3)}...`;
}

/** Subject: status and cluster first (mail clients cut the end), ASCII, one line, <= 100 characters. */
export function subjectFor(n: Notice): string {
  if (n.stage === 'summary') {
    const counts = (['SUCCESS', 'SKIPPED', 'ERROR'] as const).filter((s) => n.counts[s] > 0);
    const total = n.counts.SUCCESS + n.counts.SKIPPED + n.counts.ERROR;
    const parts = [`${total} target${total === 1 ? '' : 's'}`, ...counts.map((s) => `${n.counts[s]} ${s}`)];
    return oneLine(`[${n.status}] Atlas snapshot run${n.dryRun ? ' (dry run)' : ''}: ${parts.join(', ')}`);
  }
  const where = n.clusterName ? `${n.clusterName}${n.clusterName === '*' ? ' (all clusters)' : ''}` : 'all targets';
  const what =
    n.code === Codes.SNAPSHOT_COMPLETED
      ? `completed${n.storageSizeBytes !== undefined ? ` (${formatBytes(n.storageSizeBytes)})` : ''}`
      : (WHAT[n.code] ?? n.code);
  return oneLine(`[${n.status}] Atlas snapshot ${where}: ${what}`);
}

/** String attributes for filter policies; the ones that do not apply are left out (SNS refuses empty values). */
export function attributesFor(n: Notice): Record<string, string> {
  const values: Record<string, string | undefined> = {
    status: n.status,
    code: n.code,
    projectId: n.stage === 'summary' ? undefined : n.projectId,
    clusterName: n.stage === 'summary' ? undefined : n.clusterName,
    trigger: n.trigger,
    stage: n.stage,
  };
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (value) attributes[name] = value;
  return attributes;
}

const FIELD_ORDER: Array<keyof Outcome> = [
  'status',
  'code',
  'stage',
  'projectId',
  'clusterName',
  'snapshotId',
  'snapshotStatus',
  'retentionInDays',
  'description',
  'requestedAt',
  'followUpAt',
  'attempt',
  'createdAt',
  'expiresAt',
  'storageSizeBytes',
  'durationSeconds',
  'promotedTo',
  'httpStatus',
  'detail',
  'trigger',
  'dryRun',
  'invocationId',
  'timestamp',
];

function fieldText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function headline(o: Outcome): string {
  const cluster = o.clusterName
    ? `cluster ${o.clusterName}${o.projectId ? ` (project ${o.projectId})` : ''}`
    : 'the configured targets';
  if (o.stage === 'confirmation') {
    const snapshot = o.snapshotId
      ? `The on-demand snapshot ${o.snapshotId} of ${cluster}`
      : `The snapshot of ${cluster}`;
    if (o.code === Codes.SNAPSHOT_COMPLETED) {
      const facts = [
        ...(o.storageSizeBytes !== undefined ? [formatBytes(o.storageSizeBytes)] : []),
        ...(o.durationSeconds !== undefined ? [`${formatDuration(o.durationSeconds)} after the request`] : []),
      ];
      return `${snapshot} completed${facts.length > 0 ? ` (${facts.join(', ')})` : ''}.`;
    }
    if (o.code === Codes.SNAPSHOT_FAILED) return `${snapshot} FAILED in Atlas.`;
    if (o.code === Codes.SNAPSHOT_NOT_CONFIRMED) return `${snapshot} could NOT be confirmed.`;
    return o.status === 'ERROR' ? `The completion check of ${cluster} FAILED.` : `${snapshot}: ${o.code}.`;
  }
  const byStatus: Record<Status, string> = {
    SUCCESS: `An on-demand snapshot was requested for ${cluster}.`,
    SKIPPED: `No snapshot was requested for ${cluster}.`,
    ERROR: `The on-demand snapshot for ${cluster} FAILED.`,
  };
  return byStatus[o.status];
}

function runLine(o: Outcome): string {
  const at = `at ${o.timestamp}, Lambda request id ${o.invocationId}`;
  if (o.stage === 'confirmation') {
    const requested = o.requestedAt ? ` of the snapshot requested at ${o.requestedAt}` : '';
    return `Check${o.attempt !== undefined ? ` ${o.attempt}` : ''}${requested} (${o.trigger} run) ${at}`;
  }
  return `Run: ${o.trigger}${o.dryRun ? ' (dry run)' : ''} ${at}`;
}

export interface EmailOptions {
  /** The "Details:" block with every field (dropped first when a message is too large). */
  details?: boolean;
}

export function emailBody(o: Outcome, where?: WhereToLook, options: EmailOptions = {}): string {
  const warnings = o.warnings ?? [];
  const lines = [
    headline(o),
    '',
    `What happened: ${o.code}${o.httpStatus ? ` (HTTP ${o.httpStatus})` : ''}${o.detail ? `: ${o.detail}` : ''}`,
    `What to do: ${adviceFor(o)}`,
    ...(warnings.length > 0
      ? ['', 'Warnings (they did not change the status):', ...warnings.map((w) => `  - ${w}`)]
      : []),
    '',
    runLine(o),
    ...(options.details === false
      ? []
      : ['', 'Details:', ...FIELD_ORDER.filter((k) => o[k] !== undefined).map((k) => `  ${k}: ${fieldText(o[k])}`)]),
    ...(where ? ['', ...whereToLookLines(where)] : []),
  ];
  return lines.join('\n');
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function summaryEmailBody(s: RunSummary, where?: WhereToLook): string {
  const rows = [
    ['STATUS', 'CODE', 'PROJECT', 'CLUSTER', 'SNAPSHOT'],
    ...s.targets.map((t) => [t.status, t.code, t.projectId ?? '-', t.clusterName ?? '-', t.snapshotId ?? '']),
  ];
  const omitted = s.omittedTargets ?? 0;
  const lines = [
    `Atlas snapshot run${s.dryRun ? ' (dry run)' : ''}: ${s.detail}.`,
    '',
    `What to do: ${summaryAdvice(s)}`,
    '',
    `Run: ${s.trigger}${s.dryRun ? ' (dry run)' : ''} at ${s.timestamp}, Lambda request id ${s.invocationId}`,
    '',
    ...table(rows),
    ...(omitted > 0
      ? [
          `... and ${omitted} more target(s), left out to fit the message (failures are listed first); every target has an "outcome" line in the log.`,
        ]
      : []),
    ...(where ? ['', ...whereToLookLines(where)] : []),
  ];
  return lines.join('\n');
}

function entryOf(n: Notice, email: string): FormattedEntry {
  const entry = {
    subject: subjectFor(n),
    message: JSON.stringify({ default: JSON.stringify(n), email }),
    messageStructure: 'json' as const,
    attributes: attributesFor(n),
  };
  return { ...entry, bytes: entryBytes(entry) };
}

/** Every string field of the outcome cut to `max` characters: the last resort before a message is dropped. */
function cutStrings(o: Outcome, max: number): Outcome {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(o)) {
    out[key] = typeof value === 'string' ? capText(value, max) : value;
  }
  if (o.warnings) out.warnings = o.warnings.slice(0, 3).map((w) => capText(w, max));
  return out as unknown as Outcome;
}

/**
 * The outcome's message within SNS's 256 KB: first as it is (detail and warnings capped), then with
 * a shorter detail, then without the e-mail's details block, then with every field cut short.
 */
export function formatOutcome(o: Outcome, where?: WhereToLook): { entry: FormattedEntry; notice: Outcome } {
  const bounded = boundOutcome(o);
  const attempts: Array<() => { notice: Outcome; email: EmailOptions }> = [
    () => ({ notice: bounded, email: {} }),
    () => ({ notice: boundOutcome(bounded, 500), email: {} }),
    () => ({ notice: boundOutcome(bounded, 500), email: { details: false } }),
    () => ({ notice: cutStrings(bounded, 200), email: { details: false } }),
  ];
  let last: { entry: FormattedEntry; notice: Outcome } | undefined;
  for (const attempt of attempts) {
    const { notice, email } = attempt();
    last = { entry: entryOf(notice, emailBody(notice, where, email)), notice };
    if (last.entry.bytes <= SNS_MAX_BYTES) return last;
  }
  return last ?? { entry: entryOf(bounded, emailBody(bounded, where)), notice: bounded };
}

/** The summary's message within SNS's 256 KB: as many lines as fit (halved until they do). */
export function formatSummary(s: RunSummary, where?: WhereToLook): { entry: FormattedEntry; notice: RunSummary } {
  let max = Math.min(s.targets.length, SUMMARY_LINES_START);
  for (;;) {
    const notice = limitSummaryLines(s, max);
    const entry = entryOf(notice, summaryEmailBody(notice, where));
    if (entry.bytes <= SNS_MAX_BYTES || max === 0) return { entry, notice };
    max = Math.floor(max / 2);
  }
}

/** Either notice, formatted for the outcome topic. */
export function formatNotification(n: Notice, where?: WhereToLook): FormattedEntry {
  return n.stage === 'summary' ? formatSummary(n, where).entry : formatOutcome(n, where).entry;
}
