/**
 * The function's environment (DESIGN.md section 2), read and validated once at cold start.
 * A bad environment does not crash the container: the handler reports INVALID_CONFIG on every
 * invocation instead, so the problem reaches the topic rather than only the logs.
 */
import { DEFAULT_CONCURRENCY, DEFAULT_SECRET_TTL_SECONDS, ENV } from './contract';
import type { Target } from './types';
import { checkBaseUrl, checkDescription, checkRetention, checkTargets, show } from './validation';

export interface FunctionConfig {
  secretId: string;
  topicArn: string;
  targets: Target[];
  retentionInDays: number;
  description: string;
  /** Absent when not configured: the secret's own BaseUrl (CloudFormation profile) or the default applies. */
  baseUrl?: string;
  concurrency: number;
  secretTtlMs: number;
}

export type ConfigResult = { ok: true; config: FunctionConfig } | { ok: false; problems: string[]; topicArn?: string };

type Env = Record<string, string | undefined>;

export function readFunctionConfig(env: Env): ConfigResult {
  const problems: string[] = [];
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} must be set`);
    return value ?? '';
  };

  const secretId = required(ENV.secretId);
  const topicArn = required(ENV.topicArn);
  if (topicArn && !/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}$/.test(topicArn)) {
    problems.push(`${ENV.topicArn} must be an SNS topic ARN, got ${show(topicArn)}`);
  }

  const targets = parseJson(required(ENV.targets), ENV.targets, problems);
  if (targets !== undefined) problems.push(...checkTargets(targets, ENV.targets));

  const retentionInDays = parseInteger(required(ENV.retentionDays), ENV.retentionDays, problems);
  const description = required(ENV.description);
  if (description) problems.push(...checkDescription(description, ENV.description));

  const baseUrl = env[ENV.baseUrl]?.trim() || undefined;
  if (baseUrl !== undefined) problems.push(...checkBaseUrl(baseUrl, ENV.baseUrl));

  const concurrency = optionalInteger(env[ENV.concurrency], ENV.concurrency, DEFAULT_CONCURRENCY, 1, 64, problems);
  const ttlSeconds = optionalInteger(
    env[ENV.secretTtlSeconds],
    ENV.secretTtlSeconds,
    DEFAULT_SECRET_TTL_SECONDS,
    0,
    3600,
    problems,
  );

  if (problems.length > 0) return { ok: false, problems, ...(topicArn ? { topicArn } : {}) };
  return {
    ok: true,
    config: {
      secretId,
      topicArn,
      targets: targets as Target[],
      retentionInDays: retentionInDays as number,
      description,
      ...(baseUrl !== undefined ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
      concurrency,
      secretTtlMs: ttlSeconds * 1000,
    },
  };
}

function parseJson(text: string, name: string, problems: string[]): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    problems.push(`${name} must be JSON (an array of { "projectId", "clusterName" }), got ${show(text)}`);
    return undefined;
  }
}

function parseInteger(text: string, name: string, problems: string[]): number | undefined {
  if (!text) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  const found = checkRetention(value, name);
  if (found.length > 0) {
    problems.push(`${name} must be an integer >= 1, got ${show(text)}`);
    return undefined;
  }
  return value;
}

function optionalInteger(
  text: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}, got ${show(text)}`);
    return fallback;
  }
  return value;
}
