/**
 * The configuration's schema (docs/configuration.md), in zod: structure, defaults and unknown keys
 * here and in the per-area files, leaf rules in rules.ts, and the rules shared with the function
 * (targets, retention, description, base URL, promotion, time zones) from
 * lambda/snapshot/validation.ts. zod runs only at synth; the function's bundle never imports it.
 *
 * Messages are relative to their field and `formatIssue` names the field by its full path, so one
 * schema serves the CDK context (`atlasSnapshot.targets[2].clusterName ...`) and construct props
 * (`props.targets[2].clusterName ...`).
 */
import { z } from 'zod';
import type { Promotion, Target } from '../../lambda/snapshot/types';
import { checkBaseUrl, checkDescription, checkRetention, isPlainObject, show } from '../../lambda/snapshot/validation';
import { ConfigError } from './config-error';
import { egressSchema } from './egress';
import { emailsSchema } from './emails';
import {
  CONTEXT_KEY,
  DEFAULTS,
  defaultTimeoutSeconds,
  KMS_KEY_ARN,
  LOG_RETENTION_DAYS,
  MAX_ALARM_GRACE_MINUTES,
  MAX_CONCURRENCY,
  MAX_FIRST_CHECK_MINUTES,
  MAX_MAX_HOURS,
  MAX_MEMORY_MB,
  MAX_TIMEOUT_SECONDS,
  MIN_CONCURRENCY,
  MIN_FIRST_CHECK_MINUTES,
  MIN_MAX_HOURS,
  MIN_MEMORY_MB,
  MIN_TIMEOUT_SECONDS,
  STACK_NAME,
  TOPIC_ARN,
} from './limits';
import { checkPromotionOrFalse, checkSecretName, checkTargetList, matches, toPromotionOrFalse } from './rules';
import { schedulesSchema } from './schedules';
import { boolean, checked, formatIssue, integer, strictObject } from './schema-helpers';
import type { AtlasSnapshotConfig, ScheduleConfig, SchedulerConfig } from './types';

const KMS_KEY = 'a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)';
const optionalArn = (pattern: RegExp, allowed: string) => checked<string>(matches(pattern, allowed)).optional();

const confirmationSchema = strictObject(
  {
    enabled: boolean.default(DEFAULTS.confirmation.enabled),
    firstCheckMinutes: integer(MIN_FIRST_CHECK_MINUTES, MAX_FIRST_CHECK_MINUTES).default(
      DEFAULTS.confirmation.firstCheckMinutes,
    ),
    maxHours: integer(MIN_MAX_HOURS, MAX_MAX_HOURS).default(DEFAULTS.confirmation.maxHours),
  },
  (input) => ` must be an object { "enabled"?, "firstCheckMinutes"?, "maxHours"? }, got ${show(input)}`,
);

/**
 * The top-level fields, in the order problems and "allowed" lists name them. Keyed by the input
 * type: a field added to AtlasSnapshotConfig without a schema here does not compile.
 */
const FIELDS = {
  secretName: checked<string>(checkSecretName),
  secretKmsKeyArn: optionalArn(KMS_KEY_ARN, KMS_KEY),
  targets: checked<Target[]>(checkTargetList),
  schedules: schedulesSchema,
  retentionInDays: checked<number>((v) => checkRetention(v, '')).default(DEFAULTS.retentionInDays),
  description: checked<string>((v) => checkDescription(v, '')).default(DEFAULTS.description),
  notificationEmails: emailsSchema.default([]),
  existingTopicArn: optionalArn(TOPIC_ARN, 'a standard SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>)'),
  existingTopicKmsKeyArn: optionalArn(KMS_KEY_ARN, KMS_KEY),
  atlasBaseUrl: checked<string>((v) => checkBaseUrl(v, '')).optional(),
  timeoutSeconds: integer(MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS).optional(),
  logRetentionInDays: z
    .literal(LOG_RETENTION_DAYS, {
      error: (issue) =>
        ` must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention), got ${show(issue.input)}`,
    })
    .default(DEFAULTS.logRetentionInDays),
  alarmGraceMinutes: integer(0, MAX_ALARM_GRACE_MINUTES).default(DEFAULTS.alarmGraceMinutes),
  egress: egressSchema.optional(),
  confirmation: confirmationSchema.default({ ...DEFAULTS.confirmation }),
  promotion: checked<Promotion | false>((v) => checkPromotionOrFalse(v, 'no promotion'))
    .transform(toPromotionOrFalse)
    .optional(),
  summary: boolean.default(DEFAULTS.summary),
  memorySize: integer(MIN_MEMORY_MB, MAX_MEMORY_MB).default(DEFAULTS.memorySize),
  concurrency: integer(MIN_CONCURRENCY, MAX_CONCURRENCY).default(DEFAULTS.concurrency),
  stackName: checked<string>(
    matches(STACK_NAME, 'a CloudFormation stack name (a letter, then up to 127 of A-Z a-z 0-9 -)'),
  ).default(DEFAULTS.stackName),
  chat: boolean.default(DEFAULTS.chat),
} satisfies Record<keyof AtlasSnapshotConfig, z.ZodType>;

