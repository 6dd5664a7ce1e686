/**
 * Names shared between the function, the stack and the local tools: environment variables, the event
 * fields the schedules send, the metrics the alarms and the dashboard watch, and the defaults. Changing
 * any of these is a breaking change (docs/design.md).
 */

/** CloudWatch namespace of the embedded-metric-format lines the function writes. */
export const METRIC_NAMESPACE = 'AtlasSnapshotScheduler';
/** Count of targets per run whose outcome was SNAPSHOT_REQUESTED or SNAPSHOT_IN_PROGRESS. */
export const METRIC_SNAPSHOT_SECURED = 'SnapshotSecured';
/** Count of targets per run that ended in ERROR. */
export const METRIC_TARGET_ERRORS = 'TargetErrors';
/** Count of SNAPSHOT_COMPLETED outcomes (the missed-snapshot alarm watches it with confirmation on). */
export const METRIC_SNAPSHOT_COMPLETED = 'SnapshotCompleted';
/** Seconds from the request to the check that saw the snapshot completed. */
export const METRIC_SNAPSHOT_DURATION = 'SnapshotDurationSeconds';
/** Atlas's `storageSizeBytes` of a completed snapshot. */
export const METRIC_SNAPSHOT_SIZE = 'SnapshotSizeBytes';
/** Dimension carrying the function name (the aggregate the alarm watches). */
export const METRIC_DIMENSION_FUNCTION = 'FunctionName';

/** Fields a manual or scheduled event may carry (docs/design.md "Events", plus `schedule` and `promotion`). */
export const EVENT_FIELDS = ['targets', 'retentionInDays', 'description', 'dryRun', 'schedule', 'promotion'] as const;
/** The only key of a follow-up event: `{ "followUp": { ... } }` (docs/design.md "Completion confirmation"). */
export const FOLLOW_UP_KEY = 'followUp';
/** `followUp.version` of the events this function writes (and the only one it reads). */
export const FOLLOW_UP_VERSION = 1;

/** Environment variables the stack sets (docs/design.md "Function environment", plus the optional extensions). */
export const ENV = {
  secretId: 'ATLAS_SECRET_ID',
  topicArn: 'SNS_TOPIC_ARN',
  targets: 'ATLAS_TARGETS',
  /** A JSON file holding the targets, relative to the function's code root (when they do not fit the environment). */
  targetsFile: 'ATLAS_TARGETS_FILE',
  retentionDays: 'SNAPSHOT_RETENTION_DAYS',
  description: 'SNAPSHOT_DESCRIPTION',
  baseUrl: 'ATLAS_BASE_URL',
  /** Schedule group of the follow-up checks; absent = confirmation off. */
  confirmScheduleGroup: 'CONFIRM_SCHEDULE_GROUP',
  /** The role EventBridge Scheduler assumes to invoke the function (required with the group). */
  confirmRoleArn: 'CONFIRM_ROLE_ARN',
  confirmFirstCheckMinutes: 'CONFIRM_FIRST_CHECK_MINUTES',
  confirmMaxHours: 'CONFIRM_MAX_HOURS',
  /** Optional extension: dead-letter queue of the follow-up schedules. */
  confirmDeadLetterArn: 'CONFIRM_DEAD_LETTER_ARN',
  /** Optional JSON `{"weeks","months","years","timezone"}` (docs/promotion.md). */
  promotion: 'SNAPSHOT_PROMOTION',
  /** Optional `true`/`false` (default true): the run summary message. */
  summaryEnabled: 'SUMMARY_ENABLED',
  /** Optional extension: topic for chat channels (Amazon Q Developer custom notifications). */
  chatTopicArn: 'CHAT_TOPIC_ARN',
  /** Optional: how many targets run at once (default 8). */
  concurrency: 'ATLAS_CONCURRENCY',
  /** Optional: seconds a secret value is cached in a warm container (default 300). */
  secretTtlSeconds: 'SECRET_CACHE_TTL_SECONDS',
} as const;

export const DEFAULT_ATLAS_BASE_URL = 'https://cloud.mongodb.com';
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_SECRET_TTL_SECONDS = 300;
/** Minutes from the request to the first confirmation check. */
export const DEFAULT_FIRST_CHECK_MINUTES = 5;
/** Hours after the request when a still-pending snapshot is reported SNAPSHOT_NOT_CONFIRMED. */
export const DEFAULT_MAX_HOURS = 12;
/** The delay between checks doubles up to this many minutes. */
export const MAX_CHECK_INTERVAL_MINUTES = 60;
/** The targets file the stack writes into the bundle when the list does not fit the environment. */
export const TARGETS_FILE_NAME = 'targets.json';
