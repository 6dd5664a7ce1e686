/**
 * `npm start`'s account of a snapshot's life (local/report): the clock line, a check that only
 * rescheduled, an undelivered schedule, a completed snapshot's facts, a reschedule's or a timeout's
 * result, the run summary message, repeated e-mail bodies, the retention table of a run of nights.
 */
import type { ScheduleRecord } from '../../local/aws';
import type { FiredFollowUp } from '../../local/lambda/follow-ups';
import {
  describeOutcome,
  formatBytes,
  formatClockLine,
  formatCounts,
  formatDuration,
  formatInvocation,
  formatLogLine,
  formatNotification,
  formatRescheduledCheck,
  formatRetentionTable,
  formatSpan,
  formatUndelivered,
  isReschedule,
  notificationKind,
  retentionTally,
} from '../../local/report';
import { LogEvents } from '../../lambda/snapshot/log-events';
import type { Outcome } from '../../lambda/snapshot/types';

const P = '65a1b2c3d4e5f60718293a4b';
const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);
const MIN = 60_000;

const outcome = (extra: Partial<Outcome>): Outcome => ({
  status: 'SUCCESS',
  code: 'SNAPSHOT_COMPLETED',
  stage: 'confirmation',
  projectId: P,
  clusterName: 'Cluster0',
  trigger: 'schedule',
  dryRun: false,
  invocationId: 'r',
  timestamp: '2026-01-01T03:05:00.000Z',
  ...extra,
});

function fired(attempt: number, at: number, result: unknown, lines: string[] = []): FiredFollowUp {
  const followUp = {
    version: 1,
    projectId: P,
    clusterName: 'Cluster0',
    snapshotId: '6b0f5478415c0ec5368ceeaa',
    sharded: false,
    requestedAt: new Date(T0).toISOString(),
    attempt,
    deadline: new Date(T0 + 12 * 60 * MIN).toISOString(),
    trigger: 'schedule',
  };
  const schedule = {
    name: `snap-6b0f5478415c0ec5368ceeaa-${attempt}`,
    groupName: 'g',
    target: {
      arn: 'arn',
      roleArn: 'role',
      input: JSON.stringify({ followUp }),
      deadLetterArn: 'arn:aws:sqs:us-east-1:1:dlq',
    },
  } as unknown as ScheduleRecord;
  return {
    schedule,
    firedAt: at,
    event: { followUp },
    result: { requestId: 'r', ok: true, result, durationMs: 3, lines },
  };
}

