import {
  buildRunSummary,
  countStatuses,
  limitSummaryLines,
  summaryDetail,
  worstStatus,
} from '../../lambda/snapshot/core/summary';
import type { Outcome, Status } from '../../lambda/snapshot/types';

const P = '5f1d7a3b2c4e6f8a9b0c1d2e';
const run = {
  trigger: 'schedule' as const,
  dryRun: false,
  invocationId: 'req-1',
  timestamp: '2026-11-28T03:00:00.000Z',
};

function outcome(clusterName: string, status: Status, code: string, extra: Partial<Outcome> = {}): Outcome {
  return {
    status,
    code,
    stage: 'request',
    projectId: P,
    clusterName,
    trigger: 'schedule',
    dryRun: false,
    invocationId: 'req-1',
    timestamp: run.timestamp,
    ...extra,
  };
}

describe('run summary', () => {
  it('status is the worst of the run, counts per status, one line per target in target order', () => {
    const outcomes = [
      outcome('A', 'SUCCESS', 'SNAPSHOT_REQUESTED', { snapshotId: 's1', detail: 'not in the line' }),
      outcome('B', 'ERROR', 'CLUSTER_NOT_FOUND', { httpStatus: 404 }),
      outcome('C', 'SUCCESS', 'SNAPSHOT_REQUESTED', { snapshotId: 's3' }),
    ];

    const summary = buildRunSummary(outcomes, run);

    expect(summary).toEqual({
      status: 'ERROR',
      code: 'RUN_SUMMARY',
      stage: 'summary',
      counts: { SUCCESS: 2, SKIPPED: 0, ERROR: 1 },
      targets: [
        { projectId: P, clusterName: 'A', status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', snapshotId: 's1' },
        { projectId: P, clusterName: 'B', status: 'ERROR', code: 'CLUSTER_NOT_FOUND' },
        { projectId: P, clusterName: 'C', status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED', snapshotId: 's3' },
      ],
      detail: '3 targets: 2 SUCCESS, 1 ERROR',
      trigger: 'schedule',
      dryRun: false,
      invocationId: 'req-1',
      timestamp: run.timestamp,
    });
  });

  it.each([
    [['SUCCESS', 'SUCCESS'], 'SUCCESS'],
    [['SUCCESS', 'SKIPPED'], 'SKIPPED'],
    [['SKIPPED', 'ERROR', 'SUCCESS'], 'ERROR'],
    [[], 'SKIPPED'],
  ] as Array<[Status[], Status]>)('worst of %j is %s', (statuses, worst) => {
    expect(worstStatus(statuses)).toBe(worst);
  });

  it('the detail reads as a sentence, singular and plural, and says a dry run is one', () => {
    expect(summaryDetail({ SUCCESS: 1, SKIPPED: 0, ERROR: 0 }, false)).toBe('1 target: 1 SUCCESS');
    expect(summaryDetail({ SUCCESS: 0, SKIPPED: 4, ERROR: 0 }, true)).toBe('4 targets: 4 SKIPPED (dry run)');
    expect(summaryDetail(countStatuses([]), false)).toBe('0 targets');
  });

  it('capped lines keep every failure first, in target order, and count the rest in omittedTargets', () => {
    const outcomes = [
      ...Array.from({ length: 50 }, (_, i) => outcome(`ok${i}`, 'SUCCESS', 'SNAPSHOT_REQUESTED')),
      outcome('late-error', 'ERROR', 'GROUP_NOT_FOUND'),
      outcome('skipped', 'SKIPPED', 'CLUSTER_PAUSED'),
    ];

    const limited = limitSummaryLines(buildRunSummary(outcomes, run), 3);

    expect(limited.targets.map((t) => t.clusterName)).toEqual(['ok0', 'late-error', 'skipped']);
    expect(limited.omittedTargets).toBe(49);
    expect(limited.counts).toEqual({ SUCCESS: 50, SKIPPED: 1, ERROR: 1 });
    expect(limitSummaryLines(limited, 10)).toBe(limited);
    expect(limitSummaryLines(limited, 1)).toMatchObject({
      targets: [{ clusterName: 'late-error' }],
      omittedTargets: 51,
    });
  });
});
