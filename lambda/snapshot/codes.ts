/**
 * Outcome codes (docs/notifications.md). `Codes` are the function's own; an Atlas error keeps
 * Atlas's `errorCode` verbatim, and `AtlasCodes` names the ones the function treats specially.
 */

export const Codes = {
  SNAPSHOT_REQUESTED: 'SNAPSHOT_REQUESTED',
  SNAPSHOT_IN_PROGRESS: 'SNAPSHOT_IN_PROGRESS',
  DRY_RUN: 'DRY_RUN',
  /** Confirmation (stage `confirmation`): the requested snapshot completed. */
  SNAPSHOT_COMPLETED: 'SNAPSHOT_COMPLETED',
  /** Confirmation: Atlas reports the snapshot `failed`. */
  SNAPSHOT_FAILED: 'SNAPSHOT_FAILED',
  /** Confirmation: still pending at the deadline, or the next check could not be scheduled. */
  SNAPSHOT_NOT_CONFIRMED: 'SNAPSHOT_NOT_CONFIRMED',
  /** The cluster is paused: Atlas takes no backups of it. */
  CLUSTER_PAUSED: 'CLUSTER_PAUSED',
  /** The run summary (stage `summary`). */
  RUN_SUMMARY: 'RUN_SUMMARY',
  INVALID_INPUT: 'INVALID_INPUT',
  INVALID_CONFIG: 'INVALID_CONFIG',
  SECRET_UNAVAILABLE: 'SECRET_UNAVAILABLE',
  SECRET_INVALID: 'SECRET_INVALID',
  UNSUPPORTED_CLUSTER: 'UNSUPPORTED_CLUSTER',
  BACKUP_NOT_ENABLED: 'BACKUP_NOT_ENABLED',
  ATLAS_UNREACHABLE: 'ATLAS_UNREACHABLE',
  ATLAS_AUTH_FAILED: 'ATLAS_AUTH_FAILED',
  /** A selector that matched no cluster (a project without clusters, tags nobody carries). */
  NO_CLUSTERS: 'NO_CLUSTERS',
  /** Atlas answered 2xx with a body that is not the JSON document the endpoint promises, or too large a body. */
  ATLAS_INVALID_RESPONSE: 'ATLAS_INVALID_RESPONSE',
  /** A bug or an answer we could not interpret; never expected. */
  UNEXPECTED_ERROR: 'UNEXPECTED_ERROR',
} as const;

/** Atlas `errorCode`s with a meaning for the procedure or the advice (ATLAS facts in docs/atlas-api.md). */
export const AtlasCodes = {
  /** The race on take-snapshot: another on-demand snapshot is queued or in progress. */
  UNFINISHED_ON_DEMAND_SNAPSHOT: 'UNFINISHED_ON_DEMAND_SNAPSHOT',
  /** The cluster API refuses flex clusters. */
  CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
  SNAPSHOT_NOT_FOUND: 'SNAPSHOT_NOT_FOUND',
  CLUSTER_NOT_FOUND: 'CLUSTER_NOT_FOUND',
  GROUP_NOT_FOUND: 'GROUP_NOT_FOUND',
  /** The credentials are valid but lack a role for this project or call (401/403). */
  USER_UNAUTHORIZED: 'USER_UNAUTHORIZED',
  IP_ADDRESS_NOT_ON_ACCESS_LIST: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
  SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY: 'SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY',
  CANNOT_MODIFY_IN_PROGRESS_SNAPSHOT_RETENTION: 'CANNOT_MODIFY_IN_PROGRESS_SNAPSHOT_RETENTION',
  CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY:
    'CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY',
  CANNOT_MODIFY_SNAPSHOT: 'CANNOT_MODIFY_SNAPSHOT',
  RATE_LIMITED_TOKEN_BUCKET: 'RATE_LIMITED_TOKEN_BUCKET',
  RATE_LIMITED: 'RATE_LIMITED',
  /** A sunset API version. */
  VERSION_GONE: 'VERSION_GONE',
  INVALID_VERSION_DATE: 'INVALID_VERSION_DATE',
} as const;
