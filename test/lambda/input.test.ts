import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFunctionConfig, type FunctionConfig } from '../../lambda/snapshot/config';
import { parseInvocation } from '../../lambda/snapshot/event';

const P1 = '5f1d7a3b2c4e6f8a9b0c1d2e';
const goodEnv = {
  ATLAS_SECRET_ID: 'atlas/snapshots',
  SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:atlas-snapshots',
  ATLAS_TARGETS: JSON.stringify([{ projectId: P1, clusterName: 'Cluster0' }]),
  SNAPSHOT_RETENTION_DAYS: '7',
  SNAPSHOT_DESCRIPTION: 'nightly',
};

describe('function environment', () => {
  it('reads a complete environment with defaults for the optional parts', () => {
    expect(readFunctionConfig(goodEnv)).toEqual({
      ok: true,
      config: {
        secretId: 'atlas/snapshots',
        topicArn: goodEnv.SNS_TOPIC_ARN,
        targets: [{ projectId: P1, clusterName: 'Cluster0' }],
        retentionInDays: 7,
        description: 'nightly',
        concurrency: 8,
        secretTtlMs: 300_000,
        summaryEnabled: true,
      },
    });
  });

  it('accepts a loopback http base URL and strips the trailing slash', () => {
    const result = readFunctionConfig({ ...goodEnv, ATLAS_BASE_URL: 'http://127.0.0.1:8080/' });
    expect(result.ok && result.config.baseUrl).toBe('http://127.0.0.1:8080');
  });

  it.each([
    [{ ATLAS_SECRET_ID: '' }, 'ATLAS_SECRET_ID must be set'],
    [{ SNS_TOPIC_ARN: 'topic' }, 'SNS_TOPIC_ARN must be an SNS topic ARN, got "topic"'],
    [{ ATLAS_TARGETS: '[{' }, 'ATLAS_TARGETS must be JSON'],
    [{ ATLAS_TARGETS: '[]' }, 'ATLAS_TARGETS must be a non-empty array'],
    [
      { ATLAS_TARGETS: JSON.stringify([{ projectId: 'x', clusterName: 'C' }]) },
      'ATLAS_TARGETS[0].projectId must be 24 lowercase hex',
    ],
    [{ SNAPSHOT_RETENTION_DAYS: '0' }, 'SNAPSHOT_RETENTION_DAYS must be an integer >= 1, got "0"'],
    [{ SNAPSHOT_RETENTION_DAYS: '7.5' }, 'SNAPSHOT_RETENTION_DAYS must be an integer >= 1'],
    [{ ATLAS_BASE_URL: 'http://cloud.mongodb.com' }, 'ATLAS_BASE_URL must use https://'],
    [{ ATLAS_CONCURRENCY: '0' }, 'ATLAS_CONCURRENCY must be an integer from 1 to 64'],
  ])('refuses %j, naming the variable', (override, message) => {
    const result = readFunctionConfig({ ...goodEnv, ...override });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toContain(message);
  });

  it('keeps the topic ARN of a bad environment so the problem can still be published', () => {
    const result = readFunctionConfig({ ...goodEnv, SNAPSHOT_RETENTION_DAYS: 'x' });
    expect(result).toMatchObject({ ok: false, topicArn: goodEnv.SNS_TOPIC_ARN });
  });
});

describe('invocation event', () => {
  const defaults = (readFunctionConfig(goodEnv) as { config: FunctionConfig }).config;

  it('an EventBridge scheduled event runs the defaults as trigger "schedule"', () => {
    const event = {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      detail: {},
      id: 'x',
      time: '2026-11-28T03:00:00Z',
    };
    expect(parseInvocation(event, defaults)).toEqual({
      kind: 'run',
      request: {
        targets: defaults.targets,
        retentionInDays: 7,
        description: 'nightly',
        dryRun: false,
        trigger: 'schedule',
      },
    });
  });

  it('a schedule input with its own retention is trigger "schedule" with the override', () => {
    const result = parseInvocation({ schedule: 'weekly', retentionInDays: 35 }, defaults);
    expect(result).toMatchObject({
      kind: 'run',
      request: { trigger: 'schedule', schedule: 'weekly', retentionInDays: 35 },
    });
  });

  it.each([[{}], [null], [undefined]])('%j is a manual run with the defaults', (event) => {
    expect(parseInvocation(event, defaults)).toMatchObject({
      kind: 'run',
      request: { trigger: 'manual', dryRun: false, retentionInDays: 7 },
    });
  });

  it('a console event overrides targets, retention, description and dryRun', () => {
    const targets = [{ projectId: P1, clusterName: '*' }];
    const result = parseInvocation(
      { targets, retentionInDays: 30, description: 'before release 4.2', dryRun: true },
      defaults,
    );
    expect(result).toEqual({
      kind: 'run',
      request: { targets, retentionInDays: 30, description: 'before release 4.2', dryRun: true, trigger: 'manual' },
    });
  });

  it.each([
    [{ retention: 3 }, 'event.retention is not a known field'],
    [{ retentionInDays: 0 }, 'event.retentionInDays must be an integer >= 1, got 0'],
    [{ retentionInDays: '7' }, 'event.retentionInDays must be an integer >= 1, got "7"'],
    [{ dryRun: 'yes' }, 'event.dryRun must be true or false'],
    [{ description: '' }, 'event.description must be a non-empty string'],
    [{ targets: [] }, 'event.targets must be a non-empty array'],
    [{ targets: [{ projectId: P1, clusterName: '-bad' }] }, 'event.targets[0].clusterName must match'],
    [{ targets: [{ projectId: P1, clusterName: 'A', extra: 1 }] }, 'event.targets[0].extra is not a known field'],
    [
      {
        targets: [
          { projectId: P1, clusterName: 'A' },
          { projectId: P1, clusterName: 'A' },
        ],
      },
      'event.targets[1] repeats',
    ],
    [{ schedule: 'a b' }, 'event.schedule must be a schedule name'],
    ['run', 'event must be a JSON object'],
  ])('refuses %j naming the field', (event, message) => {
    const result = parseInvocation(event, defaults);
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.problems.join('\n')).toContain(message);
  });
});

