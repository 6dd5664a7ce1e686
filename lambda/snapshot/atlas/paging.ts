/**
 * Paging through an Atlas list (docs/atlas-api.md "Endpoints"): a pure decision of which page to
 * read next. Atlas's own `links` entry `rel: "next"` is followed when present, but only to the
 * same list on the same origin (credentials are never sent anywhere else). Without one, a short
 * or empty page ends the list; `totalCount` is only an estimate, so on its own it never ends a
 * list whose pages are full.
 */
import type { Page } from './answers';
import { clip } from './answers';

export const PAGE_SIZE = 500;
/** 100 000 items: far beyond any real project; stops a server that never ends its list. */
export const MAX_PAGES = 200;

export interface PageRead {
  /** Path and query of the page just read, relative to the base URL. */
  path: string;
  page: Page;
  /** Items read so far, this page's included. */
  itemsRead: number;
  /** Pages read so far, this one included. */
  pagesRead: number;
}

export type NextPage = { kind: 'next'; path: string } | { kind: 'done' } | { kind: 'invalid'; detail: string };

/** The first page of the list at `listPath`. */
export function firstPagePath(listPath: string): string {
  return `${listPath}?itemsPerPage=${PAGE_SIZE}&pageNum=1`;
}

/** What to read after `read` of the list at `listPath` (a path below `baseUrl`). */
export function nextPage(baseUrl: string, listPath: string, read: PageRead): NextPage {
  const base = new URL(baseUrl);
  const current = new URL(`${stripSlash(base.pathname)}${read.path}`, base.origin);
  const href = nextHref(read.page.links);
  if (href !== undefined) return followLink(base, listPath, current, href);

  const size = positiveInt(current.searchParams.get('itemsPerPage')) ?? PAGE_SIZE;
  const { results, totalCount } = read.page;
  if (results.length === 0 || results.length < size) return { kind: 'done' };
  // A full page: only Atlas's links (without a next one) and the count together end the list.
  if (read.page.links !== undefined && totalCount !== undefined && read.itemsRead >= totalCount)
    return { kind: 'done' };
  const params = new URLSearchParams(current.search);
  params.set('pageNum', String((positiveInt(params.get('pageNum')) ?? read.pagesRead) + 1));
  return { kind: 'next', path: `${listPath}?${params.toString()}` };
}

/** One key per page, whatever the order of its query parameters. */
export function pageKey(path: string): string {
  const url = new URL(path, 'http://page.invalid');
  url.searchParams.sort();
  return `${url.pathname}?${url.searchParams.toString()}`;
}

function followLink(base: URL, listPath: string, current: URL, href: string): NextPage {
  let target: URL;
  try {
    target = new URL(href, current);
  } catch {
    return { kind: 'invalid', detail: `the answer's next link is not a URL (${clip(href)})` };
  }
  if (target.origin !== base.origin) {
    return {
      kind: 'invalid',
      detail: `the answer's next link points to another origin (${clip(target.origin)}); it was not followed`,
    };
  }
  if (target.pathname !== `${stripSlash(base.pathname)}${listPath}`) {
    return { kind: 'invalid', detail: `the answer's next link leaves the list (${clip(target.pathname)})` };
  }
  return { kind: 'next', path: `${listPath}${target.search}` };
}

function nextHref(links: unknown[] | undefined): string | undefined {
  for (const link of links ?? []) {
    if (typeof link !== 'object' || link === null) continue;
    const { rel, href } = link as { rel?: unknown; href?: unknown };
    if (rel === 'next' && typeof href === 'string') return href;
  }
  return undefined;
}

function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\d{1,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

function stripSlash(pathname: string): string {
  return pathname.replace(/\/+$/, '');
}
