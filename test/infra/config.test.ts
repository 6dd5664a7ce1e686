import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { CONTEXT_KEY, DEFAULTS, defaultTimeoutSeconds, loadConfig, parseConfig } from '../../lib/config';
import { contextProblems as problems, namedTargets as targets, PROJECT_ID, problemsWith, rawConfig } from './helpers';

describe('parseConfig: accepted configurations', () => {
  it('applies the defaults to a minimal configuration', () => {
    const config = parseConfig({ [CONTEXT_KEY]: rawConfig() });

    expect(config).toEqual({
      secretName: 'atlas/snapshot-scheduler',
      targets: [{ projectId: PROJECT_ID, clusterName: 'Cluster0' }],
      schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)', timezone: 'UTC' }],
      retentionInDays: DEFAULTS.retentionInDays,
      description: DEFAULTS.description,
      notificationEmails: [],
      timeoutSeconds: 180,
      logRetentionInDays: 90,
      alarmGraceMinutes: 30,
      confirmation: { enabled: true, firstCheckMinutes: 5, maxHours: 12 },
      summary: true,
      memorySize: 1024,
      concurrency: 8,
      stackName: 'AtlasSnapshotScheduler',
      chat: false,
    });
  });

  it('reads the whole object from a JSON string (-c atlasSnapshot=...)', () => {
    const config = parseConfig({ [CONTEXT_KEY]: JSON.stringify(rawConfig({ retentionInDays: 3 })) });

    expect(config.retentionInDays).toBe(3);
  });

  it('lets per-field keys (-c atlasSnapshot.<field>=...) override the object, as integers or JSON', () => {
    const config = parseConfig({
      [CONTEXT_KEY]: rawConfig(),
      [`${CONTEXT_KEY}.retentionInDays`]: '14',
      [`${CONTEXT_KEY}.description`]: 'before release 4.2',
      [`${CONTEXT_KEY}.targets`]: JSON.stringify([{ projectId: PROJECT_ID, clusterName: '*' }]),
      [`${CONTEXT_KEY}.notificationEmails`]: '["ops@example.com"]',
    });

    expect(config).toMatchObject({
      retentionInDays: 14,
      description: 'before release 4.2',
      targets: [{ projectId: PROJECT_ID, clusterName: '*' }],
      notificationEmails: [{ address: 'ops@example.com' }],
    });
  });

  it('normalises e-mail entries and keeps schedule overrides', () => {
    const config = parseConfig({
      [CONTEXT_KEY]: rawConfig({
        notificationEmails: ['a@example.com', { address: 'b@example.com', statuses: ['ERROR', 'SKIPPED'] }],
        schedules: [
          {
            name: 'weekly',
            expression: 'rate(7 days)',
            timezone: 'Europe/Paris',
            retentionInDays: 30,
            description: 'Weekly',
          },
        ],
      }),
    });

    expect(config.notificationEmails).toEqual([
      { address: 'a@example.com' },
      { address: 'b@example.com', statuses: ['ERROR', 'SKIPPED'] },
    ]);
    expect(config.schedules).toEqual([
      {
        name: 'weekly',
        expression: 'rate(7 days)',
        timezone: 'Europe/Paris',
        retentionInDays: 30,
        description: 'Weekly',
      },
    ]);
  });

  it('sizes the default timeout for the targets, a "*" counting as a full wave, capped at 900 s', () => {
    expect(defaultTimeoutSeconds(targets(1))).toBe(180);
    expect(defaultTimeoutSeconds(targets(9))).toBe(240);
    expect(defaultTimeoutSeconds([{ projectId: PROJECT_ID, clusterName: '*' }, ...targets(1)])).toBe(240);
    expect(defaultTimeoutSeconds(targets(200))).toBe(900);
  });

  it('is read from the App context by loadConfig', () => {
    const app = new App({ context: { [CONTEXT_KEY]: rawConfig(), [`${CONTEXT_KEY}.alarmGraceMinutes`]: '45' } });

    expect(loadConfig(app).alarmGraceMinutes).toBe(45);
  });

  it('accepts the example in cdk.json', () => {
    const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };

    expect(() => parseConfig(cdkJson.context)).not.toThrow();
  });
});

