/** What a handler produces: an answer the server writes after any configured latency. */
import type { IncomingHttpHeaders } from 'node:http';
import { type AtlasApiError } from './errors';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: string;
  /** For the request log: Atlas `errorCode`, or the OAuth `error` of the token endpoints. */
  errorCode?: string;
}

/** The parts of a request the handlers look at (body already read). */
export interface SimRequest {
  method: string;
  path: string;
  /** Path and query exactly as on the request line (what a Digest `uri` must equal). */
  rawUrl: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  ip: string;
  body: string;
  /** `http://host:port` the client used, for `links`. */
  baseUrl: string;
}

export function jsonAnswer(
  status: number,
  value: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): Answer {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body: JSON.stringify(value) };
}

export function atlasErrorAnswer(error: AtlasApiError, extraHeaders: Record<string, string> = {}): Answer {
  return {
    ...jsonAnswer(error.status, error.body(), 'application/json', {
      ...extraHeaders,
      ...error.headers,
      'X-Error-Code': error.errorCode,
    }),
    errorCode: error.errorCode,
  };
}
