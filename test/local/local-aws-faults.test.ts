/**
 * Hung endpoints and per-service latency of the local AWS endpoints. Every test is bounded by the
 * SDK client's own `requestTimeout`, never by a wall-clock assertion.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateScheduleCommand, type CreateScheduleCommandInput, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { type LocalAws, startLocalAws } from '../../local/aws';

const TIMEOUT_MS = 150;
const SECRET = 'atlas/snapshot-scheduler';

let aws: LocalAws;

beforeEach(async () => {
  aws = await startLocalAws({ topics: ['outcomes'], secrets: [{ name: SECRET, secretString: '{}' }] });
});

afterEach(async () => {
  await aws.close();
});

/**
 * Client settings with a short request timeout, pointed at the stand-ins. With
 * @smithy/node-http-handler 4.14 `requestTimeout` only logs a warning unless
 * `throwOnRequestTimeout` is set as well.
 */
function settings(maxAttempts = 1) {
  return {
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
    requestHandler: { requestTimeout: TIMEOUT_MS, throwOnRequestTimeout: true },
  };
}

const schedule: CreateScheduleCommandInput = {
  Name: 'snap-abc-1',
  ScheduleExpression: 'at(2026-12-01T09:05:00)',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ClientToken: 'fixed-token',
  Target: {
    Arn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
    RoleArn: 'arn:aws:iam::123456789012:role/r',
    Input: '{}',
  },
};

const publish = (client: SNSClient) =>
  client.send(
    new PublishBatchCommand({
      TopicArn: aws.sns.topicArn('outcomes'),
      PublishBatchRequestEntries: [{ Id: 'a', Message: 'hello' }],
    }),
  );

describe('local AWS hangs and latency', () => {
  it('leaves a Scheduler request unanswered: the client times out, nothing is stored, the next one is served', async () => {
    const client = new SchedulerClient(settings());
    aws.scheduler.hangNext(1);

    await expect(client.send(new CreateScheduleCommand(schedule))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(aws.scheduler.schedules()).toEqual([]);
    await client.send(new CreateScheduleCommand(schedule));

    expect(aws.scheduler.schedules().map((s) => s.name)).toEqual(['snap-abc-1']);
    expect(aws.requests.map((r) => [r.operation, r.status, r.hung])).toEqual([
      ['CreateSchedule', 0, true],
      ['CreateSchedule', 200, undefined],
    ]);
    client.destroy();
  });

  it('can act on a request before leaving it unanswered: the SDK retry, same client token, succeeds', async () => {
    const client = new SchedulerClient(settings(2));
    aws.scheduler.hangNext(1, { afterHandling: true });
    const { ClientToken: _fixed, ...withSdkToken } = schedule;

    // The SDK fills in the idempotency token once per call and resends it on retry.
    const answer = await client.send(new CreateScheduleCommand(withSdkToken));

    expect(answer.ScheduleArn).toBe(aws.scheduler.scheduleArn('snap-abc-1'));
    expect(aws.scheduler.calls.map((c) => c.status)).toEqual([200, 200]);
    expect(aws.requests.map((r) => r.hung)).toEqual([true, undefined]);
    client.destroy();
  });

  it('hangs SNS and Secrets Manager requests the same way', async () => {
    const sns = new SNSClient(settings());
    const secrets = new SecretsManagerClient(settings());
    aws.sns.hangNext(1, { afterHandling: true });
    aws.secretsManager.hangNext(1);

    await expect(publish(sns)).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(secrets.send(new GetSecretValueCommand({ SecretId: SECRET }))).rejects.toMatchObject({
      name: 'TimeoutError',
    });

    // The message was published although its sender never heard back.
    expect(aws.sns.published.map((m) => m.batchEntryId)).toEqual(['a']);
    expect(aws.secretsManager.reads()).toBe(0);
    await expect(secrets.send(new GetSecretValueCommand({ SecretId: SECRET }))).resolves.toMatchObject({
      SecretString: '{}',
    });
    sns.destroy();
    secrets.destroy();
  });

  it('is not ended by requestTimeout alone (only a warning), but by an abort signal', async () => {
    const warnings: string[] = [];
    const logger = { debug: () => {}, info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} };
    const sns = new SNSClient({ ...settings(), requestHandler: { requestTimeout: TIMEOUT_MS, logger } });
    aws.sns.hangNext(1);

    const attempt = sns.send(
      new PublishBatchCommand({
        TopicArn: aws.sns.topicArn('outcomes'),
        PublishBatchRequestEntries: [{ Id: 'a', Message: 'hello' }],
      }),
      { abortSignal: AbortSignal.timeout(TIMEOUT_MS * 3) },
    );

    await expect(attempt).rejects.toMatchObject({ name: 'AbortError' });
    expect(warnings).toEqual([expect.stringContaining(`exceeded the configured ${TIMEOUT_MS} ms requestTimeout`)]);
    sns.destroy();
  });

  it('delays one service only when its latency is set', async () => {
    const sns = new SNSClient(settings());
    const secrets = new SecretsManagerClient(settings());
    aws.setLatency(TIMEOUT_MS * 8, 'sns');

    await expect(publish(sns)).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(secrets.send(new GetSecretValueCommand({ SecretId: SECRET }))).resolves.toMatchObject({
      SecretString: '{}',
    });
    aws.setLatency(0, 'sns');
    await expect(publish(sns)).resolves.toMatchObject({ Failed: [] });
    sns.destroy();
    secrets.destroy();
  });
});