describe('function environment: the targets file', () => {
  const fileEnv = (extra: Record<string, string> = {}) => {
    const { ATLAS_TARGETS: _inline, ...rest } = goodEnv;
    return { ...rest, ATLAS_TARGETS_FILE: 'targets.json', ...extra };
  };
  const targets = [{ projectId: P1, clusterName: '*', tags: { env: 'prod' } }];

  it('reads ATLAS_TARGETS_FILE relative to the code root, once', () => {
    const reads: string[] = [];

    const result = readFunctionConfig(fileEnv(), {
      codeRoot: '/var/task',
      readFile: (path) => {
        reads.push(path);
        return JSON.stringify(targets);
      },
    });

    expect(reads).toEqual(['/var/task/targets.json']);
    expect(result).toMatchObject({ ok: true, config: { targets } });
  });

  it("the code root is LAMBDA_TASK_ROOT, else the running bundle's directory", () => {
    const reads: string[] = [];
    const readFile = (path: string) => {
      reads.push(path);
      return JSON.stringify(targets);
    };

    readFunctionConfig(fileEnv({ LAMBDA_TASK_ROOT: '/var/task', ATLAS_TARGETS_FILE: 'config/t.json' }), { readFile });
    readFunctionConfig(fileEnv(), { readFile });

    expect(reads).toEqual(['/var/task/config/t.json', join(__dirname, '../../lambda/snapshot/targets.json')]);
  });

  it('reads a real file from the disk', () => {
    const root = mkdtempSync(join(tmpdir(), 'targets-'));
    writeFileSync(join(root, 'targets.json'), JSON.stringify(targets));

    expect(readFunctionConfig(fileEnv({ LAMBDA_TASK_ROOT: root }))).toMatchObject({ ok: true, config: { targets } });
  });

  it('a missing file names the path it looked at', () => {
    const root = mkdtempSync(join(tmpdir(), 'targets-'));

    const result = readFunctionConfig(fileEnv({ LAMBDA_TASK_ROOT: root }));

    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      `ATLAS_TARGETS_FILE names "${join(root, 'targets.json')}", which cannot be read (ENOENT)`,
    ]);
  });

  it.each([
    ['[{', 'ATLAS_TARGETS_FILE must be JSON'],
    ['[]', 'ATLAS_TARGETS_FILE must be a non-empty array'],
    [
      JSON.stringify([{ projectId: 'x', clusterName: 'C' }]),
      'ATLAS_TARGETS_FILE[0].projectId must be 24 lowercase hex',
    ],
  ])('invalid content %s is refused with the messages the variable gets', (content, message) => {
    const result = readFunctionConfig(fileEnv(), { codeRoot: '/var/task', readFile: () => content });
    const inline = readFunctionConfig({ ...goodEnv, ATLAS_TARGETS: content });

    expect(!result.ok && result.problems.join('\n')).toContain(message);
    expect(!inline.ok && inline.problems.join('\n')).toContain(message.replace('ATLAS_TARGETS_FILE', 'ATLAS_TARGETS'));
  });

  it('both set, or neither, is INVALID_CONFIG naming both variables', () => {
    const both = readFunctionConfig(fileEnv({ ATLAS_TARGETS: goodEnv.ATLAS_TARGETS }), { readFile: () => '[]' });
    const { ATLAS_TARGETS: _inline, ...neither } = goodEnv;

    expect(!both.ok && both.problems).toEqual(['ATLAS_TARGETS and ATLAS_TARGETS_FILE are both set: set one of them']);
    expect(!readFunctionConfig(neither).ok && (readFunctionConfig(neither) as { problems: string[] }).problems).toEqual(
      ['ATLAS_TARGETS must be set (or ATLAS_TARGETS_FILE)'],
    );
  });

  it('100,000 bad targets give a bounded problem list', () => {
    const bad = JSON.stringify(Array.from({ length: 100_000 }, () => ({ projectId: 'x', clusterName: '-' })));

    const result = readFunctionConfig(fileEnv(), { codeRoot: '/var/task', readFile: () => bad });

    expect(!result.ok && result.problems).toHaveLength(21);
    expect(!result.ok && result.problems[20]).toBe('... and 199980 more');
  });
});

