/**
 * Deploy-time configuration (DESIGN.md section 1): the only reader of CDK context.
 *
 * Sources, later ones winning per field:
 *   1. context key `atlasSnapshot`: an object (cdk.json) or a JSON string (`-c atlasSnapshot='{...}'`);
 *   2. per-field keys `atlasSnapshot.<field>` (`-c atlasSnapshot.retentionInDays=14`); values given
 *      as strings are read as integers for integer fields and as JSON for list fields.
 * Every problem names the field, the value and what is allowed; all problems are reported together.
 */
import type { Construct } from 'constructs';
import { DEFAULT_CONCURRENCY } from '../lambda/snapshot/contract';
import type { Status, Target } from '../lambda/snapshot/types';
import {
  ALL_CLUSTERS,
  checkBaseUrl,
  checkDescription,
  checkRetention,
  checkTargets,
  isPlainObject,
  show,
} from '../lambda/snapshot/validation';
import {
  environmentBytes,
  functionEnvironment,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  TOPIC_ARN_RESERVE,
} from './function-environment';
import { parseScheduleExpression } from './schedule-expression';

export const CONTEXT_KEY = 'atlasSnapshot';

export interface ScheduleConfig {
  /** Scheduler-style name, unique in the config; sent to the function as `schedule`. */
  name: string;
  /** EventBridge Scheduler `cron(...)` or `rate(...)` expression. */
  expression: string;
  /** IANA time zone; `UTC` when not configured. */
  timezone: string;
  retentionInDays?: number;
  description?: string;
}

export interface EmailSubscriptionConfig {
  address: string;
  /** Only outcomes with these statuses reach the address (SNS filter policy on `status`). */
  statuses?: Status[];
}

/**
 * Where the function's calls to Atlas come from (Atlas checks the caller's IP against the API access
 * list of the service account or API key). Absent: outside any VPC, on Lambda's shared addresses.
 */
export type EgressConfig = NatEgressConfig | VpcEgressConfig;

/** The stack creates a small VPC whose one NAT gateway has an Elastic IP: the IP to put on the access list. */
export interface NatEgressConfig {
  mode: 'nat';
}

/** The function runs in an existing VPC, named by ids only (no lookups), whose egress the user controls. */
export interface VpcEgressConfig {
  mode: 'vpc';
  vpcId: string;
  /** Private subnets of `vpcId` with a route to the internet through the user's NAT or firewall. */
  subnetIds: string[];
  /** Added to the function's own security group (which allows only outbound HTTPS). */
  securityGroupIds: string[];
}

export interface SchedulerConfig {
  /** Secret name, or its complete ARN. */
  secretName: string;
  /** Customer-managed KMS key that encrypts the secret, when it is not the AWS-managed one. */
  secretKmsKeyArn?: string;
  targets: Target[];
  schedules: ScheduleConfig[];
  retentionInDays: number;
  description: string;
  notificationEmails: EmailSubscriptionConfig[];
  existingTopicArn?: string;
  /** Customer-managed KMS key of `existingTopicArn`, when that topic is encrypted with one. */
  existingTopicKmsKeyArn?: string;
  atlasBaseUrl?: string;
  timeoutSeconds: number;
  logRetentionInDays: number;
  /** Added to the longest gap between runs (with the timeout) before the missed-snapshot alarm fires. */
  alarmGraceMinutes: number;
  /** Absent: no VPC (today's behaviour). */
  egress?: EgressConfig;
}

export const DEFAULTS = {
  retentionInDays: 7,
  description: 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)',
  timezone: 'UTC',
  logRetentionInDays: 90,
  alarmGraceMinutes: 30,
} as const;

