/**
 * Round-2 configuration fields (confirmation, promotion, summary, stages, memorySize, concurrency,
 * stackName, chat, int32 retention, any IANA zone): each accepted with its default, each bad value
 * refused with the field named, the value shown and what is allowed.
 */
import { CONTEXT_KEY, defaultTimeoutSeconds, parseConfig } from '../../lib/config';
import { config, contextProblems, PROJECT_ID, problemsWith, rawConfig } from './helpers';

const MAX_INT32 = 2_147_483_647;
const schedule = (fields: Record<string, unknown>): Record<string, unknown> => ({
  schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)', ...fields }],
});

describe('round-2 fields: accepted, with their defaults applied', () => {
  it('turns confirmation on with a first check after 5 minutes and a 12-hour deadline by default', () => {
    expect(config().confirmation).toEqual({ enabled: true, firstCheckMinutes: 5, maxHours: 12 });
  });

  it('has no promotion, a summary, 1024 MB, 8 at once, the default stack name and no chat topic by default', () => {
    const resolved = config();

    expect(resolved.promotion).toBeUndefined();
    expect(resolved).toMatchObject({
      summary: true,
      memorySize: 1024,
      concurrency: 8,
      stackName: 'AtlasSnapshotScheduler',
      chat: false,
    });
  });

  it.each([
    [
      'confirmation off',
      { confirmation: { enabled: false } },
      { confirmation: { enabled: false, firstCheckMinutes: 5, maxHours: 12 } },
    ],
    [
      'confirmation at its lower bounds',
      { confirmation: { firstCheckMinutes: 1, maxHours: 1 } },
      { confirmation: { enabled: true, firstCheckMinutes: 1, maxHours: 1 } },
    ],
    [
      'confirmation at its upper bounds',
      { confirmation: { firstCheckMinutes: 60, maxHours: 48 } },
      { confirmation: { enabled: true, firstCheckMinutes: 60, maxHours: 48 } },
    ],
    [
      'promotion with the UTC default',
      { promotion: { weeks: 8, months: 12 } },
      { promotion: { weeks: 8, months: 12, years: 0, timezone: 'UTC' } },
    ],
    [
      'promotion in a zone',
      { promotion: { years: 7, timezone: 'Asia/Kolkata' } },
      { promotion: { weeks: 0, months: 0, years: 7, timezone: 'Asia/Kolkata' } },
    ],
    ['summary off', { summary: false }, { summary: false }],
    ['the least memory', { memorySize: 128 }, { memorySize: 128 }],
    ['the most memory', { memorySize: 10240 }, { memorySize: 10240 }],
    ['one target at a time', { concurrency: 1 }, { concurrency: 1 }],
    ['64 targets at once', { concurrency: 64 }, { concurrency: 64 }],
    ['a stack name', { stackName: 'Backups-prod2' }, { stackName: 'Backups-prod2' }],
    ['the longest stack name', { stackName: `S${'a'.repeat(127)}` }, { stackName: `S${'a'.repeat(127)}` }],
    ['a chat topic', { chat: true }, { chat: true }],
    ['the largest retention Atlas stores', { retentionInDays: MAX_INT32 }, { retentionInDays: MAX_INT32 }],
  ])('accepts %s', (_case, overrides, expected) => {
    expect(config(overrides)).toMatchObject(expected);
  });

  it('takes "promotion": false as no promotion', () => {
    expect(config({ promotion: false }).promotion).toBeUndefined();
  });

  it('keeps e-mail stage filters beside status filters', () => {
    const emails = config({
      notificationEmails: [
        { address: 'lead@example.com', stages: ['summary'] },
        { address: 'oncall@example.com', statuses: ['ERROR'], stages: ['request', 'confirmation'] },
      ],
    }).notificationEmails;

    expect(emails).toEqual([
      { address: 'lead@example.com', stages: ['summary'] },
      { address: 'oncall@example.com', statuses: ['ERROR'], stages: ['request', 'confirmation'] },
    ]);
  });

  it('resolves a schedule promotion (with its defaults) and a schedule without one', () => {
    const schedules = config({
      schedules: [
        { name: 'weekly', expression: 'cron(0 3 ? * SUN *)', promotion: { months: 12, timezone: 'Europe/Kyiv' } },
        { name: 'hourly', expression: 'rate(1 hour)', promotion: false, retentionInDays: MAX_INT32 },
      ],
    }).schedules;

    expect(schedules).toEqual([
      {
        name: 'weekly',
        expression: 'cron(0 3 ? * SUN *)',
        timezone: 'UTC',
        promotion: { weeks: 0, months: 12, years: 0, timezone: 'Europe/Kyiv' },
      },
      { name: 'hourly', expression: 'rate(1 hour)', timezone: 'UTC', promotion: false, retentionInDays: MAX_INT32 },
    ]);
  });
});

