/**
 * Validation rules shared by the CDK app (deploy time, lib/config) and the function (cold start and
 * event). Pure functions: each returns a list of problems naming the field, the value and what is
 * allowed; an empty list means valid. docs/configuration.md documents the rules.
 */
import type { Promotion, Target } from './types';

export const PROJECT_ID_PATTERN = /^[a-f0-9]{24}$/;
/** Atlas object ids (snapshots), like project ids: 24 hex characters. */
export const SNAPSHOT_ID_PATTERN = /^[a-f0-9]{24}$/;
export const CLUSTER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
export const ALL_CLUSTERS = '*';
/** `"projectId": "*"`: every project the credentials can see. */
export const ALL_PROJECTS = '*';
export const MAX_CLUSTER_NAME_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 1000;
/** Atlas stores `retentionInDays` as a 32-bit integer. */
export const MAX_RETENTION_DAYS = 2_147_483_647;
/** Atlas cluster tags: key and value 1-255 characters each. */
export const MAX_TAG_LENGTH = 255;
export const MAX_SELECTOR_TAGS = 50;
/** Upper bound of each promotion count (weeks, months, years): far beyond any retention anyone keeps. */
export const MAX_PROMOTION_COUNT = 10_000;
/** The fields a target may have (docs/configuration.md). */
export const TARGET_FIELDS: readonly string[] = ['projectId', 'clusterName', 'tags'];
/** The fields a promotion may have (docs/promotion.md). */
export const PROMOTION_FIELDS: readonly string[] = ['weeks', 'months', 'years', 'timezone'];
/** How the tz database spells zone names: each part starts with a capital (Etc/UTC, America/Argentina/Buenos_Aires). */
const TIME_ZONE_NAME = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)*$/;

/** How many characters `show` renders before it cuts the value short. */
const SHOW_MAX = 80;

/**
 * Short JSON rendering of a value for an error message (never used for secrets): JSON.stringify's
 * text, cut at 80 characters. Renders only what it shows, so a huge or deeply nested value costs
 * no more than a small one.
 */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string | undefined;
  try {
    text = jsonPrefix(value, SHOW_MAX + 1);
  } catch {
    text = undefined; // a BigInt: the type is all that can be said safely
  }
  text ??= typeof value;
  return text.length > SHOW_MAX ? `${text.slice(0, SHOW_MAX - 3)}...` : text;
}

/** Thrown (one shared instance, no stack to capture each time) when enough text is written. */
const ENOUGH = new Error('enough');

/**
 * JSON.stringify(value) when it is shorter than `limit`, else a prefix of it at least `limit` long
 * (undefined where JSON.stringify gives undefined). Each level of nesting writes a character
 * before descending, so the walk stops after at most `limit` levels (cycles included).
 */
function jsonPrefix(value: unknown, limit: number): string | undefined {
  let out = '';
  const emit = (text: string): void => {
    out += text;
    if (out.length >= limit) throw ENOUGH;
  };
  const skipped = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';
  const write = (raw: unknown): void => {
    const v = toJsonValue(raw);
    if (typeof v === 'string') emit(JSON.stringify(v.length > limit ? v.slice(0, limit) : v));
    else if (typeof v === 'number') emit(Number.isFinite(v) ? String(v) : 'null');
    else if (typeof v === 'boolean') emit(String(v));
    else if (typeof v === 'bigint') throw new TypeError('BigInt');
    else if (v === null || skipped(v)) emit('null');
    else if (Array.isArray(v)) {
      emit('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) emit(',');
        write(v[i]);
      }
      emit(']');
    } else {
      emit('{');
      let first = true;
      for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
        if (skipped(toJsonValue(item))) continue;
        emit(`${first ? '' : ','}${JSON.stringify(key)}:`);
        first = false;
        write(item);
      }
      emit('}');
    }
  };
  if (skipped(toJsonValue(value))) return undefined;
  try {
    write(value);
  } catch (e: unknown) {
    if (e !== ENOUGH) throw e;
  }
  return out;
}

/** What JSON.stringify writes for a value: its toJSON() result, boxed primitives unboxed. */
function toJsonValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') return (withToJson.toJSON as () => unknown).call(value);
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf();
  return value;
}

/**
 * A field name for a message: as it is when it looks like one, else quoted and cut short (a
 * hostile key of a megabyte stays a short message).
 */
export function fieldKey(key: string): string {
  return /^[A-Za-z0-9_$-]{1,64}$/.test(key) ? key : show(key);
}

/** How many problems a message lists before it only counts the rest. */
export const MAX_PROBLEMS = 20;
/** The line that stands for problems left out; its count carries over when lists are combined. */
const MORE_LINE = /^\.\.\. and (\d+) more$/;

