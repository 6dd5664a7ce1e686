/**
 * One HTTP exchange with Atlas over axios: one shared instance, every status an answer, no
 * redirects, no proxy from the environment, our own timer over the whole exchange, and bounded
 * answers: at most MAX_RAW_BYTES on the wire and MAX_DECODED_BYTES once decompressed (we
 * decompress ourselves, as a stream that stops at the cap, so a small gzip bomb cannot inflate
 * in memory). It never throws: the result is an answer (any status) or a failure described
 * without secrets (an axios error's `config` holds the request headers, so it is dropped here).
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import axios, { AxiosError } from 'axios';
import { version } from '../../../package.json';

export const USER_AGENT = `atlas-snapshot-scheduler/${version}`;
/** Bytes of one answer on the wire: a real page is well under 5 MiB. */
export const MAX_RAW_BYTES = 16 * 1024 * 1024;
/** Bytes of one answer once decompressed: far above a real page, far below the function's memory. */
export const MAX_DECODED_BYTES = 32 * 1024 * 1024;
/** Our request bodies are a few dozen bytes. */
const MAX_REQUEST_BODY_BYTES = 64 * 1024;
/** The encodings we ask for; `br` is decoded too should a server send it anyway. */
const ACCEPT_ENCODING = 'gzip, deflate';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path and query, appended to the base URL. */
  path: string;
  accept: string;
  /** What `accept` names a version of, e.g. `clusters` (for version notices). */
  resource?: string;
  contentType?: string;
  body?: string;
  /**
   * False for take-snapshot: it is resent only when Atlas certainly did not process it
   * (429, 401 before re-authenticating, connection refused).
   */
  idempotent: boolean;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export interface TransportFailure {
  /** Short, secret-free description, e.g. `connection reset (ECONNRESET)`. */
  description: string;
  retryable: boolean;
  /** The request certainly never reached the server (nothing to be ambiguous about). */
  notSent: boolean;
  /** Atlas answered, but with a body we refuse to read (too large, badly encoded). */
  invalid?: true;
  /** The status of that answer. */
  httpStatus?: number;
}

export type Exchange = (
  { kind: 'answered'; response: HttpResponse } | { kind: 'failed'; failure: TransportFailure }
) & { ms: number };

export type ExchangeFn = (
  request: HttpRequest,
  authorization: string | undefined,
  timeoutMs: number,
) => Promise<Exchange>;

/** Connections are kept open across calls and warm invocations (TLS handshakes are not free). */
const httpAgent = new http.Agent({ keepAlive: true });
const httpsAgent = new https.Agent({ keepAlive: true });

/**
 * One axios instance for every client: every status is an answer (no throw on 4xx/5xx), no
 * redirects, no proxy from the environment, no transformation either way, and the body a stream
 * that we read (axios counts its raw bytes against `maxContentLength`; it does not decompress).
 */
const instance = axios.create({
  validateStatus: () => true,
  maxRedirects: 0,
  proxy: false,
  responseType: 'stream',
  decompress: false,
  maxContentLength: MAX_RAW_BYTES,
  maxBodyLength: MAX_REQUEST_BODY_BYTES,
  transformRequest: [(data: unknown) => data],
  transformResponse: [(data: unknown) => data],
  httpAgent,
  httpsAgent,
});

/** An answer whose body we refuse to read; its message is ours (no server text). */
class UnreadableBody extends Error {}

