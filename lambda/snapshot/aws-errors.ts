/**
 * A short description of a failed AWS SDK call, for the adapters' `CodedError`s: the error's
 * name (ThrottlingException, AccessDeniedException, TimeoutError, AbortError, ...), the HTTP
 * status when the service answered, and the service's message on one line, capped. SDK errors
 * carry no request (no credentials, no signature); this keeps only those three fields anyway.
 */

const MAX_MESSAGE_CHARS = 300;

export interface AwsFailure {
  /** The SDK error's name, or a Node network code (ECONNREFUSED, ...). */
  code: string;
  httpStatus?: number;
  /** `<code> (HTTP <status>): <message>`. */
  detail: string;
}

export function describeAwsFailure(error: unknown): AwsFailure {
  if (!(error instanceof Error)) return { code: 'UnknownError', detail: `UnknownError: ${cap(String(error))}` };
  const nodeCode = (error as { code?: unknown }).code;
  const code = error.name !== 'Error' ? error.name : typeof nodeCode === 'string' ? nodeCode : 'Error';
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  const httpStatus = typeof status === 'number' ? status : undefined;
  const message = cap(error.message);
  const detail = `${code}${httpStatus !== undefined ? ` (HTTP ${httpStatus})` : ''}${message && message !== code ? `: ${message}` : ''}`;
  return httpStatus !== undefined ? { code, httpStatus, detail } : { code, detail };
}

function cap(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS)}...` : line;
}