/** The names of the top-level fields, in schema order (what "allowed" lists and per-field keys use). */
export const FIELD_NAMES = Object.keys(FIELDS) as Array<keyof AtlasSnapshotConfig>;

const fieldsObject = strictObject(
  FIELDS,
  (input) => ` must be an object { "secretName", "targets", "schedules", ... }, got ${show(input)}`,
);
type Parsed = z.output<typeof fieldsObject>;

/** Rules between fields; they run even when a field has problems of its own. */
function crossFieldRules(value: unknown, prefix: string, ctx: z.RefinementCtx): void {
  if (!isPlainObject(value)) return;
  const { existingTopicArn, existingTopicKmsKeyArn, notificationEmails } = value;
  if (existingTopicKmsKeyArn !== undefined && existingTopicArn === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['existingTopicKmsKeyArn'],
      input: existingTopicKmsKeyArn,
      message: ` applies only with ${prefix}.existingTopicArn, got ${show(existingTopicKmsKeyArn)} without a topic`,
    });
  }
  if (existingTopicArn !== undefined && Array.isArray(notificationEmails) && notificationEmails.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['notificationEmails'],
      input: notificationEmails,
      message:
        ` cannot be combined with ${prefix}.existingTopicArn (the stack creates nothing on a topic it does not own): ` +
        `subscribe ${show(notificationEmails)} where that topic is managed, or remove existingTopicArn`,
    });
  }
}

/** `{ [key]: value }` when the value is present, `{}` otherwise (optional fields are left out, not undefined). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function resolveSchedule(entry: Parsed['schedules'][number]): ScheduleConfig {
  return {
    name: entry.name,
    expression: entry.expression,
    timezone: entry.timezone,
    ...optional('retentionInDays', entry.retentionInDays),
    ...optional('description', entry.description),
    ...optional('promotion', entry.promotion),
  };
}

/** The configuration the stack reads: defaults that depend on other fields applied, absent fields left out. */
function resolve(parsed: Parsed): SchedulerConfig {
  const { confirmation, promotion } = parsed;
  return {
    secretName: parsed.secretName,
    targets: parsed.targets,
    schedules: parsed.schedules.map(resolveSchedule),
    retentionInDays: parsed.retentionInDays,
    description: parsed.description,
    notificationEmails: parsed.notificationEmails,
    timeoutSeconds: parsed.timeoutSeconds ?? defaultTimeoutSeconds(parsed.targets, parsed.concurrency),
    logRetentionInDays: parsed.logRetentionInDays,
    alarmGraceMinutes: parsed.alarmGraceMinutes,
    confirmation: {
      enabled: confirmation.enabled,
      firstCheckMinutes: confirmation.firstCheckMinutes,
      maxHours: confirmation.maxHours,
    },
    summary: parsed.summary,
    memorySize: parsed.memorySize,
    concurrency: parsed.concurrency,
    stackName: parsed.stackName,
    chat: parsed.chat,
    ...optional('secretKmsKeyArn', parsed.secretKmsKeyArn),
    ...optional('existingTopicArn', parsed.existingTopicArn),
    ...optional('existingTopicKmsKeyArn', parsed.existingTopicKmsKeyArn),
    ...optional('atlasBaseUrl', parsed.atlasBaseUrl),
    ...optional('egress', parsed.egress),
    ...optional('promotion', promotion === false ? undefined : promotion),
  };
}

function schemaFor(prefix: string) {
  return fieldsObject
    .superRefine((_value, ctx) => crossFieldRules(ctx.value, prefix, ctx), { when: () => true })
    .transform(resolve);
}

const schemas = new Map<string, ReturnType<typeof schemaFor>>();

export type ConfigCheck = { ok: true; config: SchedulerConfig } | { ok: false; problems: string[] };

/** The resolved configuration, or every problem of `input` (each once, in field order). */
export function checkConfig(input: unknown, fieldPrefix: string): ConfigCheck {
  let schema = schemas.get(fieldPrefix);
  if (schema === undefined) {
    schema = schemaFor(fieldPrefix);
    schemas.set(fieldPrefix, schema);
  }
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: [...new Set(result.error.issues.map((issue) => formatIssue(fieldPrefix, issue)))] };
}

/**
 * Validates a configuration (construct props, or the merged CDK context) and applies its defaults;
 * throws ConfigError naming every problem, each field by its full path under `fieldPrefix`
 * (`atlasSnapshot` for the context, e.g. `props` for a construct).
 */
export function validateConfig(input: unknown, fieldPrefix: string): SchedulerConfig {
  const result = checkConfig(input, fieldPrefix);
  if (!result.ok) {
    throw new ConfigError(result.problems, fieldPrefix === CONTEXT_KEY ? undefined : `${fieldPrefix} configuration`);
  }
  return result.config;
}
