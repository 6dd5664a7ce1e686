/**
 * CloudWatch embedded metric format (EMF) lines, one per target and run. Lambda sends stdout to
 * CloudWatch Logs, which turns these lines into metrics without any API call or permission.
 * The only dimension is the function name: a dimension per cluster would cost a custom metric
 * per cluster; project and cluster ride along as searchable properties instead.
 */
import { METRIC_DIMENSION_FUNCTION, METRIC_NAMESPACE, METRIC_SNAPSHOT_SECURED, METRIC_TARGET_ERRORS } from './contract';
import { Codes } from './codes';
import type { Outcome } from './types';

/** True when the target's latest on-demand snapshot is requested or already under way. */
export function isSnapshotSecured(outcome: Outcome): boolean {
  return !outcome.dryRun && (outcome.code === Codes.SNAPSHOT_REQUESTED || outcome.code === Codes.SNAPSHOT_IN_PROGRESS);
}

export function emfRecord(functionName: string, outcome: Outcome, at: Date): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [[METRIC_DIMENSION_FUNCTION]],
          Metrics: [
            { Name: METRIC_SNAPSHOT_SECURED, Unit: 'Count' },
            { Name: METRIC_TARGET_ERRORS, Unit: 'Count' },
          ],
        },
      ],
    },
    [METRIC_DIMENSION_FUNCTION]: functionName,
    [METRIC_SNAPSHOT_SECURED]: isSnapshotSecured(outcome) ? 1 : 0,
    [METRIC_TARGET_ERRORS]: outcome.status === 'ERROR' ? 1 : 0,
    projectId: outcome.projectId,
    clusterName: outcome.clusterName,
    status: outcome.status,
    code: outcome.code,
    trigger: outcome.trigger,
    invocationId: outcome.invocationId,
  };
}
