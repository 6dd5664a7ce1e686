/**
 * The outbox of one topic for one invocation (docs/notifications.md, "Delivery"): entries are queued
 * as outcomes are known and sent with PublishBatch, at most 10 entries and 256 KB per request. A batch
 * goes out as soon as 10 entries wait, or when the oldest waiting entry has waited `lingerMs`, and
 * everything goes at `close()`: nothing is held back to the end, so an invocation cut short has sent
 * what it knew. At most `maxInFlight` requests run at once. An entry SNS refuses (or every entry of a
 * request that failed) is sent once more; if that fails too it is logged
 * (`notification could not be published`) and returned by `close()` so the invocation fails.
 */
import { LogEvents } from '../log-events';
import { describeError } from '../errors';
import { createLimiter } from '../pool';
import { OutOfTimeError } from '../time-budget';
import type { Logger, NotificationPublisher, PublishEntry, PublishResult } from '../types';
import { packBatches, SNS_MAX_BATCH_ENTRIES, SNS_MAX_BYTES } from './budget';
import type { FormattedEntry } from './format';

/** Who an entry is about, for its log lines. */
export interface OutboxLabel {
  code: string;
  stage: string;
  projectId?: string;
  clusterName?: string;
}

export interface OutboxItem {
  entry: FormattedEntry;
  label: OutboxLabel;
}

export interface OutboxFailure {
  label: OutboxLabel;
  error: string;
}

export interface OutboxOptions {
  publisher: NotificationPublisher;
  topicArn: string;
  logger: Logger;
  /** Runs one PublishBatch call within the invocation's time (rejecting with OutOfTimeError when it runs out). */
  call: (task: (signal: AbortSignal) => Promise<PublishResult[]>) => Promise<PublishResult[]>;
  lingerMs: number;
  maxInFlight: number;
}

export interface OutboxStats {
  /** PublishBatch requests sent (retries included). */
  requests: number;
  published: number;
  failed: number;
}

interface Waiting {
  item: OutboxItem;
  /** 1 = first try, 2 = the retry. */
  attempt: 1 | 2;
  bytes: number;
}

export interface Outbox {
  add(item: OutboxItem): void;
  /** Sends what waits and resolves, once every request (and retry) is settled, with the failures. */
  close(): Promise<OutboxFailure[]>;
  stats(): OutboxStats;
}

export function createOutbox(options: OutboxOptions): Outbox {
  const { publisher, topicArn, logger } = options;
  const limit = createLimiter(options.maxInFlight);
  const inFlight = new Set<Promise<void>>();
  const failures: OutboxFailure[] = [];
  const stats: OutboxStats = { requests: 0, published: 0, failed: 0 };
  let waiting: Waiting[] = [];
  let waitingBytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 0;

  const fail = (w: Waiting, error: string): void => {
    stats.failed++;
    failures.push({ label: w.item.label, error });
    logger.error(LogEvents.notificationFailed, { ...w.item.label, topicArn, attempt: w.attempt, error });
  };

  const dispatch = (batch: Waiting[]): void => {
    const task = limit(() => send(batch)).finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  /** Sends the waiting entries: all of them, or all but a last batch that is not full yet. */
  const drain = (everything: boolean): void => {
    const batches = packBatches(waiting);
    const last = batches[batches.length - 1];
    const keep = !everything && last !== undefined && last.length < SNS_MAX_BATCH_ENTRIES ? batches.pop() : undefined;
    waiting = keep ?? [];
    waitingBytes = waiting.reduce((sum, w) => sum + w.bytes, 0);
    for (const batch of batches) dispatch(batch);
    if (waiting.length === 0 && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  };

  const enqueue = (w: Waiting): void => {
    waiting.push(w);
    waitingBytes += w.bytes;
    if (waiting.length >= SNS_MAX_BATCH_ENTRIES || waitingBytes > SNS_MAX_BYTES) drain(false);
    if (waiting.length > 0 && timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        drain(true);
      }, options.lingerMs);
      timer.unref?.();
    }
  };

  async function send(batch: Waiting[]): Promise<void> {
    const ids = batch.map(() => `n${nextId++}`);
    const entries: PublishEntry[] = batch.map((w, i) => {
      const { bytes: _bytes, ...entry } = w.item.entry;
      return { id: ids[i] ?? '', ...entry };
    });
    const retries: Waiting[] = [];
    const retryOrFail = (w: Waiting, error: string, retriable: boolean): void => {
      if (retriable && w.attempt === 1) retries.push({ ...w, attempt: 2 });
      else fail(w, error);
    };
    stats.requests++;
    try {
      const results = await options.call((abortSignal) => publisher.publishBatch(topicArn, entries, { abortSignal }));
      const byId = new Map(results.map((r) => [r.id, r]));
      batch.forEach((w, i) => {
        const result = byId.get(ids[i] ?? '');
        if (result?.ok) {
          stats.published++;
          logger.debug(LogEvents.notificationPublished, { ...w.item.label, topicArn, messageId: result.messageId });
        } else {
          retryOrFail(w, result ? result.error : 'SNS returned no result for the entry', true);
        }
      });
    } catch (e: unknown) {
      const error = describeError(e);
      for (const w of batch) retryOrFail(w, error, !(e instanceof OutOfTimeError));
    }
    // The retries go out at once, as one request (they fit: they came from one).
    if (retries.length > 0) dispatch(retries);
  }

  return {
    add(item: OutboxItem): void {
      enqueue({ item, attempt: 1, bytes: item.entry.bytes });
    },
    async close(): Promise<OutboxFailure[]> {
      drain(true);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      return failures;
    },
    stats: () => ({ ...stats }),
  };
}
