/**
 * Paging against a real server: Atlas's `links` rel `next` (same origin, same list only), short and
 * empty pages, a `totalCount` that lies, the page cap; and the pure next-page decision.
 */
import { apiBase, MAX_PAGES, nextPage, pageKey } from '../../../lambda/snapshot/atlas';
import { Codes } from '../../../lambda/snapshot/codes';
import type { RecordedRequest, Reply } from '../../support/loopback-server';
import { apiRequests, clientFor, fakeAtlas, GROUP, newIssuer, ok, PROJECT, serve, snapshot } from './helpers';

const LIST = `${GROUP}/clusters/Cluster0/backup/snapshots`;
const snapshots = (from: number, count: number) => Array.from({ length: count }, (_, i) => snapshot(from + i));

/** A server that pages `total` snapshots `size` at a time and links pages the way Atlas does. */
function linkedPages(total: number, size: number, options: { totalCount?: number; relative?: boolean } = {}) {
  return (r: RecordedRequest): Reply => {
    const page = Number(r.query.get('pageNum') ?? '1');
    const results = snapshots((page - 1) * size, Math.max(0, Math.min(size, total - (page - 1) * size)));
    const url = (n: number) =>
      `${options.relative ? '' : `http://${r.headers.host}`}${LIST}?pageNum=${n}&itemsPerPage=${size}`;
    const links = [{ rel: 'self', href: url(page) }];
    if (page * size < total) links.push({ rel: 'next', href: url(page + 1) });
    return ok({ links, results, totalCount: options.totalCount ?? total });
  };
}

describe('paging through Atlas lists', () => {
  it('follows the next link as Atlas wrote it, and stops when there is none', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, linkedPages(250, 100)));
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result.map((s) => s.id)).toEqual(snapshots(0, 250).map((s) => s.id));
    expect(apiRequests(server).map((r) => r.url)).toEqual([
      `${LIST}?itemsPerPage=500&pageNum=1`,
      `${LIST}?pageNum=2&itemsPerPage=100`,
      `${LIST}?pageNum=3&itemsPerPage=100`,
    ]);
  });

  it('follows a relative next link', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, linkedPages(150, 100, { relative: true })));
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result).toHaveLength(150);
    expect(apiRequests(server)).toHaveLength(2);
  });

  it('follows a next link even after a short page', async () => {
    const route = (r: RecordedRequest): Reply =>
      r.query.get('pageNum') === '1'
        ? ok({ results: snapshots(0, 3), links: [{ rel: 'next', href: `${LIST}?pageNum=2&itemsPerPage=500` }] })
        : ok({ results: snapshots(3, 2), links: [] });
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, route));
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result).toHaveLength(5);
    expect(apiRequests(server)).toHaveLength(2);
  });

  it('refuses a next link to another host and sends that host nothing', async () => {
    const elsewhere = await serve(() => ok({ results: [] }));
    const route = (): Reply =>
      ok({ results: snapshots(0, 500), links: [{ rel: 'next', href: `${elsewhere.baseUrl}${LIST}?pageNum=2` }] });
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, route));
    const { client } = clientFor(server);

    const error = await client.listSnapshots(PROJECT, 'Cluster0', false).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: Codes.ATLAS_INVALID_RESPONSE });
    expect((error as Error).message).toContain('points to another origin');
    expect(elsewhere.requests).toHaveLength(0);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('refuses a next link that leaves the list on the same host', async () => {
    const route = (): Reply =>
      ok({ results: snapshots(0, 500), links: [{ rel: 'next', href: `${GROUP}/clusters?pageNum=2` }] });
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, route));
    const { client } = clientFor(server);

    await expect(client.listSnapshots(PROJECT, 'Cluster0', false)).rejects.toMatchObject({
      code: Codes.ATLAS_INVALID_RESPONSE,
      message: expect.stringContaining('leaves the list'),
    });
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('refuses a next link that goes back to a page already read', async () => {
    const route = (r: RecordedRequest): Reply =>
      ok({
        results: snapshots(0, 500),
        links: [{ rel: 'next', href: `${LIST}?pageNum=${r.query.get('pageNum') === '1' ? 2 : 1}&itemsPerPage=500` }],
      });
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, route));
    const { client } = clientFor(server);

    await expect(client.listSnapshots(PROJECT, 'Cluster0', false)).rejects.toMatchObject({
      code: Codes.ATLAS_INVALID_RESPONSE,
      message: expect.stringContaining('already read'),
    });
    expect(apiRequests(server)).toHaveLength(2);
  });

  it('stops on a short page when there is no next link', async () => {
    const route = (r: RecordedRequest): Reply =>
      ok({ results: r.query.get('pageNum') === '1' ? snapshots(0, 500) : snapshots(500, 499) });
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, route));
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result).toHaveLength(999);
    expect(apiRequests(server).map((r) => r.query.get('pageNum'))).toEqual(['1', '2']);
  });

  it('stops on an empty first page', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok({ results: [], totalCount: 0, links: [] })));
    const { client } = clientFor(server);

    await expect(client.listSnapshots(PROJECT, 'Cluster0', false)).resolves.toEqual([]);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('reads every page when totalCount says fewer items than there are (next links present)', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, linkedPages(1200, 500, { totalCount: 10 })));
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result).toHaveLength(1200);
    expect(apiRequests(server)).toHaveLength(3);
  });

  it('reads on past a low totalCount while pages are full and no links are given', async () => {
    const all = snapshots(0, 1100);
    const route = (r: RecordedRequest): Reply => {
      const page = Number(r.query.get('pageNum'));
      return ok({ results: all.slice((page - 1) * 500, page * 500), totalCount: 500 });
    };
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, route));
    const { client } = clientFor(server);

    const result = await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(result).toHaveLength(1100);
    expect(apiRequests(server).map((r) => r.query.get('pageNum'))).toEqual(['1', '2', '3']);
  });

  it('stops at a short page when totalCount promises more', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => ok({ results: snapshots(0, 7), totalCount: 5000 })),
    );
    const { client } = clientFor(server);

    await expect(client.listSnapshots(PROJECT, 'Cluster0', false)).resolves.toHaveLength(7);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('ends an endless list of linked full pages at the page cap', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, linkedPages(Number.MAX_SAFE_INTEGER, 500)));
    const { client } = clientFor(server);

    await expect(client.listSnapshots(PROJECT, 'Cluster0', false)).rejects.toMatchObject({
      code: Codes.ATLAS_INVALID_RESPONSE,
      message: `GET ${LIST} did not end after ${MAX_PAGES} pages`,
    });
    expect(apiRequests(server)).toHaveLength(MAX_PAGES);
  });

  it('ends an endless list of unlinked full pages at the page cap', async () => {
    const page = snapshots(0, 500);
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok({ results: page })));
    const { client } = clientFor(server);

    await expect(client.listSnapshots(PROJECT, 'Cluster0', false)).rejects.toMatchObject({
      code: Codes.ATLAS_INVALID_RESPONSE,
    });
    expect(apiRequests(server)).toHaveLength(MAX_PAGES);
  });
});