export const MIN_TIMEOUT_SECONDS = 30;
export const MAX_TIMEOUT_SECONDS = 900;
export const MAX_ALARM_GRACE_MINUTES = 1440;
/** CloudWatch Logs retention values (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export const STATUSES: readonly Status[] = ['SUCCESS', 'SKIPPED', 'ERROR'];

type FieldKind = 'string' | 'integer' | 'json';
const FIELDS: Record<string, FieldKind> = {
  secretName: 'string',
  secretKmsKeyArn: 'string',
  targets: 'json',
  schedules: 'json',
  retentionInDays: 'integer',
  description: 'string',
  notificationEmails: 'json',
  existingTopicArn: 'string',
  existingTopicKmsKeyArn: 'string',
  atlasBaseUrl: 'string',
  timeoutSeconds: 'integer',
  logRetentionInDays: 'integer',
  alarmGraceMinutes: 'integer',
  egress: 'json',
};
const SCHEDULE_FIELDS = ['name', 'expression', 'timezone', 'retentionInDays', 'description'];
const EGRESS_FIELDS = { nat: ['mode'], vpc: ['mode', 'vpcId', 'subnetIds', 'securityGroupIds'] } as const;
const EGRESS_SHAPE = '{ "mode": "nat" } or { "mode": "vpc", "vpcId", "subnetIds", "securityGroupIds"? }';
/** Lambda's limits on a function's VPC configuration. */
export const MAX_SUBNETS = 16;
export const MAX_SECURITY_GROUPS = 5;
/** EC2 resource ids: the prefix and 8 (older resources) or 17 lowercase hexadecimal characters. */
const ec2Id = (prefix: string): RegExp => new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);
const VPC_ID = ec2Id('vpc');
const SUBNET_ID = ec2Id('subnet');
const SECURITY_GROUP_ID = ec2Id('sg');
const EMAIL_FIELDS = ['address', 'statuses'];

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const KMS_KEY_ARN =
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const SCHEDULE_NAME = /^[0-9a-zA-Z._-]{1,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const TIME_ZONES = new Set<string>([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid ${CONTEXT_KEY} configuration (cdk.json context or -c):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration from the construct tree's context. */
export function loadConfig(scope: Construct): SchedulerConfig {
  return parseConfig(scope.node.getAllContext() as Record<string, unknown>);
}

/** Validates the configuration from a context map; throws `ConfigError` listing every problem. */
export function parseConfig(context: Record<string, unknown>): SchedulerConfig {
  const problems: string[] = [];
  const raw = mergeContext(context, problems);
  const config = raw === undefined ? undefined : validate(raw, problems);
  if (problems.length > 0 || config === undefined) throw new ConfigError(problems);
  return config;
}

function mergeContext(context: Record<string, unknown>, problems: string[]): Record<string, unknown> | undefined {
  let base: unknown = context[CONTEXT_KEY] ?? {};
  if (typeof base === 'string') {
    try {
      base = JSON.parse(base) as unknown;
    } catch {
      problems.push(`${CONTEXT_KEY} given as a string must be a JSON object, got ${show(base)}`);
      return undefined;
    }
  }
  if (!isPlainObject(base)) {
    problems.push(`${CONTEXT_KEY} must be an object (cdk.json) or a JSON object string (-c), got ${show(base)}`);
    return undefined;
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(context)) {
    if (!key.startsWith(`${CONTEXT_KEY}.`)) continue;
    const field = key.slice(CONTEXT_KEY.length + 1);
    const kind = FIELDS[field];
    if (kind === undefined) {
      problems.push(`${key} is not a known field (allowed: ${Object.keys(FIELDS).join(', ')})`);
      continue;
    }
    if (typeof value !== 'string' || kind === 'string') {
      merged[field] = value;
    } else if (kind === 'integer') {
      merged[field] = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
    } else {
      try {
        merged[field] = JSON.parse(value) as unknown;
      } catch {
        problems.push(`${key} must be JSON when given with -c, got ${show(value)}`);
      }
    }
  }
  return merged;
}

function validate(raw: Record<string, unknown>, problems: string[]): SchedulerConfig | undefined {
  const f = (name: string): string => `${CONTEXT_KEY}.${name}`;
  const start = problems.length;

  for (const key of Object.keys(raw)) {
    if (!(key in FIELDS)) problems.push(`${f(key)} is not a known field (allowed: ${Object.keys(FIELDS).join(', ')})`);
  }

  const secretName = raw.secretName;
  if (
    typeof secretName !== 'string' ||
    (secretName.startsWith('arn:') ? !SECRET_ARN.test(secretName) : !SECRET_NAME.test(secretName))
  ) {
    problems.push(
      `${f('secretName')} must be the name of a Secrets Manager secret (1-512 of A-Z a-z 0-9 / _ + = . @ -) ` +
        `or its complete ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), got ${show(secretName)}`,
    );
  }

  problems.push(...checkTargets(raw.targets, f('targets')));
  const schedules = validateSchedules(raw.schedules, f('schedules'), problems);

  const retentionInDays = raw.retentionInDays ?? DEFAULTS.retentionInDays;
  problems.push(...checkRetention(retentionInDays, f('retentionInDays')));
  const description = raw.description ?? DEFAULTS.description;
  problems.push(...checkDescription(description, f('description')));

  const notificationEmails = validateEmails(raw.notificationEmails ?? [], f('notificationEmails'), problems);

  optionalPattern(
    raw.existingTopicArn,
    f('existingTopicArn'),
    TOPIC_ARN,
    'a standard SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>)',
    problems,
  );
  optionalPattern(
    raw.existingTopicKmsKeyArn,
    f('existingTopicKmsKeyArn'),
    KMS_KEY_ARN,
    'a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)',
    problems,
  );
  optionalPattern(
    raw.secretKmsKeyArn,
    f('secretKmsKeyArn'),
    KMS_KEY_ARN,
    'a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)',
    problems,
  );
  if (raw.existingTopicKmsKeyArn !== undefined && raw.existingTopicArn === undefined) {
    problems.push(
      `${f('existingTopicKmsKeyArn')} applies only with ${f('existingTopicArn')}, got ${show(raw.existingTopicKmsKeyArn)} without a topic`,
    );
  }
  if (
    raw.existingTopicArn !== undefined &&
    Array.isArray(raw.notificationEmails) &&
    raw.notificationEmails.length > 0
  ) {
    problems.push(
      `${f('notificationEmails')} cannot be combined with ${f('existingTopicArn')} (the stack creates nothing on a topic it does not own): ` +
        `subscribe ${show(raw.notificationEmails)} where that topic is managed, or remove existingTopicArn`,
    );
  }
  if (raw.atlasBaseUrl !== undefined) problems.push(...checkBaseUrl(raw.atlasBaseUrl, f('atlasBaseUrl')));

  const timeoutSeconds =
    raw.timeoutSeconds ?? defaultTimeoutSeconds(Array.isArray(raw.targets) ? (raw.targets as Target[]) : []);
  integerInRange(timeoutSeconds, f('timeoutSeconds'), MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, problems);
  const logRetentionInDays = raw.logRetentionInDays ?? DEFAULTS.logRetentionInDays;
  if (!(LOG_RETENTION_DAYS as readonly unknown[]).includes(logRetentionInDays)) {
    problems.push(
      `${f('logRetentionInDays')} must be one of ${LOG_RETENTION_DAYS.join(', ')} (CloudWatch Logs retention), got ${show(logRetentionInDays)}`,
    );
  }
  const alarmGraceMinutes = raw.alarmGraceMinutes ?? DEFAULTS.alarmGraceMinutes;
  integerInRange(alarmGraceMinutes, f('alarmGraceMinutes'), 0, MAX_ALARM_GRACE_MINUTES, problems);
  const egress = raw.egress === undefined ? undefined : validateEgress(raw.egress, f('egress'), problems);

  if (problems.length > start) return undefined;

  const config: SchedulerConfig = {
    secretName: secretName as string,
    targets: raw.targets as Target[],
    schedules,
    retentionInDays: retentionInDays as number,
    description: description as string,
    notificationEmails,
    timeoutSeconds: timeoutSeconds as number,
    logRetentionInDays: logRetentionInDays as number,
    alarmGraceMinutes: alarmGraceMinutes as number,
    ...optional('secretKmsKeyArn', raw.secretKmsKeyArn as string | undefined),
    ...optional('existingTopicArn', raw.existingTopicArn as string | undefined),
    ...optional('existingTopicKmsKeyArn', raw.existingTopicKmsKeyArn as string | undefined),
    ...optional('atlasBaseUrl', raw.atlasBaseUrl as string | undefined),
    ...optional('egress', egress),
  };
  checkEnvironmentSize(config, f('targets'), problems);
  return problems.length > start ? undefined : config;
}

function validateSchedules(value: unknown, field: string, problems: string[]): ScheduleConfig[] {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(
      `${field} must be a non-empty array of { "name", "expression", "timezone"?, "retentionInDays"?, "description"? }, got ${show(value)}`,
    );
    return [];
  }
  const names = new Set<string>();
  return value.flatMap((entry: unknown, i): ScheduleConfig[] => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(entry)) {
      problems.push(
        `${at} must be an object { "name", "expression", "timezone"?, "retentionInDays"?, "description"? }, got ${show(entry)}`,
      );
      return [];
    }
    const before = problems.length;
    for (const key of Object.keys(entry)) {
      if (!SCHEDULE_FIELDS.includes(key))
        problems.push(`${at}.${key} is not a known field (allowed: ${SCHEDULE_FIELDS.join(', ')})`);
    }
    const { name, expression, timezone = DEFAULTS.timezone, retentionInDays, description } = entry;
    if (typeof name !== 'string' || !SCHEDULE_NAME.test(name)) {
      problems.push(
        `${at}.name must be 1-64 characters of 0-9 a-z A-Z - _ . (EventBridge Scheduler names), got ${show(name)}`,
      );
    } else if (names.has(name)) {
      problems.push(`${at}.name repeats ${show(name)}: schedule names must be unique`);
    } else {
      names.add(name);
    }
    if (typeof expression !== 'string') {
      problems.push(
        `${at}.expression must be an EventBridge Scheduler cron(...) or rate(...) expression string, got ${show(expression)}`,
      );
    } else {
      const parsed = parseScheduleExpression(expression);
      if (!parsed.ok) {
        const text = parsed.problem.startsWith('must') ? parsed.problem : `is not valid: ${parsed.problem}`;
        problems.push(`${at}.expression ${text}, got ${show(expression)}`);
      }
    }
    if (typeof timezone !== 'string' || !TIME_ZONES.has(timezone)) {
      problems.push(
        `${at}.timezone must be an IANA time zone such as Europe/Paris or America/New_York, or UTC, got ${show(timezone)}`,
      );
    }
    if (retentionInDays !== undefined) problems.push(...checkRetention(retentionInDays, `${at}.retentionInDays`));
    if (description !== undefined) problems.push(...checkDescription(description, `${at}.description`));
    if (problems.length > before) return [];
    return [
      {
        name: name as string,
        expression: expression as string,
        timezone: timezone as string,
        ...optional('retentionInDays', retentionInDays as number | undefined),
        ...optional('description', description as string | undefined),
      },
    ];
  });
}

