import { readFunctionConfig, type FunctionConfig } from '../../lambda/snapshot/config';
import { parseInvocation } from '../../lambda/snapshot/event';
import type { FollowUp } from '../../lambda/snapshot/types';

const P1 = '5f1d7a3b2c4e6f8a9b0c1d2e';
const config = (
  readFunctionConfig({
    ATLAS_SECRET_ID: 'atlas/snapshots',
    SNS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:atlas-snapshots',
    ATLAS_TARGETS: JSON.stringify([{ projectId: P1, clusterName: 'Cluster0' }]),
    SNAPSHOT_RETENTION_DAYS: '7',
    SNAPSHOT_DESCRIPTION: 'nightly',
  }) as { config: FunctionConfig }
).config;

const followUp: FollowUp = {
  version: 1,
  projectId: P1,
  clusterName: 'Cluster0',
  snapshotId: '6a1b2c3d4e5f6a7b8c9d0e1f',
  sharded: false,
  requestedAt: '2026-11-28T03:00:00.000Z',
  attempt: 1,
  deadline: '2026-11-28T15:00:00.000Z',
  trigger: 'schedule',
  schedule: 'nightly',
  retentionInDays: 7,
  description: 'nightly',
  promotion: { weeks: 8, months: 12, years: 0, timezone: 'Europe/Kyiv' },
};