describe('the follow-up checks, told', () => {
  it('spans in minutes, hours and days; sizes in decimal units; durations', () => {
    expect([5 * MIN, 75 * MIN, 120 * MIN, 1440 * MIN, 2 * 1440 * MIN].map(formatSpan)).toEqual([
      '5 min',
      '1 h 15 min',
      '2 h',
      '1 day',
      '2 days',
    ]);
    expect([512, 1_582_854_144, 12_000_000_000_000].map(formatBytes)).toEqual(['512 bytes', '1.6 GB', '12 TB']);
    expect([42, 301, 3_720].map(formatDuration)).toEqual(['42 s', '5 min 01 s', '1 h 02 min']);
  });

  it('the clock line says how far the simulated clock moved and which schedule fires', () => {
    const first = fired(1, T0 + 5 * MIN, { results: [] });

    expect(formatClockLine(T0, first)).toBe(
      "  clock     advancing the simulated clock 5 min to 2026-01-01T03:05:00Z: schedule snap-6b0f5478415c0ec5368ceeaa-1 fires (check 1 of Cluster0's snapshot 6b0f5478...)",
    );
    expect(formatClockLine(T0 + 5 * MIN, first)).toMatch(/^ {2}clock {5}at the same time, 2026-01-01T03:05:00Z: /);
  });

  it('a check that only rescheduled is one line: since the request, the status Atlas gave, the next check', () => {
    const status = JSON.stringify({ level: 'INFO', message: LogEvents.followUpCheck, snapshotStatus: 'inProgress' });
    const check = fired(
      3,
      T0 + 35 * MIN,
      { results: [], followUp: { attempt: 4, nextCheckAt: new Date(T0 + 75 * MIN).toISOString() } },
      [status],
    );

    expect(isReschedule(check)).toBe(true);
    expect(isReschedule(fired(1, T0, { results: [outcome({})] }))).toBe(false);
    expect(formatRescheduledCheck(check)).toBe(
      '  check 3   +35 min       Cluster0 6b0f5478...: inProgress, next check 4 in 40 min (at 2026-01-01T04:15:00Z); nothing published',
    );
  });

  it('a schedule Scheduler cannot deliver names why, and where it would end', () => {
    const check = { ...fired(1, T0, undefined), undelivered: 'its role x is not the follow-up role y' };
    delete check.result;

    expect(formatUndelivered(check)).toEqual([
      '  undeliv.  schedule snap-6b0f5478415c0ec5368ceeaa-1 could not be delivered: its role x is not the follow-up role y',
      '            EventBridge Scheduler would retry it, then send it to arn:aws:sqs:us-east-1:1:dlq',
    ]);
  });

  it("the function's follow-up lines: reading, what Atlas said and what follows, a repeated schedule, the summary decision", () => {
    const line = (fields: Record<string, unknown>) =>
      JSON.stringify({ level: 'INFO', clusterName: 'Cluster0', ...fields });

    expect(
      [
        line({ message: LogEvents.followUpCheck, snapshotId: 's1', attempt: 2 }),
        line({ message: LogEvents.followUpCheck, snapshotStatus: 'queued', decision: 'reschedule' }),
        line({ message: LogEvents.followUpScheduled, name: 'snap-s1-2', attempt: 2, at: 'T', result: 'exists' }),
        line({
          message: LogEvents.snapshotPromoted,
          snapshotId: 's1',
          promoted: false,
          reason: 'already kept long enough',
        }),
        line({ message: LogEvents.summary, status: 'SUCCESS', detail: '1 target: 1 SUCCESS' }),
      ].flatMap((l) => formatLogLine(l)),
    ).toEqual([
      '  confirm   Cluster0: follow-up check 2: reading snapshot s1',
      '  confirm   Cluster0: Atlas says queued -> reschedule',
      '  confirm   Cluster0: follow-up check scheduled: name snap-s1-2, attempt 2, at T (it already existed: a repeated invocation, no second chain)',
      '  promote   Cluster0: snapshot s1 not promoted: already kept long enough',
      '  decide    run summary: 1 target: 1 SUCCESS',
    ]);
  });

  it('a selector over every project: how many projects hold how many matching clusters', () => {
    const line = JSON.stringify({
      level: 'INFO',
      message: LogEvents.expanded,
      projectId: '*',
      clusterName: '*',
      selector: '*/*[backup=on-demand]',
      projects: ['a', 'b', 'c'],
      clusters: ['Cluster0', 'Payments0'],
    });

    expect(formatLogLine(line)).toEqual([
      '  decide    */*[backup=on-demand]: 3 project(s) hold 2 matching cluster(s): Cluster0, Payments0',
    ]);
  });
});

describe('outcomes and results of the life', () => {
  it('a completed snapshot: size, time since the request, how long it is kept (promoted or not), when it expires', () => {
    expect(
      describeOutcome(
        outcome({
          snapshotId: 's1',
          snapshotStatus: 'completed',
          storageSizeBytes: 1_582_854_144,
          durationSeconds: 301,
          retentionInDays: 7,
          promotedTo: { retentionUnit: 'WEEKS', retentionValue: 4 },
          expiresAt: '2026-01-29T03:02:30Z',
        }),
      ),
    ).toBe(
      'snapshot s1 completed, 1.6 GB, 5 min 01 s after the request, kept 4 weeks (promoted), expires 2026-01-29T03:02:30Z',
    );
    expect(
      describeOutcome(
        outcome({
          code: 'SNAPSHOT_REQUESTED',
          snapshotId: 's1',
          snapshotStatus: 'queued',
          retentionInDays: 7,
          followUpAt: 'F',
        }),
      ),
    ).toBe('snapshot s1 queued, kept 7 days, first check at F');
  });

  it('a reschedule returns no outcome but the next check; a timeout says Lambda stopped it; warnings get lines', () => {
    const rescheduled = formatInvocation({
      requestId: 'r',
      ok: true,
      durationMs: 4,
      lines: [],
      result: { results: [], followUp: { snapshotId: 's', attempt: 2, nextCheckAt: 'N' } },
    });
    const timedOut = formatInvocation({
      requestId: 'r',
      ok: false,
      timedOut: true,
      durationMs: 4000,
      lines: [],
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 4.00 seconds' },
    });
    const warned = formatInvocation({
      requestId: 'r',
      ok: true,
      durationMs: 4,
      lines: [],
      result: { results: [outcome({ warnings: ['promotion refused'] })] },
    });

    expect(rescheduled).toEqual(['  result    returned { "results": [], "followUp": { attempt 2 at N } } in 4 ms']);
    expect(timedOut).toEqual([
      '  result    TIMED OUT: Task timed out after 4.00 seconds (Lambda stopped it: no result, and whatever was not yet published is lost)',
    ]);
    expect(warned[2]).toBe('                     warning: promotion refused');
  });

  it('counts name the schedules created and the follow-up checks', () => {
    expect(formatCounts({ publishes: 2, schedulesCreated: 1, followUpChecks: 15 })).toBe(
      '2 SNS publishes, 1 schedule created, 15 follow-up checks',
    );
  });
});

