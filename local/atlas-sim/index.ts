/** Public surface of the Atlas Admin API simulator. */
export { startAtlasSimulator } from './server';
export type { AtlasSimulator, AtlasSimulatorOptions, SimulatorSeed, SnapshotInfo } from './server';
export { ManualClock, systemClock } from './clock';
export type { Clock } from './clock';
export type { ApiKeySeed, CredentialAccess, Principal, ServiceAccountSeed } from './auth';
export type { FaultKind, FaultSpec, ScriptedFault } from './faults';
export { RECORDED_RATE_LIMITS } from './rate-limit';
export type { RateLimitOptions } from './rate-limit';
export type { AuthKind, LogFilter, RequestLogEntry } from './request-log';
export { ENDPOINT_SETS } from './routes';
export type { EndpointName, EndpointSet } from './routes';
export { DAY_MS, RETENTION_UNITS, addRetention } from './calendar';
export type { RetentionUnit } from './calendar';
export { DEFAULT_SNAPSHOT_TIMING, DEMO_ORG_ID } from './state';
export { isoWeekStartUtc, promotionHistory, snapshotHistory } from './history';
export type { HistoryOptions, PromotionHistoryOptions } from './history';
export type {
  ClusterKind,
  ClusterSeed,
  FlexShape,
  ProjectSeed,
  SnapshotOutcome,
  SnapshotSeed,
  SnapshotStatus,
  SnapshotTiming,
  SnapshotType,
} from './model';
export { CLUSTER_VERSIONS, FLEX_VERSION, PROJECT_VERSIONS, SNAPSHOT_VERSIONS, atlasMediaType } from './versions';
export type { VersionDeprecation } from './versions';
export { DIGEST_REALM, buildDigestAuthorization, digestChallenge, parseDigestHeader } from './digest';
export {
  DEMO_API_KEY,
  DEMO_PROJECT_ID,
  DEMO_SECRET_STRINGS,
  DEMO_SERVICE_ACCOUNT,
  PRESET_NAMES,
  UNKNOWN_PROJECT_ID,
  atlasPreset,
  isPresetName,
  presetOptions,
} from './presets';
export type { AtlasPreset, PresetName, PresetTarget } from './presets';
export { demoProjectId } from './demo';
