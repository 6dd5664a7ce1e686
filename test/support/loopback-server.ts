/**
 * A real HTTP server on 127.0.0.1 (random port) for adapter tests: every request is recorded,
 * a test-supplied function decides each answer. Also an independent RFC 7616 Digest verifier
 * (it shares no code with lambda/snapshot/atlas/auth/digest.ts) and a service-account token issuer.
 */
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply =
  | { status: number; headers?: Record<string, string>; json?: unknown; text?: string }
  /** These bytes exactly (e.g. a compressed body with its `content-encoding` header). */
  | { status: number; headers?: Record<string, string>; bytes: Buffer }
  /**
   * A body written chunk by chunk (chunked transfer encoding unless `content-length` is given),
   * with backpressure, until the chunks end or the client goes away: may be endless.
   */
  | { status: number; headers?: Record<string, string>; chunks: () => Iterable<Buffer> | AsyncIterable<Buffer> }
  /** Never answer (the client must time out). */
  | { hang: true }
  /** Drop the connection without an answer. */
  | { destroy: true };

export type Route = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface LoopbackServer {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startLoopbackServer(route: Route): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const parsed = new URL(url, 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve()
        .then(() => route(recorded))
        .then((reply) => answer(res, reply))
        .catch((e: unknown) => {
          if (res.headersSent) return void res.destroy();
          res.writeHead(599, { 'content-type': 'text/plain' });
          res.end(`route failed: ${e instanceof Error ? e.message : String(e)}`);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: http.ServerResponse, reply: Reply): void | Promise<void> {
  if ('hang' in reply) return;
  if ('destroy' in reply) {
    res.socket?.destroy();
    return;
  }
  if ('bytes' in reply) {
    res.writeHead(reply.status, { 'content-length': String(reply.bytes.length), ...reply.headers });
    res.end(reply.bytes);
    return;
  }
  if ('chunks' in reply) return stream(res, reply.status, reply.headers ?? {}, reply.chunks());
  const headers: Record<string, string> = { ...reply.headers };
  let body = '';
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers['content-type'] ??= 'application/json';
  } else if (reply.text !== undefined) {
    body = reply.text;
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

async function stream(
  res: http.ServerResponse,
  status: number,
  headers: Record<string, string>,
  chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
): Promise<void> {
  res.writeHead(status, headers);
  let gone = false;
  res.once('close', () => (gone = true));
  for await (const chunk of chunks) {
    if (gone) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
  }
  if (!gone) res.end();
}

/** An Atlas error document, as Atlas sends it (body and X-Error-Code header). */
export function atlasErrorReply(
  status: number,
  errorCode: string,
  detail: string,
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { 'x-error-code': errorCode, ...headers },
    json: { error: status, errorCode, reason: http.STATUS_CODES[status] ?? 'Error', detail, parameters: [] },
  };
}

// ---- Digest (RFC 7616), server side ----

export interface DigestServerOptions {
  realm?: string;
  /** publicKey -> privateKey */
  users: Record<string, string>;
  /** As written in the challenge; default `MD5`. */
  algorithm?: string;
}

/**
 * Issues challenges and checks `Authorization: Digest` headers with its own computation: the
 * username must be known, nonce current, uri equal to the request-target, nc strictly increasing
 * per nonce, and `response` right for the private key.
 */
export class DigestServer {
  readonly realm: string;
  challengesIssued = 0;
  private readonly algorithm: string;
  private nonce = DigestServer.newNonce();
  private readonly staleNonces = new Set<string>();
  private readonly lastNc = new Map<string, number>();

  constructor(private readonly options: DigestServerOptions) {
    this.realm = options.realm ?? 'MMS Public API';
    this.algorithm = options.algorithm ?? 'MD5';
  }

  /** The next request with the current nonce is answered `stale=true` with a new one. */
  expireNonce(): void {
    this.staleNonces.add(this.nonce);
    this.nonce = DigestServer.newNonce();
  }

  /** undefined when the request is authenticated; otherwise the 401 to send. */
  check(request: RecordedRequest): Reply | undefined {
    const header = request.headers.authorization;
    if (!header || !/^Digest\s/i.test(header)) return this.challenge(false);
    const p = parseDigestParams(header.replace(/^Digest\s+/i, ''));
    if (p.nonce !== undefined && this.staleNonces.has(p.nonce)) return this.challenge(true);
    const password = p.username === undefined ? undefined : this.options.users[p.username];
    const valid =
      password !== undefined &&
      p.realm === this.realm &&
      p.nonce === this.nonce &&
      p.uri === request.url &&
      (p.algorithm ?? 'MD5') === this.algorithm &&
      p.qop === 'auth' &&
      p.cnonce !== undefined &&
      p.nc !== undefined &&
      /^[0-9a-f]{8}$/.test(p.nc) &&
      p.response === this.expectedResponse(p, password, request.method);
    if (!valid) return this.challenge(false);
    const nc = parseInt(p.nc as string, 16);
    if (nc <= (this.lastNc.get(p.nonce as string) ?? 0)) return this.challenge(false); // replay
    this.lastNc.set(p.nonce as string, nc);
    return undefined;
  }

  private expectedResponse(p: Record<string, string | undefined>, password: string, method: string): string {
    const sess = this.algorithm.toUpperCase().endsWith('-SESS');
    const base = this.algorithm.toUpperCase().replace(/-SESS$/, '');
    const hash = base === 'SHA-256' ? 'sha256' : 'md5';
    const H = (s: string) => createHash(hash).update(s).digest('hex');
    let a1 = H(`${p.username}:${this.realm}:${password}`);
    if (sess) a1 = H(`${a1}:${p.nonce}:${p.cnonce}`);
    const a2 = H(`${method}:${p.uri}`);
    return H(`${a1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${a2}`);
  }

  private challenge(stale: boolean): Reply {
    this.challengesIssued += 1;
    // Like Atlas: a bad key gets a fresh challenge too.
    if (!stale) this.nonce = DigestServer.newNonce();
    const reply = atlasErrorReply(401, 'UNEXPECTED_ERROR', 'You are not authorized for this resource.', {
      'www-authenticate': `Digest realm="${this.realm}", domain="", nonce="${this.nonce}", algorithm=${this.algorithm}, qop="auth", stale=${stale}`,
    });
    return reply;
  }

  private static newNonce(): string {
    return randomBytes(24).toString('base64');
  }
}

/** `k=v, k="v"` pairs (this server's own parser). */
function parseDigestParams(text: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const re = /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const m of text.matchAll(re)) {
    const name = m[1]!.toLowerCase();
    out[name] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  return out;
}

// ---- service-account tokens ----

export interface TokenIssuerOptions {
  clientId: string;
  clientSecret: string;
  expiresIn?: number;
}

/** The token endpoint and a check of `Authorization: Bearer` against the tokens it issued. */
export class TokenIssuer {
  readonly issued: string[] = [];
  private readonly revoked = new Set<string>();
  /** A reply to give instead of a token (e.g. 401 invalid_client), when set. */
  failWith?: Reply;

  constructor(private readonly options: TokenIssuerOptions) {}

  /** Answers the token endpoint. */
  token(request: RecordedRequest): Reply {
    if (this.failWith) return this.failWith;
    const basic = `Basic ${Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64')}`;
    if (request.headers.authorization !== basic) {
      return { status: 401, json: { error: 'invalid_client', error_description: 'Invalid client credentials' } };
    }
    const token = `tok-${this.issued.length + 1}-${randomBytes(12).toString('hex')}`;
    this.issued.push(token);
    return {
      status: 200,
      json: { access_token: token, token_type: 'Bearer', expires_in: this.options.expiresIn ?? 3600 },
    };
  }

  /** undefined when the request carries a live token; otherwise Atlas's 401. */
  check(request: RecordedRequest): Reply | undefined {
    const token = request.headers.authorization?.replace(/^Bearer /, '');
    if (token !== undefined && this.issued.includes(token) && !this.revoked.has(token)) return undefined;
    return atlasErrorReply(401, 'UNEXPECTED_ERROR', 'You are not authorized for this resource.');
  }

  revokeAll(): void {
    for (const token of this.issued) this.revoked.add(token);
  }
}
