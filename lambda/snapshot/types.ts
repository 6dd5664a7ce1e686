/**
 * Shared types of the snapshot function: the target, the outcome document (DESIGN.md section 6)
 * and the port through which the core talks to Atlas. No runtime code, no I/O.
 */

export type Status = 'SUCCESS' | 'SKIPPED' | 'ERROR';
export type Trigger = 'schedule' | 'manual';

/** One configured target; `clusterName: "*"` means every cluster of the project. */
export interface Target {
  projectId: string;
  clusterName: string;
}

/** The outcome document published to SNS (the `default` body) and returned by the handler. */
export interface Outcome {
  status: Status;
  code: string;
  projectId?: string;
  clusterName?: string;
  snapshotId?: string;
  snapshotStatus?: string;
  retentionInDays?: number;
  description?: string;
  expiresAt?: string;
  httpStatus?: number;
  detail?: string;
  trigger: Trigger;
  dryRun: boolean;
  invocationId: string;
  timestamp: string;
}

/** The subset of an Atlas cluster document (version 2024-08-05) the procedure reads. */
export interface AtlasCluster {
  name: string;
  clusterType?: string;
  backupEnabled?: boolean;
  paused?: boolean;
  stateName?: string;
  replicationSpecs?: Array<{
    regionConfigs?: Array<{ providerName?: string; backingProviderName?: string }>;
  }>;
}

/** The subset of a cloud backup snapshot (version 2023-01-01) the procedure reads. */
export interface AtlasSnapshot {
  id: string;
  status?: string;
  snapshotType?: string;
  type?: string;
  description?: string;
  createdAt?: string;
  expiresAt?: string;
  retentionInDays?: number;
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
  /** GET /groups/{groupId}/clusters/{clusterName} (2024-08-05). */
  getCluster(projectId: string, clusterName: string): Promise<AtlasCluster>;
  /** GET /groups/{groupId}/clusters, every page (2024-08-05). */
  listClusters(projectId: string): Promise<AtlasCluster[]>;
  /** Replica-set list (every page) or, when `sharded`, the sharded-cluster list (2023-01-01). */
  listSnapshots(projectId: string, clusterName: string, sharded: boolean): Promise<AtlasSnapshot[]>;
  /**
   * POST /backup/snapshots (2023-01-01). Never repeated blindly: when the request may have reached
   * Atlas without an answer, it throws `AmbiguousRequestError` and the caller re-reads the list.
   */
  takeSnapshot(projectId: string, clusterName: string, body: TakeSnapshotRequest): Promise<AtlasSnapshot>;
}

/** Atlas credentials read from the secret (DESIGN.md section 4), already normalised. */
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
