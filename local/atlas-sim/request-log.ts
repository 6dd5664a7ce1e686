/**
 * What the simulator saw: one entry per request, for tests and the `npm start` account.
 * Secrets never enter it: no Authorization header, no token, no form body of the OAuth
 * endpoints; `principal` is the client id or public key, which are identifiers, not secrets.
 */
import type { FaultKind } from './faults';
import type { EndpointName } from './routes';

export type AuthKind = 'bearer' | 'digest' | 'basic' | 'none' | 'other';

export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  endpoint: EndpointName;
  auth: AuthKind;
  /** Client id (service account) or public key (API key) once authenticated. */
  principal?: string;
  accept?: string;
  contentType?: string;
  /** The JSON body of an Atlas API call (never of the OAuth endpoints). */
  body?: unknown;
  groupId?: string;
  clusterName?: string;
  /** Undefined while the request is pending or when no answer was ever sent (hang, reset). */
  status?: number;
  errorCode?: string;
  fault?: FaultKind;
  /** ISO time on the simulator's clock when the request arrived. */
  timestamp: string;
}

export type LogFilter = Partial<
  Pick<
    RequestLogEntry,
    'method' | 'endpoint' | 'auth' | 'status' | 'errorCode' | 'principal' | 'clusterName' | 'groupId'
  >
>;

export class RequestLog {
  private readonly list: RequestLogEntry[] = [];
  private seq = 0;

  start(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = { ...entry, seq: ++this.seq };
    this.list.push(full);
    return full;
  }

  /** A copy of every entry, oldest first. */
  entries(filter?: LogFilter | ((entry: RequestLogEntry) => boolean)): RequestLogEntry[] {
    if (!filter) return this.list.map((entry) => ({ ...entry }));
    const test = typeof filter === 'function' ? filter : (entry: RequestLogEntry) => matchesFilter(entry, filter);
    return this.list.filter(test).map((entry) => ({ ...entry }));
  }

  count(filter?: LogFilter | ((entry: RequestLogEntry) => boolean)): number {
    return this.entries(filter).length;
  }

  /** Requests to `POST /api/oauth/token`. */
  tokenRequests(): number {
    return this.count({ endpoint: 'token' });
  }

  /** Requests to the Atlas Admin API (everything under `/api/atlas/`). */
  apiCalls(): number {
    return this.count((entry) => entry.path.startsWith('/api/atlas/'));
  }

  /** Count of requests per auth kind. */
  countByAuth(): Record<AuthKind, number> {
    const counts: Record<AuthKind, number> = { bearer: 0, digest: 0, basic: 0, none: 0, other: 0 };
    for (const entry of this.list) counts[entry.auth] += 1;
    return counts;
  }

  /** Count of requests per endpoint name. */
  countByEndpoint(): Partial<Record<EndpointName, number>> {
    const counts: Partial<Record<EndpointName, number>> = {};
    for (const entry of this.list) counts[entry.endpoint] = (counts[entry.endpoint] ?? 0) + 1;
    return counts;
  }

  last(): RequestLogEntry | undefined {
    const entry = this.list[this.list.length - 1];
    return entry ? { ...entry } : undefined;
  }

  clear(): void {
    this.list.length = 0;
  }
}

function matchesFilter(entry: RequestLogEntry, filter: LogFilter): boolean {
  return Object.entries(filter).every(([key, value]) => entry[key as keyof LogFilter] === value);
}