describe('parseConfig: every bad value is refused, naming the field, the value and what is allowed', () => {
  it('reports all problems in one error', () => {
    expect(() => parseConfig({ [CONTEXT_KEY]: rawConfig({ retentionInDays: 0, description: '' }) })).toThrow(
      /Invalid atlasSnapshot configuration[\s\S]*retentionInDays[\s\S]*description/,
    );
  });

  it.each([
    // [case, overrides, expected message]
    [
      'unknown field',
      { retention: 7 },
      'atlasSnapshot.retention is not a known field; did you mean "retentionInDays"? (allowed: secretName, secretKmsKeyArn, targets,',
    ],
    [
      'missing secretName',
      { secretName: undefined },
      'atlasSnapshot.secretName must be the name of a Secrets Manager secret (1-512 of A-Z a-z 0-9 / _ + = . @ -) or its complete ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), got undefined',
    ],
    [
      'secretName with a space',
      { secretName: 'atlas secret' },
      'atlasSnapshot.secretName must be the name of a Secrets Manager secret',
    ],
    [
      'secret ARN without its suffix',
      { secretName: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:atlas' },
      'got "arn:aws:secretsmanager:eu-west-1:111122223333:secret:atlas"',
    ],
    [
      'bad projectId',
      { targets: [{ projectId: 'not-hex', clusterName: 'C' }] },
      'atlasSnapshot.targets[0].projectId must be 24 lowercase hex characters (^[a-f0-9]{24}$) or "*" (every project), got "not-hex"',
    ],
    [
      'bad clusterName',
      { targets: [{ projectId: PROJECT_ID, clusterName: '-bad' }] },
      'atlasSnapshot.targets[0].clusterName must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most 64 characters) or be "*", got "-bad"',
    ],
    [
      'target not an object',
      { targets: ['5f1d7a3b2c4e6f8a9b0c1d2e/Cluster0'] },
      'atlasSnapshot.targets[0] must be an object { "projectId": "<24 hex>" | "*", "clusterName": "<name>" | "*", "tags"?: { ... } }, got "5f1d7a3b2c4e6f8a9b0c1d2e/Cluster0"',
    ],
    [
      'unknown target field',
      { targets: [{ projectId: PROJECT_ID, clusterName: 'C', region: 'eu' }] },
      'atlasSnapshot.targets[0].region is not a known field (allowed: projectId, clusterName, tags)',
    ],
    [
      'duplicate target',
      {
        targets: [
          { projectId: PROJECT_ID, clusterName: 'C' },
          { projectId: PROJECT_ID, clusterName: 'C' },
        ],
      },
      `atlasSnapshot.targets[1] repeats ${PROJECT_ID}/C`,
    ],
    [
      'no targets',
      { targets: [] },
      'atlasSnapshot.targets must be a non-empty array of { "projectId", "clusterName", "tags"? }, got []',
    ],
    [
      'no schedules',
      { schedules: [] },
      'atlasSnapshot.schedules must be a non-empty array of { "name", "expression", "timezone"?, "retentionInDays"?, "description"?, "promotion"? }, got []',
    ],
    [
      'schedule not an object',
      { schedules: ['cron(0 3 * * ? *)'] },
      'atlasSnapshot.schedules[0] must be an object { "name", "expression", "timezone"?, "retentionInDays"?, "description"?, "promotion"? }, got "cron(0 3 * * ? *)"',
    ],
    [
      'unknown schedule field',
      { schedules: [{ name: 'n', expression: 'rate(1 day)', tz: 'UTC' }] },
      'atlasSnapshot.schedules[0].tz is not a known field (allowed: name, expression, timezone, retentionInDays, description, promotion)',
    ],
    [
      'bad schedule name',
      { schedules: [{ name: 'nightly backup', expression: 'rate(1 day)' }] },
      'atlasSnapshot.schedules[0].name must be 1-64 characters of 0-9 a-z A-Z - _ . (EventBridge Scheduler names), got "nightly backup"',
    ],
    [
      'schedule name too long',
      { schedules: [{ name: 'n'.repeat(65), expression: 'rate(1 day)' }] },
      'atlasSnapshot.schedules[0].name must be 1-64 characters',
    ],
    [
      'duplicate schedule names',
      {
        schedules: [
          { name: 'n', expression: 'rate(1 day)' },
          { name: 'n', expression: 'rate(2 days)' },
        ],
      },
      'atlasSnapshot.schedules[1].name repeats "n": schedule names must be unique',
    ],
    [
      'expression not a string',
      { schedules: [{ name: 'n', expression: 5 }] },
      'atlasSnapshot.schedules[0].expression must be an EventBridge Scheduler cron(...) or rate(...) expression string, got 5',
    ],
    [
      'neither cron nor rate',
      { schedules: [{ name: 'n', expression: 'at(2026-01-01T00:00:00)' }] },
      'atlasSnapshot.schedules[0].expression must be rate(<positive integer> minute|minutes|hour|hours|day|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), got "at(2026-01-01T00:00:00)"',
    ],
    [
      'bad rate unit',
      { schedules: [{ name: 'n', expression: 'rate(1 week)' }] },
      'atlasSnapshot.schedules[0].expression must be rate(<positive integer> minute|minutes|hour|hours|day|days), got "rate(1 week)"',
    ],
    [
      'rate unit not agreeing',
      { schedules: [{ name: 'n', expression: 'rate(5 minute)' }] },
      'atlasSnapshot.schedules[0].expression must use the singular unit for 1 and the plural otherwise, as in rate(1 hour) or rate(12 hours), got "rate(5 minute)"',
    ],
    [
      'cron with 5 fields',
      { schedules: [{ name: 'n', expression: 'cron(0 3 * * ?)' }] },
      'atlasSnapshot.schedules[0].expression must have 6 fields: cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) (found 5), got "cron(0 3 * * ?)"',
    ],
    [
      'cron with both days set',
      { schedules: [{ name: 'n', expression: 'cron(0 3 * * MON *)' }] },
      'atlasSnapshot.schedules[0].expression is not valid: exactly one of day-of-month and day-of-week must be ? (for example cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *)), got "cron(0 3 * * MON *)"',
    ],
    [
      'cron hour out of range',
      { schedules: [{ name: 'n', expression: 'cron(0 24 * * ? *)' }] },
      'atlasSnapshot.schedules[0].expression is not valid: hours value 24 is out of range: allowed 0-23 with , - * /, got "cron(0 24 * * ? *)"',
    ],
    [
      'bad timezone',
      { schedules: [{ name: 'n', expression: 'rate(1 day)', timezone: 'Mars/Olympus' }] },
      'atlasSnapshot.schedules[0].timezone must be an IANA time zone such as Europe/Paris or America/New_York, or UTC, got "Mars/Olympus"',
    ],
    [
      'bad schedule retention',
      { schedules: [{ name: 'n', expression: 'rate(1 day)', retentionInDays: 0 }] },
      'atlasSnapshot.schedules[0].retentionInDays must be an integer >= 1, got 0',
    ],
    [
      'bad schedule description',
      { schedules: [{ name: 'n', expression: 'rate(1 day)', description: ' ' }] },
      'atlasSnapshot.schedules[0].description must be a non-empty string of at most 1000 characters, got " "',
    ],
    ['retention < 1', { retentionInDays: 0 }, 'atlasSnapshot.retentionInDays must be an integer >= 1, got 0'],
    [
      'retention not an integer',
      { retentionInDays: 1.5 },
      'atlasSnapshot.retentionInDays must be an integer >= 1, got 1.5',
    ],
    [
      'empty description',
      { description: '' },
      'atlasSnapshot.description must be a non-empty string of at most 1000 characters, got ""',
    ],
    [
      'emails not a list',
      { notificationEmails: 'ops@example.com' },
      'atlasSnapshot.notificationEmails must be an array of "address@example.com" or { "address": "...", "statuses": ["SUCCESS", "SKIPPED", "ERROR"] }, got "ops@example.com"',
    ],
    [
      'bad e-mail address',
      { notificationEmails: ['ops'] },
      'atlasSnapshot.notificationEmails[0] must be an e-mail address such as ops@example.com, got "ops"',
    ],
    [
      'e-mail entry of the wrong type',
      { notificationEmails: [42] },
      'atlasSnapshot.notificationEmails[0] must be "address@example.com" or { "address": "...", "statuses": ["SUCCESS", "SKIPPED", "ERROR"] }, got 42',
    ],
    [
      'unknown e-mail field',
      { notificationEmails: [{ address: 'ops@example.com', filter: 'ERROR' }] },
      'atlasSnapshot.notificationEmails[0].filter is not a known field (allowed: address, statuses, stages)',
    ],
    [
      'bad statuses',
      { notificationEmails: [{ address: 'ops@example.com', statuses: ['FAILED'] }] },
      'atlasSnapshot.notificationEmails[0].statuses must be a non-empty list of distinct SUCCESS, SKIPPED, ERROR, got ["FAILED"]',
    ],
    [
      'duplicate e-mail',
      { notificationEmails: ['ops@example.com', 'OPS@example.com'] },
      'atlasSnapshot.notificationEmails[1] repeats "OPS@example.com": each address can be subscribed once',
    ],
    [
      'bad topic ARN',
      { existingTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts.fifo' },
      'atlasSnapshot.existingTopicArn must be a standard SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>), got "arn:aws:sns:eu-west-1:111122223333:alerts.fifo"',
    ],
    [
      'e-mails with an existing topic',
      { existingTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts', notificationEmails: ['ops@example.com'] },
      'atlasSnapshot.notificationEmails cannot be combined with atlasSnapshot.existingTopicArn',
    ],
    [
      'topic key without a topic',
      { existingTopicKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef' },
      'atlasSnapshot.existingTopicKmsKeyArn applies only with atlasSnapshot.existingTopicArn',
    ],
    [
      'bad topic key ARN',
      { existingTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts', existingTopicKmsKeyArn: 'alias/sns' },
      'atlasSnapshot.existingTopicKmsKeyArn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>), got "alias/sns"',
    ],
    [
      'bad secret key ARN',
      { secretKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:alias/secrets' },
      'atlasSnapshot.secretKmsKeyArn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>), got "arn:aws:kms:eu-west-1:111122223333:alias/secrets"',
    ],
    [
      'http base URL',
      { atlasBaseUrl: 'http://cloud.mongodb.com' },
      'atlasSnapshot.atlasBaseUrl must use https:// (http:// is allowed only for a loopback host), got "http://cloud.mongodb.com"',
    ],
    [
      'timeout too long',
      { timeoutSeconds: 901 },
      'atlasSnapshot.timeoutSeconds must be an integer from 30 to 900, got 901',
    ],
    [
      'timeout too short',
      { timeoutSeconds: 10 },
      'atlasSnapshot.timeoutSeconds must be an integer from 30 to 900, got 10',
    ],
    [
      'bad log retention',
      { logRetentionInDays: 10 },
      'atlasSnapshot.logRetentionInDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (CloudWatch Logs retention), got 10',
    ],
    [
      'bad alarm grace',
      { alarmGraceMinutes: -1 },
      'atlasSnapshot.alarmGraceMinutes must be an integer from 0 to 1440, got -1',
    ],
  ])('%s', (_case, overrides, message) => {
    const found = problemsWith(overrides);

    expect(found).toEqual(expect.arrayContaining([expect.stringContaining(message)]));
  });

  it('accepts a target list too large for the 4 KB Lambda environment (it travels in the bundle instead)', () => {
    const config = parseConfig({ [CONTEXT_KEY]: rawConfig({ targets: targets(60) }) });

    expect(config.targets).toHaveLength(60);
  });

  it('accepts the largest target list that fits', () => {
    expect(() => parseConfig({ [CONTEXT_KEY]: rawConfig({ targets: targets(40) }) })).not.toThrow();
  });

  it('refuses a whole-object string that is not JSON', () => {
    expect(problems({ [CONTEXT_KEY]: '{secretName: x}' })).toEqual([
      'atlasSnapshot given as a string must be a JSON object, got "{secretName: x}"',
    ]);
  });

  it('refuses a whole object that is not an object', () => {
    expect(problems({ [CONTEXT_KEY]: '[1]' })).toEqual([
      'atlasSnapshot must be an object (cdk.json) or a JSON object string (-c), got [1]',
    ]);
  });

  it('refuses an unknown per-field key', () => {
    expect(problems({ [CONTEXT_KEY]: rawConfig(), [`${CONTEXT_KEY}.retentionDays`]: '14' })).toEqual([
      expect.stringContaining(
        'atlasSnapshot.retentionDays is not a known field; did you mean "retentionInDays"? (allowed: secretName,',
      ),
    ]);
  });

  it('refuses a per-field list that is not JSON', () => {
    expect(problems({ [CONTEXT_KEY]: rawConfig(), [`${CONTEXT_KEY}.targets`]: '[{projectId}]' })).toEqual([
      'atlasSnapshot.targets must be JSON when given with -c, got "[{projectId}]"',
    ]);
  });

  it('refuses a per-field integer that is not a number, showing the text given', () => {
    expect(problems({ [CONTEXT_KEY]: rawConfig(), [`${CONTEXT_KEY}.retentionInDays`]: 'seven' })).toEqual([
      'atlasSnapshot.retentionInDays must be an integer >= 1, got "seven"',
    ]);
  });

  it('reports a missing configuration as missing required fields', () => {
    expect(problems({})).toEqual([
      expect.stringContaining('atlasSnapshot.secretName must be'),
      expect.stringContaining('atlasSnapshot.targets must be a non-empty array'),
      expect.stringContaining('atlasSnapshot.schedules must be a non-empty array'),
    ]);
  });
});
