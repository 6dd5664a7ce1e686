/**
 * Shared types of the snapshot function: targets, the documents it publishes (docs/notifications.md)
 * and the ports through which the core talks to Atlas, EventBridge Scheduler and the topic.
 * No runtime code, no I/O. Imported by lib/, local/ and bench/ as part of the contract.
 */

export type Status = 'SUCCESS' | 'SKIPPED' | 'ERROR';
export type Trigger = 'schedule' | 'manual';
/** Which kind of message a document is (SNS attribute `stage`). */
export type Stage = 'request' | 'confirmation' | 'summary';

/**
 * One configured target: a named cluster, or a selector. `projectId: "*"` means every project the
 * credentials can see; `clusterName: "*"` every cluster of the project(s); `tags` keeps only the
 * clusters carrying every given key/value pair (only with `clusterName: "*"`).
 */
export interface Target {
  projectId: string;
  clusterName: string;
  tags?: Record<string, string>;
}

/** A cluster to back up, once selectors are expanded. */
export interface ClusterRef {
  projectId: string;
  clusterName: string;
}

/** Grandfather-father-son retention (docs/promotion.md); each count 0 = that level off. */
export interface Promotion {
  weeks: number;
  months: number;
  years: number;
  /** IANA time zone in which weeks, months and years begin. */
  timezone: string;
}

export type RetentionUnit = 'DAYS' | 'WEEKS' | 'MONTHS' | 'YEARS';

/** The body of Atlas's PATCH .../backup/snapshots/{id}, and what an outcome reports in `promotedTo`. */
export interface RetentionSetting {
  retentionUnit: RetentionUnit;
  retentionValue: number;
}

/** The outcome document published to SNS (the `default` body) and returned by the handler. */
export interface Outcome {
  status: Status;
  code: string;
  stage: Exclude<Stage, 'summary'>;
  projectId?: string;
  clusterName?: string;
  snapshotId?: string;
  snapshotStatus?: string;
  retentionInDays?: number;
  description?: string;
  /** As Atlas answered it (Atlas recomputes it when the snapshot completes). */
  expiresAt?: string;
  /** When the function requested the snapshot (ISO 8601). */
  requestedAt?: string;
  /** Atlas's `createdAt` (present once the snapshot completed). */
  createdAt?: string;
  storageSizeBytes?: number;
  /** From the request to the check that saw the snapshot completed. */
  durationSeconds?: number;
  /** When the first confirmation check will run (request outcomes with confirmation on). */
  followUpAt?: string;
  /** Which confirmation check this is (1 = the first). */
  attempt?: number;
  promotedTo?: RetentionSetting;
  httpStatus?: number;
  detail?: string;
  /** Short notices that did not change the status (version sunsets, a follow-up not scheduled, ...). */
  warnings?: string[];
  trigger: Trigger;
  dryRun: boolean;
  invocationId: string;
  timestamp: string;
}

/** One line of a run summary. */
export interface SummaryLine {
  projectId?: string;
  clusterName?: string;
  status: Status;
  code: string;
  snapshotId?: string;
}

/** The run summary document (stage `summary`, code `RUN_SUMMARY`), published after a run's outcomes. */
export interface RunSummary {
  /** The worst status of the run. */
  status: Status;
  code: 'RUN_SUMMARY';
  stage: 'summary';
  counts: Record<Status, number>;
  /** One line per target outcome, in target order; capped (see `omittedTargets`). */
  targets: SummaryLine[];
  /** Lines left out to keep the message within SNS's size limit. */
  omittedTargets?: number;
  detail: string;
  trigger: Trigger;
  dryRun: boolean;
  invocationId: string;
  timestamp: string;
}

/** Anything the function publishes. */
export type Notice = Outcome | RunSummary;

/** The subset of an Atlas cluster document (version 2024-08-05) the procedure reads. */
export interface AtlasCluster {
  name: string;
  clusterType?: string;
  backupEnabled?: boolean;
  paused?: boolean;
  stateName?: string;
  tags?: Array<{ key: string; value: string }>;
  replicationSpecs?: Array<{
    regionConfigs?: Array<{
      providerName?: string;
      backingProviderName?: string;
      effectiveInstanceSize?: string;
      electableSpecs?: { instanceSize?: string };
    }>;
  }>;
}

/** The subset of an Atlas project (group) document (version 2023-01-01). */
export interface AtlasProject {
  id: string;
  name?: string;
}

/** The subset of a cloud backup snapshot (version 2023-01-01) the procedure reads. */
export interface AtlasSnapshot {
  id: string;
  status?: string;
  snapshotType?: string;
  type?: string;
  description?: string;
  /** Absent until the snapshot completed. */
  createdAt?: string;
  expiresAt?: string;
  storageSizeBytes?: number;
  frequencyType?: string;
}

export interface TakeSnapshotRequest {
  description: string;
  retentionInDays: number;
}

/**
 * What the core needs from Atlas. Every method reads all pages where the API pages, retries
 * what is safe to retry inside the invocation's deadline, and throws a `CodedError`
 * (see errors.ts) on failure.
 */
