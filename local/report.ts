/**
 * What `npm start` prints, as pure functions of what the run observed: the simulator's request
 * log (or the function's own debug lines in real mode), the function's JSON log lines, the
 * messages the SNS endpoint received and what the invocation returned. No I/O here: each function
 * returns the lines to print, so tests assert on them directly.
 */
import type { RequestLogEntry } from './atlas-sim';
import type { InvokeResult } from './lambda/runtime';
import type { Outcome } from '../lambda/snapshot/types';

// ---------------------------------------------------------------------------------------------
// Colour

export interface Style {
  bold: (text: string) => string;
  dim: (text: string) => string;
  green: (text: string) => string;
  yellow: (text: string) => string;
  red: (text: string) => string;
  cyan: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const PLAIN: Style = {
  bold: (t) => t,
  dim: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
  red: (t) => t,
  cyan: (t) => t,
};

export const ANSI: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  red: sgr(31, 39),
  cyan: sgr(36, 39),
};

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export function useColor(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  return Boolean(isTTY) && !env.NO_COLOR;
}

/** Removes ANSI colour codes (tests, width computations). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- ESC (0x1b) is exactly what an ANSI colour code starts with
  return text.replace(/\u001b\[\d+m/g, '');
}

// ---------------------------------------------------------------------------------------------
// Layout: a label column, then the text; continuation lines are indented under the text.

export const LABEL_WIDTH = 9;

export function row(
  label: string,
  text: string,
  style: Style = PLAIN,
  colour: (t: string) => string = style.dim,
): string {
  return `  ${colour(label.padEnd(LABEL_WIDTH))} ${text}`;
}

export function continuation(text: string): string {
  return `  ${' '.repeat(LABEL_WIDTH)} ${text}`;
}

export function heading(text: string, style: Style = PLAIN): string {
  return style.bold(`== ${text}`);
}

// ---------------------------------------------------------------------------------------------
// Atlas calls

/** One Atlas HTTP exchange, from the simulator's request log or from the function's debug log. */
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

// ---------------------------------------------------------------------------------------------
// The function's JSON log lines

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

const str = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

function errorMessage(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'message' in value) return str(value.message);
  return str(value);
}