function problemsOf(event: unknown): string[] {
  const result = parseInvocation(event, config);
  if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${result.kind}`);
  return result.problems;
}

describe('follow-up event', () => {
  it('a follow-up the function wrote is read back as it was', () => {
    expect(parseInvocation(JSON.parse(JSON.stringify({ followUp })), config)).toEqual({ kind: 'followUp', followUp });
  });

  it('the optional fields may be absent; a partial promotion gets its defaults', () => {
    const { schedule: _s, retentionInDays: _r, description: _d, promotion: _p, ...required } = followUp;

    expect(parseInvocation({ followUp: required }, config)).toEqual({ kind: 'followUp', followUp: required });
    expect(parseInvocation({ followUp: { ...required, promotion: { years: 3 } } }, config)).toMatchObject({
      kind: 'followUp',
      followUp: { promotion: { weeks: 0, months: 0, years: 3, timezone: 'UTC' } },
    });
  });

  it.each<[string, unknown, string]>([
    ['version', 2, 'event.followUp.version must be 1, got 2'],
    ['version', undefined, 'event.followUp.version must be 1, got undefined'],
    ['projectId', 'ABC', 'event.followUp.projectId must be 24 lowercase hex characters, got "ABC"'],
    ['projectId', '*', 'event.followUp.projectId must be 24 lowercase hex characters, got "*"'],
    ['clusterName', '*', 'event.followUp.clusterName must be a cluster name'],
    ['clusterName', 7, 'event.followUp.clusterName must be a cluster name'],
    ['snapshotId', 'snap-1', 'event.followUp.snapshotId must be 24 lowercase hex characters, got "snap-1"'],
    ['sharded', 'false', 'event.followUp.sharded must be true or false, got "false"'],
    ['requestedAt', 'yesterday', 'event.followUp.requestedAt must be an ISO 8601 UTC time'],
    ['requestedAt', '2026-02-30T03:00:00Z', 'event.followUp.requestedAt must be an ISO 8601 UTC time'],
    ['requestedAt', '2026-11-28T03:00:00+01:00', 'event.followUp.requestedAt must be an ISO 8601 UTC time'],
    ['deadline', 1764298800000, 'event.followUp.deadline must be an ISO 8601 UTC time'],
    ['deadline', '2026-11-28T02:00:00Z', 'event.followUp.deadline must not be before event.followUp.requestedAt'],
    ['attempt', 0, 'event.followUp.attempt must be an integer from 1 to 10000, got 0'],
    ['attempt', 1.5, 'event.followUp.attempt must be an integer from 1 to 10000, got 1.5'],
    ['attempt', '2', 'event.followUp.attempt must be an integer from 1 to 10000, got "2"'],
    ['trigger', 'followUp', 'event.followUp.trigger must be "schedule" or "manual", got "followUp"'],
    ['schedule', 'a b', 'event.followUp.schedule must be a schedule name'],
    ['retentionInDays', 2_147_483_648, 'event.followUp.retentionInDays must be at most 2147483647'],
    ['description', '', 'event.followUp.description must be a non-empty string'],
    ['promotion', { weeks: 1, timezone: 'Mars/Base' }, 'event.followUp.promotion.timezone must be an IANA time zone'],
    ['promotion', false, 'event.followUp.promotion must be an object'],
    ['extra', 1, 'event.followUp.extra is not a known field (allowed: version, projectId,'],
  ])('refuses followUp.%s = %j, naming the field', (field, value, message) => {
    const problems = problemsOf({ followUp: { ...followUp, [field]: value } });

    expect(problems).toEqual([expect.stringContaining(message)]);
  });

  it('is invalid with stage confirmation and the original trigger', () => {
    const result = parseInvocation({ followUp: { ...followUp, trigger: 'manual', attempt: 0 } }, config);
    expect(result).toMatchObject({ kind: 'invalid', stage: 'confirmation', trigger: 'manual' });
  });

  it('a follow-up whose trigger cannot be read is from a schedule', () => {
    expect(parseInvocation({ followUp: 'x' }, config)).toMatchObject({
      kind: 'invalid',
      stage: 'confirmation',
      trigger: 'schedule',
      problems: ['event.followUp must be an object, got "x"'],
    });
  });

  it('never carries run overrides or other keys beside it', () => {
    const problems = problemsOf({ followUp, targets: [{ projectId: P1, clusterName: 'X' }], dryRun: true });

    expect(problems).toEqual([
      'event.targets is not allowed in a follow-up event (it carries only "followUp")',
      'event.dryRun is not allowed in a follow-up event (it carries only "followUp")',
    ]);
  });

  it('lists every bad field at once', () => {
    const problems = problemsOf({ followUp: { ...followUp, version: 0, sharded: 1, attempt: -1 } });
    expect(problems).toHaveLength(3);
  });
});

describe('hostile events', () => {
  function nested(depth: number): unknown {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) value = { a: [value] };
    return value;
  }

  it.each([
    ['targets', (deep: unknown) => ({ targets: [deep] })],
    ['description', (deep: unknown) => ({ description: deep })],
    ['an unknown field', (deep: unknown) => ({ extra: deep })],
    ['a follow-up', (deep: unknown) => ({ followUp: { ...followUp, promotion: deep } })],
    ['a follow-up itself', (deep: unknown) => ({ followUp: deep })],
    ['tags', (deep: unknown) => ({ targets: [{ projectId: P1, clusterName: '*', tags: { a: deep } }] })],
  ])('5,000-deep nesting in %s is INVALID_INPUT with a short message, no throw', (_where, build) => {
    const problems = problemsOf(build(nested(5_000)));

    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem.length).toBeLessThan(400);
  });

  it('100,000 bad targets: at most 20 problems, then how many more', () => {
    const targets = Array.from({ length: 100_000 }, (_, i) => ({ projectId: `p${i}`, clusterName: 'C' }));

    const problems = problemsOf({ targets });

    expect(problems).toHaveLength(21);
    expect(problems[0]).toContain('event.targets[0].projectId');
    expect(problems[20]).toBe('... and 99980 more');
  });

  it('an object with 100,000 unknown keys: bounded, and a megabyte key name is cut short', () => {
    const event: Record<string, number> = {};
    for (let i = 0; i < 100_000; i++) event[`k${i}`] = i;
    event['x'.repeat(1_000_000)] = 1;

    const problems = problemsOf(event);

    expect(problems).toHaveLength(21);
    expect(problems[20]).toBe('... and 99981 more');
    expect(problemsOf({ ['y'.repeat(1_000_000)]: 1 })[0]!.length).toBeLessThan(300);
  });

  it('tags with 100,000 entries: bounded', () => {
    const tags = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`t${i}`, '']));

    const problems = problemsOf({ targets: [{ projectId: P1, clusterName: '*', tags }] });

    expect(problems).toHaveLength(21);
  });

  it('an event whose getters throw is invalid, not a crash', () => {
    const event = Object.defineProperty({}, 'targets', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });

    expect(parseInvocation(event, config)).toEqual({
      kind: 'invalid',
      problems: ['event could not be read: boom'],
      trigger: 'manual',
      stage: 'request',
    });
  });
});