function validateEmails(value: unknown, field: string, problems: string[]): EmailSubscriptionConfig[] {
  const shape = `"address@example.com" or { "address": "...", "statuses": [${STATUSES.map((s) => `"${s}"`).join(', ')}] }`;
  if (!Array.isArray(value)) {
    problems.push(`${field} must be an array of ${shape}, got ${show(value)}`);
    return [];
  }
  const seen = new Set<string>();
  return value.flatMap((entry: unknown, i): EmailSubscriptionConfig[] => {
    const at = `${field}[${i}]`;
    const before = problems.length;
    let address: unknown = entry;
    let statuses: unknown;
    if (isPlainObject(entry)) {
      for (const key of Object.keys(entry)) {
        if (!EMAIL_FIELDS.includes(key))
          problems.push(`${at}.${key} is not a known field (allowed: ${EMAIL_FIELDS.join(', ')})`);
      }
      address = entry.address;
      statuses = entry.statuses;
    } else if (typeof entry !== 'string') {
      problems.push(`${at} must be ${shape}, got ${show(entry)}`);
      return [];
    }
    const addressField = isPlainObject(entry) ? `${at}.address` : at;
    if (typeof address !== 'string' || address.length > 254 || !EMAIL.test(address)) {
      problems.push(`${addressField} must be an e-mail address such as ops@example.com, got ${show(address)}`);
    } else if (seen.has(address.toLowerCase())) {
      problems.push(`${addressField} repeats ${show(address)}: each address can be subscribed once`);
    } else {
      seen.add(address.toLowerCase());
    }
    if (
      statuses !== undefined &&
      (!Array.isArray(statuses) ||
        statuses.length === 0 ||
        statuses.some((s) => !STATUSES.includes(s as Status)) ||
        new Set(statuses).size !== statuses.length)
    ) {
      problems.push(
        `${at}.statuses must be a non-empty list of distinct ${STATUSES.join(', ')}, got ${show(statuses)}`,
      );
    }
    if (problems.length > before) return [];
    return [{ address: address as string, ...optional('statuses', statuses as Status[] | undefined) }];
  });
}

