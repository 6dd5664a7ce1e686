/**
 * SNS on the protocol @aws-sdk/client-sns 3.1169 speaks: AWS Query (form body
 * `Action=Publish&Version=2010-03-31&TopicArn=...`, `MessageAttributes.entry.N.Name/Value.*`)
 * answered with XML (`PublishResponse`, or `ErrorResponse` with Type/Code/Message).
 * Publish is validated the way SNS does (subject rules, JSON message structure, attributes),
 * so a notification that real SNS would refuse is refused here too.
 */
import { randomUUID } from 'node:crypto';
import { type AwsAnswer, type AwsRequest, escapeXml, requestId } from './wire';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const MAX_MESSAGE_BYTES = 256 * 1024;

export interface MessageAttribute {
  dataType: string;
  stringValue?: string;
  binaryValue?: string;
}

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  message: string;
  subject?: string;
  messageStructure?: string;
  messageAttributes: Record<string, MessageAttribute>;
  /** With `MessageStructure=json`: the per-protocol bodies (`default`, `email`, ...). */
  bodies?: Record<string, string>;
  region?: string;
  receivedAt: string;
}

export interface PublishAttempt {
  topicArn?: string;
  status: number;
  code?: string;
}

export interface SnsFailure {
  status: number;
  code: string;
  message?: string;
  type?: 'Sender' | 'Receiver';
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

class SnsError extends Error {
  constructor(readonly failure: SnsFailure) {
    super(failure.message ?? failure.code);
  }
}

const invalid = (message: string, code = 'InvalidParameter') =>
  new SnsError({ status: 400, code, message, type: 'Sender' });

export function xmlError(failure: SnsFailure): AwsAnswer {
  const body =
    `<ErrorResponse xmlns="${NS}"><Error><Type>${failure.type ?? 'Sender'}</Type><Code>${escapeXml(failure.code)}</Code>` +
    `<Message>${escapeXml(failure.message ?? failure.code)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`;
  return { status: failure.status, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId() }, body };
}

function publishAnswer(messageId: string): AwsAnswer {
  const body =
    `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>` +
    `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></PublishResponse>`;
  return { status: 200, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId() }, body };
}

export class SnsStandIn {
  private readonly topics = new Set<string>();
  private readonly denied = new Set<string>();
  private failures: { remaining: number; failure: SnsFailure } | undefined;
  /** Messages SNS accepted, in order. */
  readonly published: PublishedMessage[] = [];
  /** Every Publish request, accepted or not (SDK retries show up here). */
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

  /** The next `count` Publish requests fail (default: 500 InternalError). */
  failNext(count: number, failure: SnsFailure = SNS_FAILURES.internal): void {
    this.failures = { remaining: count, failure };
  }

  /** Every Publish fails until `recover()`. */
  failAlways(failure: SnsFailure = SNS_FAILURES.internal): void {
    this.failures = { remaining: Number.POSITIVE_INFINITY, failure };
  }

