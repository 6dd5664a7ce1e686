/**
 * Limits, defaults and patterns of the deploy-time configuration (docs/configuration.md), each
 * defined once. Pure constants and one pure function; no CDK, no zod.
 */
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_FIRST_CHECK_MINUTES,
  DEFAULT_MAX_HOURS,
  MAX_CHECK_INTERVAL_MINUTES,
} from '../../lambda/snapshot/contract';
import type { Stage, Status, Target } from '../../lambda/snapshot/types';
import { ALL_CLUSTERS, ALL_PROJECTS } from '../../lambda/snapshot/validation';

/** The CDK context key holding the configuration (`cdk.json` context, or `-c atlasSnapshot...`). */
export const CONTEXT_KEY = 'atlasSnapshot';

export const DEFAULTS = {
  retentionInDays: 7,
  description: 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)',
  timezone: 'UTC',
  logRetentionInDays: 90,
  alarmGraceMinutes: 30,
  confirmation: { enabled: true, firstCheckMinutes: DEFAULT_FIRST_CHECK_MINUTES, maxHours: DEFAULT_MAX_HOURS },
  /** Time zone of promotion periods when `promotion.timezone` is not given. */
  promotionTimezone: 'UTC',
  summary: true,
  /**
   * 1,024 MB: about 58 % of a vCPU. At 256 MB (14.5 %) a run is CPU-bound and both slower and dearer
   * (docs/performance.md, "CPU on Lambda").
   */
  memorySize: 1024,
  concurrency: DEFAULT_CONCURRENCY,
  stackName: 'AtlasSnapshotScheduler',
  chat: false,
} as const;

export const MIN_TIMEOUT_SECONDS = 30;
export const MAX_TIMEOUT_SECONDS = 900;
export const MAX_ALARM_GRACE_MINUTES = 1440;
/** CloudWatch Logs retention values (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
export const STATUSES: readonly Status[] = ['SUCCESS', 'SKIPPED', 'ERROR'];
/** Values of the `stage` message attribute an e-mail subscription may filter on. */
export const STAGES: readonly Stage[] = ['request', 'confirmation', 'summary'];

/** Lambda's memory range (MB, in 1 MB steps). */
export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10_240;
/** Targets worked on at once (ATLAS_CONCURRENCY). */
export const MIN_CONCURRENCY = 1;
export const MAX_CONCURRENCY = 64;
/** Minutes from a snapshot request to its first confirmation check. */
export const MIN_FIRST_CHECK_MINUTES = 1;
export const MAX_FIRST_CHECK_MINUTES = MAX_CHECK_INTERVAL_MINUTES;
/** Hours after a request until a still-pending snapshot is reported SNAPSHOT_NOT_CONFIRMED. */
export const MIN_MAX_HOURS = 1;
export const MAX_MAX_HOURS = 48;

/** Lambda's limits on a function's VPC configuration. */
export const MAX_SUBNETS = 16;
export const MAX_SECURITY_GROUPS = 5;

export const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
export const KMS_KEY_ARN =
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** EventBridge Scheduler schedule names. */
export const SCHEDULE_NAME = /^[0-9a-zA-Z._-]{1,64}$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_EMAIL_LENGTH = 254;
/** CloudFormation stack names. */
export const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
/** EC2 resource ids: the prefix and 8 (older resources) or 17 lowercase hexadecimal characters. */
const ec2Id = (prefix: string): RegExp => new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);
export const VPC_ID = ec2Id('vpc');
export const SUBNET_ID = ec2Id('subnet');
export const SECURITY_GROUP_ID = ec2Id('sg');

/**
 * Default timeout, sized for the targets: two minutes for authentication and publishing plus a
 * minute per wave of `concurrency` targets run together; a `clusterName: "*"` target (with or
 * without tags) counts as a full wave. A `projectId: "*"` target may reach any number of clusters,
 * so it takes the maximum. Capped at Lambda's 900 s.
 */
export function defaultTimeoutSeconds(targets: readonly Target[], concurrency: number = DEFAULT_CONCURRENCY): number {
  if (targets.some((t) => t.projectId === ALL_PROJECTS)) return MAX_TIMEOUT_SECONDS;
  const weight = targets.reduce((sum, t) => sum + (t.clusterName === ALL_CLUSTERS ? concurrency : 1), 0);
  return Math.min(MAX_TIMEOUT_SECONDS, 60 * (2 + Math.ceil(weight / concurrency)));
}