describe('nextPage', () => {
  const BASE = apiBase('https://cloud.mongodb.com');
  const read = (page: Record<string, unknown>, path = `${LIST}?itemsPerPage=500&pageNum=1`) => ({
    path,
    itemsPerPage: 500,
    pageNum: 1,
    page: { results: [], ...page },
    itemsRead: Array.isArray(page.results) ? page.results.length : 0,
    pagesRead: 1,
  });
  const full = snapshots(0, 500);

  it.each([
    ['an empty page', read({ results: [] }), { kind: 'done' }],
    ['a short page', read({ results: full.slice(1) }), { kind: 'done' }],
    [
      'a full page without links',
      read({ results: full, totalCount: 500 }),
      { kind: 'next', path: `${LIST}?itemsPerPage=500&pageNum=2`, itemsPerPage: 500, pageNum: 2 },
    ],
    [
      "a full page, Atlas's links without next, and the count reached",
      read({ results: full, totalCount: 500, links: [] }),
      { kind: 'done' },
    ],
    [
      'a full page with a next link on the same origin',
      read({ results: full, links: [{ rel: 'next', href: `${BASE.origin}${LIST}?pageNum=2&itemsPerPage=500` }] }),
      { kind: 'next', path: `${LIST}?pageNum=2&itemsPerPage=500`, itemsPerPage: 500, pageNum: 2 },
    ],
    [
      'a next link to another scheme',
      read({ results: full, links: [{ rel: 'next', href: `http://cloud.mongodb.com${LIST}?pageNum=2` }] }),
      expect.objectContaining({ kind: 'invalid' }),
    ],
    [
      'a next link to another port',
      read({ results: full, links: [{ rel: 'next', href: `https://cloud.mongodb.com:8443${LIST}?pageNum=2` }] }),
      expect.objectContaining({ kind: 'invalid' }),
    ],
    [
      "a next link without itemsPerPage: Atlas's default of 100 applies",
      read({ results: full, links: [{ rel: 'next', href: `${LIST}?pageNum=2` }] }),
      { kind: 'next', path: `${LIST}?pageNum=2`, itemsPerPage: 100, pageNum: 2 },
    ],
    [
      'a full page read from a link without pageNum: the next number follows the pages read',
      { path: `${LIST}?x=1`, itemsPerPage: 100, page: { results: full.slice(0, 100) }, itemsRead: 300, pagesRead: 3 },
      { kind: 'next', path: `${LIST}?itemsPerPage=100&pageNum=4`, itemsPerPage: 100, pageNum: 4 },
    ],
    [
      'a next link that is not a URL',
      read({ results: full, links: [{ rel: 'next', href: 'http://[::1' }] }),
      expect.objectContaining({ kind: 'invalid' }),
    ],
    [
      'links that are not objects, and a next without href',
      read({ results: full, links: ['next', null, { rel: 'next' }] }),
      { kind: 'next', path: `${LIST}?itemsPerPage=500&pageNum=2`, itemsPerPage: 500, pageNum: 2 },
    ],
  ])('%s', (_name, pageRead, expected) => {
    expect(nextPage(BASE, LIST, pageRead)).toEqual(expected);
  });

  it('keeps a base URL path prefix when comparing a next link', () => {
    const decision = nextPage(
      apiBase('https://proxy.example/atlas/'),
      LIST,
      read({
        results: full,
        links: [{ rel: 'next', href: `https://proxy.example/atlas${LIST}?pageNum=2` }],
      }),
    );

    expect(decision).toEqual({ kind: 'next', path: `${LIST}?pageNum=2`, itemsPerPage: 100, pageNum: 2 });
  });

  it('gives one key to a page whatever the order of its query', () => {
    expect(pageKey(`${LIST}?pageNum=2&itemsPerPage=500`)).toBe(`${LIST}?itemsPerPage=500&pageNum=2`);
    expect(pageKey(LIST)).toBe(LIST);
  });
});