  recover(): void {
    this.failures = undefined;
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
    if (action !== 'Publish') {
      return xmlError({
        status: 400,
        code: 'InvalidAction',
        message: `The action ${action ?? '(none)'} is not valid for this endpoint.`,
      });
    }
    const topicArn = form.get('TopicArn');
    const attempt: PublishAttempt = { ...(topicArn !== null ? { topicArn } : {}), status: 0 };
    this.attempts.push(attempt);
    let answer: AwsAnswer;
    try {
      answer = publishAnswer(this.publish(form, req).messageId);
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
    const record: PublishedMessage = {
      messageId: randomUUID(),
      topicArn,
      message,
      ...(subject !== undefined ? { subject } : {}),
      ...(messageStructure !== undefined ? { messageStructure } : {}),
      messageAttributes,
      ...(req.scope !== undefined ? { region: req.scope.region } : {}),
      receivedAt: new Date().toISOString(),
    };
    if (messageStructure !== undefined) record.bodies = parseStructure(messageStructure, message);
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
    if (!this.failures || this.failures.remaining <= 0) return;
    this.failures.remaining -= 1;
    throw new SnsError(this.failures.failure);
  }
}

/** `MessageAttributes.entry.N.Name`, `.Value.DataType`, `.Value.StringValue`, `.Value.BinaryValue`. */
function parseAttributes(form: URLSearchParams): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n += 1) {
    const prefix = `MessageAttributes.entry.${n}`;
    const name = form.get(`${prefix}.Name`) as string;
    const dataType = form.get(`${prefix}.Value.DataType`);
    if (!dataType)
      throw invalid(
        `The message attribute '${name}' must contain non-empty message attribute type.`,
        'ParameterValueInvalid',
      );
    const attribute: MessageAttribute = { dataType };
    const stringValue = form.get(`${prefix}.Value.StringValue`);
    const binaryValue = form.get(`${prefix}.Value.BinaryValue`);
    if (stringValue !== null) attribute.stringValue = stringValue;
    if (binaryValue !== null) attribute.binaryValue = binaryValue;
    checkAttribute(name, attribute);
    attributes[name] = attribute;
  }
  if (Object.keys(attributes).length > 10)
    throw invalid('Number of message attributes [11+] exceeds the allowed maximum [10].', 'ParameterValueInvalid');
  return attributes;
}

function checkAttribute(name: string, attribute: MessageAttribute): void {
  if (
    !/^[A-Za-z0-9_.-]{1,256}$/.test(name) ||
    name.includes('..') ||
    /^(aws\.|amazon\.)/i.test(name) ||
    name.startsWith('.') ||
    name.endsWith('.')
  ) {
    throw invalid(`The message attribute name '${name}' is invalid.`, 'ParameterValueInvalid');
  }
  const base = attribute.dataType.split('.')[0];
  if (base !== 'String' && base !== 'Number' && base !== 'Binary') {
    throw invalid(
      `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      'ParameterValueInvalid',
    );
  }
  const value = base === 'Binary' ? attribute.binaryValue : attribute.stringValue;
  if (value === undefined || value === '') {
    throw invalid(
      `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${attribute.dataType}'.`,
      'ParameterValueInvalid',
    );
  }
}

function checkMessage(message: string, attributes: Record<string, MessageAttribute>): void {
  if (message === '') throw invalid('Invalid parameter: Empty message');
  const attributeBytes = Object.entries(attributes).reduce(
    (sum, [name, a]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(a.dataType) +
      Buffer.byteLength(a.stringValue ?? a.binaryValue ?? ''),
    0,
  );
  if (Buffer.byteLength(message) + attributeBytes > MAX_MESSAGE_BYTES) {
    throw invalid('Invalid parameter: Message too long');
  }
}

/** SNS: text with no line breaks or control characters, less than 100 characters long. */
function checkSubject(subject: string): void {
  // eslint-disable-next-line no-control-regex -- SNS refuses control characters in a subject: this is the check
  if (subject.trim().length === 0 || [...subject].length >= 100 || /[\u0000-\u001f\u007f]/.test(subject)) {
    throw invalid('Invalid parameter: Subject');
  }
}

/** `MessageStructure=json`: a JSON object of strings with at least a `default` entry. */
function parseStructure(structure: string, message: string): Record<string, string> {
  if (structure !== 'json') throw invalid('Invalid parameter: MessageStructure');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalid('Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  const bodies = parsed as Record<string, unknown>;
  if (typeof bodies.default !== 'string')
    throw invalid('Invalid parameter: Message Structure - No default entry in JSON message body');
  for (const [protocol, body] of Object.entries(bodies)) {
    if (typeof body !== 'string')
      throw invalid(`Invalid parameter: Message Structure - the value for ${protocol} must be a string`);
  }
  return bodies as Record<string, string>;
}