describe('function environment: round-2 settings', () => {
  const GROUP = 'atlas-snapshot-follow-ups';
  const ROLE = 'arn:aws:iam::123456789012:role/atlas-snapshot-scheduler-follow-up';
  const DLQ = 'arn:aws:sqs:eu-west-1:123456789012:atlas-follow-ups-dlq';

  it('confirmation is off without CONFIRM_SCHEDULE_GROUP, on with it and the role (defaults 5 min, 12 h)', () => {
    expect(readFunctionConfig(goodEnv)).toMatchObject({ ok: true });
    expect((readFunctionConfig(goodEnv) as { config: FunctionConfig }).config.confirmation).toBeUndefined();

    const result = readFunctionConfig({ ...goodEnv, CONFIRM_SCHEDULE_GROUP: GROUP, CONFIRM_ROLE_ARN: ROLE });

    expect(result).toMatchObject({
      ok: true,
      config: { confirmation: { scheduleGroup: GROUP, roleArn: ROLE, firstCheckMinutes: 5, maxHours: 12 } },
    });
  });

  it('reads the first check, the maximum hours and the dead-letter queue', () => {
    const result = readFunctionConfig({
      ...goodEnv,
      CONFIRM_SCHEDULE_GROUP: GROUP,
      CONFIRM_ROLE_ARN: ROLE,
      CONFIRM_FIRST_CHECK_MINUTES: '7',
      CONFIRM_MAX_HOURS: '48',
      CONFIRM_DEAD_LETTER_ARN: DLQ,
    });

    expect(result).toMatchObject({
      ok: true,
      config: {
        confirmation: { scheduleGroup: GROUP, roleArn: ROLE, firstCheckMinutes: 7, maxHours: 48, deadLetterArn: DLQ },
      },
    });
  });

  it.each([
    [{ CONFIRM_ROLE_ARN: '' }, 'CONFIRM_ROLE_ARN must be set when CONFIRM_SCHEDULE_GROUP is'],
    [{ CONFIRM_ROLE_ARN: 'arn:aws:iam::123456789012:user/bob' }, 'CONFIRM_ROLE_ARN must be an IAM role ARN'],
    [{ CONFIRM_SCHEDULE_GROUP: 'a group' }, 'CONFIRM_SCHEDULE_GROUP must be an EventBridge Scheduler group name'],
    [{ CONFIRM_FIRST_CHECK_MINUTES: '0' }, 'CONFIRM_FIRST_CHECK_MINUTES must be an integer from 1 to 60, got "0"'],
    [{ CONFIRM_FIRST_CHECK_MINUTES: '61' }, 'CONFIRM_FIRST_CHECK_MINUTES must be an integer from 1 to 60'],
    [{ CONFIRM_MAX_HOURS: '49' }, 'CONFIRM_MAX_HOURS must be an integer from 1 to 48, got "49"'],
    [{ CONFIRM_MAX_HOURS: '1.5' }, 'CONFIRM_MAX_HOURS must be an integer from 1 to 48'],
    [{ CONFIRM_DEAD_LETTER_ARN: 'arn:aws:sns:eu-west-1:123456789012:t' }, 'CONFIRM_DEAD_LETTER_ARN must be an SQS'],
  ])('refuses confirmation settings %j, naming the variable', (override, message) => {
    const result = readFunctionConfig({
      ...goodEnv,
      CONFIRM_SCHEDULE_GROUP: GROUP,
      CONFIRM_ROLE_ARN: ROLE,
      ...override,
    });
    expect(!result.ok && result.problems.join('\n')).toContain(message);
  });

  it('reads SNAPSHOT_PROMOTION with the time zone defaulting to UTC', () => {
    const result = readFunctionConfig({ ...goodEnv, SNAPSHOT_PROMOTION: '{"weeks":8,"months":12}' });
    expect(result).toMatchObject({
      ok: true,
      config: { promotion: { weeks: 8, months: 12, years: 0, timezone: 'UTC' } },
    });
  });

  it.each([
    ['{weeks', 'SNAPSHOT_PROMOTION must be JSON'],
    ['{"weeks":-1}', 'SNAPSHOT_PROMOTION.weeks must be an integer from 0 to 10000'],
    ['{"weeks":0}', 'SNAPSHOT_PROMOTION must keep at least one of weeks, months, years above 0'],
    ['{"weeks":1,"timezone":"Mars/Base"}', 'SNAPSHOT_PROMOTION.timezone must be an IANA time zone'],
    ['{"weeks":1,"days":3}', 'SNAPSHOT_PROMOTION.days is not a known field'],
  ])('refuses SNAPSHOT_PROMOTION %s', (value, message) => {
    const result = readFunctionConfig({ ...goodEnv, SNAPSHOT_PROMOTION: value });
    expect(!result.ok && result.problems.join('\n')).toContain(message);
  });

  it('SUMMARY_ENABLED is true by default, false only when "false"; anything else is refused', () => {
    const off = readFunctionConfig({ ...goodEnv, SUMMARY_ENABLED: 'false' });
    const bad = readFunctionConfig({ ...goodEnv, SUMMARY_ENABLED: 'no' });

    expect(off).toMatchObject({ ok: true, config: { summaryEnabled: false } });
    expect(!bad.ok && bad.problems).toEqual(['SUMMARY_ENABLED must be true or false, got "no"']);
  });

  it('CHAT_TOPIC_ARN is optional and must be an SNS topic ARN', () => {
    const chat = 'arn:aws:sns:eu-west-1:123456789012:atlas-chat';
    const bad = readFunctionConfig({ ...goodEnv, CHAT_TOPIC_ARN: 'chat' });

    expect(readFunctionConfig({ ...goodEnv, CHAT_TOPIC_ARN: chat })).toMatchObject({ config: { chatTopicArn: chat } });
    expect(!bad.ok && bad.problems).toEqual(['CHAT_TOPIC_ARN must be an SNS topic ARN, got "chat"']);
  });

  it('SNAPSHOT_RETENTION_DAYS is an int32: 2147483647 is accepted, 2147483648 refused', () => {
    const max = readFunctionConfig({ ...goodEnv, SNAPSHOT_RETENTION_DAYS: '2147483647' });
    const over = readFunctionConfig({ ...goodEnv, SNAPSHOT_RETENTION_DAYS: '2147483648' });

    expect(max).toMatchObject({ ok: true, config: { retentionInDays: 2_147_483_647 } });
    expect(!over.ok && over.problems).toEqual([
      'SNAPSHOT_RETENTION_DAYS must be at most 2147483647 (Atlas stores it as a 32-bit integer), got "2147483648"',
    ]);
  });
});

