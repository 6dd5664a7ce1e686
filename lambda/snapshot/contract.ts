/**
 * Names shared between the function and the stack: the event fields the schedules send and the
 * metric the missed-backup alarm watches. Changing any of these is a breaking change.
 */

/** CloudWatch namespace of the embedded-metric-format lines the function writes. */
export const METRIC_NAMESPACE = 'AtlasSnapshotScheduler';
/** Count of targets per run whose outcome was SNAPSHOT_REQUESTED or SNAPSHOT_IN_PROGRESS. */
export const METRIC_SNAPSHOT_SECURED = 'SnapshotSecured';
/** Count of targets per run that ended in ERROR. */
export const METRIC_TARGET_ERRORS = 'TargetErrors';
/** Dimension carrying the function name (the aggregate the alarm watches). */
export const METRIC_DIMENSION_FUNCTION = 'FunctionName';

/** Fields a manual or scheduled event may carry (DESIGN.md section 3, plus `schedule`). */
export const EVENT_FIELDS = ['targets', 'retentionInDays', 'description', 'dryRun', 'schedule'] as const;

/** Environment variables the stack sets (DESIGN.md section 2, plus the optional extensions). */
export const ENV = {
  secretId: 'ATLAS_SECRET_ID',
  topicArn: 'SNS_TOPIC_ARN',
  targets: 'ATLAS_TARGETS',
  retentionDays: 'SNAPSHOT_RETENTION_DAYS',
  description: 'SNAPSHOT_DESCRIPTION',
  baseUrl: 'ATLAS_BASE_URL',
  /** Optional: how many targets run at once (default 8). */
  concurrency: 'ATLAS_CONCURRENCY',
  /** Optional: seconds a secret value is cached in a warm container (default 300). */
  secretTtlSeconds: 'SECRET_CACHE_TTL_SECONDS',
} as const;

export const DEFAULT_ATLAS_BASE_URL = 'https://cloud.mongodb.com';
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_SECRET_TTL_SECONDS = 300;
