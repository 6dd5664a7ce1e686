/** The EventBridge Scheduler adapter, with the real SDK client against the local Scheduler. */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { type LocalAws, SCHEDULER_FAILURES, startLocalAws } from '../../local/aws';
import { CodedError } from '../../lambda/snapshot/errors';
import {
  type SchedulerAdapterOptions,
  atExpression,
  schedulerAdapter,
  unqualifiedFunctionArn,
} from '../../lambda/snapshot/scheduler';
import type { FollowUpEvent } from '../../lambda/snapshot/types';

const GROUP = 'atlas-snapshot-confirm';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:atlas-snapshot';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/atlas-snapshot-followup';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:atlas-snapshot-followup-dlq';
const SECRET_KEY = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
const AT = new Date('2026-12-01T09:05:07.891Z');

const event: FollowUpEvent = {
  followUp: {
    version: 1,
    projectId: '65a1b2c3d4e5f60718293a4b',
    clusterName: 'Cluster0',
    snapshotId: '6751d0c0e4b0a1b2c3d4e5f6',
    sharded: false,
    requestedAt: '2026-12-01T09:00:07.891Z',
    attempt: 1,
    deadline: '2026-12-01T21:00:07.891Z',
    trigger: 'schedule',
    schedule: 'daily',
    retentionInDays: 7,
    promotion: { weeks: 8, months: 12, years: 0, timezone: 'Europe/Kyiv' },
  },
};
const NAME = `snap-${event.followUp.snapshotId}-1`;

let aws: LocalAws;
let client: SchedulerClient;

beforeEach(async () => {
  aws = await startLocalAws({ region: 'eu-west-1', scheduleGroups: [GROUP] });
  client = new SchedulerClient({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: SECRET_KEY },
    maxAttempts: 1,
    requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
  });
});

afterEach(async () => {
  client.destroy();
  await aws.close();
});

function adapter(overrides: Partial<SchedulerAdapterOptions> = {}) {
  return schedulerAdapter({
    client,
    groupName: GROUP,
    roleArn: ROLE_ARN,
    functionArn: FUNCTION_ARN,
    deadLetterArn: DLQ_ARN,
    ...overrides,
  });
}

