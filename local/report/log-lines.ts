/**
 * The function's JSON log lines, made readable: one renderer per log event the function writes,
 * keyed by the `LogEvents` constants the function's log calls use (lambda/snapshot/log-events.ts),
 * never by message text of its own. The table is typed over every event, so an event added to
 * LogEvents does not compile until it has a renderer here or is listed as not shown.
 */
import { LogEvents, type LogEvent } from '../../lambda/snapshot/log-events';
import type { Outcome, RetentionSetting } from '../../lambda/snapshot/types';
import { formatAtlasCall, shortPath } from './atlas-calls';
import { PLAIN, row, statusColour, type Style } from './style';

export interface LogRecord {
  level?: string;
  message?: string;
  [field: string]: unknown;
}

/** A JSON log line of the function, or undefined for anything else (EMF records included). */
export function parseLogLine(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if ('_aws' in value) return undefined;
    return value as LogRecord;
  } catch {
    return undefined;
  }
}

export function isMetricLine(line: string): boolean {
  return line.startsWith('{"_aws"');
}

export interface LogFormatOptions {
  style?: Style;
  /** Render the function's `Atlas request` debug lines as Atlas calls (real mode: no simulator log). */
  atlasRequests?: boolean;
}

const str = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

function errorMessage(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'message' in value) return str(value.message);
  return str(value);
}