function validateEgress(value: unknown, field: string, problems: string[]): EgressConfig | undefined {
  if (!isPlainObject(value)) {
    problems.push(`${field} must be ${EGRESS_SHAPE}, got ${show(value)}`);
    return undefined;
  }
  const { mode } = value;
  if (mode !== 'nat' && mode !== 'vpc') {
    problems.push(
      `${field}.mode must be "nat" (the stack creates a VPC whose NAT gateway has an Elastic IP) or "vpc" ` +
        `(an existing VPC named by vpcId and subnetIds), got ${show(mode)}`,
    );
    return undefined;
  }
  const before = problems.length;
  const allowed: readonly string[] = EGRESS_FIELDS[mode];
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      problems.push(`${field}.${key} is not a known field for mode "${mode}" (allowed: ${allowed.join(', ')})`);
  }
  if (mode === 'nat') return problems.length > before ? undefined : { mode };

  const { vpcId } = value;
  if (typeof vpcId !== 'string' || !VPC_ID.test(vpcId)) {
    problems.push(
      `${field}.vpcId must be a VPC id (vpc- and 8 or 17 lowercase hexadecimal characters), got ${show(vpcId)}`,
    );
  }
  const subnetIds = ec2IdList(value.subnetIds, `${field}.subnetIds`, SUBNET_ID, 'subnet', 1, MAX_SUBNETS, problems);
  const securityGroupIds = ec2IdList(
    value.securityGroupIds ?? [],
    `${field}.securityGroupIds`,
    SECURITY_GROUP_ID,
    'sg',
    0,
    MAX_SECURITY_GROUPS - 1,
    problems,
    " (Lambda allows 5 security groups per function and the stack adds the function's own)",
  );
  if (problems.length > before) return undefined;
  return { mode, vpcId: vpcId as string, subnetIds, securityGroupIds };
}

