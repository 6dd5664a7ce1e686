/**
 * The simulator's hostile answers (local/atlas-sim/hostile.ts): a gzip bomb and an endless body,
 * both 200s a careful client must stop reading. Read here with plain node:http.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import type { AtlasSimulator } from '../../local/atlas-sim';
import { GZIP_BOMB_DECODED_BYTES } from '../../local/atlas-sim/hostile';
import { CLUSTERS_V, bearerToken, clusterPath, startTestSimulator } from './helpers';

jest.setTimeout(20_000);

let sim: AtlasSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** GETs `path`, reading at most `maxBytes` of the raw body, then dropping the connection. */
function read(url: string, token: string, maxBytes: number) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; raw: Buffer; ended: boolean }>(
    (resolve, reject) => {
      const req = http.get(url, { headers: { Authorization: `Bearer ${token}`, Accept: CLUSTERS_V } }, (res) => {
        const parts: Buffer[] = [];
        let bytes = 0;
        const finish = (ended: boolean) =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(parts), ended });
        res.on('data', (chunk: Buffer) => {
          parts.push(chunk);
          bytes += chunk.length;
          if (bytes >= maxBytes) {
            req.destroy();
            finish(false);
          }
        });
        res.once('end', () => finish(true));
      });
      req.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    },
  );
}

describe('hostile answers', () => {
  it('gzip-bomb: a small gzip body that decodes to 64 MiB, without touching state', async () => {
    sim = await startTestSimulator({ faults: [{ kind: 'gzip-bomb', endpoint: 'getCluster' }] });
    const token = await bearerToken(sim);

    const answer = await read(`${sim.url}${clusterPath('Cluster0')}`, token, 10 * 1024 * 1024);

    expect(answer.ended).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.headers['content-type']).toBe(CLUSTERS_V);
    expect(answer.raw.length).toBeLessThan(1024 * 1024);
    expect(zlib.gunzipSync(answer.raw, { maxOutputLength: 2 * GZIP_BOMB_DECODED_BYTES }).length).toBe(
      GZIP_BOMB_DECODED_BYTES,
    );
    expect(sim.log.last()).toMatchObject({ endpoint: 'getCluster', fault: 'gzip-bomb', status: 200 });
  });

  it('endless-body: keeps writing for as long as the client reads; the next request is answered normally', async () => {
    sim = await startTestSimulator({ faults: [{ kind: 'endless-body', endpoint: 'getCluster' }] });
    const token = await bearerToken(sim);

    const endless = await read(`${sim.url}${clusterPath('Cluster0')}`, token, 8 * 1024 * 1024);
    const normal = await read(`${sim.url}${clusterPath('Cluster0')}`, token, 8 * 1024 * 1024);

    expect(endless.ended).toBe(false);
    expect(endless.raw.length).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(endless.raw.subarray(0, 14).toString()).toBe('{"results":[0,');
    expect(normal.ended).toBe(true);
    expect(JSON.parse(normal.raw.toString())).toMatchObject({ name: 'Cluster0' });
  });
});
