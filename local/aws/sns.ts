/**
 * SNS on the protocol @aws-sdk/client-sns 3.1169 speaks: AWS Query (form body
 * `Action=Publish&Version=2010-03-31&TopicArn=...`, `MessageAttributes.entry.N.Name/Value.*`;
 * `Action=PublishBatch&...&PublishBatchRequestEntries.member.N.{Id,Message,...}`) answered with
 * XML (`PublishResponse`, `PublishBatchResponse` with `Successful`/`Failed` members, or
 * `ErrorResponse` with Type/Code/Message). Both are validated the way SNS does (sns-rules.ts),
 * so a notification that real SNS would refuse is refused here too.
 */
import { randomUUID } from 'node:crypto';
import { type HangOptions, FailureScript, type Hangable, HangScript } from './faults';
import {
  type BatchEntry,
  type MessageAttribute,
  type SnsFailure,
  SnsError,
  checkBatch,
  checkBatchEntries,
  checkMessage,
  checkSubject,
  invalid,
  parseAttributes,
  parseBatchEntries,
  parseStructure,
} from './sns-rules';
import { type AwsAnswer, type AwsRequest, escapeXml, requestId } from './wire';

export type { BatchEntry, MessageAttribute, SnsFailure } from './sns-rules';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  message: string;
  subject?: string;
  messageStructure?: string;
  messageAttributes: Record<string, MessageAttribute>;
  /** With `MessageStructure=json`: the per-protocol bodies (`default`, `email`, ...). */
  bodies?: Record<string, string>;
  /** The entry's `Id` when the message came in a PublishBatch. */
  batchEntryId?: string;
  region?: string;
  receivedAt: string;
}

export interface PublishAttempt {
  action: 'Publish' | 'PublishBatch';
  topicArn?: string;
  status: number;
  code?: string;
  /** PublishBatch: how many entries the request carried, and how many SNS reported Failed. */
  entries?: number;
  failedEntries?: number;
}

/**
 * Failures worth scripting, with the wire codes of the SDK's error model (e.g. `Throttled`
 * -> ThrottledException). The SDK retries `internal` (500) and `throttled` (429) by itself.
 */
export const SNS_FAILURES = {
  internal: { status: 500, code: 'InternalError', message: 'Internal Error', type: 'Receiver' },
  authorization: {
    status: 403,
    code: 'AuthorizationError',
    message: 'User is not authorized to perform: SNS:Publish on resource',
    type: 'Sender',
  },
  kmsAccessDenied: {
    status: 400,
    code: 'KMSAccessDenied',
    message: 'The ciphertext refers to a customer master key that does not exist',
    type: 'Sender',
  },
  throttled: { status: 429, code: 'Throttled', message: 'Rate exceeded', type: 'Sender' },
} as const satisfies Record<string, SnsFailure>;

/** How SNS reports one entry of a PublishBatch it did not publish (`Failed.member.N`). */
export interface SnsEntryFailure {
  code: string;
  message: string;
  senderFault: boolean;
}

/** Entry failures worth scripting: the call itself succeeds (200), these entries land in `Failed`. */
export const SNS_ENTRY_FAILURES = {
  internal: { code: 'InternalError', message: 'Internal Error', senderFault: false },
  throttled: { code: 'Throttled', message: 'Rate exceeded', senderFault: false },
  kmsThrottling: { code: 'KMSThrottling', message: 'Rate exceeded for KMS', senderFault: false },
  invalidParameter: { code: 'InvalidParameter', message: 'Invalid parameter', senderFault: true },
} as const satisfies Record<string, SnsEntryFailure>;

/** Which entries a scripted entry failure hits: the next N, or those a predicate picks. */
export type EntrySelector = number | ((entry: BatchEntry, topicArn: string) => boolean);

interface EntryScript {
  matches: (entry: BatchEntry, topicArn: string) => boolean;
  remaining: number;
  failure: SnsEntryFailure;
}

export function xmlError(failure: SnsFailure): AwsAnswer {
  const body =
    `<ErrorResponse xmlns="${NS}"><Error><Type>${failure.type ?? 'Sender'}</Type><Code>${escapeXml(failure.code)}</Code>` +
    `<Message>${escapeXml(failure.message ?? failure.code)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
  return { status: failure.status, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId() }, body };
}

function xmlAnswer(action: string, result: string): AwsAnswer {
  const body =
    `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId() }, body };
}