describe('atExpression', () => {
  it('writes UTC to the second: milliseconds dropped, no zone suffix', () => {
    expect(atExpression(AT)).toBe('at(2026-12-01T09:05:07)');
    expect(atExpression(new Date('2027-01-01T00:00:00+02:00'))).toBe('at(2026-12-31T22:00:00)');
  });

  it('refuses an invalid date', () => {
    expect(() => atExpression(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('unqualifiedFunctionArn', () => {
  it.each([
    [`${FUNCTION_ARN}:7`, FUNCTION_ARN],
    [`${FUNCTION_ARN}:live`, FUNCTION_ARN],
    [`${FUNCTION_ARN}:$LATEST`, FUNCTION_ARN],
    [FUNCTION_ARN, FUNCTION_ARN],
    [
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:f:prod',
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:f',
    ],
    ['arn:aws:sqs:eu-west-1:123456789012:queue', 'arn:aws:sqs:eu-west-1:123456789012:queue'],
  ])('%s -> %s', (invoked, expected) => {
    expect(unqualifiedFunctionArn(invoked)).toBe(expected);
  });
});

describe('schedulerAdapter', () => {
  it('creates the one-time schedule the follow-up needs, exactly', async () => {
    const scheduler = adapter({ functionArn: `${FUNCTION_ARN}:live` });

    const result = await scheduler.schedule(NAME, AT, event);

    expect(result).toBe('created');
    const [stored, ...others] = aws.scheduler.schedules();
    expect(others).toEqual([]);
    expect(stored).toMatchObject({
      name: NAME,
      groupName: GROUP,
      scheduleExpression: 'at(2026-12-01T09:05:07)',
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      actionAfterCompletion: 'DELETE',
      state: 'ENABLED',
      description:
        'Confirmation check 1 of Atlas snapshot 6751d0c0e4b0a1b2c3d4e5f6 (65a1b2c3d4e5f60718293a4b/Cluster0)',
      fireAt: Date.parse('2026-12-01T09:05:07Z'),
      target: {
        arn: FUNCTION_ARN,
        roleArn: ROLE_ARN,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterArn: DLQ_ARN,
      },
    });
    expect(JSON.parse(stored?.target.input ?? '')).toEqual(event);
    expect(stored?.flexibleTimeWindow.maximumWindowInMinutes).toBeUndefined();
  });

  it('sends no dead-letter queue when none is configured, and the retry policy it is given', async () => {
    const scheduler = schedulerAdapter({
      client,
      groupName: GROUP,
      roleArn: ROLE_ARN,
      functionArn: FUNCTION_ARN,
      retryAttempts: 5,
      maxEventAgeSeconds: 7200,
    });

    await scheduler.schedule(NAME, AT, event);

    const stored = aws.scheduler.schedule(NAME, GROUP);
    expect(stored?.target.deadLetterArn).toBeUndefined();
    expect(stored?.target.retryPolicy).toEqual({ maximumRetryAttempts: 5, maximumEventAgeInSeconds: 7200 });
  });

  it('answers exists for a name already there (a repeated invocation): no second schedule', async () => {
    const scheduler = adapter();
    await scheduler.schedule(NAME, AT, event);

    const again = await scheduler.schedule(NAME, new Date(AT.getTime() + 60_000), event);

    expect(again).toBe('exists');
    expect(aws.scheduler.schedules().map((s) => s.scheduleExpression)).toEqual(['at(2026-12-01T09:05:07)']);
    expect(aws.scheduler.calls.map((c) => [c.status, c.errorType])).toEqual([
      [200, undefined],
      [409, 'ConflictException'],
    ]);
  });

  it('throws a CodedError named after the refusal, with a short message and no credentials', async () => {
    aws.scheduler.failAlways(SCHEDULER_FAILURES.accessDenied);

    const attempt = adapter().schedule(NAME, AT, event);

    await expect(attempt).rejects.toBeInstanceOf(CodedError);
    await expect(attempt).rejects.toMatchObject({
      code: 'AccessDeniedException',
      httpStatus: 403,
      message: expect.stringMatching(
        new RegExp(
          `^EventBridge Scheduler did not create schedule ${NAME} in group ${GROUP}: AccessDeniedException \\(HTTP 403\\): User: `,
        ),
      ),
    });
    const error = (await attempt.catch((e: unknown) => e)) as CodedError;
    expect(error.message.length).toBeLessThan(500);
    expect(JSON.stringify({ ...error, message: error.message })).not.toMatch(
      new RegExp(`${SECRET_KEY}|AWS4-HMAC|Signature=`),
    );
    expect(error.cause).toBeUndefined();
  });

  it.each([
    ['an unknown group', { groupName: 'missing' }, 'ResourceNotFoundException', 404],
    ['a role that is no IAM role', { roleArn: 'arn:aws:iam::123456789012:user/me' }, 'ValidationException', 400],
  ])('throws for %s', async (_label, overrides, code, httpStatus) => {
    const attempt = adapter(overrides).schedule(NAME, AT, event);

    await expect(attempt).rejects.toMatchObject({ name: 'CodedError', code, httpStatus });
    expect(aws.scheduler.schedules()).toEqual([]);
  });

  it('throws TimeoutError when Scheduler does not answer within the client timeout', async () => {
    aws.scheduler.hangNext(1);

    const attempt = adapter().schedule(NAME, AT, event);

    await expect(attempt).rejects.toMatchObject({ name: 'CodedError', code: 'TimeoutError' });
  });

  it('gives up when the abort signal fires', async () => {
    aws.scheduler.hangNext(1);
    const controller = new AbortController();

    const attempt = adapter().schedule(NAME, AT, event, { abortSignal: controller.signal });
    controller.abort();

    await expect(attempt).rejects.toMatchObject({ name: 'CodedError', code: 'AbortError' });
  });
});
