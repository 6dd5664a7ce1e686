/**
 * Failure visibility, all notifying the topic (ALARM and back to OK):
 *  - FunctionErrors: the function failed a run (it throws when any target ended in ERROR or a
 *    notification could not be published, and when it crashes or times out);
 *  - MissedSnapshots: no target's snapshot was requested or found in progress for longer than the
 *    schedules allow (the metric the function writes in embedded metric format); no data breaches;
 *  - UndeliveredSchedules: Scheduler could not invoke the function and parked the event in its
 *    dead-letter queue.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_DIMENSION_FUNCTION, METRIC_NAMESPACE, METRIC_SNAPSHOT_SECURED } from '../../lambda/snapshot/contract';
import { formatDuration, type AlarmWindow } from '../schedule-window';

export interface AlarmsProps {
  function: lambda.IFunction;
  topic: sns.ITopic;
  /** Window of the missed-snapshot alarm; undefined when the schedules exceed what CloudWatch can evaluate. */
  missedSnapshotWindow?: AlarmWindow;
  schedulerDeadLetterQueue: sqs.IQueue;
}

export const ERRORS_PERIOD = Duration.minutes(5);

export class Alarms extends Construct {
  readonly functionErrors: cloudwatch.Alarm;
  readonly missedSnapshots?: cloudwatch.Alarm;
  readonly undeliveredSchedules: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const action = new actions.SnsAction(props.topic);

    this.functionErrors = new cloudwatch.Alarm(this, 'FunctionErrors', {
      alarmDescription:
        'atlas-snapshot-scheduler: a run of the snapshot function failed (a target ended in ERROR, a notification ' +
        'could not be published, or the function crashed or timed out). Read the ERROR notifications and the ' +
        "function's log group; the failed event is kept in the failed-run queue.",
      metric: props.function.metricErrors({ period: ERRORS_PERIOD, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const window = props.missedSnapshotWindow;
    if (window !== undefined) {
      this.missedSnapshots = new cloudwatch.Alarm(this, 'MissedSnapshots', {
        alarmDescription:
          `atlas-snapshot-scheduler: no snapshot was requested or found in progress for ${formatDuration(window.windowSeconds)} ` +
          `(longest gap between scheduled runs ${formatDuration(window.maxGapSeconds)} plus ${formatDuration(window.graceSeconds)} grace). ` +
          'Check that the schedules are enabled, the function ran (log group) and what its notifications said.',
        metric: new cloudwatch.Metric({
          namespace: METRIC_NAMESPACE,
          metricName: METRIC_SNAPSHOT_SECURED,
          dimensionsMap: { [METRIC_DIMENSION_FUNCTION]: props.function.functionName },
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

    this.undeliveredSchedules = new cloudwatch.Alarm(this, 'UndeliveredSchedules', {
      alarmDescription:
        'atlas-snapshot-scheduler: EventBridge Scheduler could not invoke the function and kept the event in its ' +
        'dead-letter queue. Read the message attributes (ERROR_CODE, ERROR_MESSAGE), fix the cause, run the function ' +
        'by hand if a snapshot is due, then purge the queue.',
      metric: props.schedulerDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: ERRORS_PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const alarm of this.all()) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  all(): cloudwatch.Alarm[] {
    return [this.functionErrors, ...(this.missedSnapshots ? [this.missedSnapshots] : []), this.undeliveredSchedules];
  }
}
