/** Public surface of the Atlas Admin API simulator. */
export { startAtlasSimulator } from './server';
export type { AtlasSimulator, AtlasSimulatorOptions, SimulatorSeed, SnapshotInfo } from './server';
export { ManualClock, systemClock } from './clock';
export type { Clock } from './clock';
export type { ApiKeySeed, Principal, ServiceAccountSeed } from './auth';
export type { FaultKind, FaultSpec, ScriptedFault } from './faults';
export type { RateLimitOptions } from './rate-limit';
export type { AuthKind, LogFilter, RequestLogEntry } from './request-log';
export type { EndpointName } from './routes';
export { DEFAULT_SNAPSHOT_TIMING, snapshotHistory } from './state';
export type {
  ClusterKind,
  ClusterSeed,
  ProjectSeed,
  SnapshotSeed,
  SnapshotStatus,
  SnapshotTiming,
  SnapshotType,
} from './state';
export { CLUSTER_VERSIONS, FLEX_VERSION, SNAPSHOT_VERSIONS, atlasMediaType } from './versions';
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
