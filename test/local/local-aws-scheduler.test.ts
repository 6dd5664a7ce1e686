/** The local EventBridge Scheduler (restJson1), driven by the real SDK client through its standard endpoint settings. */
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  InternalServerException,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  ValidationException,
  paginateListSchedules,
} from '@aws-sdk/client-scheduler';
import { type LocalAws, SCHEDULER_FAILURES, startLocalAws } from '../../local/aws';

const GROUP = 'atlas-snapshot-confirm';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:atlas-snapshot';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/atlas-snapshot-followup';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:atlas-snapshot-followup-dlq';
const START = Date.UTC(2026, 11, 1, 9, 0, 0);

let aws: LocalAws;
let now: number;
const savedEnv = { ...process.env };

beforeEach(async () => {
  now = START;
  aws = await startLocalAws({ scheduleGroups: [GROUP], clock: () => now });
});

afterEach(async () => {
  process.env = { ...savedEnv };
  await aws.close();
});

/** A client configured only by environment variables, as the function's will be. */
function clientFromEnv(env: Record<string, string>, maxAttempts = 1): SchedulerClient {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('AWS_') && name !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED')
      delete process.env[name];
  }
  Object.assign(process.env, env);
  return new SchedulerClient({ maxAttempts });
}

function followUp(overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: 'snap-6751d0c0e4b0a1b2c3d4e5f6-1',
    GroupName: GROUP,
    ScheduleExpression: 'at(2026-12-01T09:05:00)',
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    State: 'ENABLED',
    Description: 'Confirms Atlas snapshot 6751d0c0e4b0a1b2c3d4e5f6 (check 1)',
    Target: {
      Arn: FUNCTION_ARN,
      RoleArn: ROLE_ARN,
      Input: JSON.stringify({ followUp: { version: 1, snapshotId: '6751d0c0e4b0a1b2c3d4e5f6', attempt: 1 } }),
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      DeadLetterConfig: { Arn: DLQ_ARN },
    },
    ...overrides,
  };
}

const create = (client: SchedulerClient, overrides: Partial<CreateScheduleCommandInput> = {}) =>
  client.send(new CreateScheduleCommand(followUp(overrides)));