function seconds(ms: unknown): string {
  return typeof ms === 'number' ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s` : '?';
}

function statusColour(status: string | undefined, style: Style): (t: string) => string {
  if (status === 'SUCCESS') return style.green;
  if (status === 'SKIPPED') return style.yellow;
  if (status === 'ERROR') return style.red;
  return (t) => t;
}

/** The target a line is about: its cluster name (with the project when asked). */
function subjectOf(record: LogRecord): string {
  const cluster = typeof record.clusterName === 'string' ? record.clusterName : undefined;
  return cluster ?? 'run';
}

export interface LogFormatOptions {
  style?: Style;
  /** Render the function's `Atlas request` debug lines as Atlas calls (real mode: no simulator log). */
  atlasRequests?: boolean;
}

/**
 * The readable form of one stdout line of the function: the decisions the core logged, the
 * retries, the outcomes. Returns nothing for lines that add nothing to the account (start/finish
 * markers, EMF records, debug lines).
 */
export function formatLogLine(line: string, options: LogFormatOptions = {}): string[] {
  const style = options.style ?? PLAIN;
  if (line.trim() === '') return [];
  if (isMetricLine(line)) return [];
  const record = parseLogLine(line);
  if (!record) return [row('stdout', line, style)];
  const who = subjectOf(record);
  const decide = (text: string, colour: (t: string) => string = style.dim) => [
    row('decide', `${who}: ${text}`, style, colour),
  ];

  switch (record.message) {
    case 'invocation started':
    case 'invocation finished':
    case 'notification published':
      return [];
    case 'run': {
      const schedule = record.schedule !== undefined ? ` (${str(record.schedule)})` : '';
      const targets =
        typeof record.targets === 'number' ? `${record.targets} target${record.targets === 1 ? '' : 's'}` : '';
      const facts = [
        `trigger ${str(record.trigger)}${schedule}`,
        targets,
        `retention ${str(record.retentionInDays)} days`,
        `auth ${str(record.authentication)}`,
        ...(record.dryRun === true ? [style.bold('DRY RUN')] : []),
      ].filter(Boolean);
      return [row('run', facts.join(', '), style)];
    }
    case 'Atlas request': {
      if (!options.atlasRequests) return [];
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
    case 'expanded "*"': {
      const clusters = Array.isArray(record.clusters) ? record.clusters.map(str) : [];
      return [row('decide', `*: the project has ${clusters.length} cluster(s): ${clusters.join(', ')}`, style)];
    }
    case 'cluster cannot take on-demand snapshots':
      return decide(
        `cannot take on-demand snapshots (${str(record.detail)}) -> ${str(record.status)} ${str(record.code)}`,
      );
    case 'on-demand snapshot still pending: skipping':
      return decide(
        `on-demand snapshot ${str(record.snapshotId)} is still ${str(record.snapshotStatus)}: skipping (Atlas allows one at a time)`,
      );
    case 'dry run: no pending on-demand snapshot, would request one':
      return decide('dry run: no on-demand snapshot pending, one would be requested');
    case 'snapshot requested':
      return decide(`snapshot requested: ${str(record.snapshotId)} (${str(record.snapshotStatus)})`);
    case 'Atlas reports an unfinished on-demand snapshot: skipping':
      return decide('Atlas answered UNFINISHED_ON_DEMAND_SNAPSHOT (another snapshot started meanwhile): skipping');
    case 'take-snapshot request unanswered; re-reading the snapshot list':
      return decide(
        `take-snapshot got no answer (${errorMessage(record.error)}): re-reading the list instead of sending it again`,
        style.yellow,
      );
    case 'retrying Atlas request': {
      const request = str(record.request);
      const [method, path] = request.split(' ', 2);
      const what = path !== undefined ? `${method} ${shortPath(path)}` : request;
      return [
        row(
          'retry',
          `${who}: ${str(record.reason)}: waiting ${seconds(record.delayMs)}, then ${what}`,
          style,
          style.yellow,
        ),
      ];
    }
    case 'target failed':
    case "cannot list the project's clusters": {
      const http = typeof record.httpStatus === 'number' ? ` (HTTP ${record.httpStatus})` : '';
      return decide(`failed: ${str(record.code)}${http}: ${errorMessage(record.error)}`, style.red);
    }
    case 'cannot use the Atlas credentials secret':
      return [row('decide', `secret: ${str(record.code)}: ${errorMessage(record.error)}`, style, style.red)];
    case 'invalid input event':
      return [
        row(
          'decide',
          `event refused: ${Array.isArray(record.problems) ? record.problems.map(str).join('; ') : ''}`,
          style,
          style.red,
        ),
      ];
    case 'invalid function configuration':
      return [
        row(
          'decide',
          `configuration refused: ${Array.isArray(record.problems) ? record.problems.map(str).join('; ') : ''}`,
          style,
          style.red,
        ),
      ];
    case 'outcome': {
      const outcome = (record.outcome ?? {}) as Partial<Outcome>;
      const colour = statusColour(outcome.status, style);
      return [row('outcome', `${who}: ${colour(`${outcome.status ?? '?'} ${outcome.code ?? '?'}`)}`, style, colour)];
    }
    case 'notification could not be published':
      return [row('notify', `${who}: could not be published: ${errorMessage(record.error)}`, style, style.red)];
    default: {
      const level = (record.level ?? 'INFO').toUpperCase();
      if (level === 'DEBUG') return [];
      const label = level === 'ERROR' ? 'error' : level === 'WARN' ? 'warn' : 'log';
      const colour = level === 'ERROR' ? style.red : level === 'WARN' ? style.yellow : style.dim;
      const error = record.error !== undefined ? `: ${errorMessage(record.error)}` : '';
      return [row(label, `${who === 'run' ? '' : `${who}: `}${str(record.message)}${error}`, style, colour)];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Notifications

/** What `npm start` needs of a message the SNS endpoint received. */
export interface NotificationView {
  subject?: string;
  message: string;
  bodies?: Record<string, string>;
  messageAttributes?: Record<string, { stringValue?: string }>;
}

export function formatNotification(
  message: NotificationView,
  style: Style = PLAIN,
  options: { attributes?: boolean } = {},
): string[] {
  const subject = message.subject ?? '(no subject)';
  const status = /^\[(SUCCESS|SKIPPED|ERROR)\]/.exec(subject)?.[1];
  const colour = statusColour(status, style);
  const lines = [row('notify', style.bold(colour(subject)), style, colour)];
  if (options.attributes && message.messageAttributes) {
    const attributes = Object.entries(message.messageAttributes).map(([k, v]) => `${k}=${v.stringValue ?? ''}`);
    lines.push(continuation(style.dim(`attributes: ${attributes.join(' ')}`)));
  }
  const email = message.bodies?.email ?? message.bodies?.default ?? message.message;
  for (const line of email.split('\n'))
    lines.push(continuation(line === '' ? style.dim('|') : `${style.dim('|')} ${line}`));
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Results

/** The outcomes of an invocation: returned, or carried in the failure message (DESIGN.md section 6). */
export function outcomesOf(invocation: Pick<InvokeResult, 'ok' | 'result' | 'error'>): Outcome[] {
  if (invocation.ok) {
    const results = (invocation.result as { results?: unknown } | undefined)?.results;
    return Array.isArray(results) ? (results as Outcome[]) : [];
  }
  const listed = /Results: (\[.*\])$/s.exec(invocation.error?.errorMessage ?? '')?.[1];
  if (listed === undefined) return [];
  try {
    return JSON.parse(listed) as Outcome[];
  } catch {
    return [];
  }
}

/** The failure message without its machine-readable `Results: [...]` tail. */
export function failureSummary(errorMessage: string): string {
  return errorMessage.replace(/\.?\s*Results: \[.*\]$/s, '');
}

export function describeOutcome(o: Outcome): string {
  const http = o.httpStatus !== undefined ? `HTTP ${o.httpStatus}: ` : '';
  if (o.detail && o.status !== 'SUCCESS') return `${http}${o.detail}`;
  const facts: string[] = [];
  if (o.snapshotId) facts.push(`snapshot ${o.snapshotId} ${o.snapshotStatus ?? ''}`.trim());
  if (o.status === 'SUCCESS' && o.retentionInDays !== undefined) facts.push(`kept ${o.retentionInDays} days`);
  if (o.detail) facts.push(o.detail);
  return `${http}${facts.join(', ')}`;
}

export function formatOutcomeRow(o: Outcome, style: Style = PLAIN): string {
  const colour = statusColour(o.status, style);
  const where = o.clusterName ?? '(run)';
  return continuation(
    `${colour(o.status.padEnd(7))}  ${o.code.padEnd(29)}  ${where.padEnd(14)}  ${describeOutcome(o)}`,
  );
}

export function formatInvocation(invocation: InvokeResult, style: Style = PLAIN): string[] {
  const outcomes = outcomesOf(invocation);
  const took = `${Math.round(invocation.durationMs)} ms`;
  const lines: string[] = [];
  if (invocation.ok) {
    lines.push(
      row(
        'result',
        `${style.green('returned')} { "results": [${outcomes.length} outcome${outcomes.length === 1 ? '' : 's'}] } in ${took}`,
        style,
        style.green,
      ),
    );
  } else {
    const error = invocation.error ?? { errorType: 'Error', errorMessage: 'unknown error' };
    lines.push(
      row(
        'result',
        `${style.red('invocation FAILED')} after ${took}: ${error.errorType}: ${failureSummary(error.errorMessage)}`,
        style,
        style.red,
      ),
    );
    if (error.errorType === 'InvocationFailedError') {
      lines.push(
        continuation(
          style.dim("(after publishing: a failed invocation is what Lambda's Errors metric and the alarm count)"),
        ),
      );
    }
  }
  for (const o of outcomes) lines.push(formatOutcomeRow(o, style));
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Counts

export interface Counts {
  tokenRequests?: number;
  atlasCalls?: number;
  secretReads?: number;
  publishes?: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatCounts(counts: Counts): string {
  const parts: string[] = [];
  if (counts.tokenRequests !== undefined) parts.push(plural(counts.tokenRequests, 'token request'));
  if (counts.atlasCalls !== undefined) parts.push(plural(counts.atlasCalls, 'Atlas API call'));
  if (counts.secretReads !== undefined) parts.push(plural(counts.secretReads, 'secret read'));
  if (counts.publishes !== undefined)
    parts.push(plural(counts.publishes, 'SNS publish').replace(/publishs$/, 'publishes'));
  return parts.join(', ');
}

export function subtractCounts(after: Counts, before: Counts): Counts {
  const out: Counts = {};
  for (const key of Object.keys(after) as Array<keyof Counts>) {
    const a = after[key];
    if (a !== undefined) out[key] = a - (before[key] ?? 0);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The IP access list

/** The caller's IP in Atlas's IP_ADDRESS_NOT_ON_ACCESS_LIST detail ("IP address 203.0.113.10 is not allowed ..."). */
export function extractCallerIp(detail: string | undefined): string | undefined {
  if (!detail) return undefined;
  const named = /IP address\s+\[?([0-9A-Fa-f:.]+?)\]?\s+is not allowed/i.exec(detail);
  if (named) return named[1];
  const ipv4 = /\b((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})\b/.exec(detail);
  return ipv4?.[1];
}

/** What to do when Atlas refused the caller's IP, naming the IP it saw. */
export function accessListAdvice(outcomes: Outcome[], style: Style = PLAIN, options: { note?: string } = {}): string[] {
  const refused = outcomes.filter((o) => o.code === 'IP_ADDRESS_NOT_ON_ACCESS_LIST');
  if (refused.length === 0) return [];
  const ips = [
    ...new Set(refused.map((o) => extractCallerIp(o.detail)).filter((ip): ip is string => ip !== undefined)),
  ];
  const from = ips.length > 0 ? ips.join(', ') : 'an IP Atlas did not name';
  const lines = [
    row(
      'access',
      style.yellow(
        `Atlas saw these calls coming from ${style.bold(from)}, which is not on the credentials' API access list.`,
      ),
      style,
      style.yellow,
    ),
    continuation(`Fix: add ${ips[0] ?? 'that IP'} to the API access list of the service account or API key`),
    continuation('(Atlas: Organization > Access Manager > Applications > the key > API Access List), then run again.'),
    continuation("The deployed Lambda calls Atlas from a different IP: give it a fixed one with the stack's"),
    continuation('`egress` NAT option and add that Elastic IP instead (README, Operations).'),
  ];
  if (options.note) lines.push(continuation(style.dim(options.note)));
  return lines;
}

/** Real mode: what the deployed function's advice in the e-mail does not cover about this machine. */
export function realModeHints(outcomes: Outcome[], style: Style = PLAIN): string[] {
  const codes = new Set(outcomes.map((o) => o.code));
  const lines: string[] = [];
  if (codes.has('SECRET_UNAVAILABLE')) {
    lines.push(
      row(
        'hint',
        'the secret could not be read with your credentials: check --secret-id, the region (--region or AWS_REGION',
        style,
        style.yellow,
      ),
      continuation("must be the secret's), that your identity may call secretsmanager:GetSecretValue on it, and that"),
      continuation('this machine can reach AWS.'),
    );
  }
  if (codes.has('ATLAS_UNREACHABLE')) {
    lines.push(
      row(
        'hint',
        'Atlas did not answer: check that this machine can reach the Atlas base URL (proxy, firewall).',
        style,
        style.yellow,
      ),
    );
  }
  return lines;
}
