/**
 * Atlas list paging: `itemsPerPage` 1-500 (default 100), `pageNum` from 1 (default 1),
 * `includeCount` (default true); body `{links, results, totalCount}`.
 */
import { atlasErrors } from './errors';

export interface PageRequest {
  itemsPerPage: number;
  pageNum: number;
  includeCount: boolean;
}

export function parsePaging(query: URLSearchParams): PageRequest {
  return {
    itemsPerPage: integerParam(query, 'itemsPerPage', 100, 1, 500),
    pageNum: integerParam(query, 'pageNum', 1, 1, Number.MAX_SAFE_INTEGER),
    includeCount: booleanParam(query, 'includeCount', true),
  };
}

function integerParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw atlasErrors.invalidQueryParameter(name);
  const value = Number(raw);
  if (value < min || value > max) throw atlasErrors.invalidQueryParameter(name);
  return value;
}

function booleanParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw atlasErrors.invalidQueryParameter(name);
}

interface Link {
  href: string;
  rel: string;
}

/** One page of `items`, with self/previous/next links like Atlas's. */
export function pageOf<T>(items: T[], page: PageRequest, selfUrl: URL): Record<string, unknown> {
  const start = (page.pageNum - 1) * page.itemsPerPage;
  const results = items.slice(start, start + page.itemsPerPage);
  const links: Link[] = [{ href: pageUrl(selfUrl, page, page.pageNum), rel: 'self' }];
  if (page.pageNum > 1) links.push({ href: pageUrl(selfUrl, page, page.pageNum - 1), rel: 'previous' });
  if (start + page.itemsPerPage < items.length)
    links.push({ href: pageUrl(selfUrl, page, page.pageNum + 1), rel: 'next' });
  const body: Record<string, unknown> = { links, results };
  if (page.includeCount) body.totalCount = items.length;
  return body;
}

function pageUrl(selfUrl: URL, page: PageRequest, pageNum: number): string {
  const url = new URL(selfUrl.toString());
  url.searchParams.set('pageNum', String(pageNum));
  url.searchParams.set('itemsPerPage', String(page.itemsPerPage));
  return url.toString();
}
