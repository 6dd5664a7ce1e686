/**
 * The configuration's two shapes (docs/configuration.md): what people and constructs write
 * (`AtlasSnapshotConfig`, optional wherever there is a default) and what the stack reads once it is
 * validated (`SchedulerConfig`, defaults applied). Types only.
 */
import type { Promotion, Stage, Status, Target } from '../../lambda/snapshot/types';

/**
 * Grandfather-father-son retention (docs/promotion.md): when a snapshot is confirmed completed and is
 * the first of its calendar year, month or ISO week, its retention is extended to that many years,
 * months or weeks. Each count 0 (or absent) turns that level off; at least one must be above 0.
 */
export interface PromotionInput {
  /** Keep the first completed snapshot of each ISO week for this many weeks; 0 or absent = off. */
  readonly weeks?: number;
  /** Keep the first completed snapshot of each calendar month for this many months; 0 or absent = off. */
  readonly months?: number;
  /** Keep the first completed snapshot of each calendar year for this many years; 0 or absent = off. */
  readonly years?: number;
  /** IANA time zone in which weeks, months and years begin; default `UTC`. */
  readonly timezone?: string;
}

/** One EventBridge Scheduler schedule running the function. */
export interface ScheduleInput {
  /** 1-64 of 0-9 a-z A-Z - _ . (Scheduler's names), unique in the configuration; sent as `schedule`. */
  readonly name: string;
  /** EventBridge Scheduler `cron(...)` (6 fields) or `rate(...)` expression. */
  readonly expression: string;
  /** IANA time zone the expression is read in; default `UTC`. */
  readonly timezone?: string;
  /** Retention of the snapshots this schedule requests (days, 1-2147483647); default the top-level one. */
  readonly retentionInDays?: number;
  /** Description of the snapshots this schedule requests; default the top-level one. */
  readonly description?: string;
  /** Promotion for this schedule's snapshots instead of the top-level one, or `false` for none. */
  readonly promotion?: PromotionInput | false;
}

/** An e-mail subscription to the outcome topic, optionally filtered by message attributes. */
export interface EmailSubscriptionInput {
  /** The e-mail address; SNS sends it a confirmation request first. */
  readonly address: string;
  /** Only messages with these statuses reach the address (filter on the `status` attribute). */
  readonly statuses?: readonly Status[];
  /** Only messages of these stages reach the address (filter on `stage`), e.g. `["summary"]`. */
  readonly stages?: readonly Stage[];
}

/** Completion confirmation (docs/design.md "Completion confirmation"). */
export interface ConfirmationInput {
  /** Follow every requested snapshot until Atlas reports it completed or failed; default `true`. */
  readonly enabled?: boolean;
  /** Minutes from the request to the first check, 1-60; default 5 (then 10, 20, 40, 60, 60, ...). */
  readonly firstCheckMinutes?: number;
  /** Hours after the request when a still-pending snapshot is an ERROR, 1-48; default 12. */
  readonly maxHours?: number;
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

/** What the `egress` field accepts (`securityGroupIds` may be left out). */
export type EgressInput =
  | { readonly mode: 'nat' }
  | {
      readonly mode: 'vpc';
      readonly vpcId: string;
      readonly subnetIds: readonly string[];
      readonly securityGroupIds?: readonly string[];
    };

/**
 * The configuration as written in `cdk.json` (context key `atlasSnapshot`) or passed as construct
 * props: every field of docs/configuration.md, optional where it has a default.
 */
export interface AtlasSnapshotConfig {
  /** Name of the Secrets Manager secret holding the Atlas credentials, or its complete ARN. */
  readonly secretName: string;
  /** Customer-managed KMS key that encrypts the secret, when it is not the AWS-managed one. */
  readonly secretKmsKeyArn?: string;
  /**
   * Clusters to back up: `{ projectId, clusterName }`, where `clusterName: "*"` selects every
   * cluster of the project, `projectId: "*"` every project (with `clusterName: "*"`), and `tags`
   * (with `clusterName: "*"`) only the clusters carrying every given pair.
   */
  readonly targets: readonly Target[];
  /** One or more schedules. */
  readonly schedules: readonly ScheduleInput[];
  /** Default snapshot retention in days, 1-2147483647; default 7. */
  readonly retentionInDays?: number;
  /** Default snapshot description (1-1000 characters). */
  readonly description?: string;
  /** E-mail subscriptions: an address, or `{ address, statuses?, stages? }`. */
  readonly notificationEmails?: ReadonlyArray<string | EmailSubscriptionInput>;
  /** Publish to this existing standard SNS topic instead of creating one. */
  readonly existingTopicArn?: string;
  /** Customer-managed KMS key of `existingTopicArn`, when that topic is encrypted with one. */
  readonly existingTopicKmsKeyArn?: string;
  /** Atlas Admin API base URL; default `https://cloud.mongodb.com` (Atlas for Government differs). */
  readonly atlasBaseUrl?: string;
  /** Function timeout, 30-900 s; default sized for the targets. */
  readonly timeoutSeconds?: number;
  /** Retention of the function's log group (a CloudWatch Logs value); default 90. */
  readonly logRetentionInDays?: number;
  /** Added to the longest gap between runs before the missed-snapshot alarm fires, 0-1440; default 30. */
  readonly alarmGraceMinutes?: number;
  /** Fixed egress for Atlas's IP access list: `{ mode: "nat" }` or `{ mode: "vpc", ... }`. */
  readonly egress?: EgressInput;
  /** Completion confirmation through one-time schedules; on by default. */
  readonly confirmation?: ConfirmationInput;
  /** Retention promotion (grandfather-father-son); absent or `false` = off. */
  readonly promotion?: PromotionInput | false;
  /** One summary message per run besides the per-target ones; default `true`. */
  readonly summary?: boolean;
  /** Function memory, 128-10240 MB; default 1024 (CPU grows with memory: docs/performance.md). */
  readonly memorySize?: number;
  /** Targets worked on at once, 1-64; default 8. */
  readonly concurrency?: number;
  /** CloudFormation stack name the app in bin/ deploys; default `AtlasSnapshotScheduler`. */
  readonly stackName?: string;
  /** A second topic for Amazon Q Developer in chat applications (Slack, Teams, Chime); default `false`. */
  readonly chat?: boolean;
}

export interface ScheduleConfig {
  /** Scheduler-style name, unique in the config; sent to the function as `schedule`. */
  name: string;
  /** EventBridge Scheduler `cron(...)` or `rate(...)` expression. */
  expression: string;
  /** IANA time zone; `UTC` when not configured. */
  timezone: string;
  retentionInDays?: number;
  description?: string;
  /** This schedule's promotion (sent as the event's `promotion`), or `false` for none; absent = the default. */
  promotion?: Promotion | false;
}

export interface EmailSubscriptionConfig {
  address: string;
  /** Only outcomes with these statuses reach the address (SNS filter policy on `status`). */
  statuses?: Status[];
  /** Only messages of these stages reach the address (SNS filter policy on `stage`). */
  stages?: Stage[];
}

export interface ConfirmationConfig {
  enabled: boolean;
  firstCheckMinutes: number;
  maxHours: number;
}

/** The validated configuration with its defaults applied: what the stack reads. */
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
  confirmation: ConfirmationConfig;
  /** Absent: no promotion (schedules may still set their own). */
  promotion?: Promotion;
  summary: boolean;
  memorySize: number;
  concurrency: number;
  stackName: string;
  chat: boolean;
}
