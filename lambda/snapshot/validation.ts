/**
 * Validation rules shared by the CDK app (deploy time, lib/config.ts) and the function
 * (cold start and event). Pure functions: each returns a list of problems naming the field,
 * the value and what is allowed; an empty list means valid.
 */
import type { Target } from './types';

export const PROJECT_ID_PATTERN = /^[a-f0-9]{24}$/;
export const CLUSTER_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9-]*$/;
export const ALL_CLUSTERS = '*';
export const MAX_CLUSTER_NAME_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 1000;

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
  return [];
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
      `${field} must be an object { "projectId": "<24 hex>", "clusterName": "<name>" | "*" }, got ${show(value)}`,
    ];
  }
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'projectId' && key !== 'clusterName') {
      problems.push(`${field}.${key} is not a known field (allowed: projectId, clusterName)`);
    }
  }
  const { projectId, clusterName } = value;
  if (typeof projectId !== 'string' || !PROJECT_ID_PATTERN.test(projectId)) {
    problems.push(`${field}.projectId must be 24 lowercase hex characters (^[a-f0-9]{24}$), got ${show(projectId)}`);
  }
  if (
    typeof clusterName !== 'string' ||
    (clusterName !== ALL_CLUSTERS &&
      (!CLUSTER_NAME_PATTERN.test(clusterName) || clusterName.length > MAX_CLUSTER_NAME_LENGTH))
  ) {
    problems.push(
      `${field}.clusterName must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most ${MAX_CLUSTER_NAME_LENGTH} characters) or be "*", got ${show(clusterName)}`,
    );
  }
  return problems;
}

/** A non-empty list of valid targets without duplicates. */
export function checkTargets(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    return [`${field} must be a non-empty array of { "projectId", "clusterName" }, got ${show(value)}`];
  }
  const problems = value.flatMap((t, i) => checkTarget(t, `${field}[${i}]`));
  if (problems.length > 0) return problems;
  const seen = new Set<string>();
  (value as Target[]).forEach((t, i) => {
    const key = `${t.projectId}/${t.clusterName}`;
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
