/**
 * The function's environment (docs/design.md, "Function environment"), read and validated once at
 * cold start; the targets file too (ATLAS_TARGETS_FILE, relative to the code root). A bad
 * environment does not crash the container: the handler reports INVALID_CONFIG on every
 * invocation instead, so the problem reaches the topic rather than only the logs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_FIRST_CHECK_MINUTES,
  DEFAULT_MAX_HOURS,
  DEFAULT_SECRET_TTL_SECONDS,
  ENV,
} from './contract';
import { describeError } from './errors';
import type { Promotion, Target } from './types';
import {
  Problems,
  checkBaseUrl,
  checkDescription,
  checkPromotion,
  checkTargets,
  isPlainObject,
  MAX_RETENTION_DAYS,
  show,
  toPromotion,
} from './validation';

/** Completion confirmation (docs/design.md, "Completion confirmation"): on when the group is set. */
export interface ConfirmationConfig {
  /** EventBridge Scheduler group of the follow-up schedules. */
  scheduleGroup: string;
  /** The role EventBridge Scheduler assumes to invoke the function. */
  roleArn: string;
  firstCheckMinutes: number;
  maxHours: number;
  /** Dead-letter queue of the follow-up schedules. */
  deadLetterArn?: string;
}

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
  /** Absent = confirmation off. */
  confirmation?: ConfirmationConfig;
  /** The default promotion of a run (docs/promotion.md); absent = off. */
  promotion?: Promotion;
  /** The run summary message (default true). */
  summaryEnabled: boolean;
  /** Topic for chat channels (Amazon Q Developer custom notifications). */
  chatTopicArn?: string;
}

export type ConfigResult = { ok: true; config: FunctionConfig } | { ok: false; problems: string[]; topicArn?: string };

export interface ConfigOptions {
  /** Where ATLAS_TARGETS_FILE is relative to: LAMBDA_TASK_ROOT, else the directory of the running bundle. */
  codeRoot?: string;
  readFile?: (path: string) => string;
}

type Env = Record<string, string | undefined>;

const SNS_TOPIC_ARN = /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}$/;
const SQS_QUEUE_ARN = /^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w-]{1,80}(\.fifo)?$/;
const IAM_ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** EventBridge Scheduler schedule group names. */
const SCHEDULE_GROUP_NAME = /^[0-9a-zA-Z._-]{1,64}$/;
const TARGETS_SHAPE = 'an array of { "projectId", "clusterName", "tags"? }';

export function readFunctionConfig(env: Env, options: ConfigOptions = {}): ConfigResult {
  const problems = new Problems();
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.add(`${name} must be set`);
    return value ?? '';
  };

  const secretId = required(ENV.secretId);
  const topicArn = required(ENV.topicArn);
  if (topicArn && !SNS_TOPIC_ARN.test(topicArn)) {
    problems.add(`${ENV.topicArn} must be an SNS topic ARN, got ${show(topicArn)}`);
  }
  const targets = readTargets(env, options, problems);
  const retentionInDays = parseRetention(required(ENV.retentionDays), ENV.retentionDays, problems);
  const description = required(ENV.description);
  if (description) problems.addAll(checkDescription(description, ENV.description));

  const baseUrl = optional(env, ENV.baseUrl);
  if (baseUrl !== undefined) problems.addAll(checkBaseUrl(baseUrl, ENV.baseUrl));
  const concurrency = optionalInteger(env, ENV.concurrency, DEFAULT_CONCURRENCY, 1, 64, problems);
  const ttlSeconds = optionalInteger(env, ENV.secretTtlSeconds, DEFAULT_SECRET_TTL_SECONDS, 0, 3600, problems);
  const confirmation = readConfirmation(env, problems);
  const promotion = readPromotion(env, problems);
  const summaryEnabled = readBoolean(env, ENV.summaryEnabled, true, problems);
  const chatTopicArn = optional(env, ENV.chatTopicArn);
  if (chatTopicArn !== undefined && !SNS_TOPIC_ARN.test(chatTopicArn)) {
    problems.add(`${ENV.chatTopicArn} must be an SNS topic ARN, got ${show(chatTopicArn)}`);
  }

  if (problems.count > 0) return { ok: false, problems: problems.list(), ...(topicArn ? { topicArn } : {}) };
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
      ...(confirmation !== undefined ? { confirmation } : {}),
      ...(promotion !== undefined ? { promotion } : {}),
      summaryEnabled,
      ...(chatTopicArn !== undefined ? { chatTopicArn } : {}),
    },
  };
}

function optional(env: Env, name: string): string | undefined {
  return env[name]?.trim() || undefined;
}

