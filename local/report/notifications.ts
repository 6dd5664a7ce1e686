/**
 * A message the SNS endpoint received, as a subscriber would see it: a per-target message (stage
 * `request` or `confirmation`) as its subject and e-mail body, a run summary (stage `summary`) as
 * its subject and one line per target from its JSON document.
 */
import type { RunSummary } from '../../lambda/snapshot/types';
import { PLAIN, continuation, row, statusColour, type Style } from './style';

/** What `npm start` needs of a message the SNS endpoint received. */
export interface NotificationView {
  subject?: string;
  message: string;
  bodies?: Record<string, string>;
  messageAttributes?: Record<string, { stringValue?: string }>;
}

export interface NotificationOptions {
  /** Also print the message attributes (what subscription filter policies see). */
  attributes?: boolean;
  /** Print the e-mail body (default true); false: one line saying it is like an earlier one. */
  body?: boolean;
}

/** Summary lines printed before the rest are counted. */
const SUMMARY_LINES = 20;

const attributeOf = (message: NotificationView, name: string) => message.messageAttributes?.[name]?.stringValue;

/** The stage and code a message is about, e.g. `confirmation SNAPSHOT_COMPLETED` (bodies repeat per kind). */
export function notificationKind(message: NotificationView): string {
  return `${attributeOf(message, 'stage') ?? 'request'} ${attributeOf(message, 'code') ?? ''}`;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function summaryLines(message: NotificationView, style: Style): string[] {
  const doc = parseJson(message.bodies?.default ?? message.message) as Partial<RunSummary> | undefined;
  const targets = Array.isArray(doc?.targets) ? doc.targets : [];
  const lines = targets.slice(0, SUMMARY_LINES).map((t) => {
    const colour = statusColour(t.status, style);
    const where = t.clusterName ? `${t.projectId ?? '?'}/${t.clusterName}` : (t.projectId ?? '(run)');
    return continuation(`${style.dim('|')} ${colour(t.status.padEnd(7))}  ${t.code.padEnd(29)}  ${where}`);
  });
  const more = Math.max(0, targets.length - SUMMARY_LINES) + (doc?.omittedTargets ?? 0);
  if (more > 0) lines.push(continuation(`${style.dim('|')} ... and ${more} more`));
  return lines;
}

export function formatNotification(
  message: NotificationView,
  style: Style = PLAIN,
  options: NotificationOptions = {},
): string[] {
  const subject = message.subject ?? '(no subject)';
  const stage = attributeOf(message, 'stage');
  const status = attributeOf(message, 'status') ?? /^\[(SUCCESS|SKIPPED|ERROR)\]/.exec(subject)?.[1];
  const colour = statusColour(status, style);
  const label = stage === 'summary' ? 'summary' : 'notify';
  const tag =
    stage === 'summary'
      ? style.dim('  (the run summary: one message per run)')
      : stage === 'confirmation'
        ? style.dim('  (confirmation: the follow-up check)')
        : '';
  const lines = [row(label, `${style.bold(colour(subject))}${tag}`, style, colour)];
  if (options.attributes && message.messageAttributes) {
    const attributes = Object.entries(message.messageAttributes).map(([k, v]) => `${k}=${v.stringValue ?? ''}`);
    lines.push(continuation(style.dim(`attributes: ${attributes.join(' ')}`)));
  }
  if (stage === 'summary') return [...lines, ...summaryLines(message, style)];
  if (options.body === false) return [...lines, continuation(style.dim('| (e-mail body like the one above)'))];
  const email = message.bodies?.email ?? message.bodies?.default ?? message.message;
  for (const line of email.split('\n'))
    lines.push(continuation(line === '' ? style.dim('|') : `${style.dim('|')} ${line}`));
  return lines;
}
