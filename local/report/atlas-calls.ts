/**
 * One Atlas HTTP exchange per line: from the simulator's request log in a local run, or from the
 * function's own `Atlas request` debug lines in a real run (there is no simulator to ask).
 */
import type { RequestLogEntry } from '../atlas-sim';
import { PLAIN, row, type Style } from './style';

export interface AtlasCall {
  method: string;
  path: string;
  query?: Record<string, string>;
  /** The simulator's name for the endpoint (getCluster, takeSnapshot, ...). */
  endpoint?: string;
  status?: number;
  errorCode?: string;
  auth?: string;
  /** Why no answer came (a scripted fault, or the client's failure description). */
  failure?: string;
  attempt?: number;
}

export function callFromLogEntry(entry: RequestLogEntry): AtlasCall {
  return {
    method: entry.method,
    path: entry.path,
    query: entry.query,
    endpoint: entry.endpoint,
    ...(entry.status !== undefined ? { status: entry.status } : {}),
    ...(entry.errorCode !== undefined ? { errorCode: entry.errorCode } : {}),
    auth: entry.auth,
    ...(entry.status === undefined ? { failure: entry.fault ?? 'no answer' } : {}),
  };
}

const V2_PREFIX = '/api/atlas/v2';

/** `24 hex` project ids shortened to `65a1...3a4b`; the Admin API prefix dropped. */
export function shortPath(path: string, query: Record<string, string> = {}): string {
  const [bare, inlineQuery] = path.split('?', 2) as [string, string | undefined];
  const params = { ...Object.fromEntries(new URLSearchParams(inlineQuery ?? '')), ...query };
  const short = (bare.startsWith(`${V2_PREFIX}/`) ? bare.slice(V2_PREFIX.length) : bare).replace(
    /\/groups\/([a-f0-9]{4})[a-f0-9]{16}([a-f0-9]{4})(?=\/|$)/,
    '/groups/$1...$2',
  );
  const page = params.pageNum;
  return page !== undefined ? `${short} (page ${page})` : short;
}

function statusText(call: AtlasCall, style: Style): string {
  if (call.status === undefined) return style.red('---');
  const text = String(call.status);
  if (call.status < 300) return style.green(text);
  if (call.status < 500) return style.yellow(text);
  return style.red(text);
}

/** e.g. `200  GET   getCluster      bearer  /groups/65a1...3a4b/clusters/Cluster0`. */
export function formatAtlasCall(call: AtlasCall, style: Style = PLAIN): string {
  const parts = [
    statusText(call, style),
    call.method.padEnd(5),
    ...(call.endpoint !== undefined ? [call.endpoint.padEnd(20)] : []),
    ...(call.auth !== undefined ? [call.auth.padEnd(6)] : []),
    shortPath(call.path, call.query),
  ];
  const tail: string[] = [];
  if (call.errorCode) tail.push(style.yellow(call.errorCode));
  if (call.status === 401 && call.auth === 'none')
    tail.push(style.dim('(the Digest challenge: the first request goes without credentials)'));
  if (call.failure) tail.push(style.red(`no answer (${call.failure})`));
  if (call.attempt !== undefined && call.attempt > 1) tail.push(style.dim(`attempt ${call.attempt}`));
  return row('atlas', [...parts, ...tail].join('  '), style, style.cyan);
}
