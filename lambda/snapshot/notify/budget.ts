/**
 * Size budgets of what the function publishes and returns (docs/notifications.md, "Sizes"): SNS takes
 * at most 256 KB per message (body and attributes) and per PublishBatch request, and at most 10 entries
 * per request. Texts and lists that come from elsewhere (Atlas details, problem lists, warnings) are
 * capped with a note saying how much was left out, so a hostile or huge answer never costs a message.
 */
import type { Outcome, PublishEntry } from '../types';

/** SNS: a message (body + subject + attributes) and a whole PublishBatch request, in bytes. */
export const SNS_MAX_BYTES = 262_144;
/** SNS: entries per PublishBatch request. */
export const SNS_MAX_BATCH_ENTRIES = 10;
/** `detail` of an outcome, in characters. */
export const DETAIL_MAX_CHARS = 4_000;
/** Items of a list shown to people (problems, warnings), before "... and N more". */
export const LIST_MAX_ITEMS = 20;
/** One warning, in characters. */
export const WARNING_MAX_CHARS = 500;

/** `text`, or its first `max` characters and "... (N more characters)". */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}... (${text.length - max} more characters)`;
}

/** The first `max` items, and "... and N more" when some were left out. */
export function capList(items: readonly string[], max: number = LIST_MAX_ITEMS): string[] {
  if (items.length <= max) return [...items];
  return [...items.slice(0, max), `... and ${items.length - max} more`];
}

/** The outcome with `detail` and `warnings` within their caps (the same object when nothing is over). */
export function boundOutcome(outcome: Outcome, detailMax: number = DETAIL_MAX_CHARS): Outcome {
  const { detail, warnings } = outcome;
  const detailOver = detail !== undefined && detail.length > detailMax;
  const warningsOver =
    warnings !== undefined && (warnings.length > LIST_MAX_ITEMS || warnings.some((w) => w.length > WARNING_MAX_CHARS));
  if (!detailOver && !warningsOver) return outcome;
  return {
    ...outcome,
    ...(detailOver ? { detail: capText(detail, detailMax) } : {}),
    ...(warningsOver ? { warnings: capList(warnings, LIST_MAX_ITEMS).map((w) => capText(w, WARNING_MAX_CHARS)) } : {}),
  };
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * What SNS counts for one entry: the message, the subject and every attribute's name, type and value
 * (counting the subject is stricter than SNS needs, and keeps a margin).
 */
export function entryBytes(entry: Pick<PublishEntry, 'message' | 'subject' | 'attributes'>): number {
  let bytes = utf8Bytes(entry.message) + (entry.subject !== undefined ? utf8Bytes(entry.subject) : 0);
  for (const [name, value] of Object.entries(entry.attributes)) {
    bytes += utf8Bytes(name) + utf8Bytes('String') + utf8Bytes(value);
  }
  return bytes;
}

/**
 * Splits entries, in order, into PublishBatch requests of at most SNS_MAX_BATCH_ENTRIES entries and
 * SNS_MAX_BYTES in all. Every entry is expected to fit on its own (the formatter shrinks it first).
 */
export function packBatches<T extends { bytes: number }>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= SNS_MAX_BATCH_ENTRIES || bytes + item.bytes > SNS_MAX_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