/** ATLAS_TARGETS, or the JSON file ATLAS_TARGETS_FILE names (exactly one of them), checked the same way. */
function readTargets(env: Env, options: ConfigOptions, problems: Problems): unknown {
  const inline = optional(env, ENV.targets);
  const file = optional(env, ENV.targetsFile);
  if (inline !== undefined && file !== undefined) {
    problems.add(`${ENV.targets} and ${ENV.targetsFile} are both set: set one of them`);
    return undefined;
  }
  if (file === undefined) {
    if (inline === undefined) problems.add(`${ENV.targets} must be set (or ${ENV.targetsFile})`);
    return checkedTargets(inline, ENV.targets, problems);
  }
  const root = options.codeRoot ?? optional(env, 'LAMBDA_TASK_ROOT') ?? bundleDirectory();
  const path = resolve(root, file);
  let text: string;
  try {
    text = (options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(path);
  } catch (e: unknown) {
    problems.add(`${ENV.targetsFile} names ${show(path)}, which cannot be read (${fileErrorOf(e)})`);
    return undefined;
  }
  return checkedTargets(text.trim(), ENV.targetsFile, problems);
}

function checkedTargets(text: string | undefined, name: string, problems: Problems): unknown {
  if (!text) return undefined;
  let targets: unknown;
  try {
    targets = JSON.parse(text) as unknown;
  } catch {
    problems.add(`${name} must be JSON (${TARGETS_SHAPE}), got ${show(text)}`);
    return undefined;
  }
  problems.addAll(checkTargets(targets, name));
  return targets;
}

/** The file system's code for a failed read (ENOENT, EACCES, ...), else the error's message. */
function fileErrorOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : describeError(e);
}

/** The directory of the running bundle (CommonJS, as the stack bundles the function). */
function bundleDirectory(): string {
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

function parseRetention(text: string, name: string, problems: Problems): number | undefined {
  if (!text) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1)) {
    problems.add(`${name} must be an integer >= 1, got ${show(text)}`);
    return undefined;
  }
  if (value > MAX_RETENTION_DAYS) {
    problems.add(
      `${name} must be at most ${MAX_RETENTION_DAYS} (Atlas stores it as a 32-bit integer), got ${show(text)}`,
    );
    return undefined;
  }
  return value;
}

function optionalInteger(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: Problems,
): number {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    problems.add(`${name} must be an integer from ${min} to ${max}, got ${show(env[name])}`);
    return fallback;
  }
  return value;
}

function readBoolean(env: Env, name: string, fallback: boolean, problems: Problems): boolean {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  if (text === 'true' || text === 'false') return text === 'true';
  problems.add(`${name} must be true or false, got ${show(env[name])}`);
  return fallback;
}

/** CONFIRM_SCHEDULE_GROUP turns confirmation on; the role is then required, the rest optional. */
function readConfirmation(env: Env, problems: Problems): ConfirmationConfig | undefined {
  const scheduleGroup = optional(env, ENV.confirmScheduleGroup);
  if (scheduleGroup === undefined) return undefined;
  const before = problems.count;
  if (!SCHEDULE_GROUP_NAME.test(scheduleGroup)) {
    problems.add(
      `${ENV.confirmScheduleGroup} must be an EventBridge Scheduler group name ([0-9a-zA-Z._-], at most 64), got ${show(scheduleGroup)}`,
    );
  }
  const roleArn = optional(env, ENV.confirmRoleArn);
  if (roleArn === undefined) {
    problems.add(`${ENV.confirmRoleArn} must be set when ${ENV.confirmScheduleGroup} is (the role the schedules use)`);
  } else if (!IAM_ROLE_ARN.test(roleArn)) {
    problems.add(`${ENV.confirmRoleArn} must be an IAM role ARN, got ${show(roleArn)}`);
  }
  const firstCheckMinutes = optionalInteger(
    env,
    ENV.confirmFirstCheckMinutes,
    DEFAULT_FIRST_CHECK_MINUTES,
    1,
    60,
    problems,
  );
  const maxHours = optionalInteger(env, ENV.confirmMaxHours, DEFAULT_MAX_HOURS, 1, 48, problems);
  const deadLetterArn = optional(env, ENV.confirmDeadLetterArn);
  if (deadLetterArn !== undefined && !SQS_QUEUE_ARN.test(deadLetterArn)) {
    problems.add(`${ENV.confirmDeadLetterArn} must be an SQS queue ARN, got ${show(deadLetterArn)}`);
  }
  if (problems.count > before || roleArn === undefined) return undefined;
  return {
    scheduleGroup,
    roleArn,
    firstCheckMinutes,
    maxHours,
    ...(deadLetterArn !== undefined ? { deadLetterArn } : {}),
  };
}

function readPromotion(env: Env, problems: Problems): Promotion | undefined {
  const text = optional(env, ENV.promotion);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    problems.add(
      `${ENV.promotion} must be JSON such as {"weeks":8,"months":12,"years":0,"timezone":"UTC"}, got ${show(text)}`,
    );
    return undefined;
  }
  const found = checkPromotion(value, ENV.promotion);
  problems.addAll(found);
  return found.length === 0 && isPlainObject(value) ? toPromotion(value) : undefined;
}
