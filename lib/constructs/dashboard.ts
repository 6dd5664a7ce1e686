/**
 * The operations dashboard (docs/operations.md "Dashboard"): the alarms, outcomes per code over
 * time, per cluster the last confirmed snapshot with its duration and size, the snapshot metrics,
 * and the function's own errors, throttles and duration.
 *
 * The per-target and per-cluster views are Logs Insights queries over the function's `outcome`
 * log lines (message "outcome", the outcome document in the field `outcome`): a metric dimension
 * per cluster would cost one custom metric per cluster. Logs Insights has no "now", so the age of
 * each cluster's last completed snapshot is shown as its time, oldest first; a cluster with none in
 * the dashboard's time range is absent from that table (the missed-snapshot alarm watches that).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { Codes } from '../../lambda/snapshot/codes';
import {
  METRIC_DIMENSION_FUNCTION,
  METRIC_NAMESPACE,
  METRIC_SNAPSHOT_COMPLETED,
  METRIC_SNAPSHOT_DURATION,
  METRIC_SNAPSHOT_SECURED,
  METRIC_SNAPSHOT_SIZE,
  METRIC_TARGET_ERRORS,
} from '../../lambda/snapshot/contract';
import { LogEvents } from '../../lambda/snapshot/log-events';

export interface DashboardProps {
  function: lambda.IFunction;
  logGroup: logs.ILogGroup;
  alarms: readonly cloudwatch.IAlarm[];
  /** The function's timeout, drawn on the duration graph. */
  timeout: Duration;
}

/** The time range the dashboard opens with: a week shows every cluster of a weekly schedule. */
export const DASHBOARD_INTERVAL = Duration.days(7);

const OUTCOME_LINES = `filter message = "${LogEvents.outcome}"`;
const COMPLETED_LINES = `${OUTCOME_LINES} and outcome.code = "${Codes.SNAPSHOT_COMPLETED}"`;

/** Outcomes per code over time, one series per code (the run summary is logged as its own event). */
export const OUTCOMES_QUERY = [OUTCOME_LINES, 'stats count(*) as outcomes by bin(1d), outcome.code'];

/** Per cluster: the last completed snapshot (oldest first), its duration and size. */
export const CLUSTERS_QUERY = [
  COMPLETED_LINES,
  'stats max(@timestamp) as lastCompleted, latest(outcome.createdAt) as snapshotCreatedAt, ' +
    'latest(outcome.durationSeconds) as lastDurationSeconds, max(outcome.durationSeconds) as maxDurationSeconds, ' +
    'latest(outcome.storageSizeBytes) as lastSizeBytes, count(*) as completed ' +
    'by outcome.projectId as projectId, outcome.clusterName as clusterName',
  'sort lastCompleted asc',
];

/** The latest ERROR outcomes, newest first, with their detail. */
export const ERRORS_QUERY = [
  `${OUTCOME_LINES} and outcome.status = "ERROR"`,
  'fields @timestamp, outcome.stage as stage, outcome.projectId as projectId, outcome.clusterName as clusterName, ' +
    'outcome.code as code, outcome.detail as detail',
  'sort @timestamp desc',
  'limit 50',
];

/** A CloudWatch dashboard with the widgets above (CloudFormation names it: two deployments never collide). */
export class OperationsDashboard extends cloudwatch.Dashboard {
  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id, { defaultInterval: DASHBOARD_INTERVAL });
    const logGroupNames = [props.logGroup.logGroupName];
    const metric = (metricName: string, statistic: string, label: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { [METRIC_DIMENSION_FUNCTION]: props.function.functionName },
        statistic,
        period: Duration.hours(1),
        label,
      });

    this.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 3 }),
    );
    this.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Outcomes per code and day',
        logGroupNames,
        queryLines: OUTCOMES_QUERY,
        view: cloudwatch.LogQueryVisualizationType.STACKEDAREA,
        width: 12,
        height: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Snapshots secured and completed, targets in ERROR (per hour)',
        left: [
          metric(METRIC_SNAPSHOT_SECURED, cloudwatch.Stats.SUM, 'requested or in progress'),
          metric(METRIC_SNAPSHOT_COMPLETED, cloudwatch.Stats.SUM, 'completed'),
          metric(METRIC_TARGET_ERRORS, cloudwatch.Stats.SUM, 'targets in ERROR'),
        ],
        width: 12,
        height: 8,
      }),
    );
    this.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Per cluster: last completed snapshot (oldest first), duration (s) and size (bytes)',
        logGroupNames,
        queryLines: CLUSTERS_QUERY,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 8,
      }),
    );
    this.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Snapshot duration, request to confirmation (s)',
        left: [
          metric(METRIC_SNAPSHOT_DURATION, cloudwatch.Stats.AVERAGE, 'average'),
          metric(METRIC_SNAPSHOT_DURATION, cloudwatch.Stats.MAXIMUM, 'maximum'),
        ],
        width: 12,
        height: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Snapshot size (bytes)',
        left: [
          metric(METRIC_SNAPSHOT_SIZE, cloudwatch.Stats.AVERAGE, 'average'),
          metric(METRIC_SNAPSHOT_SIZE, cloudwatch.Stats.MAXIMUM, 'maximum'),
        ],
        width: 12,
        height: 6,
      }),
    );
    this.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors and throttles',
        left: [
          props.function.metricErrors({
            statistic: cloudwatch.Stats.SUM,
            period: Duration.minutes(5),
            label: 'errors',
          }),
          props.function.metricThrottles({
            statistic: cloudwatch.Stats.SUM,
            period: Duration.minutes(5),
            label: 'throttles',
          }),
        ],
        width: 12,
        height: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration (ms)',
        left: [
          props.function.metricDuration({ statistic: cloudwatch.Stats.AVERAGE, label: 'average' }),
          props.function.metricDuration({ statistic: cloudwatch.Stats.MAXIMUM, label: 'maximum' }),
        ],
        leftAnnotations: [{ value: props.timeout.toMilliseconds(), label: 'timeout' }],
        width: 12,
        height: 6,
      }),
    );
    this.addWidgets(
      new cloudwatch.LogQueryWidget({
        title: 'Latest ERROR outcomes',
        logGroupNames,
        queryLines: ERRORS_QUERY,
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 24,
        height: 6,
      }),
    );
  }
}