describe('round-2 fields: every bad value is refused, naming the field, the value and what is allowed', () => {
  it.each([
    // [case, overrides, the exact problem]
    [
      'confirmation not an object',
      { confirmation: true },
      'atlasSnapshot.confirmation must be an object { "enabled"?, "firstCheckMinutes"?, "maxHours"? }, got true',
    ],
    [
      'confirmation.enabled not a boolean',
      { confirmation: { enabled: 'yes' } },
      'atlasSnapshot.confirmation.enabled must be true or false, got "yes"',
    ],
    [
      'first check at 0 minutes',
      { confirmation: { firstCheckMinutes: 0 } },
      'atlasSnapshot.confirmation.firstCheckMinutes must be an integer from 1 to 60, got 0',
    ],
    [
      'first check after more than an hour',
      { confirmation: { firstCheckMinutes: 61 } },
      'atlasSnapshot.confirmation.firstCheckMinutes must be an integer from 1 to 60, got 61',
    ],
    [
      'first check at a fraction of a minute',
      { confirmation: { firstCheckMinutes: 2.5 } },
      'atlasSnapshot.confirmation.firstCheckMinutes must be an integer from 1 to 60, got 2.5',
    ],
    [
      'no time to confirm',
      { confirmation: { maxHours: 0 } },
      'atlasSnapshot.confirmation.maxHours must be an integer from 1 to 48, got 0',
    ],
    [
      'confirming for more than two days',
      { confirmation: { maxHours: 49 } },
      'atlasSnapshot.confirmation.maxHours must be an integer from 1 to 48, got 49',
    ],
    [
      'promotion not an object',
      { promotion: 5 },
      'atlasSnapshot.promotion must be false (no promotion) or an object { "weeks": <n>, "months": <n>, "years": <n>, "timezone"?: "<IANA zone>" }, got 5',
    ],
    [
      'promotion true',
      { promotion: true },
      'atlasSnapshot.promotion must be false (no promotion) or an object { "weeks": <n>, "months": <n>, "years": <n>, "timezone"?: "<IANA zone>" }, got true',
    ],
    [
      'negative promotion count',
      { promotion: { weeks: -1, months: 12 } },
      'atlasSnapshot.promotion.weeks must be an integer from 0 to 10000, got -1',
    ],
    [
      'fractional promotion count',
      { promotion: { months: 1.5 } },
      'atlasSnapshot.promotion.months must be an integer from 0 to 10000, got 1.5',
    ],
    [
      'promotion keeping nothing',
      { promotion: { weeks: 0, months: 0, years: 0 } },
      'atlasSnapshot.promotion must keep at least one of weeks, months, years above 0, got {"weeks":0,"months":0,"years":0}',
    ],
    [
      'summary as a string in cdk.json',
      { summary: 'false' },
      'atlasSnapshot.summary must be true or false, got "false"',
    ],
    [
      'too little memory',
      { memorySize: 127 },
      'atlasSnapshot.memorySize must be an integer from 128 to 10240, got 127',
    ],
    [
      'too much memory',
      { memorySize: 10241 },
      'atlasSnapshot.memorySize must be an integer from 128 to 10240, got 10241',
    ],
    [
      'fractional memory',
      { memorySize: 256.5 },
      'atlasSnapshot.memorySize must be an integer from 128 to 10240, got 256.5',
    ],
    ['no concurrency', { concurrency: 0 }, 'atlasSnapshot.concurrency must be an integer from 1 to 64, got 0'],
    ['too much concurrency', { concurrency: 65 }, 'atlasSnapshot.concurrency must be an integer from 1 to 64, got 65'],
    [
      'empty stack name',
      { stackName: '' },
      'atlasSnapshot.stackName must be a CloudFormation stack name (a letter, then up to 127 of A-Z a-z 0-9 -), got ""',
    ],
    [
      'stack name starting with a digit',
      { stackName: '1backups' },
      'atlasSnapshot.stackName must be a CloudFormation stack name (a letter, then up to 127 of A-Z a-z 0-9 -), got "1backups"',
    ],
    [
      'stack name with an underscore',
      { stackName: 'atlas_backups' },
      'atlasSnapshot.stackName must be a CloudFormation stack name (a letter, then up to 127 of A-Z a-z 0-9 -), got "atlas_backups"',
    ],
    [
      'stack name of 129 characters',
      { stackName: `S${'a'.repeat(128)}` },
      'atlasSnapshot.stackName must be a CloudFormation stack name (a letter, then up to 127 of A-Z a-z 0-9 -), got "Saaaa',
    ],
    ['chat as a number', { chat: 1 }, 'atlasSnapshot.chat must be true or false, got 1'],
    [
      'no stages',
      { notificationEmails: [{ address: 'ops@example.com', stages: [] }] },
      'atlasSnapshot.notificationEmails[0].stages must be a non-empty list of distinct request, confirmation, summary, got []',
    ],
    [
      'an unknown stage',
      { notificationEmails: [{ address: 'ops@example.com', stages: ['final'] }] },
      'atlasSnapshot.notificationEmails[0].stages must be a non-empty list of distinct request, confirmation, summary, got ["final"]',
    ],
    [
      'a repeated stage',
      { notificationEmails: [{ address: 'ops@example.com', stages: ['summary', 'summary'] }] },
      'atlasSnapshot.notificationEmails[0].stages must be a non-empty list of distinct request, confirmation, summary, got ["summary","summary"]',
    ],
    [
      'stages as a string',
      { notificationEmails: [{ address: 'ops@example.com', stages: 'summary' }] },
      'atlasSnapshot.notificationEmails[0].stages must be a non-empty list of distinct request, confirmation, summary, got "summary"',
    ],
    [
      'schedule promotion true',
      schedule({ promotion: true }),
      'atlasSnapshot.schedules[0].promotion must be false (no promotion for this schedule) or an object { "weeks": <n>, "months": <n>, "years": <n>, "timezone"?: "<IANA zone>" }, got true',
    ],
    [
      'schedule promotion keeping nothing',
      schedule({ promotion: { weeks: 0 } }),
      'atlasSnapshot.schedules[0].promotion must keep at least one of weeks, months, years above 0, got {"weeks":0}',
    ],
    [
      'retention beyond a 32-bit integer',
      { retentionInDays: MAX_INT32 + 1 },
      'atlasSnapshot.retentionInDays must be at most 2147483647 (Atlas stores it as a 32-bit integer), got 2147483648',
    ],
    [
      'schedule retention beyond a 32-bit integer',
      schedule({ retentionInDays: MAX_INT32 + 1 }),
      'atlasSnapshot.schedules[0].retentionInDays must be at most 2147483647 (Atlas stores it as a 32-bit integer), got 2147483648',
    ],
  ])('%s', (_case, overrides, message) => {
    const found = problemsWith(overrides);

    expect(found).toEqual([expect.stringContaining(message)]);
  });
});

