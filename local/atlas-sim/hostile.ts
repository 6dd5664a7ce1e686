/**
 * Hostile answers for robustness tests (docs/design.md, robustness): a 200 whose gzip body is
 * small on the wire but decodes to far more than any real page (`gzip-bomb`), and a 200 whose
 * body never ends (`endless-body`, chunked, until the client goes away or the simulator closes).
 * A client must stop reading at its own caps and report the answer as invalid.
 */
import type { ServerResponse } from 'node:http';
import zlib from 'node:zlib';

/** What the bomb decodes to: twice the function's 32 MiB cap on a decoded answer. */
export const GZIP_BOMB_DECODED_BYTES = 64 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

let bomb: Promise<Buffer> | undefined;

/** The bomb: GZIP_BOMB_DECODED_BYTES of `[` (a JSON document that never closes), gzipped once. */
function gzipBomb(): Promise<Buffer> {
  bomb ??= new Promise<Buffer>((resolve, reject) => {
    const gzip = zlib.createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (part: Buffer) => parts.push(part));
    gzip.once('end', () => resolve(Buffer.concat(parts)));
    gzip.once('error', reject);
    const chunk = Buffer.alloc(1024 * 1024, '[');
    for (let written = 0; written < GZIP_BOMB_DECODED_BYTES; written += chunk.length) gzip.write(chunk);
    gzip.end();
  });
  return bomb;
}

export async function writeGzipBomb(res: ServerResponse, contentType: string): Promise<void> {
  const body = await gzipBomb();
  if (res.destroyed) return;
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Encoding': 'gzip',
    'Content-Length': String(body.length),
  });
  res.end(body);
}

/** Writes `{"results":[` and then array items for as long as the client reads. */
export function writeEndlessBody(res: ServerResponse, contentType: string): void {
  if (res.destroyed) return;
  res.writeHead(200, { 'Content-Type': contentType });
  const chunk = Buffer.alloc(CHUNK_BYTES, '0,');
  res.write('{"results":[');
  const pump = (): void => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  res.once('close', () => res.removeAllListeners('drain'));
  pump();
}
