import { createMetricsBuffer, emfRecord, emfRecords, EMF_MAX_VALUES } from '../../lambda/snapshot/metrics';
import type { Outcome } from '../../lambda/snapshot/types';

const AT = new Date('2026-11-28T03:00:00.000Z');

function outcome(extra: Partial<Outcome> = {}): Outcome {
  return {
    status: 'SUCCESS',
    code: 'SNAPSHOT_REQUESTED',
    stage: 'request',
    projectId: 'p',
    clusterName: 'c',
    trigger: 'schedule',
    dryRun: false,
    invocationId: 'req-1',
    timestamp: AT.toISOString(),
    ...extra,
  };
}

const completed = (size: number, seconds: number) =>
  outcome({ code: 'SNAPSHOT_COMPLETED', stage: 'confirmation', storageSizeBytes: size, durationSeconds: seconds });

describe('EMF metrics', () => {
  it('one record for many outcomes: a value per outcome for the counts, per completed snapshot for duration and size', () => {
    const record = emfRecord(
      'fn',
      [
        outcome(),
        outcome({ code: 'SNAPSHOT_IN_PROGRESS', status: 'SKIPPED' }),
        outcome({ status: 'ERROR', code: 'CLUSTER_NOT_FOUND' }),
        completed(1_582_854_144, 151),
        completed(2_000, 60),
      ],
      AT,
    );

    expect(record).toEqual({
      _aws: {
        Timestamp: AT.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: 'AtlasSnapshotScheduler',
            Dimensions: [['FunctionName']],
            Metrics: [
              { Name: 'SnapshotSecured', Unit: 'Count' },
              { Name: 'TargetErrors', Unit: 'Count' },
              { Name: 'SnapshotCompleted', Unit: 'Count' },
              { Name: 'SnapshotDurationSeconds', Unit: 'Seconds' },
              { Name: 'SnapshotSizeBytes', Unit: 'Bytes' },
            ],
          },
        ],
      },
      FunctionName: 'fn',
      SnapshotSecured: [1, 1, 0, 0, 0],
      TargetErrors: [0, 0, 1, 0, 0],
      SnapshotCompleted: [0, 0, 0, 1, 1],
      SnapshotDurationSeconds: [151, 60],
      SnapshotSizeBytes: [1_582_854_144, 2_000],
      outcomes: 5,
      invocationId: 'req-1',
    });
  });

  it('a single outcome writes plain numbers; metrics without a value are not declared', () => {
    const record = emfRecord('fn', [outcome({ dryRun: true, code: 'DRY_RUN', status: 'SKIPPED' })], AT);
    expect(record).toMatchObject({ SnapshotSecured: 0, TargetErrors: 0, SnapshotCompleted: 0 });
    expect(record).not.toHaveProperty('SnapshotDurationSeconds');
    const declared = (
      record._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }
    ).CloudWatchMetrics[0]!.Metrics.map((m) => m.Name);
    expect(declared).toEqual(['SnapshotSecured', 'TargetErrors', 'SnapshotCompleted']);
  });

  it('at most 100 values per record', () => {
    const records = emfRecords(
      'fn',
      Array.from({ length: 250 }, () => outcome()),
      AT,
    );
    expect(records.map((r) => r.outcomes)).toEqual([EMF_MAX_VALUES, EMF_MAX_VALUES, 50]);
  });

  it('the buffer writes every 100 outcomes and on flush; nothing without a function name', () => {
    const written: Array<Record<string, unknown>> = [];
    const buffer = createMetricsBuffer({ functionName: 'fn', write: (r) => written.push(r), now: () => AT });
    for (let i = 0; i < 101; i++) buffer.add(outcome());
    expect(written).toHaveLength(1);
    buffer.flush();
    buffer.flush();
    expect(written.map((r) => r.outcomes)).toEqual([100, 1]);

    const silent = createMetricsBuffer({ functionName: undefined, write: (r) => written.push(r), now: () => AT });
    silent.add(outcome());
    silent.flush();
    expect(written).toHaveLength(2);
  });

  it('the buffer writes what waited longer than the linger even before 100 outcomes or the end (an invocation cut short keeps its metrics)', () => {
    jest.useFakeTimers();
    try {
      const written: Array<Record<string, unknown>> = [];
      const buffer = createMetricsBuffer({
        functionName: 'fn',
        write: (r) => written.push(r),
        now: () => AT,
        lingerMs: 500,
      });
      buffer.add(outcome());
      buffer.add(outcome());
      jest.advanceTimersByTime(499);
      expect(written).toHaveLength(0);

      jest.advanceTimersByTime(1);

      expect(written.map((r) => r.outcomes)).toEqual([2]);
      buffer.add(outcome());
      buffer.flush();
      jest.advanceTimersByTime(1_000);
      expect(written.map((r) => r.outcomes)).toEqual([2, 1]);
    } finally {
      jest.useRealTimers();
    }
  });
});
