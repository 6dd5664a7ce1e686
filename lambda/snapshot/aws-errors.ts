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
  const code = error.name !== 'Error' ? error.name : (networkCode(error) ?? 'Error');
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  const httpStatus = typeof status === 'number' ? status : undefined;
  const message = cap(error.message);
  const detail = `${code}${httpStatus !== undefined ? ` (HTTP ${httpStatus})` : ''}${message && message !== code ? `: ${message}` : ''}`;
  return httpStatus !== undefined ? { code, httpStatus, detail } : { code, detail };
}

/**
 * ECONNREFUSED, ECONNRESET, ENOTFOUND, EAI_AGAIN, ...: from `code`, or from the message when the
 * SDK had to wrap an error it did not recognise ("AWS SDK error wrapper for Error: connect ECONNREFUSED").
 */
function networkCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  return /\b(ECONN[A-Z]+|ENOTFOUND|ETIMEDOUT|EAI_[A-Z]+|EPIPE|EHOSTUNREACH|ENETUNREACH)\b/.exec(error.message)?.[1];
}

function cap(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS)}...` : line;
}