/** The exchange function for one base URL (no trailing slash). */
export function createTransport(baseUrl: string): ExchangeFn {
  return async function exchange(request, authorization, timeoutMs) {
    // Our own timer covers the whole exchange (connect, headers and body); axios's `timeout` is a
    // socket idle timeout and would let a slowly dribbling answer run past the deadline.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const started = performance.now();
    try {
      const response = await instance.request<Readable>({
        url: `${baseUrl}${request.path}`,
        method: request.method,
        headers: {
          Accept: request.accept,
          'Accept-Encoding': ACCEPT_ENCODING,
          'User-Agent': USER_AGENT,
          ...(request.contentType !== undefined ? { 'Content-Type': request.contentType } : {}),
          ...(authorization !== undefined ? { Authorization: authorization } : {}),
        },
        data: request.body,
        signal: controller.signal,
      });
      const headers = plainHeaders(response.headers);
      let body: string;
      try {
        body = await readBody(response.data, headers['content-encoding'], controller.signal);
      } catch (e: unknown) {
        if (!(e instanceof UnreadableBody)) throw e;
        const failure = { description: e.message, retryable: false, notSent: false, invalid: true as const };
        return { kind: 'failed', ms: elapsed(started), failure: { ...failure, httpStatus: response.status } };
      }
      return { kind: 'answered', ms: elapsed(started), response: { status: response.status, headers, body } };
    } catch (e: unknown) {
      return { kind: 'failed', ms: elapsed(started), failure: classifyFailure(e, timedOut, timeoutMs) };
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * The body as text, decompressed as a stream that stops at MAX_DECODED_BYTES. Throws
 * `UnreadableBody` for an answer too large or badly encoded, anything else for a network failure.
 */
async function readBody(stream: Readable, encoding: string | undefined, signal: AbortSignal): Promise<string> {
  const decoder = decoderFor(encoding);
  const parts: Buffer[] = [];
  let size = 0;
  // Kept aside: the error the pipeline rejects with may be the abort of a stream it tore down.
  let refusal: UnreadableBody | undefined;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > MAX_DECODED_BYTES) {
        refusal = new UnreadableBody(`its body decodes to more than ${mib(MAX_DECODED_BYTES)}`);
        throw refusal;
      }
      parts.push(chunk);
    }
  };
  try {
    await (decoder ? pipeline(stream, decoder, collect, { signal }) : pipeline(stream, collect, { signal }));
  } catch (e: unknown) {
    if (refusal) throw refusal;
    // The only axios error raised while the body streams: `maxContentLength` exceeded.
    if (e instanceof AxiosError && e.code === AxiosError.ERR_BAD_RESPONSE) {
      throw new UnreadableBody(`its body is larger than ${mib(MAX_RAW_BYTES)}`);
    }
    if (isZlibError(e)) throw new UnreadableBody(`its body is not valid ${encoding ?? ''} data`);
    throw e;
  }
  return Buffer.concat(parts, size).toString('utf8');
}

function decoderFor(encoding: string | undefined): zlib.Unzip | zlib.BrotliDecompress | undefined {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === '' || name === 'identity') return undefined;
  // Unzip reads both gzip and zlib-wrapped deflate (what HTTP's `deflate` is).
  if (name === 'gzip' || name === 'x-gzip' || name === 'deflate') return zlib.createUnzip();
  if (name === 'br') return zlib.createBrotliDecompress();
  throw new UnreadableBody(`its content encoding is not one we asked for (${JSON.stringify(name.slice(0, 40))})`);
}

function isZlibError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function mib(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`;
}

const NETWORK_FAILURES: Record<string, { words: string; notSent: boolean }> = {
  ECONNREFUSED: { words: 'connection refused', notSent: true },
  EAI_AGAIN: { words: 'temporary DNS failure', notSent: true },
  ECONNRESET: { words: 'connection reset', notSent: false },
  EPIPE: { words: 'connection closed while sending', notSent: false },
  ETIMEDOUT: { words: 'network timeout', notSent: false },
  ECONNABORTED: { words: 'connection aborted', notSent: false },
  EHOSTUNREACH: { words: 'host unreachable', notSent: false },
  ENETUNREACH: { words: 'network unreachable', notSent: false },
  ENETDOWN: { words: 'network down', notSent: false },
  // axios: the answer was cut off while its body was being read.
  ERR_BAD_RESPONSE: { words: 'answer cut off', notSent: false },
};

/**
 * Turns whatever the HTTP stack threw into a secret-free description. Only the error's `code`
 * and a fixed wording are kept; the axios error itself (with its `config`) is dropped here.
 */
function classifyFailure(e: unknown, timedOut: boolean, timeoutMs: number): TransportFailure {
  if (timedOut) return { description: `no answer within ${timeoutMs} ms`, retryable: true, notSent: false };
  const code = errorCode(e);
  const known = code === undefined ? undefined : NETWORK_FAILURES[code];
  if (known) {
    // Node reports a connection the server dropped before answering as ECONNRESET "socket hang up".
    const hangUp = e instanceof Error && e.message === 'socket hang up' ? 'socket hang up, ' : '';
    return { description: `${hangUp}${known.words} (${code})`, retryable: true, notSent: known.notSent };
  }
  if (code === 'ENOTFOUND') return { description: 'host name not found (ENOTFOUND)', retryable: false, notSent: true };
  return { description: `request failed (${code ?? 'unknown error'})`, retryable: false, notSent: false };
}

function errorCode(e: unknown, depth = 0): string | undefined {
  if (typeof e !== 'object' || e === null || depth > 3) return undefined;
  const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect may report an AggregateError of per-address failures.
  const inner = Array.isArray(errors) ? (errors[0] as unknown) : cause;
  return errorCode(inner, depth + 1);
}

function plainHeaders(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
    else if (Array.isArray(value)) out[name.toLowerCase()] = value.join(', ');
    else if (typeof value === 'number') out[name.toLowerCase()] = String(value);
  }
  return out;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