describe('local EventBridge Scheduler', () => {
  it('creates a schedule through AWS_ENDPOINT_URL_SCHEDULER and answers GetSchedule with it', async () => {
    const client = clientFromEnv(aws.env);

    const created = await create(client);
    const read = await client.send(new GetScheduleCommand({ Name: followUp().Name, GroupName: GROUP }));

    expect(created.ScheduleArn).toBe(
      `arn:aws:scheduler:us-east-1:123456789012:schedule/${GROUP}/snap-6751d0c0e4b0a1b2c3d4e5f6-1`,
    );
    expect(read).toMatchObject({
      Arn: created.ScheduleArn,
      Name: 'snap-6751d0c0e4b0a1b2c3d4e5f6-1',
      GroupName: GROUP,
      ScheduleExpression: 'at(2026-12-01T09:05:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: 'Confirms Atlas snapshot 6751d0c0e4b0a1b2c3d4e5f6 (check 1)',
      Target: followUp().Target,
    });
    expect(read.CreationDate).toEqual(new Date(START));
    expect(aws.requests.map((r) => [r.service, r.operation, r.status, r.region])).toEqual([
      ['scheduler', 'CreateSchedule', 200, 'us-east-1'],
      ['scheduler', 'GetSchedule', 200, 'us-east-1'],
    ]);
  });

  it('is reached through the generic AWS_ENDPOINT_URL as well, and stores what it was sent', async () => {
    const { AWS_ENDPOINT_URL_SCHEDULER: _scheduler, ...rest } = aws.env;
    const client = clientFromEnv({ ...rest, AWS_ENDPOINT_URL: aws.endpoint });

    await create(client);

    const [stored] = aws.scheduler.schedules();
    expect(stored).toMatchObject({
      name: 'snap-6751d0c0e4b0a1b2c3d4e5f6-1',
      groupName: GROUP,
      fireAt: Date.UTC(2026, 11, 1, 9, 5, 0),
      target: {
        arn: FUNCTION_ARN,
        roleArn: ROLE_ARN,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterArn: DLQ_ARN,
      },
    });
    expect(JSON.parse(stored?.target.input ?? '')).toEqual({
      followUp: { version: 1, snapshotId: '6751d0c0e4b0a1b2c3d4e5f6', attempt: 1 },
    });
  });

  it('applies Scheduler defaults: default group, UTC, state ENABLED, completion NONE, 24 h / 185 retries', async () => {
    const client = clientFromEnv(aws.env);

    await client.send(
      new CreateScheduleCommand({
        Name: 'plain',
        ScheduleExpression: 'rate(5 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN },
      }),
    );
    const read = await client.send(new GetScheduleCommand({ Name: 'plain' }));

    expect(read).toMatchObject({
      GroupName: 'default',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      ActionAfterCompletion: 'NONE',
      Target: { RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 } },
    });
  });

  it('answers ConflictException (409) for a name that exists in the group, not for another group', async () => {
    const client = clientFromEnv(aws.env);
    await create(client);

    const again = create(client);

    await expect(again).rejects.toBeInstanceOf(ConflictException);
    await expect(again).rejects.toMatchObject({
      message: 'Schedule snap-6751d0c0e4b0a1b2c3d4e5f6-1 already exists.',
      $metadata: { httpStatusCode: 409 },
    });
    await expect(create(client, { GroupName: 'default' })).resolves.toMatchObject({
      ScheduleArn: expect.stringContaining(':schedule/default/'),
    });
    expect(aws.scheduler.calls.map((c) => [c.operation, c.status, c.errorType])).toEqual([
      ['CreateSchedule', 200, undefined],
      ['CreateSchedule', 409, 'ConflictException'],
      ['CreateSchedule', 200, undefined],
    ]);
  });

  it('treats a retried CreateSchedule with the same client token as the first one (idempotent)', async () => {
    const client = clientFromEnv(aws.env);
    const first = await create(client, { ClientToken: 'token-1' });

    const retried = await create(client, { ClientToken: 'token-1' });

    expect(retried.ScheduleArn).toBe(first.ScheduleArn);
    await expect(create(client, { ClientToken: 'token-2' })).rejects.toBeInstanceOf(ConflictException);
    expect(aws.scheduler.schedules()).toHaveLength(1);
  });

  it.each([
    ['a name with a space', { Name: 'snap 1' }, "Value 'snap 1' at 'name'"],
    ['a name longer than 64 characters', { Name: 'x'.repeat(65) }, 'length between 1 and 64'],
    ['an at() without seconds', { ScheduleExpression: 'at(2026-12-01T09:05)' }, 'Invalid Schedule Expression'],
    ['an at() on 31 November', { ScheduleExpression: 'at(2026-11-31T09:05:00)' }, 'Invalid Schedule Expression'],
    ['an at() with a Z', { ScheduleExpression: 'at(2026-12-01T09:05:00Z)' }, 'Invalid Schedule Expression'],
    ['a rate of zero', { ScheduleExpression: 'rate(0 minutes)' }, 'Invalid Schedule Expression'],
    ['a rate in weeks', { ScheduleExpression: 'rate(1 week)' }, 'Invalid Schedule Expression'],
    ['a cron with five fields', { ScheduleExpression: 'cron(0 9 * * ?)' }, 'Invalid Schedule Expression'],
    ['a cron naming both days', { ScheduleExpression: 'cron(0 9 1 * MON *)' }, 'Invalid Schedule Expression'],
    ['an unknown time zone', { ScheduleExpressionTimezone: 'Mars/Olympus' }, 'Invalid time zone'],
    ['a window mode that does not exist', { FlexibleTimeWindow: { Mode: 'SOMETIMES' as 'OFF' } }, 'enum value set'],
    [
      'a flexible window without minutes',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE' as const } },
      'MaximumWindowInMinutes',
    ],
    ['an unknown completion action', { ActionAfterCompletion: 'KEEP' as 'NONE' }, 'enum value set'],
    ['a description over 512 characters', { Description: 'd'.repeat(513) }, 'less than or equal to 512'],
  ])('refuses %s with ValidationException', async (_label, overrides, message) => {
    const client = clientFromEnv(aws.env);

    const attempt = create(client, overrides);

    await expect(attempt).rejects.toBeInstanceOf(ValidationException);
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringContaining(message),
      $metadata: { httpStatusCode: 400 },
    });
    expect(aws.scheduler.schedules()).toHaveLength(0);
  });

  it.each([
    ['a target that is no ARN', { Arn: 'atlas-snapshot' }, 'Invalid target ARN'],
    ['a role that is no IAM role ARN', { RoleArn: 'arn:aws:iam::123456789012:user/me' }, "at 'target.roleArn'"],
    ['input that is not JSON for a Lambda target', { Input: 'not json' }, 'well-formed JSON'],
    ['input over 256 KB', { Input: JSON.stringify({ pad: 'x'.repeat(256 * 1024) }) }, 'maximum of 262144 bytes'],
    ['an empty input', { Input: '' }, 'greater than or equal to 1'],
    ['more than 185 retries', { RetryPolicy: { MaximumRetryAttempts: 186 } }, 'between 0 and 185'],
    ['an event age under a minute', { RetryPolicy: { MaximumEventAgeInSeconds: 59 } }, 'between 60 and 86400'],
    ['a dead-letter target that is no SQS queue', { DeadLetterConfig: { Arn: FUNCTION_ARN } }, 'deadLetterConfig.arn'],
  ])('refuses %s with ValidationException', async (_label, target, message) => {
    const client = clientFromEnv(aws.env);

    const attempt = create(client, {
      Target: { ...followUp().Target, ...target } as CreateScheduleCommandInput['Target'],
    });

    await expect(attempt).rejects.toBeInstanceOf(ValidationException);
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining(message) });
  });

  it('answers ResourceNotFoundException (404) for an unknown group or schedule', async () => {
    const client = clientFromEnv(aws.env);
    await create(client);

    const intoUnknownGroup = create(client, { GroupName: 'nope' });

    await expect(intoUnknownGroup).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(intoUnknownGroup).rejects.toMatchObject({
      message: 'Schedule group nope does not exist.',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(client.send(new GetScheduleCommand({ Name: 'snap-none-1', GroupName: GROUP }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Schedule snap-none-1 does not exist.',
    });
    await expect(
      client.send(new DeleteScheduleCommand({ Name: 'snap-none-1', GroupName: GROUP })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new ListSchedulesCommand({ GroupName: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('deletes a schedule, and lists by group, name prefix and state across pages', async () => {
    const client = clientFromEnv(aws.env);
    for (const n of [1, 2, 3]) await create(client, { Name: `snap-a-${n}` });
    await create(client, { Name: 'snap-b-1', State: 'DISABLED' });
    await create(client, { Name: 'snap-a-1', GroupName: 'default' });

    const remove = () =>
      client.send(new DeleteScheduleCommand({ Name: 'snap-a-2', GroupName: GROUP, ClientToken: 'del-1' }));
    await remove();
    // A retried delete (same client token) succeeds again; a new one finds nothing.
    await remove();
    await expect(client.send(new DeleteScheduleCommand({ Name: 'snap-a-2', GroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    const names: string[] = [];
    for await (const page of paginateListSchedules(
      { client, pageSize: 1 },
      { GroupName: GROUP, NamePrefix: 'snap-a-', State: 'ENABLED' },
    )) {
      names.push(...(page.Schedules ?? []).map((s) => `${s.GroupName}/${s.Name}`));
    }
    const all = await client.send(new ListSchedulesCommand({}));

    expect(names).toEqual([`${GROUP}/snap-a-1`, `${GROUP}/snap-a-3`]);
    expect(all.Schedules?.map((s) => [s.GroupName, s.Name, s.State, s.Target?.Arn])).toEqual([
      [GROUP, 'snap-a-1', 'ENABLED', FUNCTION_ARN],
      [GROUP, 'snap-a-3', 'ENABLED', FUNCTION_ARN],
      [GROUP, 'snap-b-1', 'DISABLED', FUNCTION_ARN],
      ['default', 'snap-a-1', 'ENABLED', FUNCTION_ARN],
    ]);
    expect(all.NextToken).toBeUndefined();
  });

  it('lists one-time schedules as due in time order, evaluated in their time zone', async () => {
    const client = clientFromEnv(aws.env);
    await create(client, { Name: 'late', ScheduleExpression: 'at(2026-12-01T09:20:00)' });
    // 10:10 in Berlin (UTC+1 in December) is 09:10 UTC.
    await create(client, {
      Name: 'berlin',
      ScheduleExpression: 'at(2026-12-01T10:10:00)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
    await create(client, { Name: 'early', ScheduleExpression: 'at(2026-12-01T09:05:00)' });
    await create(client, { Name: 'off', ScheduleExpression: 'at(2026-12-01T09:01:00)', State: 'DISABLED' });
    await create(client, { Name: 'recurring', ScheduleExpression: 'rate(1 minute)' });

    const dueAt0910 = aws.scheduler.due(Date.UTC(2026, 11, 1, 9, 10, 0));
    const dueAt0919 = aws.scheduler.due(Date.UTC(2026, 11, 1, 9, 19, 59));

    expect(dueAt0910.map((s) => s.name)).toEqual(['early', 'berlin']);
    expect(dueAt0919.map((s) => s.name)).toEqual(['early', 'berlin']);
    expect(aws.scheduler.nextFireAt()).toBe(Date.UTC(2026, 11, 1, 9, 5, 0));
  });

  it('removes a completed schedule created with DELETE, keeps one with NONE without firing it again', async () => {
    const client = clientFromEnv(aws.env);
    await create(client, { Name: 'deleted-after' });
    await create(client, { Name: 'kept-after', ActionAfterCompletion: 'NONE' });
    now = Date.UTC(2026, 11, 1, 9, 5, 1);

    for (const due of aws.scheduler.due(now)) aws.scheduler.complete(due.name, due.groupName);

    expect(aws.scheduler.schedules().map((s) => [s.name, s.completedAt])).toEqual([['kept-after', now]]);
    expect(aws.scheduler.due(now)).toEqual([]);
    await expect(
      client.send(new GetScheduleCommand({ Name: 'deleted-after', GroupName: GROUP })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('fails scripted requests with the service errors, which the SDK retries when allowed to', async () => {
    const single = clientFromEnv(aws.env);
    aws.scheduler.failNext(1);
    await expect(create(single)).rejects.toBeInstanceOf(InternalServerException);
    aws.scheduler.failNext(1, SCHEDULER_FAILURES.throttling);
    await expect(create(single)).rejects.toBeInstanceOf(ThrottlingException);
    aws.scheduler.failAlways(SCHEDULER_FAILURES.accessDenied);
    await expect(create(single)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    aws.scheduler.recover();
    const retrying = clientFromEnv(aws.env, 2);
    aws.scheduler.failNext(1);

    await create(retrying);

    expect(aws.scheduler.calls.map((c) => c.status)).toEqual([500, 429, 403, 500, 200]);
    expect(aws.scheduler.schedules()).toHaveLength(1);
  });

  it('refuses unsigned requests and requests signed for another service', async () => {
    const unsigned = await fetch(`${aws.endpoint}/schedules/x?groupName=${GROUP}`);
    const forSns = await fetch(`${aws.endpoint}/schedules/x`, {
      headers: {
        Authorization:
          'AWS4-HMAC-SHA256 Credential=AKIA/20261201/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=abc123',
      },
    });

    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(forSns.status).toBe(403);
    expect(await forSns.json()).toEqual({ Message: "Credential should be scoped to correct service: 'scheduler'." });
  });
});