function seconds(ms: unknown): string {
  return typeof ms === 'number' ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s` : '?';
}

const problemList = (value: unknown): string => (Array.isArray(value) ? value.map(str).join('; ') : '');

/** `name value` for each of the fields the record has, e.g. `attempt 2, at 2026-01-01T00:05:00Z`. */
function facts(record: LogRecord, fields: readonly string[]): string {
  return fields
    .filter((field) => record[field] !== undefined)
    .map((field) => `${field} ${str(record[field])}`)
    .join(', ');
}

/** What a renderer gets besides the record: the style, the line's subject and the options. */
interface Render {
  record: LogRecord;
  style: Style;
  /** The cluster the line is about, or `run`. */
  who: string;
  atlasRequests: boolean;
  /** A `decide` row about `who`. */
  decide: (text: string, colour?: (t: string) => string) => string[];
}

type Renderer = (r: Render) => string[];

function failure(record: LogRecord): string {
  const http = typeof record.httpStatus === 'number' ? ` (HTTP ${record.httpStatus})` : '';
  return `failed: ${str(record.code)}${http}: ${errorMessage(record.error)}`;
}

const failed: Renderer = ({ record, decide, style }) => decide(failure(record), style.red);

function runLine({ record, style }: Render): string[] {
  const schedule = record.schedule !== undefined ? ` (${str(record.schedule)})` : '';
  const targets =
    typeof record.targets === 'number' ? `${record.targets} target${record.targets === 1 ? '' : 's'}` : '';
  const parts = [
    `trigger ${str(record.trigger)}${schedule}`,
    targets,
    `retention ${str(record.retentionInDays)} days`,
    `auth ${str(record.authentication)}`,
    ...(record.dryRun === true ? [style.bold('DRY RUN')] : []),
  ].filter(Boolean);
  return [row('run', parts.join(', '), style)];
}

function atlasRequest({ record, style, atlasRequests }: Render): string[] {
  if (!atlasRequests) return [];
  return [
    formatAtlasCall(
      {
        method: str(record.method),
        path: str(record.path),
        ...(typeof record.status === 'number' ? { status: record.status } : {}),
        ...(record.failure !== undefined ? { failure: str(record.failure) } : {}),
        ...(typeof record.attempt === 'number' ? { attempt: record.attempt } : {}),
      },
      style,
    ),
  ];
}

function atlasRetry({ record, style, who }: Render): string[] {
  const request = str(record.request);
  const [method, path] = request.split(' ', 2);
  const what = path !== undefined ? `${method} ${shortPath(path)}` : request;
  const text = `${who}: ${str(record.reason)}: waiting ${seconds(record.delayMs)}, then ${what}`;
  return [row('retry', text, style, style.yellow)];
}

function outcomeLine({ record, style, who }: Render): string[] {
  const outcome = (record.outcome ?? {}) as Partial<Outcome>;
  const colour = statusColour(outcome.status, style);
  return [row('outcome', `${who}: ${colour(`${outcome.status ?? '?'} ${outcome.code ?? '?'}`)}`, style, colour)];
}

function retention(value: unknown): string {
  const setting = value as Partial<RetentionSetting> | undefined;
  if (setting?.retentionValue === undefined) return str(value);
  return `${setting.retentionValue} ${str(setting.retentionUnit).toLowerCase()}`;
}

/** `null`: the event is deliberately not shown (it adds nothing a person needs to the account). */
export const LOG_RENDERERS: { readonly [E in LogEvent]: Renderer | null } = {
  [LogEvents.invocationStarted]: null,
  [LogEvents.invocationFinished]: null,
  [LogEvents.notificationPublished]: null,
  [LogEvents.invalidConfig]: ({ record, style }) => [
    row('decide', `configuration refused: ${problemList(record.problems)}`, style, style.red),
  ],
  [LogEvents.invalidInput]: ({ record, style }) => [
    row('decide', `event refused: ${problemList(record.problems)}`, style, style.red),
  ],
  [LogEvents.secretUnusable]: ({ record, style }) => [
    row('decide', `secret: ${str(record.code)}: ${errorMessage(record.error)}`, style, style.red),
  ],
  [LogEvents.run]: runLine,
  [LogEvents.expanded]: ({ record, style }) => {
    const clusters = Array.isArray(record.clusters) ? record.clusters.map(str) : [];
    const projects = Array.isArray(record.projects) ? record.projects.length : 0;
    const more = typeof record.moreClusters === 'number' ? ` and ${record.moreClusters} more` : '';
    const count = clusters.length + (typeof record.moreClusters === 'number' ? record.moreClusters : 0);
    const where =
      typeof record.selector === 'string' && record.selector.startsWith('*/')
        ? `${projects + (typeof record.moreProjects === 'number' ? record.moreProjects : 0)} project(s) hold`
        : 'the project has';
    const who = typeof record.selector === 'string' ? record.selector.replace(/^[a-f0-9]{24}/, shortProject) : '*';
    return [row('decide', `${who}: ${where} ${count} matching cluster(s): ${clusters.join(', ')}${more}`, style)];
  },
  [LogEvents.listingFailed]: failed,
  [LogEvents.projectsListingFailed]: ({ record, style }) => [
    row('decide', `projects: ${failure(record)}`, style, style.red),
  ],
  [LogEvents.clusterUnsupported]: ({ record, decide }) =>
    decide(`cannot take on-demand snapshots (${str(record.detail)}) -> ${str(record.status)} ${str(record.code)}`),
  [LogEvents.clusterPaused]: ({ decide }) => decide('paused: Atlas takes no backups of a paused cluster: skipping'),
  [LogEvents.snapshotPending]: ({ record, decide }) =>
    decide(
      `on-demand snapshot ${str(record.snapshotId)} is still ${str(record.snapshotStatus)}: skipping (Atlas allows one at a time)`,
    ),
  [LogEvents.dryRun]: ({ decide }) => decide('dry run: no on-demand snapshot pending, one would be requested'),
  [LogEvents.snapshotRequested]: ({ record, decide }) =>
    decide(`snapshot requested: ${str(record.snapshotId)} (${str(record.snapshotStatus)})`),
  [LogEvents.raceLost]: ({ decide }) =>
    decide('Atlas answered UNFINISHED_ON_DEMAND_SNAPSHOT (another snapshot started meanwhile): skipping'),
  [LogEvents.takeUnanswered]: ({ record, decide, style }) =>
    decide(
      `take-snapshot got no answer (${errorMessage(record.error)}): re-reading the list instead of sending it again`,
      style.yellow,
    ),
  [LogEvents.rereadFailed]: ({ record, decide, style }) =>
    decide(`could not re-read the snapshots to name the pending one: ${errorMessage(record.error)}`, style.yellow),
  [LogEvents.targetFailed]: failed,
  [LogEvents.atlasRequest]: atlasRequest,
  [LogEvents.atlasRetry]: atlasRetry,
  [LogEvents.atlasVersionNotice]: ({ record, style, who }) => [
    row(
      'notice',
      `${who}: Atlas API version notice: ${facts(record, ['version', 'mediaType', 'path', 'deprecation', 'sunset'])}`,
      style,
      style.yellow,
    ),
  ],
  [LogEvents.followUpScheduled]: ({ record, style, who }) => [
    row(
      'confirm',
      `${who}: follow-up check scheduled: ${facts(record, ['name', 'attempt', 'at', 'snapshotId'])}${record.result === 'exists' ? ' (it already existed: a repeated invocation, no second chain)' : ''}`,
      style,
    ),
  ],
  [LogEvents.followUpNotScheduled]: ({ record, style, who }) => [
    row('confirm', `${who}: follow-up check could not be scheduled: ${errorMessage(record.error)}`, style, style.red),
  ],
  [LogEvents.followUpCheck]: ({ record, style, who }) => [
    row(
      'confirm',
      record.snapshotStatus === undefined
        ? `${who}: follow-up check ${str(record.attempt)}: reading snapshot ${str(record.snapshotId)}`
        : `${who}: Atlas says ${str(record.snapshotStatus)}${record.decision !== undefined ? ` -> ${str(record.decision)}` : ''}`,
      style,
    ),
  ],
  [LogEvents.snapshotPromoted]: ({ record, style, who }) => [
    record.promoted === false
      ? row('promote', `${who}: snapshot ${str(record.snapshotId)} not promoted: ${str(record.reason)}`, style)
      : row(
          'promote',
          `${who}: snapshot ${str(record.snapshotId)} kept ${retention(record.promotedTo)}${record.expiresAt !== undefined ? ` (expires ${str(record.expiresAt)})` : ''}`,
          style,
          style.green,
        ),
  ],
  [LogEvents.promotionRefused]: ({ record, style, who }) => [
    row(
      'promote',
      `${who}: promotion refused: ${str(record.code)}: ${errorMessage(record.error)}`,
      style,
      style.yellow,
    ),
  ],
  [LogEvents.outcome]: outcomeLine,
  // The summary message itself is shown with its lines (notifications.ts); this is the decision.
  [LogEvents.summary]: ({ record, style }) => [row('decide', `run summary: ${str(record.detail)}`, style)],
  [LogEvents.notificationFailed]: ({ record, style, who }) => [
    row('notify', `${who}: could not be published: ${errorMessage(record.error)}`, style, style.red),
  ],
};

/** The events `npm start` does not show, by design. */
export const NOT_RENDERED: LogEvent[] = (Object.keys(LOG_RENDERERS) as LogEvent[]).filter(
  (event) => LOG_RENDERERS[event] === null,
);

function isLogEvent(message: unknown): message is LogEvent {
  return typeof message === 'string' && Object.prototype.hasOwnProperty.call(LOG_RENDERERS, message);
}

/** A line of an event this renderer does not know: by level and message. */
export function formatUnknownRecord(record: LogRecord, style: Style = PLAIN): string[] {
  const level = (record.level ?? 'INFO').toUpperCase();
  if (level === 'DEBUG') return [];
  const label = level === 'ERROR' ? 'error' : level === 'WARN' ? 'warn' : 'log';
  const colour = level === 'ERROR' ? style.red : level === 'WARN' ? style.yellow : style.dim;
  const who = subjectOf(record);
  const error = record.error !== undefined ? `: ${errorMessage(record.error)}` : '';
  return [row(label, `${who === 'run' ? '' : `${who}: `}${str(record.message)}${error}`, style, colour)];
}

/** `65a1b2c3d4e5f60718293a4b` -> `65a1...3a4b`, as the Atlas call lines shorten it. */
const shortProject = (id: string): string => (/^[a-f0-9]{24}$/.test(id) ? `${id.slice(0, 4)}...${id.slice(-4)}` : id);

/** The target a line is about: its cluster name (`<project>/*` for a selector), or `run`. */
function subjectOf(record: LogRecord): string {
  if (typeof record.clusterName !== 'string') return 'run';
  if (record.clusterName === '*' && typeof record.projectId === 'string') return `${shortProject(record.projectId)}/*`;
  return record.clusterName;
}

/**
 * The readable form of one stdout line of the function: the decisions the core logged, the
 * retries, the outcomes. Returns nothing for lines that add nothing to the account (start/finish
 * markers, EMF records, debug lines).
 */
export function formatLogLine(line: string, options: LogFormatOptions = {}): string[] {
  const style = options.style ?? PLAIN;
  if (line.trim() === '' || isMetricLine(line)) return [];
  const record = parseLogLine(line);
  if (!record) return [row('stdout', line, style)];
  if (!isLogEvent(record.message)) return formatUnknownRecord(record, style);
  const renderer = LOG_RENDERERS[record.message];
  if (renderer === null) return [];
  const who = subjectOf(record);
  return renderer({
    record,
    style,
    who,
    atlasRequests: options.atlasRequests ?? false,
    decide: (text, colour = style.dim) => [row('decide', `${who}: ${text}`, style, colour)],
  });
}