describe('time zones: any IANA zone the runtime knows, spelt as the tz database spells it', () => {
  const ZONES = ['Asia/Kolkata', 'Europe/Kyiv', 'America/Argentina/Buenos_Aires', 'America/Nuuk', 'Etc/UTC'];

  it.each(ZONES)('accepts %s for a schedule and for promotion', (zone) => {
    const resolved = config({ ...schedule({ timezone: zone }), promotion: { weeks: 4, timezone: zone } });

    expect(resolved.schedules[0]?.timezone).toBe(zone);
    expect(resolved.promotion?.timezone).toBe(zone);
  });

  it.each(['Mars/Base', 'europe/paris'])('refuses %s for a schedule and for promotion', (zone) => {
    const found = problemsWith({ ...schedule({ timezone: zone }), promotion: { weeks: 4, timezone: zone } });

    expect(found).toEqual([
      `atlasSnapshot.schedules[0].timezone must be an IANA time zone such as Europe/Paris or America/New_York, or UTC, got "${zone}"`,
      `atlasSnapshot.promotion.timezone must be an IANA time zone such as Europe/Paris, Asia/Kolkata or UTC, got "${zone}"`,
    ]);
  });
});

describe('round-2 fields given per field with -c (strings read by the field kind)', () => {
  const withKey = (field: string, value: string): Record<string, unknown> => ({
    [CONTEXT_KEY]: rawConfig({ summary: true, confirmation: { enabled: false }, promotion: { weeks: 4 } }),
    [`${CONTEXT_KEY}.${field}`]: value,
  });

  it('reads -c atlasSnapshot.summary=false as the boolean false', () => {
    expect(parseConfig(withKey('summary', 'false')).summary).toBe(false);
  });

  it('reads -c atlasSnapshot.chat=true as the boolean true', () => {
    expect(parseConfig(withKey('chat', 'true')).chat).toBe(true);
  });

  it('reads -c atlasSnapshot.confirmation=\'{"maxHours":24}\' as JSON replacing the whole field', () => {
    expect(parseConfig(withKey('confirmation', '{"maxHours":24}')).confirmation).toEqual({
      enabled: true,
      firstCheckMinutes: 5,
      maxHours: 24,
    });
  });

  it('reads -c atlasSnapshot.promotion=false as turning the promotion of cdk.json off', () => {
    expect(parseConfig(withKey('promotion', 'false')).promotion).toBeUndefined();
  });

  it('reads integers for memorySize and concurrency, and stackName as it is', () => {
    const resolved = parseConfig({
      ...withKey('memorySize', '512'),
      [`${CONTEXT_KEY}.concurrency`]: '16',
      [`${CONTEXT_KEY}.stackName`]: 'Backups-prod',
    });

    expect(resolved).toMatchObject({ memorySize: 512, concurrency: 16, stackName: 'Backups-prod' });
  });

  it('refuses a boolean field given as other text, showing the text', () => {
    expect(contextProblems(withKey('summary', 'no'))).toEqual([
      'atlasSnapshot.summary must be true or false, got "no"',
    ]);
  });

  it('refuses an object field that is not JSON', () => {
    expect(contextProblems(withKey('confirmation', '{maxHours: 24}'))).toEqual([
      'atlasSnapshot.confirmation must be JSON when given with -c, got "{maxHours: 24}"',
    ]);
  });

  it('refuses an integer field given as other text, showing the text', () => {
    expect(contextProblems(withKey('memorySize', '1GB'))).toEqual([
      'atlasSnapshot.memorySize must be an integer from 128 to 10240, got "1GB"',
    ]);
  });
});