function batchAnswer(successful: PublishedMessage[], failed: Array<SnsEntryFailure & { id: string }>): AwsAnswer {
  const ok = successful
    .map((m) => `<member><Id>${escapeXml(m.batchEntryId ?? '')}</Id><MessageId>${m.messageId}</MessageId></member>`)
    .join('');
  const refused = failed
    .map(
      (f) =>
        `<member><Id>${escapeXml(f.id)}</Id><Code>${escapeXml(f.code)}</Code><Message>${escapeXml(f.message)}</Message>` +
        `<SenderFault>${String(f.senderFault)}</SenderFault></member>`,
    )
    .join('');
  return xmlAnswer('PublishBatch', `<Successful>${ok}</Successful><Failed>${refused}</Failed>`);
}

export class SnsStandIn implements Hangable {
  private readonly topics = new Set<string>();
  private readonly denied = new Set<string>();
  private readonly failures = new FailureScript<SnsFailure>();
  private readonly hangs = new HangScript();
  private entryScripts: EntryScript[] = [];
  /** Messages SNS accepted (from Publish and PublishBatch alike), in order. */
  readonly published: PublishedMessage[] = [];
  /** Every Publish and PublishBatch request, accepted or not (SDK retries show up here). */
  readonly attempts: PublishAttempt[] = [];

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  topicArn(name: string): string {
    return name.startsWith('arn:') ? name : `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
  }

  /** Creates a topic from a name or an ARN; returns its ARN. */
  addTopic(nameOrArn: string): string {
    const arn = this.topicArn(nameOrArn);
    this.topics.add(arn);
    return arn;
  }

  removeTopic(nameOrArn: string): void {
    this.topics.delete(this.topicArn(nameOrArn));
  }

  /** The next `count` Publish or PublishBatch requests fail as a whole (default: 500 InternalError). */
  failNext(count: number, failure: SnsFailure = SNS_FAILURES.internal): void {
    this.failures.failNext(count, failure);
  }

  /** Every request fails until `recover()`. */
  failAlways(failure: SnsFailure = SNS_FAILURES.internal): void {
    this.failures.failAlways(failure);
  }

  /**
   * PublishBatch entries land in `Failed` while the call succeeds: the next `count` entries,
   * or every entry `predicate` picks (until `recover()`). Default failure: InternalError.
   */
  failEntries(selector: EntrySelector, failure: SnsEntryFailure = SNS_ENTRY_FAILURES.internal): void {
    this.entryScripts.push(
      typeof selector === 'number'
        ? { matches: () => true, remaining: selector, failure }
        : { matches: selector, remaining: Number.POSITIVE_INFINITY, failure },
    );
  }

  /** Ends every scripted failure, of calls and of entries. */
  recover(): void {
    this.failures.recover();
    this.entryScripts = [];
  }

  /** The next `count` requests are read and never answered (until the server closes). */
  hangNext(count: number, options: HangOptions = {}): void {
    this.hangs.hangNext(count, options);
  }

  takeHang(): HangOptions | undefined {
    return this.hangs.takeHang();
  }

  /** Publishing to this topic answers 403 AuthorizationError (a missing sns:Publish grant). */
  denyPublish(nameOrArn: string, denied = true): void {
    const arn = this.topicArn(nameOrArn);
    if (denied) this.denied.add(arn);
    else this.denied.delete(arn);
  }

  /** The parsed `default` bodies (or raw messages) that are JSON: the outcome documents. */
  documents(): unknown[] {
    return this.published.flatMap((message) => {
      try {
        return [JSON.parse(message.bodies?.default ?? message.message) as unknown];
      } catch {
        return [];
      }
    });
  }

  clear(): void {
    this.published.length = 0;
    this.attempts.length = 0;
  }

  handle(form: URLSearchParams, req: AwsRequest): AwsAnswer {
    const action = form.get('Action');
    if (action !== 'Publish' && action !== 'PublishBatch') {
      return xmlError({
        status: 400,
        code: 'InvalidAction',
        message: `The action ${action ?? '(none)'} is not valid for this endpoint.`,
      });
    }
    const topicArn = form.get('TopicArn');
    const attempt: PublishAttempt = { action, ...(topicArn !== null ? { topicArn } : {}), status: 0 };
    this.attempts.push(attempt);
    let answer: AwsAnswer;
    try {
      answer =
        action === 'Publish'
          ? xmlAnswer('Publish', `<MessageId>${this.publish(form, req).messageId}</MessageId>`)
          : this.publishBatch(form, req, attempt);
    } catch (error: unknown) {
      if (!(error instanceof SnsError)) throw error;
      answer = xmlError(error.failure);
      attempt.code = error.failure.code;
    }
    attempt.status = answer.status;
    return answer;
  }

  private publish(form: URLSearchParams, req: AwsRequest): PublishedMessage {
    const topicArn = this.checkTopic(form.get('TopicArn') ?? form.get('TargetArn'));
    this.takeScriptedFailure();
    const message = form.get('Message') ?? '';
    const subject = form.get('Subject') ?? undefined;
    const messageStructure = form.get('MessageStructure') ?? undefined;
    const messageAttributes = parseAttributes(form);
    checkMessage(message, messageAttributes);
    if (subject !== undefined) checkSubject(subject);
    const entry: Omit<BatchEntry, 'id'> = { message, messageAttributes };
    if (subject !== undefined) entry.subject = subject;
    if (messageStructure !== undefined) entry.messageStructure = messageStructure;
    return this.record(topicArn, entry, req);
  }

  private publishBatch(form: URLSearchParams, req: AwsRequest, attempt: PublishAttempt): AwsAnswer {
    const entries = parseBatchEntries(form);
    attempt.entries = entries.length;
    checkBatch(entries);
    const topicArn = this.checkTopic(form.get('TopicArn'));
    this.takeScriptedFailure();
    checkBatchEntries(entries);
    const successful: PublishedMessage[] = [];
    const failed: Array<SnsEntryFailure & { id: string }> = [];
    for (const entry of entries) {
      const failure = this.takeEntryFailure(entry, topicArn);
      if (failure) failed.push({ id: entry.id, ...failure });
      else successful.push(this.record(topicArn, entry, req));
    }
    attempt.failedEntries = failed.length;
    return batchAnswer(successful, failed);
  }

  /** Stores an accepted message the same way whether it came alone or in a batch. */
  private record(topicArn: string, entry: Omit<BatchEntry, 'id'> & { id?: string }, req: AwsRequest): PublishedMessage {
    const record: PublishedMessage = {
      messageId: randomUUID(),
      topicArn,
      message: entry.message,
      ...(entry.subject !== undefined ? { subject: entry.subject } : {}),
      ...(entry.messageStructure !== undefined ? { messageStructure: entry.messageStructure } : {}),
      messageAttributes: entry.messageAttributes,
      ...(entry.id !== undefined ? { batchEntryId: entry.id } : {}),
      ...(req.scope !== undefined ? { region: req.scope.region } : {}),
      receivedAt: new Date().toISOString(),
    };
    if (entry.messageStructure !== undefined) record.bodies = parseStructure(entry.messageStructure, entry.message);
    this.published.push(record);
    return record;
  }

  private checkTopic(arn: string | null): string {
    if (!arn) throw invalid('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(arn))
      throw invalid('Invalid parameter: TopicArn');
    if (!this.topics.has(arn))
      throw new SnsError({ status: 404, code: 'NotFound', message: 'Topic does not exist', type: 'Sender' });
    if (this.denied.has(arn))
      throw new SnsError({
        ...SNS_FAILURES.authorization,
        message: `User is not authorized to perform: SNS:Publish on resource: ${arn}`,
      });
    return arn;
  }

  private takeScriptedFailure(): void {
    const failure = this.failures.take();
    if (failure) throw new SnsError(failure);
  }

  private takeEntryFailure(entry: BatchEntry, topicArn: string): SnsEntryFailure | undefined {
    const script = this.entryScripts.find((s) => s.remaining > 0 && s.matches(entry, topicArn));
    if (!script) return undefined;
    script.remaining -= 1;
    return script.failure;
  }
}
