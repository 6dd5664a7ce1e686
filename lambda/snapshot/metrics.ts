/**
 * CloudWatch embedded metric format (EMF) lines. Lambda sends stdout to CloudWatch Logs, which turns
 * these lines into metrics without any API call or permission (docs/operations.md, "Metrics").
 *
 * One record per invocation (per 100 outcomes) carries every outcome's value in an array rather than
 * one record per target: CloudWatch counts each array element as one data point, so Sum and
 * SampleCount - what the alarms watch - are the same as with one record per target, at a fraction of
 * the CPU and log bytes for large runs. A record with a single outcome writes plain numbers.
 * The only dimension is the function name (a dimension per cluster would cost a custom metric per
 * cluster); per-cluster figures come from the `outcome` log lines.
 */
import { Codes } from './codes';
import {
  METRIC_DIMENSION_FUNCTION,
  METRIC_NAMESPACE,
  METRIC_SNAPSHOT_COMPLETED,
  METRIC_SNAPSHOT_DURATION,
  METRIC_SNAPSHOT_SECURED,
  METRIC_SNAPSHOT_SIZE,
  METRIC_TARGET_ERRORS,
} from './contract';
import type { Outcome } from './types';

/** EMF: at most 100 values per metric in one record. */
export const EMF_MAX_VALUES = 100;

/** True when the target's latest on-demand snapshot is requested or already under way. */
export function isSnapshotSecured(outcome: Outcome): boolean {
  return !outcome.dryRun && (outcome.code === Codes.SNAPSHOT_REQUESTED || outcome.code === Codes.SNAPSHOT_IN_PROGRESS);
}

interface Series {
  name: string;
  unit: 'Count' | 'Seconds' | 'Bytes';
  /** The outcome's value, or undefined when the metric does not apply to it. */
  value: (o: Outcome) => number | undefined;
}

const completed = (o: Outcome) => o.code === Codes.SNAPSHOT_COMPLETED && o.status === 'SUCCESS';

const SERIES: Series[] = [
  { name: METRIC_SNAPSHOT_SECURED, unit: 'Count', value: (o) => (isSnapshotSecured(o) ? 1 : 0) },
  { name: METRIC_TARGET_ERRORS, unit: 'Count', value: (o) => (o.status === 'ERROR' ? 1 : 0) },
  { name: METRIC_SNAPSHOT_COMPLETED, unit: 'Count', value: (o) => (completed(o) ? 1 : 0) },
  { name: METRIC_SNAPSHOT_DURATION, unit: 'Seconds', value: (o) => (completed(o) ? o.durationSeconds : undefined) },
  { name: METRIC_SNAPSHOT_SIZE, unit: 'Bytes', value: (o) => (completed(o) ? o.storageSizeBytes : undefined) },
];

/** One EMF record for up to EMF_MAX_VALUES outcomes of one invocation. */
export function emfRecord(functionName: string, outcomes: readonly Outcome[], at: Date): Record<string, unknown> {
  const values: Record<string, number | number[]> = {};
  const declared: Array<{ Name: string; Unit: string }> = [];
  for (const series of SERIES) {
    const list = outcomes.map(series.value).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (list.length === 0) continue; // EMF: a declared metric must have a value
    declared.push({ Name: series.name, Unit: series.unit });
    values[series.name] = list.length === 1 ? (list[0] as number) : list;
  }
  return {
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        { Namespace: METRIC_NAMESPACE, Dimensions: [[METRIC_DIMENSION_FUNCTION]], Metrics: declared },
      ],
    },
    [METRIC_DIMENSION_FUNCTION]: functionName,
    ...values,
    outcomes: outcomes.length,
    invocationId: outcomes[0]?.invocationId,
  };
}

/** The records for all of an invocation's outcomes (one per EMF_MAX_VALUES). */
export function emfRecords(
  functionName: string,
  outcomes: readonly Outcome[],
  at: Date,
): Array<Record<string, unknown>> {
  const records: Array<Record<string, unknown>> = [];
  for (let i = 0; i < outcomes.length; i += EMF_MAX_VALUES) {
    records.push(emfRecord(functionName, outcomes.slice(i, i + EMF_MAX_VALUES), at));
  }
  return records;
}

export interface MetricsBufferOptions {
  functionName: string | undefined;
  write: (record: Record<string, unknown>) => void;
  now: () => Date;
  /**
   * The longest an outcome waits in the buffer before its record is written (default 1 s): an
   * invocation cut short (timeout) has written the metrics of what it decided, not only of full batches.
   */
  lingerMs?: number;
}

export const DEFAULT_METRICS_LINGER_MS = 1_000;

/**
 * Collects an invocation's outcomes and writes a record every EMF_MAX_VALUES outcomes, when the
 * oldest waiting outcome has waited `lingerMs`, and at the end. Without a function name (a local run
 * without a context) nothing is written.
 */
export function createMetricsBuffer(options: MetricsBufferOptions) {
  let pending: Outcome[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0 || !options.functionName) {
      pending = [];
      return;
    }
    options.write(emfRecord(options.functionName, pending, options.now()));
    pending = [];
  };
  return {
    add(outcome: Outcome): void {
      pending.push(outcome);
      if (pending.length >= EMF_MAX_VALUES) flush();
      else if (timer === undefined) {
        timer = setTimeout(flush, options.lingerMs ?? DEFAULT_METRICS_LINGER_MS);
        timer.unref?.();
      }
    },
    flush,
  };
}
