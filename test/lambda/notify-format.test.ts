import { buildRunSummary } from '../../lambda/snapshot/core/summary';
import { adviceFor } from '../../lambda/snapshot/notify/advice';
import { entryBytes, SNS_MAX_BYTES } from '../../lambda/snapshot/notify/budget';
import { whereToLook } from '../../lambda/snapshot/notify/context';
import {
  emailBody,
  formatBytes,
  formatDuration,
  formatNotification,
  formatOutcome,
  formatSummary,
  subjectFor,
} from '../../lambda/snapshot/notify/format';
import type { Outcome } from '../../lambda/snapshot/types';

const base: Outcome = {
  status: 'ERROR',
  code: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
  stage: 'request',
  projectId: '5f1d7a3b2c4e6f8a9b0c1d2e',
  clusterName: 'Cluster0',
  httpStatus: 403,
  detail: 'IP address 3.4.5.6 is not allowed to access this resource.',
  trigger: 'schedule',
  dryRun: false,
  invocationId: 'req-1',
  timestamp: '2026-11-28T03:00:00.000Z',
};

describe('notification format', () => {
  it('the e-mail says what happened, to which cluster, and what to do next', () => {
    const text = emailBody(base);
    expect(text.split('\n').slice(0, 4)).toEqual([
      'The on-demand snapshot for cluster Cluster0 (project 5f1d7a3b2c4e6f8a9b0c1d2e) FAILED.',
      '',
      'What happened: IP_ADDRESS_NOT_ON_ACCESS_LIST (HTTP 403): IP address 3.4.5.6 is not allowed to access this resource.',
      expect.stringMatching(/^What to do: Add the function's egress IP to the API access list/),
    ]);
    expect(text).toContain('Run: schedule at 2026-11-28T03:00:00.000Z, Lambda request id req-1');
    expect(text).toContain('  httpStatus: 403');
  });

  it('subjects are one ASCII line of at most 100 characters, status and cluster first', () => {
    const long = subjectFor({
      ...base,
      clusterName: `C${'x'.repeat(60)}`,
      code: 'SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY',
    });
    expect(long.length).toBe(100);
    expect(long.startsWith('[ERROR] Atlas snapshot Cxxx')).toBe(true);
    expect(long.endsWith('...')).toBe(true);
    const { clusterName: _cluster, ...withoutCluster } = base;
    expect(subjectFor({ ...withoutCluster, code: 'INVALID_INPUT' })).toBe(
      '[ERROR] Atlas snapshot all targets: INVALID_INPUT',
    );
    expect(subjectFor({ ...base, clusterName: '*', status: 'SKIPPED', code: 'NO_CLUSTERS' })).toBe(
      '[SKIPPED] Atlas snapshot * (all clusters): NO_CLUSTERS',
    );
  });

  it('leaves out the attributes that do not apply (SNS refuses empty values)', () => {
    const { projectId: _project, clusterName: _cluster, ...untargeted } = base;
    const n = formatNotification({ ...untargeted, code: 'INVALID_INPUT' });
    expect(Object.keys(n.attributes)).toEqual(['status', 'code', 'trigger', 'stage']);
  });

  it('the default body is the outcome document itself', () => {
    const n = formatNotification(base);
    expect(JSON.parse(JSON.parse(n.message).default)).toEqual(base);
  });
});

const where = whereToLook({
  invocationId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:atlas-snapshots',
  region: 'eu-west-1',
});

function outcome(extra: Partial<Outcome>): Outcome {
  return {
    ...base,
    status: 'SUCCESS',
    code: 'SNAPSHOT_REQUESTED',
    detail: undefined,
    httpStatus: undefined,
    ...extra,
  } as Outcome;
}

describe('round-2 notifications', () => {
  it('a confirmation: subject with the size, headline with size and duration, stage attribute', () => {
    const completed = outcome({
      code: 'SNAPSHOT_COMPLETED',
      stage: 'confirmation',
      snapshotId: '6b0f43b7f86a078cb431bcf0',
      storageSizeBytes: 1_582_854_144,
      durationSeconds: 151,
      attempt: 1,
      requestedAt: '2026-11-28T02:57:29.000Z',
    });

    const n = formatNotification(completed, where);
    const email = JSON.parse(n.message).email as string;

    expect(n.subject).toBe('[SUCCESS] Atlas snapshot Cluster0: completed (1.6 GB)');
    expect(email.split('\n')[0]).toBe(
      'The on-demand snapshot 6b0f43b7f86a078cb431bcf0 of cluster Cluster0 (project 5f1d7a3b2c4e6f8a9b0c1d2e) completed (1.6 GB, 2 min 31 s after the request).',
    );
    expect(n.attributes).toEqual({
      status: 'SUCCESS',
      code: 'SNAPSHOT_COMPLETED',
      projectId: '5f1d7a3b2c4e6f8a9b0c1d2e',
      clusterName: 'Cluster0',
      trigger: 'schedule',
      stage: 'confirmation',
    });
    expect(n.messageStructure).toBe('json');
    expect(email).toContain(
      'Check 1 of the snapshot requested at 2026-11-28T02:57:29.000Z (schedule run) at 2026-11-28T03:00:00.000Z, Lambda request id req-1',
    );
    expect(adviceFor({ ...completed, promotedTo: { retentionUnit: 'MONTHS', retentionValue: 12 } })).toContain(
      'Its retention was extended to 12 months (retention promotion, atlasSnapshot.promotion).',
    );
  });

  it.each([
    ['SNAPSHOT_FAILED', 'ERROR', 'snapshot failed', 'FAILED in Atlas'],
    ['SNAPSHOT_NOT_CONFIRMED', 'ERROR', 'snapshot not confirmed', 'could NOT be confirmed'],
  ] as const)('%s: subject and headline', (code, status, what, headline) => {
    const o = outcome({ code, status, stage: 'confirmation', snapshotId: 's1' });
    expect(subjectFor(o)).toBe(`[${status}] Atlas snapshot Cluster0: ${what}`);
    expect(emailBody(o, where).split('\n')[0]).toContain(headline);
  });

  it('every e-mail ends with where to look: account, region, function and the log link', () => {
    const text = emailBody(base, where);
    const tail = text.split('\n').slice(-5);
    expect(tail).toEqual([
      'Where to look:',
      '  account: 123456789012',
      '  region: eu-west-1',
      '  function: atlas-snapshots',
      `  log of this invocation: ${where.logUrl}`,
    ]);
    expect(where.logUrl).toContain('$3FfilterPattern$3D$2522req-1$2522');
  });

  it('lists the warnings, which did not change the status', () => {
    const o = outcome({
      warnings: ['completion will not be confirmed: the follow-up check could not be scheduled (AccessDenied)'],
    });
    const text = emailBody(o, where);
    expect(text).toContain('Warnings (they did not change the status):');
    expect(text).toContain(
      '  - completion will not be confirmed: the follow-up check could not be scheduled (AccessDenied)',
    );
  });

  it.each([
    ['CLUSTER_PAUSED', 'SKIPPED', /Resume it in Atlas .* or remove it from atlasSnapshot\.targets in cdk\.json/],
    [
      'SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY',
      'ERROR',
      /raise atlasSnapshot\.retentionInDays \(or the schedule's retentionInDays\) in cdk\.json to at least the policy's minimum, then run "cdk deploy"/,
    ],
    [
      'RATE_LIMITED_TOKEN_BUCKET',
      'ERROR',
      /atlasSnapshot\.concurrency.*atlasSnapshot\.schedules.*atlasSnapshot\.timeoutSeconds/,
    ],
    ['RATE_LIMITED', 'ERROR', /atlasSnapshot\.concurrency/],
    [
      'VERSION_GONE',
      'ERROR',
      /this version of atlas-snapshot-scheduler uses an Atlas API version Atlas has retired: upgrade it/,
    ],
    ['IP_ADDRESS_NOT_ON_ACCESS_LIST', 'ERROR', /Add Access List Entry.*AtlasAccessListIp/],
    ['SNAPSHOT_FAILED', 'ERROR', /Activity Feed/],
    ['SNAPSHOT_NOT_CONFIRMED', 'ERROR', /atlasSnapshot\.confirmation\.maxHours/],
    ['SNAPSHOT_NOT_FOUND', 'ERROR', /no longer has this snapshot/],
    ['ATLAS_UNREACHABLE', 'ERROR', /atlasSnapshot\.timeoutSeconds/],
    ['ATLAS_INVALID_RESPONSE', 'ERROR', /atlasSnapshot\.atlasBaseUrl/],
    ['UNSUPPORTED_CLUSTER', 'ERROR', /Remove it from atlasSnapshot\.targets/],
    ['SECRET_INVALID', 'ERROR', /PublicKey/],
  ] as const)('advice for %s names the real field or console step', (code, status, advice) => {
    expect(adviceFor(outcome({ code, status }))).toMatch(advice);
  });

  it('advice for a requested snapshot says when it is confirmed; a completed one says the backup exists', () => {
    expect(adviceFor(outcome({ followUpAt: '2026-11-28T03:05:00.000Z' }))).toMatch(
      /^Nothing\. .* a check at 2026-11-28T03:05:00\.000Z confirms that it completed/,
    );
    expect(adviceFor(outcome({ code: 'SNAPSHOT_COMPLETED', stage: 'confirmation' }))).toMatch(
      /^Nothing\. The backup exists/,
    );
    expect(adviceFor(outcome({ code: 'INVALID_INPUT', status: 'ERROR', stage: 'confirmation' }))).toMatch(
      /follow-up event/,
    );
  });

  it('a 300 KB detail still makes a message under 256 KB, and the published document is bounded', () => {
    const o = outcome({ status: 'ERROR', code: 'UNEXPECTED_ERROR', detail: 'x'.repeat(300_000) });

    const { entry, notice } = formatOutcome(o, where);

    expect(entry.bytes).toBeLessThan(SNS_MAX_BYTES);
    expect(entryBytes(entry)).toBe(entry.bytes);
    expect(notice.detail).toMatch(/\.\.\. \(296000 more characters\)$/);
    expect(JSON.parse(JSON.parse(entry.message).default)).toEqual(notice);
  });

  it('an outcome with many huge fields is shrunk until it fits (details block dropped, fields cut)', () => {
    const huge = 'y'.repeat(200_000);
    const o = outcome({ status: 'ERROR', code: 'UNEXPECTED_ERROR', description: huge, snapshotStatus: huge });

    const { entry, notice } = formatOutcome(o, where);

    expect(entry.bytes).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(notice.description!.length).toBeLessThan(300);
    expect(JSON.parse(entry.message).email).not.toContain('Details:');
  });
});

describe('summary notification', () => {
  const run = { trigger: 'schedule' as const, dryRun: false, invocationId: 'req-1', timestamp: base.timestamp };

  it('subject with status and counts, attributes without project or cluster, e-mail table', () => {
    const summary = buildRunSummary(
      [
        outcome({ clusterName: 'A', snapshotId: '6b0f43b7f86a078cb431bcf0' }),
        outcome({ clusterName: 'B-longer-name', status: 'ERROR', code: 'CLUSTER_NOT_FOUND' }),
        outcome({ clusterName: 'C', status: 'SKIPPED', code: 'SNAPSHOT_IN_PROGRESS' }),
      ],
      run,
    );

    const n = formatNotification(summary, where);
    const email = JSON.parse(n.message).email as string;

    expect(n.subject).toBe('[ERROR] Atlas snapshot run: 3 targets, 1 SUCCESS, 1 SKIPPED, 1 ERROR');
    expect(n.attributes).toEqual({ status: 'ERROR', code: 'RUN_SUMMARY', trigger: 'schedule', stage: 'summary' });
    expect(email.split('\n')[0]).toBe('Atlas snapshot run: 3 targets: 1 SUCCESS, 1 SKIPPED, 1 ERROR.');
    expect(email).toContain(
      [
        'STATUS   CODE                  PROJECT                   CLUSTER        SNAPSHOT',
        'SUCCESS  SNAPSHOT_REQUESTED    5f1d7a3b2c4e6f8a9b0c1d2e  A              6b0f43b7f86a078cb431bcf0',
        'ERROR    CLUSTER_NOT_FOUND     5f1d7a3b2c4e6f8a9b0c1d2e  B-longer-name',
        'SKIPPED  SNAPSHOT_IN_PROGRESS  5f1d7a3b2c4e6f8a9b0c1d2e  C',
      ].join('\n'),
    );
    expect(email).toContain('Where to look:');
    expect(JSON.parse(JSON.parse(n.message).default)).toEqual(summary);
  });

  it('10,000 targets: the lines that fit, failures first, omittedTargets counts the rest', () => {
    const outcomes = Array.from({ length: 10_000 }, (_, i) =>
      outcome({
        clusterName: `cluster-${i}`,
        snapshotId: `${i}`.padStart(24, '0'),
        ...(i === 9_999 ? { status: 'ERROR', code: 'CLUSTER_NOT_FOUND' } : {}),
      }),
    );

    const { entry, notice } = formatSummary(buildRunSummary(outcomes, run), where);

    expect(entry.bytes).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(notice.targets.length + notice.omittedTargets!).toBe(10_000);
    expect(notice.targets.length).toBeGreaterThan(100);
    expect(notice.targets[notice.targets.length - 1]).toMatchObject({ clusterName: 'cluster-9999', status: 'ERROR' });
    expect(notice.counts).toEqual({ SUCCESS: 9_999, SKIPPED: 0, ERROR: 1 });
    expect(JSON.parse(entry.message).email).toContain(`... and ${notice.omittedTargets} more target(s)`);
  });

  it('formats sizes and durations for people', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_582_854_144)).toBe('1.6 GB');
    expect(formatBytes(15_828_541_440)).toBe('16 GB');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(151)).toBe('2 min 31 s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3 h 2 min');
  });
});
