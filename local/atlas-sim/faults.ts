/**
 * Scripted faults, matched by method and path (or endpoint name), each for a number of times:
 * - `error`: answer with a status (default 500) and an Atlas error body, without touching state;
 * - `hang`: never answer (the socket stays open until the client gives up or the simulator closes);
 * - `reset`: drop the connection with a TCP RST before answering;
 * - `commit-then-503`: process the request for real (a snapshot is created) but answer 503, the
 *   case where a client must not blindly repeat a POST;
 * - `race`: another client takes an on-demand snapshot just before this take-snapshot request is
 *   processed, so Atlas's own guard answers `UNFINISHED_ON_DEMAND_SNAPSHOT`;
 * - `gzip-bomb`: a 200 whose gzip body decodes to 64 MiB (see hostile.ts), without touching state;
 * - `endless-body`: a 200 whose body never ends, without touching state.
 */
import type { EndpointName } from './routes';

export type FaultKind = 'error' | 'hang' | 'reset' | 'commit-then-503' | 'race' | 'gzip-bomb' | 'endless-body';

export interface FaultSpec {
  kind: FaultKind;
  /** HTTP method; any when absent. */
  method?: string;
  /** Path without query: a RegExp, or a glob where `*` is one segment and `**` any number. */
  path?: string | RegExp;
  /** Alternative to `path`: the endpoint name (`takeSnapshot`, `token`, ...). */
  endpoint?: EndpointName;
  /** How many matching requests it applies to (default 1; `Infinity` = always). */
  times?: number;
  /** Matching requests to let through before it starts applying (default 0). */
  skip?: number;
  /** For `error`: status (default 500) and errorCode (default `UNEXPECTED_ERROR`). */
  status?: number;
  errorCode?: string;
  /** For `error`: a `Retry-After` header to send. */
  retryAfterSeconds?: number;
}

export interface ScriptedFault {
  readonly spec: FaultSpec;
  /** Times it has applied so far. */
  readonly applied: number;
  /** Times it may still apply. */
  readonly remaining: number;
}

class FaultEntry implements ScriptedFault {
  applied = 0;
  private skipped = 0;
  private readonly pattern?: RegExp;

  constructor(readonly spec: FaultSpec) {
    if (spec.path === undefined && spec.endpoint === undefined) throw new Error('a fault needs a path or an endpoint');
    if (spec.path !== undefined) this.pattern = typeof spec.path === 'string' ? globToRegExp(spec.path) : spec.path;
  }

  get remaining(): number {
    return (this.spec.times ?? 1) - this.applied;
  }

  matches(method: string, path: string, endpoint: EndpointName): boolean {
    if (this.remaining <= 0) return false;
    if (this.spec.method && this.spec.method.toUpperCase() !== method) return false;
    if (this.spec.endpoint && this.spec.endpoint !== endpoint) return false;
    return this.pattern ? this.pattern.test(path) : true;
  }

  /** Counts a match; true when the fault applies to this request (not one of the skipped ones). */
  consume(): boolean {
    if (this.skipped < (this.spec.skip ?? 0)) {
      this.skipped += 1;
      return false;
    }
    this.applied += 1;
    return true;
  }
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}$`);
}

export class FaultPlan {
  private readonly entries: FaultEntry[] = [];

  add(spec: FaultSpec): ScriptedFault {
    const entry = new FaultEntry(spec);
    this.entries.push(entry);
    return entry;
  }

  /** The first fault (in the order added) that applies to this request, consuming one use. */
  take(method: string, path: string, endpoint: EndpointName): FaultSpec | undefined {
    for (const entry of this.entries) {
      if (entry.matches(method, path, endpoint) && entry.consume()) return entry.spec;
    }
    return undefined;
  }

  /** Faults that may still apply. */
  pending(): ScriptedFault[] {
    return this.entries.filter((entry) => entry.remaining > 0);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
