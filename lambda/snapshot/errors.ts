/**
 * Errors that carry a stable outcome code (codes.ts, docs/notifications.md). Anything else that
 * reaches the top of a target is reported as ATLAS_UNREACHABLE or UNEXPECTED_ERROR by the core.
 */

import { Codes } from './codes';

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
