/**
 * The simulator's public surface: what `startAtlasSimulator` accepts (seed and options) and the
 * handle it returns (state, log, faults and the knobs tests turn at run time).
 */
import type { ApiKeySeed, CredentialAccess, ServiceAccountSeed } from './auth';
import type { CredentialStore } from './auth';
import type { Clock } from './clock';
import type { FaultPlan, FaultSpec, ScriptedFault } from './faults';
import type {
  ClusterRecord,
  ClusterSeed,
  ProjectSeed,
  SnapshotOutcome,
  SnapshotSeed,
  SnapshotStatus,
  SnapshotTiming,
} from './model';
import type { RateLimitOptions } from './rate-limit';
import type { RequestLog, RequestLogEntry } from './request-log';
import type { EndpointSet } from './routes';
import type { AtlasState } from './state';
import type { VersionDeprecation } from './versions';

export interface SimulatorSeed {
  projects?: ProjectSeed[];
  serviceAccounts?: ServiceAccountSeed[];
  apiKeys?: ApiKeySeed[];
}

export interface AtlasSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Time source for tokens, nonces, snapshots and rate limits (default: system clock). */
  clock?: Clock;
  /** Added before every answer (real time; the benchmarks use 50). Default 0. */
  latencyMs?: number;
  /** How latency is waited for (default setTimeout); tests inject a recorder. */
  delay?: (ms: number) => Promise<void>;
  /** `expires_in` of service-account tokens (default 3600). */
  tokenExpiresInSeconds?: number;
  /** Digest nonce lifetime before `stale=true` (default 300). */
  nonceTtlSeconds?: number;
  snapshotTiming?: Partial<SnapshotTiming>;
  /** How taken snapshots end unless their cluster says otherwise (default `completed`). */
  snapshotOutcome?: SnapshotOutcome;
  /** Admin API token bucket (429 `RATE_LIMITED_TOKEN_BUCKET`); off when absent. */
  rateLimit?: RateLimitOptions;
  /**
   * Buckets of their own per endpoint set, replacing `rateLimit` there (e.g. `RECORDED_RATE_LIMITS`:
   * 1200/minute on backup endpoints, 10000/minute on cluster endpoints).
   */
  endpointRateLimits?: Partial<Record<EndpointSet, RateLimitOptions>>;
  /** Versions to mark deprecated: answers in them carry `Deprecation`/`Sunset`; 410 after the sunset. */
  deprecations?: VersionDeprecation[];
  /** Token endpoint limit per client and IP (429 `RATE_LIMITED`); off when absent (Atlas: 50/minute). */
  tokenRateLimit?: RateLimitOptions;
  faults?: FaultSpec[];
  seed?: SimulatorSeed;
  /** Called once per request when it is answered (or dropped by a hang/reset fault). */
  onRequest?: (entry: RequestLogEntry) => void;
}

/** A snapshot as the simulator currently reports it, for assertions. */
export interface SnapshotInfo {
  id: string;
  type: 'replicaSet' | 'shardedCluster';
  snapshotType: string;
  status: SnapshotStatus;
  description: string;
  retentionInDays: number;
  frequencyType: string;
  createdAt?: string;
  expiresAt: string;
  storageSizeBytes: number;
}

export interface AtlasSimulator {
  /** `http://127.0.0.1:<port>`: use as the Atlas base URL. */
  readonly url: string;
  readonly port: number;
  readonly clock: Clock;
  readonly state: AtlasState;
  readonly credentials: CredentialStore;
  readonly log: RequestLog;
  readonly faults: FaultPlan;
  addProject(seed: ProjectSeed): void;
  addCluster(projectId: string, seed: ClusterSeed): ClusterRecord;
  addSnapshot(projectId: string, clusterName: string, seed?: SnapshotSeed): SnapshotInfo;
  addServiceAccount(seed: ServiceAccountSeed): void;
  addApiKey(seed: ApiKeySeed): void;
  setAccessList(credentialId: string, accessList: string[] | undefined): void;
  /** Changes a credential's projects, read-only flag, ... (a field given as undefined is removed). */
  setCredentialAccess(
    credentialId: string,
    access: { [K in keyof CredentialAccess]?: CredentialAccess[K] | undefined },
  ): void;
  addFault(spec: FaultSpec): ScriptedFault;
  setLatency(ms: number): void;
  setRateLimit(options: RateLimitOptions | undefined): void;
  /** A bucket of its own for one endpoint set (undefined: back to `setRateLimit`'s). */
  setEndpointRateLimit(set: EndpointSet, options: RateLimitOptions | undefined): void;
  setTokenRateLimit(options: RateLimitOptions | undefined): void;
  /** Replaces the deprecated versions (see `AtlasSimulatorOptions.deprecations`). */
  setDeprecations(deprecations: VersionDeprecation[]): void;
  /** The next `count` snapshots taken on the cluster end `failed`. */
  failNextSnapshot(projectId: string, clusterName: string, count?: number): void;
  /** Pins a snapshot's status now (finishes one that never would, fails one, ...). */
  setSnapshotStatus(snapshotId: string, status: SnapshotStatus): void;
  /** Every snapshot of a cluster (both list kinds), in the simulator's (non-date) order. */
  snapshots(projectId: string, clusterName: string): SnapshotInfo[];
  /** On-demand snapshots of a cluster that are queued or in progress now. */
  pendingOnDemand(projectId: string, clusterName: string): SnapshotInfo[];
  close(): Promise<void>;
}
