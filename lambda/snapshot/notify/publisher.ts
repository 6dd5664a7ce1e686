/**
 * The SNS adapter behind the `NotificationPublisher` port: one PublishBatch per call (the caller
 * keeps a batch within 10 entries and 256 KB, docs/notifications.md), one result per entry in
 * input order. SNS reports refused entries in `Failed` while the call succeeds: those become
 * `ok: false` results. A failed call (network, timeout, 5xx after the SDK's retries, throttling,
 * a malformed entry, which SNS refuses for the whole batch) throws a `CodedError`.
 */
import {
  type MessageAttributeValue,
  PublishBatchCommand,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { describeAwsFailure } from '../aws-errors';
import { CodedError } from '../errors';
import type { CallOptions, NotificationPublisher, PublishEntry, PublishResult } from '../types';

export function snsBatchPublisher(client: Pick<SNSClient, 'send'>): NotificationPublisher {
  return {
    async publishBatch(topicArn, entries, options: CallOptions = {}) {
      if (entries.length === 0) return [];
      let answer: PublishBatchCommandOutput;
      try {
        answer = await client.send(
          new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries.map(toRequestEntry) }),
          options.abortSignal ? { abortSignal: options.abortSignal } : {},
        );
      } catch (error: unknown) {
        const failure = describeAwsFailure(error);
        throw new CodedError(
          failure.code,
          `SNS PublishBatch of ${entries.length} message(s) to ${topicArn} failed: ${failure.detail}`,
          failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {},
        );
      }
      return toResults(entries, answer);
    },
  };
}

/**
 * Subject and MessageStructure only when set; attributes as String attributes. An empty value
 * is left out: SNS refuses it, and would refuse the whole batch with it.
 */
export function toRequestEntry(entry: PublishEntry): PublishBatchRequestEntry {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(entry.attributes)) {
    if (value !== '') attributes[name] = { DataType: 'String', StringValue: value };
  }
  return {
    Id: entry.id,
    Message: entry.message,
    ...(entry.subject !== undefined ? { Subject: entry.subject } : {}),
    ...(entry.messageStructure !== undefined ? { MessageStructure: entry.messageStructure } : {}),
    ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
  };
}

function toResults(entries: readonly PublishEntry[], answer: PublishBatchCommandOutput): PublishResult[] {
  const published = new Map((answer.Successful ?? []).map((s) => [s.Id, s]));
  const refused = new Map((answer.Failed ?? []).map((f) => [f.Id, f]));
  return entries.map((entry): PublishResult => {
    const success = published.get(entry.id);
    if (success)
      return success.MessageId ? { id: entry.id, ok: true, messageId: success.MessageId } : { id: entry.id, ok: true };
    const failure = refused.get(entry.id);
    if (!failure)
      return { id: entry.id, ok: false, error: 'SNS reported neither success nor failure for this message' };
    // SenderFault: SNS refused what was sent (sending it again will not help); otherwise SNS failed.
    const verb = failure.SenderFault ? 'refused' : 'failed';
    const reason = failure.Message ? `${failure.Code ?? 'Unknown'}: ${failure.Message}` : (failure.Code ?? 'Unknown');
    return { id: entry.id, ok: false, error: `SNS ${verb} the message: ${reason}` };
  });
}