/** A list of distinct EC2 ids of one kind, between min and max entries long. */
function ec2IdList(
  value: unknown,
  field: string,
  pattern: RegExp,
  prefix: string,
  min: number,
  max: number,
  problems: string[],
  why = '',
): string[] {
  const kind = `${prefix}- ids`;
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    problems.push(`${field} must be an array of ${min} to ${max} ${kind}${why}, got ${show(value)}`);
    return [];
  }
  const seen = new Set<string>();
  value.forEach((id: unknown, i) => {
    if (typeof id !== 'string' || !pattern.test(id)) {
      problems.push(
        `${field}[${i}] must be a ${prefix}- id (${prefix}- and 8 or 17 lowercase hexadecimal characters), got ${show(id)}`,
      );
    } else if (seen.has(id)) {
      problems.push(`${field}[${i}] repeats ${show(id)}: each id can be given once`);
    } else {
      seen.add(id);
    }
  });
  return value as string[];
}

/**
 * Default timeout, sized for the targets: two minutes for authentication and publishing plus a
 * minute per wave of DEFAULT_CONCURRENCY targets run together; a `*` target counts as a full wave
 * (its clusters are unknown until run time). Capped at Lambda's 900 s.
 */
export function defaultTimeoutSeconds(targets: readonly Target[]): number {
  const weight = targets.reduce((sum, t) => sum + (t.clusterName === ALL_CLUSTERS ? DEFAULT_CONCURRENCY : 1), 0);
  return Math.min(MAX_TIMEOUT_SECONDS, 60 * (2 + Math.ceil(weight / DEFAULT_CONCURRENCY)));
}

function checkEnvironmentSize(config: SchedulerConfig, field: string, problems: string[]): void {
  const environment = functionEnvironment({
    secretId: config.secretName,
    topicArn: config.existingTopicArn ?? TOPIC_ARN_RESERVE,
    targets: config.targets,
    retentionInDays: config.retentionInDays,
    description: config.description,
    ...optional('atlasBaseUrl', config.atlasBaseUrl),
  });
  const bytes = environmentBytes(environment);
  if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    problems.push(
      `${field} is too large for the function environment: ${config.targets.length} targets make ${bytes} bytes of variables ` +
        `(topic ARN room included), over the ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes Lambda allows for all of them together; ` +
        `use { "projectId": "<id>", "clusterName": "*" } to back up every cluster of a project with one target, got ${show(config.targets)}`,
    );
  }
}

function optionalPattern(value: unknown, field: string, pattern: RegExp, allowed: string, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !pattern.test(value))
    problems.push(`${field} must be ${allowed}, got ${show(value)}`);
}

function integerInRange(value: unknown, field: string, min: number, max: number, problems: string[]): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${field} must be an integer from ${min} to ${max}, got ${show(value)}`);
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
