/**
 * TEMPORARY, deleted when the round-2 branches are merged (MERGE NOTE, r2-handler): this branch's
 * handler is written against the round-2 core (parseInvocation, runTargets with notices and
 * confirmation, confirmSnapshot) and the PublishBatch adapter (notify/publisher.ts), which other
 * branches build. Until they are merged, index.ts wires these stand-ins so the bundle runs:
 * - `round1Core`: the round-1 event parser and run over the CoreApi shape; follow-up events are
 *   refused (INVALID_INPUT, stage confirmation) because round 1 cannot check a snapshot.
 * - `publishEach`: a NotificationPublisher that sends each entry with Publish.
 * At merge, index.ts takes `{ parseInvocation }` from ./event, `{ runTargets }` from ./core/run,
 * `{ confirmSnapshot }` from ./core/confirm and `snsBatchPublisher` from ./notify/publisher.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { FOLLOW_UP_KEY } from './contract';
import { runTargets as runRound1 } from './core';
import type { CoreApi } from './core-api';
import { describeError } from './errors';
import { parseEvent } from './event';
import type { NotificationPublisher, PublishResult } from './types';
import { isPlainObject } from './validation';

export const round1Core: CoreApi = {
  parseInvocation(event, config) {
    if (isPlainObject(event) && FOLLOW_UP_KEY in event) {
      return {
        kind: 'invalid',
        stage: 'confirmation',
        trigger: 'manual',
        problems: ['event.followUp: this build cannot check follow-ups (its core is the round-1 core)'],
      };
    }
    const parsed = parseEvent(event, config);
    return parsed.ok
      ? { kind: 'run', request: parsed.request }
      : { kind: 'invalid', problems: parsed.problems, trigger: parsed.trigger, stage: 'request' };
  },
  runTargets: (ctx) =>
    runRound1({
      request: ctx.request,
      invocationId: ctx.invocationId,
      now: ctx.now,
      logger: ctx.logger,
      concurrency: ctx.concurrency,
      atlasFor: (target, logger) => ctx.atlasFor(target, logger, () => undefined),
      ...(ctx.onOutcome ? { onOutcome: ctx.onOutcome } : {}),
    }),
  confirmSnapshot: () => Promise.reject(new Error('this build cannot check follow-ups (round-1 core)')),
};

/** One Publish per entry, concurrently; a refused entry is `ok: false` like PublishBatch's `Failed`. */
export function publishEach(client: Pick<SNSClient, 'send'>): NotificationPublisher {
  return {
    publishBatch: (topicArn, entries) =>
      Promise.all(
        entries.map(async (entry): Promise<PublishResult> => {
          try {
            const answer = await client.send(
              new PublishCommand({
                TopicArn: topicArn,
                Message: entry.message,
                ...(entry.subject !== undefined ? { Subject: entry.subject } : {}),
                ...(entry.messageStructure ? { MessageStructure: entry.messageStructure } : {}),
                MessageAttributes: Object.fromEntries(
                  Object.entries(entry.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
                ),
              }),
            );
            return { id: entry.id, ok: true, ...(answer.MessageId ? { messageId: answer.MessageId } : {}) };
          } catch (e: unknown) {
            return { id: entry.id, ok: false, error: describeError(e) };
          }
        }),
      ),
  };
}
