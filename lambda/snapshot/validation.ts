/**
 * Validation rules shared by the CDK app (deploy time, lib/config) and the function (cold start and
 * event). Pure functions: each returns a list of problems naming the field, the value and what is
 * allowed; an empty list means valid. docs/configuration.md documents the rules.
 */
import type { Promotion, Target } from './types';

export const PROJECT_ID_PATTERN = /^[a-f0-9]{24}$/;
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

/** Short JSON rendering of a value for an error message (never used for secrets). */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value; // a cycle or a BigInt: the type is all that can be said safely
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
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
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (!PROMOTION_FIELDS.includes(key)) {
      problems.push(`${field}.${key} is not a known field (allowed: ${PROMOTION_FIELDS.join(', ')})`);
    }
  }
  for (const level of ['weeks', 'months', 'years'] as const) {
    const count = value[level] ?? 0;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > MAX_PROMOTION_COUNT) {
      problems.push(`${field}.${level} must be an integer from 0 to ${MAX_PROMOTION_COUNT}, got ${show(value[level])}`);
    }
  }
  if (problems.length === 0 && [value.weeks, value.months, value.years].every((n) => (n ?? 0) === 0)) {
    problems.push(`${field} must keep at least one of weeks, months, years above 0, got ${show(value)}`);
  }
  if (value.timezone !== undefined) problems.push(...checkTimeZone(value.timezone, `${field}.timezone`));
  return problems;
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
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (!TARGET_FIELDS.includes(key)) {
      problems.push(`${field}.${key} is not a known field (allowed: ${TARGET_FIELDS.join(', ')})`);
    }
  }
  const { projectId, clusterName, tags } = value;
  if (typeof projectId !== 'string' || (projectId !== ALL_PROJECTS && !PROJECT_ID_PATTERN.test(projectId))) {
    problems.push(
      `${field}.projectId must be 24 lowercase hex characters (^[a-f0-9]{24}$) or "*" (every project), got ${show(projectId)}`,
    );
  }
  if (
    typeof clusterName !== 'string' ||
    (clusterName !== ALL_CLUSTERS &&
      (!CLUSTER_NAME_PATTERN.test(clusterName) || clusterName.length > MAX_CLUSTER_NAME_LENGTH))
  ) {
    problems.push(
      `${field}.clusterName must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most ${MAX_CLUSTER_NAME_LENGTH} characters) or be "*", got ${show(clusterName)}`,
    );
  } else if (projectId === ALL_PROJECTS && clusterName !== ALL_CLUSTERS) {
    problems.push(
      `${field}.clusterName must be "*" when projectId is "*" (a selector over every project), got ${show(clusterName)}`,
    );
  }
  if (tags !== undefined) problems.push(...checkTags(tags, clusterName, `${field}.tags`));
  return problems;
}

function checkTags(tags: unknown, clusterName: unknown, field: string): string[] {
  const shape = `an object of 1 to ${MAX_SELECTOR_TAGS} "<key>": "<value>" pairs (1-${MAX_TAG_LENGTH} characters each)`;
  if (!isPlainObject(tags)) return [`${field} must be ${shape}, got ${show(tags)}`];
  const entries = Object.entries(tags);
  const problems: string[] = [];
  if (entries.length === 0 || entries.length > MAX_SELECTOR_TAGS)
    problems.push(`${field} must be ${shape}, got ${show(tags)}`);
  for (const [key, tagValue] of entries) {
    if (key.length === 0 || key.length > MAX_TAG_LENGTH) {
      problems.push(`${field} has a key of ${key.length} characters (allowed: 1-${MAX_TAG_LENGTH}): ${show(key)}`);
    }
    if (typeof tagValue !== 'string' || tagValue.length === 0 || tagValue.length > MAX_TAG_LENGTH) {
      problems.push(`${field}.${key} must be a string of 1-${MAX_TAG_LENGTH} characters, got ${show(tagValue)}`);
    }
  }
  if (clusterName !== ALL_CLUSTERS) {
    problems.push(
      `${field} applies only with "clusterName": "*" (a cluster named explicitly is backed up whatever its tags), got clusterName ${show(clusterName)}`,
    );
  }
  return problems;
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
  const problems = value.flatMap((t, i) => checkTarget(t, `${field}[${i}]`));
  if (problems.length > 0) return problems;
  const seen = new Set<string>();
  (value as Target[]).forEach((t, i) => {
    const key = targetKey(t);
    if (seen.has(key)) problems.push(`${field}[${i}] repeats ${key}`);
    seen.add(key);
  });
  return problems;
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
