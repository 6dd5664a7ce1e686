/**
 * Paging through an Atlas list (docs/atlas-api.md "Endpoints"): a pure decision of which page to
 * read next. Atlas's own `links` entry `rel: "next"` is followed when present, but only to the
 * same list on the same origin (credentials are never sent anywhere else). Without one, a short
 * or empty page ends the list; `totalCount` is only an estimate, so on its own it never ends a
 * list whose pages are full. URLs are parsed only to follow a link: most lists are one short page.
 */
import type { Page } from './answers';
import { clip } from './answers';

export const PAGE_SIZE = 500;
/** What Atlas uses when a request does not say (a next link without `itemsPerPage`). */
const ATLAS_DEFAULT_PAGE_SIZE = 100;
/** 100 000 items: far beyond any real project; stops a server that never ends its list. */
export const MAX_PAGES = 200;

/** Where the API lives: next links must stay below it. */
export interface ApiBase {
  /** `scheme://host[:port]` of the base URL. */
  origin: string;
  /** The base URL's own path, without a trailing slash (usually empty). */
  prefix: string;
}

/** One page to read: its path and query (relative to the base URL), and what it asked for. */
export interface PageRequest {
  path: string;
  itemsPerPage: number;
  /** Absent when a next link did not say. */
  pageNum?: number;
}

export interface PageRead extends PageRequest {
  page: Page;
  /** Items read so far, this page's included. */
  itemsRead: number;
  /** Pages read so far, this one included. */
  pagesRead: number;
}

export type NextPage = ({ kind: 'next' } & PageRequest) | { kind: 'done' } | { kind: 'invalid'; detail: string };

export function apiBase(baseUrl: string): ApiBase {
  const url = new URL(baseUrl);
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, '') };
}

/** The first page of the list at `listPath`. */
export function firstPage(listPath: string): PageRequest {
  return pageByNumber(listPath, PAGE_SIZE, 1);
}

/** What to read after `read` of the list at `listPath`. */
export function nextPage(base: ApiBase, listPath: string, read: PageRead): NextPage {
  const href = nextHref(read.page.links);
  if (href !== undefined) return followLink(base, listPath, read.path, href);
  const size = read.itemsPerPage;
  const { results, totalCount } = read.page;
  if (results.length === 0 || results.length < size) return { kind: 'done' };
  // A full page: only Atlas's links (without a next one) and the count together end the list.
  if (read.page.links !== undefined && totalCount !== undefined && read.itemsRead >= totalCount)
    return { kind: 'done' };
  return { kind: 'next', ...pageByNumber(listPath, size, (read.pageNum ?? read.pagesRead) + 1) };
}

/**
 * One key per page whatever the order of its query parameters. The paths `pageByNumber` builds
 * are their own key (parameters already in order), so only followed links need this.
 */
export function pageKey(path: string): string {
  const at = path.indexOf('?');
  if (at < 0) return path;
  const params = new URLSearchParams(path.slice(at + 1));
  params.sort();
  return `${path.slice(0, at)}?${params.toString()}`;
}

function pageByNumber(listPath: string, itemsPerPage: number, pageNum: number): PageRequest {
  return { path: `${listPath}?itemsPerPage=${itemsPerPage}&pageNum=${pageNum}`, itemsPerPage, pageNum };
}

function followLink(base: ApiBase, listPath: string, currentPath: string, href: string): NextPage {
  let target: URL;
  try {
    target = new URL(href, `${base.origin}${base.prefix}${currentPath}`);
  } catch {
    return { kind: 'invalid', detail: `the answer's next link is not a URL (${clip(href)})` };
  }
  if (target.origin !== base.origin) {
    return {
      kind: 'invalid',
      detail: `the answer's next link points to another origin (${clip(target.origin)}); it was not followed`,
    };
  }
  if (target.pathname !== `${base.prefix}${listPath}`) {
    return { kind: 'invalid', detail: `the answer's next link leaves the list (${clip(target.pathname)})` };
  }
  const itemsPerPage = positiveInt(target.searchParams.get('itemsPerPage')) ?? ATLAS_DEFAULT_PAGE_SIZE;
  const pageNum = positiveInt(target.searchParams.get('pageNum'));
  return {
    kind: 'next',
    path: `${listPath}${target.search}`,
    itemsPerPage,
    ...(pageNum !== undefined ? { pageNum } : {}),
  };
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
