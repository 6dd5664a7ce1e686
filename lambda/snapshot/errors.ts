/**
 * Errors that carry a stable outcome code (DESIGN.md section 6). Anything else that reaches the
 * top of a target is reported as ATLAS_UNREACHABLE or UNEXPECTED_ERROR by the core.
 */

export const Codes = {
  SNAPSHOT_REQUESTED: 'SNAPSHOT_REQUESTED',
  SNAPSHOT_IN_PROGRESS: 'SNAPSHOT_IN_PROGRESS',
  DRY_RUN: 'DRY_RUN',
  INVALID_INPUT: 'INVALID_INPUT',
  INVALID_CONFIG: 'INVALID_CONFIG',
  SECRET_UNAVAILABLE: 'SECRET_UNAVAILABLE',
  SECRET_INVALID: 'SECRET_INVALID',
  UNSUPPORTED_CLUSTER: 'UNSUPPORTED_CLUSTER',
  BACKUP_NOT_ENABLED: 'BACKUP_NOT_ENABLED',
  ATLAS_UNREACHABLE: 'ATLAS_UNREACHABLE',
  ATLAS_AUTH_FAILED: 'ATLAS_AUTH_FAILED',
  /** A `"*"` target whose project has no clusters at all. */
  NO_CLUSTERS: 'NO_CLUSTERS',
  /** Atlas's own code for the race on the take-snapshot call. */
  UNFINISHED_ON_DEMAND_SNAPSHOT: 'UNFINISHED_ON_DEMAND_SNAPSHOT',
  /** Atlas's answer when the cluster API is called for a flex cluster. */
  CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API',
  /** Atlas answered 2xx with a body that is not the JSON document the endpoint promises. */
  ATLAS_INVALID_RESPONSE: 'ATLAS_INVALID_RESPONSE',
  /** A bug or an answer we could not interpret; never expected. */
  UNEXPECTED_ERROR: 'UNEXPECTED_ERROR',
} as const;

export interface CodedErrorOptions {
  httpStatus?: number;
  cause?: unknown;
}

/** An error with an outcome code; `message` is the human-readable `detail`, never a secret. */
export class CodedError extends Error {
  readonly code: string;
  readonly httpStatus?: number;

  constructor(code: string, detail: string, options: CodedErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CodedError';
    this.code = code;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
  }
}

/** Atlas answered with an error document: `code` is Atlas's `errorCode` verbatim. */
export class AtlasApiError extends CodedError {
  constructor(errorCode: string, detail: string, httpStatus: number) {
    super(errorCode, detail, { httpStatus });
    this.name = 'AtlasApiError';
  }
}

/**
 * A non-idempotent request (take snapshot) may have reached Atlas but no answer came back
 * (timeout, reset, 5xx). The caller must re-read state before deciding to send it again.
 */
export class AmbiguousRequestError extends CodedError {
  constructor(detail: string, options: CodedErrorOptions = {}) {
    super(Codes.ATLAS_UNREACHABLE, detail, options);
    this.name = 'AmbiguousRequestError';
  }
}

export function isCodedError(e: unknown): e is CodedError {
  return e instanceof CodedError;
}

/** A message for any thrown value, for logs and `detail`; never includes request config. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