/**
 * Collects problems without ever holding more than MAX_PROBLEMS of them: the first ones are kept,
 * the rest counted ("... and N more"). A hostile value (100,000 bad targets, an object with a
 * million keys) costs a count, not a list, and no spread of a huge array.
 */
export class Problems {
  private readonly kept: string[] = [];
  private more = 0;

  constructor(private readonly max = MAX_PROBLEMS) {}

  add(problem: string): void {
    const counted = MORE_LINE.exec(problem);
    if (counted) this.more += Number(counted[1]);
    else if (this.kept.length < this.max) this.kept.push(problem);
    else this.more++;
  }

  addAll(problems: Iterable<string>): void {
    for (const problem of problems) this.add(problem);
  }

  get count(): number {
    return this.kept.length + this.more;
  }

  list(): string[] {
    return this.more > 0 ? [...this.kept, `... and ${this.more} more`] : [...this.kept];
  }
}

/** The first `max` problems, then "... and N more" (counting any such line already in the list). */
export function boundProblems(problems: Iterable<string>, max = MAX_PROBLEMS): string[] {
  const bounded = new Problems(max);
  bounded.addAll(problems);
  return bounded.list();
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkRetention(value: unknown, field: string): string[] {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    return [`${field} must be an integer >= 1, got ${show(value)}`];
  }
  if (value > MAX_RETENTION_DAYS) {
    return [`${field} must be at most ${MAX_RETENTION_DAYS} (Atlas stores it as a 32-bit integer), got ${show(value)}`];
  }
  return [];
}

/**
 * Any IANA time zone the runtime knows (Asia/Kolkata, Europe/Kyiv, Etc/UTC, UTC), spelt as the tz
 * database spells it. Validated with Intl.DateTimeFormat rather than Intl.supportedValuesOf, which
 * lists only canonical (partly legacy) names.
 */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || !TIME_ZONE_NAME.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function checkTimeZone(value: unknown, field: string): string[] {
  return isTimeZone(value)
    ? []
    : [`${field} must be an IANA time zone such as Europe/Paris, Asia/Kolkata or UTC, got ${show(value)}`];
}

/**
 * `{ "weeks", "months", "years", "timezone"? }` (docs/promotion.md): each count an integer from 0 to
 * MAX_PROMOTION_COUNT, at least one above 0; `timezone` an IANA zone (default UTC).
 */
export function checkPromotion(value: unknown, field: string): string[] {
  const shape = '{ "weeks": <n>, "months": <n>, "years": <n>, "timezone"?: "<IANA zone>" }';
  if (!isPlainObject(value)) return [`${field} must be an object ${shape}, got ${show(value)}`];
  const problems = new Problems();
  for (const key of Object.keys(value)) {
    if (!PROMOTION_FIELDS.includes(key)) {
      problems.add(`${field}.${fieldKey(key)} is not a known field (allowed: ${PROMOTION_FIELDS.join(', ')})`);
    }
  }
  for (const level of ['weeks', 'months', 'years'] as const) {
    const count = value[level] ?? 0;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > MAX_PROMOTION_COUNT) {
      problems.add(`${field}.${level} must be an integer from 0 to ${MAX_PROMOTION_COUNT}, got ${show(value[level])}`);
    }
  }
  if (problems.count === 0 && [value.weeks, value.months, value.years].every((n) => (n ?? 0) === 0)) {
    problems.add(`${field} must keep at least one of weeks, months, years above 0, got ${show(value)}`);
  }
  if (value.timezone !== undefined) problems.addAll(checkTimeZone(value.timezone, `${field}.timezone`));
  return problems.list();
}

/** A validated promotion with its defaults applied (call after checkPromotion found no problem). */
export function toPromotion(value: Record<string, unknown>): Promotion {
  const count = (n: unknown): number => (typeof n === 'number' ? n : 0);
  return {
    weeks: count(value.weeks),
    months: count(value.months),
    years: count(value.years),
    timezone: typeof value.timezone === 'string' ? value.timezone : 'UTC',
  };
}

export function checkDescription(value: unknown, field: string): string[] {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > MAX_DESCRIPTION_LENGTH) {
    return [`${field} must be a non-empty string of at most ${MAX_DESCRIPTION_LENGTH} characters, got ${show(value)}`];
  }
  return [];
}