export interface AtlasApi {
  /** GET /groups, every page (2023-01-01): the projects the credentials can see. */
  listProjects(): Promise<AtlasProject[]>;
  /** GET /groups/{groupId}/clusters/{clusterName} (2024-08-05). */
  getCluster(projectId: string, clusterName: string): Promise<AtlasCluster>;
  /** GET /groups/{groupId}/clusters, every page (2024-08-05). */
  listClusters(projectId: string): Promise<AtlasCluster[]>;
  /** Replica-set list (every page) or, when `sharded`, the sharded-cluster list (2023-01-01). */
  listSnapshots(projectId: string, clusterName: string, sharded: boolean): Promise<AtlasSnapshot[]>;
  /** GET .../backup/snapshots/{id}, or when `sharded` .../backup/snapshots/shardedCluster/{id}. */
  getSnapshot(projectId: string, clusterName: string, snapshotId: string, sharded: boolean): Promise<AtlasSnapshot>;
  /**
   * POST /backup/snapshots (2023-01-01). Never repeated blindly: when the request may have reached
   * Atlas without an answer, it throws `AmbiguousRequestError` and the caller re-reads the list.
   */
  takeSnapshot(projectId: string, clusterName: string, body: TakeSnapshotRequest): Promise<AtlasSnapshot>;
  /** PATCH .../backup/snapshots/{id} (replica sets only): extends a completed snapshot's retention. */
  setSnapshotRetention(
    projectId: string,
    clusterName: string,
    snapshotId: string,
    retention: RetentionSetting,
  ): Promise<AtlasSnapshot>;
}

/** Receives a short notice (e.g. an Atlas `Deprecation`/`Sunset` header) for the outcome's `warnings`. */
export type NoticeSink = (warning: string) => void;

/** Atlas credentials read from the secret (docs/secret.md), already normalised. */
export type AtlasCredentials =
  | { kind: 'serviceAccount'; clientId: string; clientSecret: string }
  | { kind: 'apiKey'; publicKey: string; privateKey: string };

export type LogMethod = (message: string, fields?: Record<string, unknown>) => void;

/** Structured logger used by every module of the function. */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  child: (fields: Record<string, unknown>) => Logger;
}

/** Time the invocation has left for Atlas work (the publish reserve already subtracted). */
export interface Deadline {
  remainingMs(): number;
}

/** The input of a one-time follow-up schedule (docs/design.md, "Completion confirmation"). */
export interface FollowUp {
  version: 1;
  projectId: string;
  clusterName: string;
  snapshotId: string;
  /** Which list the snapshot lives in: the sharded one (`shardedCluster/{id}`) or the replica-set one. */
  sharded: boolean;
  /** When the function requested the snapshot (ISO 8601). */
  requestedAt: string;
  /** The number of the check this event triggers (1 = the first). */
  attempt: number;
  /** After this (ISO 8601) a still-pending snapshot is SNAPSHOT_NOT_CONFIRMED. */
  deadline: string;
  /** The trigger of the run that requested the snapshot. */
  trigger: Trigger;
  /** The schedule of that run, when it came from one. */
  schedule?: string;
  retentionInDays?: number;
  description?: string;
  /** The promotion that applies when the snapshot completes; absent = none. */
  promotion?: Promotion;
}

/** The event a follow-up schedule sends: `{ "followUp": { ... } }`. */
export interface FollowUpEvent {
  followUp: FollowUp;
}

/** Per-call options of the AWS ports. */
export interface CallOptions {
  /** Ends the call (the SDK rejects with AbortError), e.g. when the invocation's time runs out. */
  abortSignal?: AbortSignal;
}

/** Creates one-time follow-up schedules (EventBridge Scheduler behind it). */
export interface FollowUpScheduler {
  /**
   * Creates the schedule `name` to deliver `event` at `at` (UTC, second precision). Resolves
   * `created`, or `exists` when a schedule of that name is already there (a repeated invocation).
   * Throws when it cannot be created.
   */
  schedule(name: string, at: Date, event: FollowUpEvent, options?: CallOptions): Promise<'created' | 'exists'>;
}

/** Shared by every Atlas client of one invocation. */
export interface AtlasRunState {
  /** Set when Atlas refused the credentials: later requests fail fast with it, no new token request. */
  authRefused?: { detail: string; httpStatus?: number };
}

/** What the handler gives the Atlas client factory for one target. */
export interface AtlasClientFactoryOptions {
  baseUrl: string;
  credentials: AtlasCredentials;
  deadline: Deadline;
  logger: Logger;
  /** Receives version notices for the outcome's `warnings`. */
  onNotice?: NoticeSink;
  /** The invocation's shared state (refused credentials). */
  run?: AtlasRunState;
}

/** One formatted SNS message (an entry of PublishBatch). */
export interface PublishEntry {
  /** Unique within one batch. */
  id: string;
  subject?: string;
  message: string;
  /** `json` for the outcome topic (default + email bodies); absent for the chat topic. */
  messageStructure?: 'json';
  /** String message attributes. */
  attributes: Record<string, string>;
}

export type PublishResult = { id: string; ok: true; messageId?: string } | { id: string; ok: false; error: string };

/** Publishes formatted messages (SNS PublishBatch behind it): one result per entry, in order. */
export interface NotificationPublisher {
  /** At most 10 entries and 256 KB in all; never throws for a refused entry (ok: false), only when the call itself fails. */
  publishBatch(topicArn: string, entries: readonly PublishEntry[], options?: CallOptions): Promise<PublishResult[]>;
}
