/**
 * Small helpers shared by the loopback stand-ins (Atlas simulator, local AWS endpoints):
 * read a body, start a server on a free loopback port, and close it without waiting for
 * keep-alive clients (the SDKs and axios keep sockets open, which would stall `close()`).
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Bodies above this are refused: nothing the function sends comes close. */
export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(maxBytes: number = MAX_BODY_BYTES) {
    super(`request body larger than ${maxBytes} bytes`);
  }
}

export async function readBody(req: IncomingMessage, maxBytes: number = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  host: string;
  /** Every socket still open, so `hang` faults can be torn down on close. */
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/** Starts `listener` on host:port (port 0 = any free port) and resolves once listening. */
export async function listen(listener: RequestListener, host = '127.0.0.1', port = 0): Promise<RunningServer> {
  const server = createServer(listener);
  // Node's default keep-alive timeout (5 s), as a real front end keeps connections: a client
  // agent (Node 20+) keeps a socket 1 s less than the `Keep-Alive: timeout=N` a server announces,
  // so 1 s made every request open a new connection (most of the function's CPU in the
  // benchmarks). Idle sockets are destroyed explicitly on close anyway.
  server.keepAliveTimeout = 5000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    sockets,
    host: address.address,
    port: address.port,
    url: `http://${urlHost}:${address.port}`,
    close: () => closeServer(server, sockets),
  };
}

async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  server.closeAllConnections();
  await closed;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** First value of a header that may have been sent more than once. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Media type without parameters, lower-cased: `application/json; charset=utf-8` -> `application/json`. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}