export function checkTarget(value: unknown, field: string): string[] {
  if (!isPlainObject(value)) {
    return [
      `${field} must be an object { "projectId": "<24 hex>" | "*", "clusterName": "<name>" | "*", "tags"?: { ... } }, got ${show(value)}`,
    ];
  }
  const problems = new Problems();
  for (const key of Object.keys(value)) {
    if (!TARGET_FIELDS.includes(key)) {
      problems.add(`${field}.${fieldKey(key)} is not a known field (allowed: ${TARGET_FIELDS.join(', ')})`);
    }
  }
  const { projectId, clusterName, tags } = value;
  if (typeof projectId !== 'string' || (projectId !== ALL_PROJECTS && !PROJECT_ID_PATTERN.test(projectId))) {
    problems.add(
      `${field}.projectId must be 24 lowercase hex characters (^[a-f0-9]{24}$) or "*" (every project), got ${show(projectId)}`,
    );
  }
  if (
    typeof clusterName !== 'string' ||
    (clusterName !== ALL_CLUSTERS &&
      (!CLUSTER_NAME_PATTERN.test(clusterName) || clusterName.length > MAX_CLUSTER_NAME_LENGTH))
  ) {
    problems.add(
      `${field}.clusterName must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most ${MAX_CLUSTER_NAME_LENGTH} characters) or be "*", got ${show(clusterName)}`,
    );
  } else if (projectId === ALL_PROJECTS && clusterName !== ALL_CLUSTERS) {
    problems.add(
      `${field}.clusterName must be "*" when projectId is "*" (a selector over every project), got ${show(clusterName)}`,
    );
  }
  if (tags !== undefined) problems.addAll(checkTags(tags, clusterName, `${field}.tags`));
  return problems.list();
}

function checkTags(tags: unknown, clusterName: unknown, field: string): string[] {
  const shape = `an object of 1 to ${MAX_SELECTOR_TAGS} "<key>": "<value>" pairs (1-${MAX_TAG_LENGTH} characters each)`;
  if (!isPlainObject(tags)) return [`${field} must be ${shape}, got ${show(tags)}`];
  const entries = Object.entries(tags);
  const problems = new Problems();
  if (entries.length === 0 || entries.length > MAX_SELECTOR_TAGS)
    problems.add(`${field} must be ${shape}, got ${show(tags)}`);
  for (const [key, tagValue] of entries) {
    if (key.length === 0 || key.length > MAX_TAG_LENGTH) {
      problems.add(`${field} has a key of ${key.length} characters (allowed: 1-${MAX_TAG_LENGTH}): ${show(key)}`);
    }
    if (typeof tagValue !== 'string' || tagValue.length === 0 || tagValue.length > MAX_TAG_LENGTH) {
      problems.add(
        `${field}.${fieldKey(key)} must be a string of 1-${MAX_TAG_LENGTH} characters, got ${show(tagValue)}`,
      );
    }
  }
  if (clusterName !== ALL_CLUSTERS) {
    problems.add(
      `${field} applies only with "clusterName": "*" (a cluster named explicitly is backed up whatever its tags), got clusterName ${show(clusterName)}`,
    );
  }
  return problems.list();
}

/** The identity of a target for duplicate detection: project, cluster and the tags in key order. */
export function targetKey(target: Target): string {
  const tags = target.tags
    ? Object.entries(target.tags)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
    : '';
  return tags ? `${target.projectId}/${target.clusterName}[${tags}]` : `${target.projectId}/${target.clusterName}`;
}

/** A non-empty list of valid targets without duplicates. */
export function checkTargets(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    return [`${field} must be a non-empty array of { "projectId", "clusterName", "tags"? }, got ${show(value)}`];
  }
  const problems = new Problems();
  value.forEach((t, i) => problems.addAll(checkTarget(t, `${field}[${i}]`)));
  if (problems.count > 0) return problems.list();
  const seen = new Set<string>();
  (value as Target[]).forEach((t, i) => {
    const key = targetKey(t);
    if (seen.has(key)) problems.add(`${field}[${i}] repeats ${key}`);
    seen.add(key);
  });
  return problems.list();
}

/** `https://` anywhere, `http://` only to a loopback host (local simulator). */
export function checkBaseUrl(value: unknown, field: string): string[] {
  if (typeof value !== 'string') return [`${field} must be a URL string, got ${show(value)}`];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [`${field} must be an absolute URL such as https://cloud.mongodb.com, got ${show(value)}`];
  }
  if (url.username || url.password) return [`${field} must not contain credentials`];
  if (url.search || url.hash) return [`${field} must not contain a query or fragment, got ${show(value)}`];
  if (url.protocol === 'https:') return [];
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return [];
  return [`${field} must use https:// (http:// is allowed only for a loopback host), got ${show(value)}`];
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
