/**
 * The Lambda-like runtime `npm start` and the end-to-end tests run the bundle in (local/lambda):
 * what a handler sees of Lambda (context, reserved variables), the virtual clock the parent moves,
 * the timeout, and a fresh environment after a timeout. A tiny handler stands in for the bundle.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { confirmationOf, resolveStackVariables } from '../../local/lambda/environment';
import { startFunction, type LocalFunction } from '../../local/lambda/runtime';
import { VirtualClock } from '../../local/lambda/virtual-clock';

jest.setTimeout(20_000);

const HANDLER = `
'use strict';
let invocations = 0;
exports.handler = async (event, context) => {
  invocations += 1;
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.fail) throw Object.assign(new Error('it failed'), { name: 'InvocationFailedError' });
  console.log(JSON.stringify({ message: 'hello', invocations }));
  const { getRemainingTimeInMillis, ...fields } = context;
  return {
    invocations,
    now: Date.now(),
    constructed: new Date().getTime(),
    explicit: new Date(0).getTime(),
    called: Date(),
    isDate: new Date() instanceof Date,
    parsed: Date.parse('2026-01-01T00:00:00Z'),
    remaining: getRemainingTimeInMillis(),
    context: fields,
    env: Object.fromEntries(
      ['AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_LOG_GROUP_NAME', 'LAMBDA_TASK_ROOT', 'TZ', 'AWS_REGION', 'MINE', 'NODE_PATH']
        .map((name) => [name, process.env[name]]),
    ),
  };
};
`;

interface Seen {
  invocations: number;
  now: number;
  constructed: number;
  explicit: number;
  called: string;
  isDate: boolean;
  parsed: number;
  remaining: number;
  context: Record<string, unknown>;
  env: Record<string, string | undefined>;
}

let dir: string;
let bundle: string;
let fn: LocalFunction | undefined;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-lambda-'));
  bundle = path.join(dir, 'index.js');
  fs.writeFileSync(bundle, HANDLER);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await fn?.close();
  fn = undefined;
});

const DAY_MS = 86_400_000;

describe('the Lambda-like runtime', () => {
  it('gives the handler the context and the variables Lambda sets, beside the function environment', async () => {
    fn = await startFunction({
      bundlePath: bundle,
      env: { MINE: 'yes', AWS_REGION: 'eu-west-1' },
      functionName: 'MyFunction',
      accountId: '111122223333',
    });

    const invocation = await fn.invoke({}, { requestId: 'req-1', timeoutMs: 10_000 });

    const seen = invocation.result as Seen;
    expect(fn.functionArn).toBe('arn:aws:lambda:eu-west-1:111122223333:function:MyFunction');
    expect(seen.context).toMatchObject({
      awsRequestId: 'req-1',
      functionName: 'MyFunction',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:MyFunction',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/MyFunction',
    });
    expect(seen.env).toEqual({
      AWS_LAMBDA_FUNCTION_NAME: 'MyFunction',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/MyFunction',
      LAMBDA_TASK_ROOT: dir,
      TZ: 'UTC',
      AWS_REGION: 'eu-west-1',
      MINE: 'yes',
      NODE_PATH: path.resolve(__dirname, '..', '..', 'node_modules'),
    });
    expect(seen.remaining).toBeGreaterThan(0);
    expect(seen.remaining).toBeLessThanOrEqual(10_000);
    expect(invocation.lines).toEqual([JSON.stringify({ message: 'hello', invocations: 1 })]);
  });

  it("shifts the function's Date by the offset set before the bundle loads, and by the parent's later moves", async () => {
    fn = await startFunction({ bundlePath: bundle, env: {}, clockOffsetMs: 2 * DAY_MS });

    const before = Date.now();
    const first = (await fn.invoke({})).result as Seen;
    await fn.setClockOffset(3 * DAY_MS);
    const second = (await fn.invoke({})).result as Seen;
    const after = Date.now();

    for (const [seen, offset] of [
      [first, 2 * DAY_MS],
      [second, 3 * DAY_MS],
    ] as const) {
      expect(seen.now).toBeGreaterThanOrEqual(before + offset);
      expect(seen.now).toBeLessThanOrEqual(after + offset);
      expect(seen.constructed).toBeGreaterThanOrEqual(before + offset);
      expect(Date.parse(seen.called)).toBeGreaterThanOrEqual(Math.floor((before + offset) / 1000) * 1000);
    }
    expect(first.explicit).toBe(0);
    expect(first.parsed).toBe(Date.UTC(2026, 0, 1));
    expect(first.isDate).toBe(true);
    expect(second.invocations).toBe(2);
    expect(fn.clockOffsetMs).toBe(3 * DAY_MS);
  });

  it('a failed invocation carries the error type and message; the environment stays warm', async () => {
    fn = await startFunction({ bundlePath: bundle, env: {} });

    const failed = await fn.invoke({ fail: true });
    const next = (await fn.invoke({})).result as Seen;

    expect(failed).toMatchObject({
      ok: false,
      error: { errorType: 'InvocationFailedError', errorMessage: 'it failed' },
    });
    expect(failed.timedOut).toBeUndefined();
    expect(next.invocations).toBe(2);
  });

  it('the timeout ends the invocation as Sandbox.Timedout and throws the environment away: the next one is a cold start', async () => {
    fn = await startFunction({ bundlePath: bundle, env: {}, timeoutMs: 300, clockOffsetMs: DAY_MS });

    const timedOut = await fn.invoke({ sleepMs: 5_000 });
    const next = await fn.invoke({});

    expect(timedOut).toMatchObject({
      ok: false,
      timedOut: true,
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.30 seconds' },
    });
    expect(next.ok).toBe(true);
    const seen = next.result as Seen;
    expect(seen.invocations).toBe(1);
    expect(seen.now).toBeGreaterThan(Date.now() + DAY_MS / 2);
  });
});

describe('the virtual clock', () => {
  it('flows with the real time, moves forward by an offset, and never backwards', () => {
    let real = 1_000;
    const clock = new VirtualClock(5_000, () => real);

    real += 10;
    const flowed = clock.now();
    clock.advance(100);
    const advanced = clock.now();
    clock.moveTo(2_000);
    const notBack = clock.now();
    clock.moveTo(9_000);

    expect([flowed, advanced, notBack, clock.now()]).toEqual([5_010, 5_110, 5_110, 9_000]);
    expect(clock.offsetMs).toBe(9_000 - real);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(new VirtualClock(undefined, () => real).offsetMs).toBe(0);
  });
});

describe("a template's function variables in a local run", () => {
  const deployment = {
    topicArn: 'arn:aws:sns:us-east-1:123456789012:local',
    scheduleGroup: 'local-group',
    roleArn: 'arn:aws:iam::123456789012:role/local',
    deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:local-dlq',
  };

  it('keeps the strings and gives each deploy-time value the local one of its variable', () => {
    const env = resolveStackVariables(
      {
        ATLAS_SECRET_ID: 'atlas/x',
        SNS_TOPIC_ARN: { Ref: 'Topic' },
        CONFIRM_SCHEDULE_GROUP: { Ref: 'Group' },
        CONFIRM_ROLE_ARN: { 'Fn::GetAtt': ['Role', 'Arn'] },
        CONFIRM_DEAD_LETTER_ARN: { 'Fn::GetAtt': ['Queue', 'Arn'] },
        CONFIRM_FIRST_CHECK_MINUTES: '10',
      },
      deployment,
    );

    expect(env).toEqual({
      ATLAS_SECRET_ID: 'atlas/x',
      SNS_TOPIC_ARN: deployment.topicArn,
      CONFIRM_SCHEDULE_GROUP: 'local-group',
      CONFIRM_ROLE_ARN: deployment.roleArn,
      CONFIRM_DEAD_LETTER_ARN: deployment.deadLetterArn,
      CONFIRM_FIRST_CHECK_MINUTES: '10',
    });
    expect(confirmationOf(env, { firstCheckMinutes: 5, maxHours: 12 })).toEqual({
      scheduleGroup: 'local-group',
      roleArn: deployment.roleArn,
      deadLetterArn: deployment.deadLetterArn,
      firstCheckMinutes: 10,
      maxHours: 12,
    });
  });

  it('refuses a deploy-time value in a variable it does not know, and one the run has no stand-in for', () => {
    expect(() => resolveStackVariables({ SOMETHING_NEW: { Ref: 'X' } }, deployment)).toThrow(
      'SOMETHING_NEW holds a deploy-time value ({"Ref":"X"}) a local run cannot resolve',
    );
    expect(() => resolveStackVariables({ CHAT_TOPIC_ARN: { Ref: 'Chat' } }, deployment)).toThrow(/CHAT_TOPIC_ARN/);
    expect(confirmationOf({ CONFIRM_SCHEDULE_GROUP: 'g' }, { firstCheckMinutes: 5, maxHours: 12 })).toBeUndefined();
  });
});
