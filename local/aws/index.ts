/** Public surface of the local AWS endpoints (Secrets Manager JSON 1.1, SNS Query, Scheduler restJson1). */
export { sdkEnvironment, startLocalAws } from './server';
export type { AwsRequestRecord, AwsService, LocalAws, LocalAwsOptions } from './server';
export type { HangOptions } from './faults';
export { SecretsManagerStandIn } from './secrets-manager';
export type { SecretFailure, SecretRead, SecretSeed } from './secrets-manager';
export { SNS_ENTRY_FAILURES, SNS_FAILURES, SnsStandIn } from './sns';
export type {
  BatchEntry,
  EntrySelector,
  MessageAttribute,
  PublishAttempt,
  PublishedMessage,
  SnsEntryFailure,
  SnsFailure,
} from './sns';
export { SCHEDULER_FAILURES, SchedulerStandIn } from './scheduler';
export type { ScheduleRecord, ScheduleTarget, SchedulerCall, SchedulerFailure } from './scheduler';
export { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, parseSigV4 } from './wire';
export type { SignatureScope } from './wire';
