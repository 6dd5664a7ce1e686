/** The local SNS PublishBatch (Query protocol, XML answers), driven by the real SDK client. */
import {
  AuthorizationErrorException,
  BatchEntryIdsNotDistinctException,
  BatchRequestTooLongException,
  EmptyBatchRequestException,
  InternalErrorException,
  InvalidBatchEntryIdException,
  InvalidParameterException,
  InvalidParameterValueException,
  NotFoundException,
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  PublishCommand,
  SNSClient,
  TooManyEntriesInBatchRequestException,
} from '@aws-sdk/client-sns';
import { type LocalAws, SNS_ENTRY_FAILURES, startLocalAws } from '../../local/aws';

let aws: LocalAws;
let topicArn: string;
let client: SNSClient;

beforeEach(async () => {
  aws = await startLocalAws({ topics: ['atlas-snapshot-outcomes'] });
  topicArn = aws.sns.topicArn('atlas-snapshot-outcomes');
  client = new SNSClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await aws.close();
});

function entry(n: number, overrides: Partial<PublishBatchRequestEntry> = {}): PublishBatchRequestEntry {
  const outcome = { status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', clusterName: `Cluster${n}` };
  return {
    Id: `o${n}`,
    Subject: `SUCCESS: snapshot requested for Cluster${n}`,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: JSON.stringify(outcome), email: `A snapshot was requested for Cluster${n}.` }),
    MessageAttributes: {
      status: { DataType: 'String', StringValue: 'SUCCESS' },
      clusterName: { DataType: 'String', StringValue: `Cluster${n}` },
    },
    ...overrides,
  };
}

const publishBatch = (entries: PublishBatchRequestEntry[], arn = topicArn) =>
  client.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: entries }));