describe('the default timeout', () => {
  it('is the maximum when a target selects every project (their clusters are unknown until run time)', () => {
    expect(defaultTimeoutSeconds([{ projectId: '*', clusterName: '*' }])).toBe(900);
    expect(config({ targets: [{ projectId: '*', clusterName: '*' }] }).timeoutSeconds).toBe(900);
  });

  it('counts a tag selector as a full wave, like any "clusterName": "*"', () => {
    const tagged = { projectId: PROJECT_ID, clusterName: '*', tags: { env: 'prod' } };

    expect(defaultTimeoutSeconds([tagged])).toBe(180);
    expect(defaultTimeoutSeconds([tagged, { projectId: PROJECT_ID, clusterName: 'Cluster0' }])).toBe(240);
  });

  it('sizes its waves by the configured concurrency', () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => ({ projectId: PROJECT_ID, clusterName: `C${i}` }));

    expect(config({ targets: sixteen }).timeoutSeconds).toBe(240);
    expect(config({ targets: sixteen, concurrency: 16 }).timeoutSeconds).toBe(180);
  });

  it('is the configured one when given', () => {
    expect(config({ targets: [{ projectId: '*', clusterName: '*' }], timeoutSeconds: 300 }).timeoutSeconds).toBe(300);
  });
});
