/**
 * The checks SNS applies to Publish and PublishBatch (subject, JSON message structure, message
 * attributes, sizes, batch entry ids), and the parsing of the Query form fields the SDK sends:
 * `MessageAttributes.entry.N.*` and `PublishBatchRequestEntries.member.N.*`.
 */

/** SNS's limit for one message with its attributes, and for a whole PublishBatch. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** PublishBatch takes 1 to 10 entries. */
export const MAX_BATCH_ENTRIES = 10;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]+$/;

export interface SnsFailure {
  status: number;
  code: string;
  message?: string;
  type?: 'Sender' | 'Receiver';
}

export class SnsError extends Error {
  constructor(readonly failure: SnsFailure) {
    super(failure.message ?? failure.code);
  }
}

export const invalid = (message: string, code = 'InvalidParameter') =>
  new SnsError({ status: 400, code, message, type: 'Sender' });

export interface MessageAttribute {
  dataType: string;
  stringValue?: string;
  binaryValue?: string;
}

/** One entry of a PublishBatch request, as parsed from the form. */
export interface BatchEntry {
  id: string;
  message: string;
  subject?: string;
  messageStructure?: string;
  messageAttributes: Record<string, MessageAttribute>;
}

/** `<prefix>.entry.N.Name`, `.Value.DataType`, `.Value.StringValue`, `.Value.BinaryValue`. */
export function parseAttributes(form: URLSearchParams, prefix = 'MessageAttributes'): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {};
  for (let n = 1; form.has(`${prefix}.entry.${n}.Name`); n += 1) {
    const entry = `${prefix}.entry.${n}`;
    const name = form.get(`${entry}.Name`) as string;
    const dataType = form.get(`${entry}.Value.DataType`);
    if (!dataType)
      throw invalid(
        `The message attribute '${name}' must contain non-empty message attribute type.`,
        'ParameterValueInvalid',
      );
    const attribute: MessageAttribute = { dataType };
    const stringValue = form.get(`${entry}.Value.StringValue`);
    const binaryValue = form.get(`${entry}.Value.BinaryValue`);
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

/** What counts against the 256 KB: the body and every attribute's name, type and value. */
export function messageBytes(message: string, attributes: Record<string, MessageAttribute>): number {
  return Object.entries(attributes).reduce(
    (sum, [name, a]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(a.dataType) +
      Buffer.byteLength(a.stringValue ?? a.binaryValue ?? ''),
    Buffer.byteLength(message),
  );
}

export function checkMessage(message: string, attributes: Record<string, MessageAttribute>): void {
  if (message === '') throw invalid('Invalid parameter: Empty message');
  if (messageBytes(message, attributes) > MAX_MESSAGE_BYTES) throw invalid('Invalid parameter: Message too long');
}

/** SNS: text with no line breaks or control characters, less than 100 characters long. */
export function checkSubject(subject: string): void {
  // eslint-disable-next-line no-control-regex -- SNS refuses control characters in a subject: this is the check
  if (subject.trim().length === 0 || [...subject].length >= 100 || /[\u0000-\u001f\u007f]/.test(subject)) {
    throw invalid('Invalid parameter: Subject');
  }
}

/** `MessageStructure=json`: a JSON object of strings with at least a `default` entry. */
export function parseStructure(structure: string, message: string): Record<string, string> {
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

const missing = (n: number, field: string) =>
  new SnsError({
    status: 400,
    code: 'ValidationError',
    message: `1 validation error detected: Value null at 'publishBatchRequestEntries.${n}.member.${field}' failed to satisfy constraint: Member must not be null`,
    type: 'Sender',
  });

/** `PublishBatchRequestEntries.member.N.{Id,Message,Subject,MessageStructure,MessageAttributes.entry.M...}`. */
export function parseBatchEntries(form: URLSearchParams): BatchEntry[] {
  const entries: BatchEntry[] = [];
  const members = new Set<number>();
  for (const field of form.keys()) {
    const match = /^PublishBatchRequestEntries\.member\.(\d+)\./.exec(field);
    if (match) members.add(Number(match[1]));
  }
  for (const n of [...members].sort((a, b) => a - b)) {
    const prefix = `PublishBatchRequestEntries.member.${n}`;
    const id = form.get(`${prefix}.Id`);
    if (id === null) throw missing(n, 'id');
    const message = form.get(`${prefix}.Message`);
    if (message === null) throw missing(n, 'message');
    const entry: BatchEntry = { id, message, messageAttributes: parseAttributes(form, `${prefix}.MessageAttributes`) };
    const subject = form.get(`${prefix}.Subject`);
    const structure = form.get(`${prefix}.MessageStructure`);
    if (subject !== null) entry.subject = subject;
    if (structure !== null) entry.messageStructure = structure;
    entries.push(entry);
  }
  return entries;
}

/** The request-level rules of PublishBatch: the entry count and the entry ids. */
export function checkBatch(entries: readonly BatchEntry[]): void {
  if (entries.length === 0) {
    throw invalid('The batch request does not contain any entries.', 'EmptyBatchRequest');
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw invalid('The batch request contains more entries than permissible.', 'TooManyEntriesInBatchRequest');
  }
  const ids = new Set<string>();
  for (const { id } of entries) {
    if (ids.has(id)) {
      throw invalid('Two or more batch entries in the request have the same Id.', 'BatchEntryIdsNotDistinct');
    }
    ids.add(id);
    if (id.length > 80) {
      throw invalid(`The Id of a batch entry in the batch request is too long: ${id}`, 'InvalidBatchEntryId');
    }
    if (!BATCH_ENTRY_ID.test(id)) {
      throw invalid(
        `The Id of a batch entry in the batch request contains an impermissible character: ${id}`,
        'InvalidBatchEntryId',
      );
    }
  }
}

/**
 * Every entry is checked like a Publish (one malformed entry fails the whole request, as SNS
 * does), and their sizes count together: more than 256 KB in all is BatchRequestTooLong.
 */
export function checkBatchEntries(entries: readonly BatchEntry[]): void {
  let total = 0;
  for (const entry of entries) {
    if (entry.message === '') throw invalid('Invalid parameter: Empty message');
    if (entry.subject !== undefined) checkSubject(entry.subject);
    if (entry.messageStructure !== undefined) parseStructure(entry.messageStructure, entry.message);
    total += messageBytes(entry.message, entry.messageAttributes);
  }
  if (total > MAX_MESSAGE_BYTES) {
    throw invalid('The length of all the messages put together is more than the limit.', 'BatchRequestTooLong');
  }
}