describe('local SNS PublishBatch', () => {
  it('publishes every entry, answers Successful in order, and records each like a Publish', async () => {
    const answer = await publishBatch([
      entry(1),
      entry(2),
      {
        Id: 'chat-1',
        Message: '{"version":"1.0"}',
        MessageAttributes: { stage: { DataType: 'String', StringValue: 'summary' } },
      },
    ]);

    expect(answer.Failed).toEqual([]);
    expect(answer.Successful?.map((s) => s.Id)).toEqual(['o1', 'o2', 'chat-1']);
    expect(aws.sns.published.map((m) => m.messageId)).toEqual(answer.Successful?.map((s) => s.MessageId));
    expect(aws.sns.published[1]).toMatchObject({
      topicArn,
      batchEntryId: 'o2',
      subject: 'SUCCESS: snapshot requested for Cluster2',
      messageStructure: 'json',
      messageAttributes: {
        status: { dataType: 'String', stringValue: 'SUCCESS' },
        clusterName: { dataType: 'String', stringValue: 'Cluster2' },
      },
      bodies: { email: 'A snapshot was requested for Cluster2.' },
      region: 'us-east-1',
    });
    expect(aws.sns.published[2]).toMatchObject({ message: '{"version":"1.0"}', batchEntryId: 'chat-1' });
    expect(aws.sns.published[2]?.subject).toBeUndefined();
    expect(aws.sns.documents()).toEqual([
      { status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', clusterName: 'Cluster1' },
      { status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', clusterName: 'Cluster2' },
      { version: '1.0' },
    ]);
    expect(aws.sns.attempts).toEqual([{ action: 'PublishBatch', topicArn, status: 200, entries: 3, failedEntries: 0 }]);
    expect(aws.requests.map((r) => [r.service, r.operation, r.status])).toEqual([['sns', 'PublishBatch', 200]]);
  });

  it('accepts exactly 256 KB in all and refuses one byte more as BatchRequestTooLong', async () => {
    const half = 128 * 1024;
    const plain = (id: string, bytes: number): PublishBatchRequestEntry => ({ Id: id, Message: 'x'.repeat(bytes) });

    await publishBatch([plain('a', half), plain('b', half)]);
    const tooLong = publishBatch([plain('a', half), plain('b', half + 1)]);

    await expect(tooLong).rejects.toBeInstanceOf(BatchRequestTooLongException);
    expect(aws.sns.published).toHaveLength(2);
  });

  it.each([
    ['11 entries', Array.from({ length: 11 }, (_, i) => entry(i)), TooManyEntriesInBatchRequestException],
    ['no entry', [], EmptyBatchRequestException],
    ['two entries with one Id', [entry(1), entry(2, { Id: 'o1' })], BatchEntryIdsNotDistinctException],
    ['an Id with a dot', [entry(1, { Id: 'o.1' })], InvalidBatchEntryIdException],
    ['an Id of 81 characters', [entry(1, { Id: 'i'.repeat(81) })], InvalidBatchEntryIdException],
    ['one entry with a two-line subject', [entry(1), entry(2, { Subject: 'two\nlines' })], InvalidParameterException],
    [
      'one entry whose JSON structure has no default',
      [entry(1), entry(2, { Message: JSON.stringify({ email: 'hi' }) })],
      InvalidParameterException,
    ],
    [
      'one entry with an empty message',
      [entry(1), entry(2, { MessageStructure: undefined, Message: '' })],
      InvalidParameterException,
    ],
    [
      'one entry with an empty attribute value',
      [entry(1), entry(2, { MessageAttributes: { status: { DataType: 'String', StringValue: '' } } })],
      InvalidParameterValueException,
    ],
  ])('refuses the whole request for %s, as SNS does, publishing nothing', async (_label, entries, errorClass) => {
    const attempt = publishBatch(entries);

    await expect(attempt).rejects.toBeInstanceOf(errorClass);
    await expect(attempt).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(aws.sns.published).toHaveLength(0);
    expect(aws.sns.attempts[0]).toMatchObject({ action: 'PublishBatch', status: 400 });
  });

  it('answers NotFound for an unknown topic and AuthorizationError for a denied one', async () => {
    await expect(publishBatch([entry(1)], aws.sns.topicArn('missing'))).rejects.toBeInstanceOf(NotFoundException);
    aws.sns.denyPublish(topicArn);
    await expect(publishBatch([entry(1)])).rejects.toBeInstanceOf(AuthorizationErrorException);

    expect(aws.sns.attempts.map((a) => [a.status, a.code])).toEqual([
      [404, 'NotFound'],
      [403, 'AuthorizationError'],
    ]);
  });

  it('fails the next N entries in Failed while the call succeeds and the others are published', async () => {
    aws.sns.failEntries(2);

    const first = await publishBatch([entry(1)]);
    const second = await publishBatch([entry(2), entry(3)]);

    expect(first.Successful).toEqual([]);
    expect(first.Failed).toEqual([{ Id: 'o1', Code: 'InternalError', Message: 'Internal Error', SenderFault: false }]);
    expect(second.Failed?.map((f) => f.Id)).toEqual(['o2']);
    expect(second.Successful?.map((s) => s.Id)).toEqual(['o3']);
    expect(aws.sns.published.map((m) => m.batchEntryId)).toEqual(['o3']);
    expect(aws.sns.attempts.map((a) => [a.status, a.failedEntries])).toEqual([
      [200, 1],
      [200, 1],
    ]);
  });

  it('fails the entries a predicate picks, in every batch until recover()', async () => {
    aws.sns.failEntries(
      (e) => e.messageAttributes.clusterName?.stringValue === 'Cluster2',
      SNS_ENTRY_FAILURES.kmsThrottling,
    );

    const first = await publishBatch([entry(1), entry(2), entry(3)]);
    const second = await publishBatch([entry(2, { Id: 'again' })]);
    aws.sns.recover();
    const third = await publishBatch([entry(2, { Id: 'later' })]);

    expect(first.Failed).toEqual([
      { Id: 'o2', Code: 'KMSThrottling', Message: 'Rate exceeded for KMS', SenderFault: false },
    ]);
    expect(first.Successful?.map((s) => s.Id)).toEqual(['o1', 'o3']);
    expect(second.Failed?.map((f) => f.Id)).toEqual(['again']);
    expect(third.Successful?.map((s) => s.Id)).toEqual(['later']);
  });

  it('fails a whole PublishBatch with failNext, like a Publish, and still serves Publish', async () => {
    aws.sns.failNext(1);

    await expect(publishBatch([entry(1)])).rejects.toBeInstanceOf(InternalErrorException);
    await client.send(new PublishCommand({ TopicArn: topicArn, Message: 'alone' }));

    expect(aws.sns.attempts.map((a) => [a.action, a.status])).toEqual([
      ['PublishBatch', 500],
      ['Publish', 200],
    ]);
    expect(aws.sns.published.map((m) => [m.message, m.batchEntryId])).toEqual([['alone', undefined]]);
  });
});
