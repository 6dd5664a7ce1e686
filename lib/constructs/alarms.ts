/**
 * Failure visibility, all notifying every alarm topic (ALARM and back to OK):
 *  - FunctionErrors: the function failed a run or a follow-up check (it throws when any target
 *    ended in ERROR, a notification could not be published or a follow-up could not be scheduled,
 *    and when it crashes or times out);
 *  - MissedSnapshots: for longer than the schedules allow, no snapshot was confirmed completed
 *    (confirmation on: SnapshotCompleted) or requested or found in progress (confirmation off:
 *    SnapshotSecured), from the metrics the function writes in embedded metric format; no data
 *    breaches;
 *  - UndeliveredSchedules: Scheduler could not invoke the function (a scheduled run or a follow-up
 *    check) and parked the event in its dead-letter queue.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  METRIC_DIMENSION_FUNCTION,
  METRIC_NAMESPACE,
  METRIC_SNAPSHOT_COMPLETED,
  METRIC_SNAPSHOT_SECURED,
} from '../../lambda/snapshot/contract';
import { formatDuration, type AlarmWindow } from '../schedule-window';

export interface MissedSnapshotAlarm {
  window: AlarmWindow;
  /**
   * With confirmation on: the hours a requested snapshot may take to be confirmed (part of the
   * window's grace); the alarm then counts completed snapshots.
   */
  confirmationHours?: number;
}

export interface AlarmsProps {
  function: lambda.IFunction;
  /** Every topic the alarms notify. */
  topics: readonly sns.ITopic[];
  /** Undefined when the schedules exceed what CloudWatch can evaluate. */
  missedSnapshots?: MissedSnapshotAlarm;
  schedulerDeadLetterQueue: sqs.IQueue;
}

export const ERRORS_PERIOD = Duration.minutes(5);

export class Alarms extends Construct {
  readonly functionErrors: cloudwatch.Alarm;
  readonly missedSnapshots?: cloudwatch.Alarm;
  readonly undeliveredSchedules: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);

    this.functionErrors = new cloudwatch.Alarm(this, 'FunctionErrors', {
      alarmDescription:
        'atlas-snapshot-scheduler: a run of the snapshot function failed (a target ended in ERROR, a notification ' +
        'could not be published, a follow-up check could not be scheduled, or the function crashed or timed out). ' +
        "Read the ERROR notifications and the function's log group; the failed event is kept in the failed-run queue.",
      metric: props.function.metricErrors({ period: ERRORS_PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    if (props.missedSnapshots !== undefined) {
      this.missedSnapshots = this.missedSnapshotAlarm(props.function, props.missedSnapshots);
    }

    this.undeliveredSchedules = new cloudwatch.Alarm(this, 'UndeliveredSchedules', {
      alarmDescription:
        'atlas-snapshot-scheduler: EventBridge Scheduler could not invoke the function (a scheduled run or a ' +
        'follow-up check) and kept the event in its dead-letter queue. Read the message attributes (ERROR_CODE, ' +
        'ERROR_MESSAGE), fix the cause, run the function by hand if a snapshot is due, then purge the queue.',
      metric: props.schedulerDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: ERRORS_PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const alarmActions = props.topics.map((topic) => new actions.SnsAction(topic));
    for (const alarm of this.all()) {
      alarm.addAlarmAction(...alarmActions);
      alarm.addOkAction(...alarmActions);
    }
  }

  private missedSnapshotAlarm(fn: lambda.IFunction, spec: MissedSnapshotAlarm): cloudwatch.Alarm {
    const { window, confirmationHours } = spec;
    const confirmed = confirmationHours !== undefined;
    const what = confirmed ? 'was confirmed completed' : 'was requested or found in progress';
    const grace = confirmed
      ? `${confirmationHours} h for Atlas to complete a snapshot and ${formatDuration(window.graceSeconds - confirmationHours * 3600)} grace`
      : `${formatDuration(window.graceSeconds)} grace`;
    return new cloudwatch.Alarm(this, 'MissedSnapshots', {
      alarmDescription:
        `atlas-snapshot-scheduler: no snapshot ${what} for ${formatDuration(window.windowSeconds)} ` +
        `(longest gap between scheduled runs ${formatDuration(window.maxGapSeconds)} plus ${grace}). ` +
        'Check that the schedules are enabled, the function ran (log group) and what its notifications said.',
      metric: new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName: confirmed ? METRIC_SNAPSHOT_COMPLETED : METRIC_SNAPSHOT_SECURED,
        dimensionsMap: { [METRIC_DIMENSION_FUNCTION]: fn.functionName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.seconds(window.periodSeconds),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: window.evaluationPeriods,
      datapointsToAlarm: window.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  all(): cloudwatch.Alarm[] {
    return [this.functionErrors, ...(this.missedSnapshots ? [this.missedSnapshots] : []), this.undeliveredSchedules];
  }
}
