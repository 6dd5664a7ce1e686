/** The SNS PublishBatch adapter, with the real SDK client against the local SNS. */
import { SNSClient } from '@aws-sdk/client-sns';
import { type LocalAws, SNS_ENTRY_FAILURES, SNS_FAILURES, startLocalAws } from '../../local/aws';
import { CodedError } from '../../lambda/snapshot/errors';
import { snsBatchPublisher } from '../../lambda/snapshot/notify/publisher';
import type { PublishEntry } from '../../lambda/snapshot/types';

let aws: LocalAws;
let topicArn: string;
const clients: SNSClient[] = [];

beforeEach(async () => {
  aws = await startLocalAws({ topics: ['atlas-snapshot-outcomes'] });
  topicArn = aws.sns.topicArn('atlas-snapshot-outcomes');
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await aws.close();
});

function client(maxAttempts = 1, endpoint = aws.endpoint): SNSClient {
  const created = new SNSClient({
    endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
    requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
  });
  clients.push(created);
  return created;
}

function outcome(n: number, overrides: Partial<PublishEntry> = {}): PublishEntry {
  const document = { status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', clusterName: `Cluster${n}` };
  return {
    id: `o${n}`,
    subject: `SUCCESS: snapshot requested for Cluster${n}`,
    messageStructure: 'json',
    message: JSON.stringify({ default: JSON.stringify(document), email: `A snapshot was requested for Cluster${n}.` }),
    attributes: { status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', clusterName: `Cluster${n}`, stage: 'request' },
    ...overrides,
  };
}

const chat: PublishEntry = {
  id: 'chat-1',
  message: JSON.stringify({ version: '1.0', source: 'custom', content: { description: 'done' } }),
  attributes: { status: 'SUCCESS', code: 'RUN_SUMMARY', stage: 'summary', projectId: '' },
};

describe('snsBatchPublisher', () => {
  it('sends one PublishBatch: subject and structure only when set, String attributes, no empty ones', async () => {
    const publisher = snsBatchPublisher(client());

    const results = await publisher.publishBatch(topicArn, [outcome(1), chat]);

    expect(aws.sns.attempts).toEqual([{ action: 'PublishBatch', topicArn, status: 200, entries: 2, failedEntries: 0 }]);
    const [first, second] = aws.sns.published;
    expect(first).toMatchObject({
      batchEntryId: 'o1',
      subject: 'SUCCESS: snapshot requested for Cluster1',
      messageStructure: 'json',
      messageAttributes: {
        status: { dataType: 'String', stringValue: 'SUCCESS' },
        code: { dataType: 'String', stringValue: 'SNAPSHOT_REQUESTED' },
        clusterName: { dataType: 'String', stringValue: 'Cluster1' },
        stage: { dataType: 'String', stringValue: 'request' },
      },
      bodies: { email: 'A snapshot was requested for Cluster1.' },
    });
    expect(second).toMatchObject({ batchEntryId: 'chat-1', message: chat.message });
    expect(second?.subject).toBeUndefined();
    expect(second?.messageStructure).toBeUndefined();
    expect(Object.keys(second?.messageAttributes ?? {})).toEqual(['status', 'code', 'stage']);
    expect(results).toEqual([
      { id: 'o1', ok: true, messageId: first?.messageId },
      { id: 'chat-1', ok: true, messageId: second?.messageId },
    ]);
  });

  it('maps Successful and Failed back to one result per entry, in input order', async () => {
    aws.sns.failEntries((e) => e.id === 'o2');
    aws.sns.failEntries((e) => e.id === 'o4', SNS_ENTRY_FAILURES.invalidParameter);
    const publisher = snsBatchPublisher(client());

    const results = await publisher.publishBatch(topicArn, [outcome(1), outcome(2), outcome(3), outcome(4)]);

    expect(results.map((r) => [r.id, r.ok])).toEqual([
      ['o1', true],
      ['o2', false],
      ['o3', true],
      ['o4', false],
    ]);
    expect(results[1]).toEqual({ id: 'o2', ok: false, error: 'SNS failed the message: InternalError: Internal Error' });
    expect(results[3]).toEqual({
      id: 'o4',
      ok: false,
      error: 'SNS refused the message: InvalidParameter: Invalid parameter',
    });
    expect(aws.sns.published.map((m) => m.batchEntryId)).toEqual(['o1', 'o3']);
  });

  it.each([
    ['a server error', SNS_FAILURES.internal, 'InternalErrorException', 500],
    ['throttling', SNS_FAILURES.throttled, 'ThrottledException', 429],
    ['a missing sns:Publish grant', SNS_FAILURES.authorization, 'AuthorizationErrorException', 403],
  ])('throws a CodedError when the call fails with %s', async (_label, failure, code, httpStatus) => {
    aws.sns.failNext(1, failure);
    const publisher = snsBatchPublisher(client());

    const attempt = publisher.publishBatch(topicArn, [outcome(1), outcome(2)]);

    await expect(attempt).rejects.toBeInstanceOf(CodedError);
    await expect(attempt).rejects.toMatchObject({
      code,
      httpStatus,
      message: expect.stringContaining(
        `SNS PublishBatch of 2 message(s) to ${topicArn} failed: ${code} (HTTP ${httpStatus})`,
      ),
    });
  });

  it('throws when SNS refuses the whole batch for one malformed entry', async () => {
    const publisher = snsBatchPublisher(client());

    const attempt = publisher.publishBatch(topicArn, [outcome(1), outcome(2, { subject: 'two\nlines' })]);

    await expect(attempt).rejects.toMatchObject({ code: 'InvalidParameterException', httpStatus: 400 });
    expect(aws.sns.published).toEqual([]);
  });

  it('leaves retries of a 500 to the SDK', async () => {
    aws.sns.failNext(1);
    const publisher = snsBatchPublisher(client(2));

    const results = await publisher.publishBatch(topicArn, [outcome(1)]);

    expect(results).toEqual([{ id: 'o1', ok: true, messageId: expect.any(String) }]);
    expect(aws.sns.attempts.map((a) => a.status)).toEqual([500, 200]);
  });

  it('throws on a network failure, a timeout and an abort', async () => {
    const closed = await startLocalAws();
    const unreachable = closed.endpoint;
    await closed.close();
    await expect(snsBatchPublisher(client(1, unreachable)).publishBatch(topicArn, [outcome(1)])).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    aws.sns.hangNext(2);
    await expect(snsBatchPublisher(client()).publishBatch(topicArn, [outcome(1)])).rejects.toMatchObject({
      code: 'TimeoutError',
    });
    const controller = new AbortController();

    const aborted = snsBatchPublisher(client()).publishBatch(topicArn, [outcome(1)], {
      abortSignal: controller.signal,
    });
    controller.abort();

    await expect(aborted).rejects.toMatchObject({ name: 'CodedError', code: 'AbortError' });
  });

  it('sends nothing for no entries', async () => {
    const publisher = snsBatchPublisher(client());

    const results = await publisher.publishBatch(topicArn, []);

    expect(results).toEqual([]);
    expect(aws.requests).toEqual([]);
  });
});
