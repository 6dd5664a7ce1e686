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
import zlib from 'node:zlib';
import axios from 'axios';
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
 * that `readBody` reads, counts and decompresses. (axios's `maxContentLength` is left unset: on a
 * stream it wraps every answer in one more async generator; the same bytes are counted here.)
 */
const instance = axios.create({
  validateStatus: () => true,
  maxRedirects: 0,
  proxy: false,
  responseType: 'stream',
  decompress: false,
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
        body = await readBody(response.data, headers['content-encoding']);
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
 * The body as text. Raw bytes are counted against MAX_RAW_BYTES as they arrive; a compressed body
 * is decompressed as a stream whose output is counted against MAX_DECODED_BYTES, so reading stops
 * at either cap. Rejects with `UnreadableBody` for an answer too large or badly encoded, else with
 * the stream's own error (a connection cut, or the abort of our timer). Plain listeners rather
 * than `stream.pipeline` or async iteration: this runs for every answer (docs/performance.md, "CPU on Lambda").
 */
function readBody(raw: Readable, encoding: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    let decoder: zlib.Unzip | zlib.BrotliDecompress | undefined;
    try {
      decoder = decoderFor(encoding);
    } catch (e: unknown) {
      raw.destroy();
      return reject(e instanceof Error ? e : new Error(String(e)));
    }
    const parts: Buffer[] = [];
    let rawBytes = 0;
    let bytes = 0;
    let settled = false;
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      raw.destroy();
      decoder?.destroy();
      reject(e);
    };
    const collect = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > MAX_DECODED_BYTES)
        return fail(new UnreadableBody(`its body decodes to more than ${mib(MAX_DECODED_BYTES)}`));
      parts.push(chunk);
    };
    const done = (): void => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(parts, bytes).toString('utf8'));
    };
    raw.on('data', (chunk: Buffer) => {
      rawBytes += chunk.length;
      if (rawBytes > MAX_RAW_BYTES) fail(new UnreadableBody(`its body is larger than ${mib(MAX_RAW_BYTES)}`));
      else if (!decoder) collect(chunk);
    });
    raw.once('error', fail);
    // Closed before its end: the answer was cut off (a retryable network failure).
    raw.once('close', () => {
      if (!raw.readableEnded) fail(Object.assign(new Error('answer cut off'), { code: 'ERR_BAD_RESPONSE' }));
    });
    if (!decoder) {
      raw.once('end', done);
      return;
    }
    decoder.on('data', collect);
    decoder.once('end', done);
    decoder.once('error', (e: Error) =>
      fail(isZlibError(e) ? new UnreadableBody(`its body is not valid ${encoding ?? ''} data`) : e),
    );
    raw.pipe(decoder);
  });
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
