import { readFunctionConfig, type FunctionConfig } from '../../lambda/snapshot/config';
import { parseEvent } from '../../lambda/snapshot/event';

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
    expect(parseEvent(event, defaults)).toEqual({
      ok: true,
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
    const result = parseEvent({ schedule: 'weekly', retentionInDays: 35 }, defaults);
    expect(result).toMatchObject({
      ok: true,
      request: { trigger: 'schedule', schedule: 'weekly', retentionInDays: 35 },
    });
  });

  it.each([[{}], [null], [undefined]])('%j is a manual run with the defaults', (event) => {
    expect(parseEvent(event, defaults)).toMatchObject({
      ok: true,
      request: { trigger: 'manual', dryRun: false, retentionInDays: 7 },
    });
  });

  it('a console event overrides targets, retention, description and dryRun', () => {
    const targets = [{ projectId: P1, clusterName: '*' }];
    const result = parseEvent(
      { targets, retentionInDays: 30, description: 'before release 4.2', dryRun: true },
      defaults,
    );
    expect(result).toEqual({
      ok: true,
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
    const result = parseEvent(event, defaults);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toContain(message);
  });
});
