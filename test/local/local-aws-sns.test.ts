/** The local SNS (Query protocol, XML answers), driven by the real SDK client. */
import {
  AuthorizationErrorException,
  InternalErrorException,
  InvalidParameterException,
  InvalidParameterValueException,
  NotFoundException,
  PublishCommand,
  type PublishCommandInput,
  SNSClient,
} from '@aws-sdk/client-sns';
import { type LocalAws, SNS_FAILURES, startLocalAws } from '../../local/aws';

let aws: LocalAws;
let topicArn: string;
const savedEnv = { ...process.env };

beforeEach(async () => {
  aws = await startLocalAws({ topics: ['atlas-snapshot-outcomes'] });
  topicArn = aws.sns.topicArn('atlas-snapshot-outcomes');
});

afterEach(async () => {
  process.env = { ...savedEnv };
  await aws.close();
});

function clientFromEnv(env: Record<string, string>, maxAttempts = 1): SNSClient {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('AWS_') && name !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED')
      delete process.env[name];
  }
  Object.assign(process.env, env);
  return new SNSClient({ maxAttempts });
}

const outcome = {
  status: 'SUCCESS',
  code: 'SNAPSHOT_REQUESTED',
  projectId: '65a1b2c3d4e5f60718293a4b',
  clusterName: 'Cluster0',
};

function notification(overrides: Partial<PublishCommandInput> = {}): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: 'SUCCESS: snapshot requested for Cluster0',
    MessageStructure: 'json',
    Message: JSON.stringify({
      default: JSON.stringify(outcome),
      email: 'A snapshot was requested for Cluster0.\nNothing to do.',
    }),
    MessageAttributes: {
      status: { DataType: 'String', StringValue: 'SUCCESS' },
      code: { DataType: 'String', StringValue: 'SNAPSHOT_REQUESTED' },
      clusterName: { DataType: 'String', StringValue: 'Cluster0' },
    },
    ...overrides,
  };
}

describe('local SNS', () => {
  it('records a Publish sent through AWS_ENDPOINT_URL_SNS, decoded with its attributes', async () => {
    const client = clientFromEnv(aws.env);

    const answer = await client.send(new PublishCommand(notification()));

    expect(answer.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(aws.sns.published).toHaveLength(1);
    const message = aws.sns.published[0];
    expect(message).toMatchObject({
      messageId: answer.MessageId,
      topicArn,
      subject: 'SUCCESS: snapshot requested for Cluster0',
      messageStructure: 'json',
      messageAttributes: {
        status: { dataType: 'String', stringValue: 'SUCCESS' },
        code: { dataType: 'String', stringValue: 'SNAPSHOT_REQUESTED' },
        clusterName: { dataType: 'String', stringValue: 'Cluster0' },
      },
      region: 'us-east-1',
    });
    expect(message?.bodies?.email).toBe('A snapshot was requested for Cluster0.\nNothing to do.');
    expect(aws.sns.documents()).toEqual([outcome]);
  });

  it('is reached through the generic AWS_ENDPOINT_URL as well', async () => {
    const { AWS_ENDPOINT_URL_SECRETS_MANAGER: _sm, AWS_ENDPOINT_URL_SNS: _sns, ...rest } = aws.env;
    const client = clientFromEnv({ ...rest, AWS_ENDPOINT_URL: aws.endpoint });

    await client.send(
      new PublishCommand(
        notification({
          MessageStructure: undefined,
          Message: 'plain text',
          Subject: undefined,
          MessageAttributes: undefined,
        }),
      ),
    );

    expect(aws.sns.published[0]).toMatchObject({ message: 'plain text', messageAttributes: {} });
    expect(aws.sns.published[0]?.subject).toBeUndefined();
  });

  it('throws NotFoundException for an unknown topic', async () => {
    const client = clientFromEnv(aws.env);

    const attempt = client.send(new PublishCommand(notification({ TopicArn: aws.sns.topicArn('missing') })));

    await expect(attempt).rejects.toBeInstanceOf(NotFoundException);
    await expect(attempt).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(aws.sns.published).toHaveLength(0);
  });

  it('fails the next N publishes with 500 InternalError, then accepts again', async () => {
    const client = clientFromEnv(aws.env);
    aws.sns.failNext(2);

    await expect(client.send(new PublishCommand(notification()))).rejects.toBeInstanceOf(InternalErrorException);
    await expect(client.send(new PublishCommand(notification()))).rejects.toMatchObject({
      name: 'InternalErrorException',
      $metadata: { httpStatusCode: 500 },
    });
    await client.send(new PublishCommand(notification()));

    expect(aws.sns.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(aws.sns.published).toHaveLength(1);
  });

  it('the SDK retries a 500 by itself: one failure is invisible with default retries', async () => {
    const client = clientFromEnv(aws.env, 2);
    aws.sns.failNext(1);

    await client.send(new PublishCommand(notification()));

    expect(aws.sns.attempts.map((a) => a.status)).toEqual([500, 200]);
  });

  it('fails always until recovered, and can deny publishing to a topic', async () => {
    const client = clientFromEnv(aws.env);
    aws.sns.failAlways();

    await expect(client.send(new PublishCommand(notification()))).rejects.toBeInstanceOf(InternalErrorException);
    aws.sns.recover();
    aws.sns.denyPublish(topicArn);
    await expect(client.send(new PublishCommand(notification()))).rejects.toBeInstanceOf(AuthorizationErrorException);
    aws.sns.denyPublish(topicArn, false);
    aws.sns.failNext(1, SNS_FAILURES.throttled);
    await expect(client.send(new PublishCommand(notification()))).rejects.toMatchObject({
      name: 'ThrottledException',
      $metadata: { httpStatusCode: 429 },
    });

    expect(aws.sns.published).toHaveLength(0);
  });

  it.each([
    ['a subject with a line break', { Subject: 'two\nlines' }, InvalidParameterException],
    ['a subject of 100 characters', { Subject: 'x'.repeat(100) }, InvalidParameterException],
    ['a JSON structure without default', { Message: JSON.stringify({ email: 'hi' }) }, InvalidParameterException],
    ['a JSON structure that is not JSON', { Message: 'not json' }, InvalidParameterException],
    [
      'an empty attribute value',
      { MessageAttributes: { status: { DataType: 'String', StringValue: '' } } },
      InvalidParameterValueException,
    ],
  ])('refuses %s as SNS does', async (_label, overrides, errorClass) => {
    const client = clientFromEnv(aws.env);

    const attempt = client.send(new PublishCommand(notification(overrides as Partial<PublishCommandInput>)));

    await expect(attempt).rejects.toBeInstanceOf(errorClass);
    expect(aws.sns.published).toHaveLength(0);
  });

  it('serves Secrets Manager and SNS on the same endpoint', async () => {
    const client = clientFromEnv(aws.env);
    await client.send(new PublishCommand(notification()));

    expect(aws.requests.map((r) => [r.service, r.operation, r.status])).toEqual([['sns', 'Publish', 200]]);
  });
});
