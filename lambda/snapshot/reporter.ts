/**
 * Reporting one invocation (docs/notifications.md): each outcome is bounded (detail and warnings
 * capped), logged (`outcome`), counted (EMF) and queued for the outcome topic and the chat topic as
 * soon as it is known; the run summary follows the per-target outcomes. `close()` sends what waits
 * and returns every notification that could not be published.
 */
import { LogEvents } from './log-events';
import type { createMetricsBuffer } from './metrics';
import { boundOutcome } from './notify/budget';
import { formatChat } from './notify/chat';
import type { WhereToLook } from './notify/context';
import { formatOutcome, formatSummary, type FormattedEntry } from './notify/format';
import { createOutbox, type Outbox, type OutboxFailure, type OutboxLabel } from './notify/outbox';
import type { TimeBudget } from './time-budget';
import type { Logger, Notice, NotificationPublisher, Outcome, RunSummary } from './types';

/** Time kept for the steps after the last publish (the last log lines, the result). */
export const FINISH_RESERVE_MS = 200;

export interface ReporterOptions {
  logger: Logger;
  where: WhereToLook;
  budget: TimeBudget;
  metrics: ReturnType<typeof createMetricsBuffer>;
  publisher?: NotificationPublisher | undefined;
  topicArn?: string | undefined;
  chatTopicArn?: string | undefined;
  lingerMs: number;
  maxInFlight: number;
}

export interface ReportSummary {
  failures: OutboxFailure[];
  /** PublishBatch requests sent to the outcome topic. */
  requests: number;
}

export interface Reporter {
  /**
   * Reports the outcome once (a second call with the same object, or with the bounded form it
   * returned, does nothing); returns its bounded form. After close() nothing more is queued.
   */
  add(outcome: Outcome): Outcome;
  addSummary(summary: RunSummary): void;
  /** The bounded outcomes reported so far, in the order they were reported. */
  reported(): Outcome[];
  close(): Promise<ReportSummary>;
}

function labelOf(n: Notice): OutboxLabel {
  return {
    code: n.code,
    stage: n.stage,
    ...(n.stage !== 'summary' && n.projectId !== undefined ? { projectId: n.projectId } : {}),
    ...(n.stage !== 'summary' && n.clusterName !== undefined ? { clusterName: n.clusterName } : {}),
  };
}

export function createReporter(options: ReporterOptions): Reporter {
  const { logger, where, budget, publisher } = options;
  const bounded = new Map<Outcome, Outcome>();
  const order: Outcome[] = [];
  const unsent: OutboxFailure[] = [];
  let closed = false;
  const outbox = (topicArn: string | undefined): Outbox | undefined =>
    publisher && topicArn
      ? createOutbox({
          publisher,
          topicArn,
          logger,
          call: (task) => budget.run('SNS PublishBatch', FINISH_RESERVE_MS, task),
          lingerMs: options.lingerMs,
          maxInFlight: options.maxInFlight,
        })
      : undefined;
  const main = outbox(options.topicArn);
  const chat = outbox(options.chatTopicArn);

  const queue = (n: Notice, entry: FormattedEntry): void => {
    const label = labelOf(n);
    if (main) main.add({ entry, label });
    else {
      const error = 'no SNS topic configured';
      unsent.push({ label, error });
      logger.error(LogEvents.notificationFailed, { ...label, error });
    }
    if (chat) chat.add({ entry: formatChat(n, where), label });
  };

  return {
    add(outcome: Outcome): Outcome {
      const known = bounded.get(outcome);
      if (known) return known;
      const safe = boundOutcome(outcome);
      bounded.set(outcome, safe);
      bounded.set(safe, safe);
      if (closed) {
        // A late outcome from work that outlived the invocation's time: the invocation already failed.
        logger.warn(LogEvents.outcome, { outcome: safe, late: true });
        return safe;
      }
      order.push(safe);
      const tagged = logger.child({ projectId: safe.projectId, clusterName: safe.clusterName });
      (safe.status === 'ERROR' ? tagged.error : tagged.info)(LogEvents.outcome, { outcome: safe });
      options.metrics.add(safe);
      queue(safe, formatOutcome(safe, where).entry);
      return safe;
    },
    addSummary(summary: RunSummary): void {
      const { entry, notice } = formatSummary(summary, where);
      logger.info(LogEvents.summary, {
        status: notice.status,
        detail: notice.detail,
        counts: notice.counts,
        ...(notice.omittedTargets ? { omittedTargets: notice.omittedTargets } : {}),
      });
      queue(notice, entry);
    },
    reported: () => [...order],
    async close(): Promise<ReportSummary> {
      closed = true;
      options.metrics.flush();
      const [mainFailures, chatFailures] = await Promise.all([main?.close() ?? [], chat?.close() ?? []]);
      return { failures: [...unsent, ...mainFailures, ...chatFailures], requests: main?.stats().requests ?? 0 };
    },
  };
}
