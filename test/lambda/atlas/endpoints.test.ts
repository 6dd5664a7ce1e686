/** Endpoints, media types and paging: what goes over the wire. */
import { CLUSTERS_MEDIA_TYPE, SNAPSHOTS_MEDIA_TYPE } from '../../../lambda/snapshot/atlas';
import {
  PROJECT,
  GROUP,
  TOKEN_PATH,
  cluster,
  snapshot,
  serve,
  fakeAtlas,
  newIssuer,
  clientFor,
  apiRequests,
  ok,
} from './helpers';

describe('endpoints, media types and paging', () => {
  it('reads a cluster with the 2024-08-05 media type, URL-encoding path segments', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(cluster('a b/c'))));
    const { client } = clientFor(server);

    const result = await client.getCluster(PROJECT, 'a b/c');

    expect(result).toEqual(cluster('a b/c'));
    const [request] = apiRequests(server);
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(`${GROUP}/clusters/a%20b%2Fc`);
    expect(request?.headers.accept).toBe(CLUSTERS_MEDIA_TYPE);
    expect(request?.headers['user-agent']).toMatch(/^atlas-snapshot-scheduler\/\d+\.\d+\.\d+/);
  });

  it('lists clusters page by page until totalCount is reached', async () => {
    const all = Array.from({ length: 1000 }, (_, i) => cluster(`c${i}`));
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) => {
        const size = Number(r.query.get('itemsPerPage'));
        const page = Number(r.query.get('pageNum'));
        return ok({ results: all.slice((page - 1) * size, page * size), totalCount: all.length, links: [] });
      }),
    );
    const { client } = clientFor(server);

    const result = await client.listClusters(PROJECT);

    expect(result).toHaveLength(1000);
    expect(apiRequests(server).map((r) => r.url)).toEqual([
      `${GROUP}/clusters?itemsPerPage=500&pageNum=1`,
      `${GROUP}/clusters?itemsPerPage=500&pageNum=2`,
    ]);
    expect(apiRequests(server).every((r) => r.headers.accept === CLUSTERS_MEDIA_TYPE)).toBe(true);
  });

  it('reads every page of replica-set snapshots (3 pages) with the 2023-01-01 media type', async () => {
    const all = Array.from({ length: 1100 }, (_, i) => snapshot(i));
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) => {
        const size = Number(r.query.get('itemsPerPage'));
        const page = Number(r.query.get('pageNum'));
        return ok({ results: all.slice((page - 1) * size, page * size), totalCount: all.length });
      }),
    );
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result.map((s) => s.id)).toEqual(all.map((s) => s.id));
    expect(apiRequests(server).map((r) => [r.path, r.query.get('pageNum'), r.headers.accept])).toEqual([
      [`${GROUP}/clusters/Cluster0/backup/snapshots`, '1', SNAPSHOTS_MEDIA_TYPE],
      [`${GROUP}/clusters/Cluster0/backup/snapshots`, '2', SNAPSHOTS_MEDIA_TYPE],
      [`${GROUP}/clusters/Cluster0/backup/snapshots`, '3', SNAPSHOTS_MEDIA_TYPE],
    ]);
  });

  it('stops at an empty page when Atlas gives no totalCount', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) =>
        ok({ results: r.query.get('pageNum') === '1' ? Array.from({ length: 500 }, (_, i) => snapshot(i)) : [] }),
      ),
    );
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result).toHaveLength(500);
    expect(apiRequests(server)).toHaveLength(2);
  });

  it('reads sharded snapshots from shardedClusters without paging parameters', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok({ results: [snapshot(1)], totalCount: 1 })));
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Shard0', true);

    expect(result).toEqual([snapshot(1)]);
    expect(apiRequests(server)[0]?.url).toBe(`${GROUP}/clusters/Shard0/backup/snapshots/shardedClusters`);
    expect(apiRequests(server)[0]?.headers.accept).toBe(SNAPSHOTS_MEDIA_TYPE);
  });

  it('takes a snapshot with a POST whose Content-Type is the snapshot media type', async () => {
    const queued = { ...snapshot(7), status: 'queued', description: 'nightly' };
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(queued)));
    const { client } = clientFor(server);

    const result = await client.takeSnapshot(PROJECT, 'Cluster0', { description: 'nightly', retentionInDays: 7 });

    expect(result).toEqual(queued);
    const [request] = apiRequests(server);
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`${GROUP}/clusters/Cluster0/backup/snapshots`);
    expect(request?.headers['content-type']).toBe(SNAPSHOTS_MEDIA_TYPE);
    expect(request?.headers.accept).toBe(SNAPSHOTS_MEDIA_TYPE);
    expect(JSON.parse(request?.body ?? '')).toEqual({ description: 'nightly', retentionInDays: 7 });
  });

  it('logs each request at debug level with method, path, status, attempt and duration', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(cluster('Cluster0'))));
    const { client, logger } = clientFor(server);

    await client.getCluster(PROJECT, 'Cluster0');

    const entries = logger.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: 'debug',
        method: 'GET',
        path: `${GROUP}/clusters/Cluster0`,
        status: 200,
        attempt: 1,
        ms: expect.any(Number),
      }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ method: 'POST', path: TOKEN_PATH, status: 200 }));
  });
});