describe('messages of the life', () => {
  const attributes = (stage: string, code: string, status = 'SUCCESS') => ({
    stage: { stringValue: stage },
    code: { stringValue: code },
    status: { stringValue: status },
  });

  it('the run summary: its subject, one line per target from its JSON document, and what it left out', () => {
    const summary = {
      subject: '[ERROR] Atlas snapshot run: 2 targets, 1 SUCCESS, 1 ERROR',
      message: '',
      bodies: {
        default: JSON.stringify({
          targets: [
            { projectId: P, clusterName: 'Cluster0', status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED' },
            { projectId: P, clusterName: 'Missing', status: 'ERROR', code: 'CLUSTER_NOT_FOUND' },
          ],
          omittedTargets: 3,
        }),
        email: 'not printed',
      },
      messageAttributes: attributes('summary', 'RUN_SUMMARY', 'ERROR'),
    };

    expect(notificationKind(summary)).toBe('summary RUN_SUMMARY');
    expect(formatNotification(summary)).toEqual([
      '  summary   [ERROR] Atlas snapshot run: 2 targets, 1 SUCCESS, 1 ERROR  (the run summary: one message per run)',
      `            | SUCCESS  SNAPSHOT_REQUESTED             ${P}/Cluster0`,
      `            | ERROR    CLUSTER_NOT_FOUND              ${P}/Missing`,
      '            | ... and 3 more',
    ]);
  });

  it('a confirmation says so; a body already shown once is not repeated', () => {
    const message = {
      subject: '[SUCCESS] Atlas snapshot Cluster0: completed (1.6 GB)',
      message: '',
      bodies: { email: 'The snapshot completed.' },
      messageAttributes: attributes('confirmation', 'SNAPSHOT_COMPLETED'),
    };

    expect(formatNotification(message)).toEqual([
      '  notify    [SUCCESS] Atlas snapshot Cluster0: completed (1.6 GB)  (confirmation: the follow-up check)',
      '            | The snapshot completed.',
    ]);
    expect(formatNotification(message, undefined, { body: false })[1]).toBe(
      '            | (e-mail body like the one above)',
    );
  });
});

describe('the retention table of a run of nights', () => {
  const night = (day: number, cluster0: Partial<Outcome>) => ({
    at: T0 + day * 86_400_000,
    confirmations: [
      outcome({ retentionInDays: 7, createdAt: 'c', expiresAt: '2026-01-08T03:02:30Z', ...cluster0 }),
      outcome({
        clusterName: 'ShardedCluster',
        retentionInDays: 7,
        expiresAt: '2026-01-08T03:02:30Z',
        warnings: ['no PATCH for sharded snapshots'],
      }),
    ],
  });

  it('one row per night, one column per cluster, promoted cells marked, each warning once; then a tally', () => {
    const nights = [
      night(0, { promotedTo: { retentionUnit: 'MONTHS', retentionValue: 12 }, expiresAt: '2027-01-01T03:02:30Z' }),
      night(1, {}),
      night(2, { status: 'ERROR', code: 'SNAPSHOT_FAILED' }),
    ];

    expect(formatRetentionTable(nights)).toEqual([
      '  kept      night  date        Cluster0                               ShardedCluster',
      '            1      2026-01-01  12 months (promoted) until 2027-01-01  7 days until 2026-01-08 *',
      '            2      2026-01-02  7 days until 2026-01-08                7 days until 2026-01-08 *',
      '            3      2026-01-03  ERROR SNAPSHOT_FAILED                  7 days until 2026-01-08 *',
      '            * ShardedCluster: no PATCH for sharded snapshots',
    ]);
    expect(retentionTally(nights)).toEqual([
      '            Cluster0: 1 kept 12 months, 1 kept 7 days',
      '            ShardedCluster: 3 kept 7 days',
    ]);
  });
});