describe('invocation event: promotion', () => {
  const promotion = { weeks: 8, months: 12, years: 0, timezone: 'UTC' };
  const withDefault = (
    readFunctionConfig({ ...goodEnv, SNAPSHOT_PROMOTION: JSON.stringify(promotion) }) as {
      config: FunctionConfig;
    }
  ).config;

  it('absent: the environment default applies', () => {
    expect(parseInvocation({}, withDefault)).toMatchObject({ kind: 'run', request: { promotion } });
  });

  it('an object: used for this run, defaults applied', () => {
    const result = parseInvocation({ promotion: { years: 7, timezone: 'Asia/Kolkata' } }, withDefault);
    expect(result).toMatchObject({
      kind: 'run',
      request: { promotion: { weeks: 0, months: 0, years: 7, timezone: 'Asia/Kolkata' } },
    });
  });

  it('false: no promotion for this run', () => {
    const result = parseInvocation({ promotion: false }, withDefault);
    expect(result.kind === 'run' && result.request).not.toHaveProperty('promotion');
  });

  it('without a default and without promotion in the event: none', () => {
    const defaults = (readFunctionConfig(goodEnv) as { config: FunctionConfig }).config;
    const result = parseInvocation({}, defaults);
    expect(result.kind === 'run' && result.request).not.toHaveProperty('promotion');
  });

  it.each([
    [true, 'event.promotion must be an object { "weeks", "months", "years", "timezone"? } or false'],
    [{ weeks: 1, timezone: 'europe/paris' }, 'event.promotion.timezone must be an IANA time zone'],
    [{ weeks: 1.5 }, 'event.promotion.weeks must be an integer from 0 to 10000'],
  ])('refuses %j naming the field', (value, message) => {
    const result = parseInvocation({ promotion: value }, withDefault);
    expect(result).toMatchObject({ kind: 'invalid', stage: 'request' });
    expect(result.kind === 'invalid' && result.problems.join('\n')).toContain(message);
  });
});
