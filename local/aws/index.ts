/** Public surface of the local AWS endpoints (Secrets Manager JSON 1.1, SNS Query). */
export { sdkEnvironment, startLocalAws } from './server';
export type { AwsRequestRecord, LocalAws, LocalAwsOptions } from './server';
export { SecretsManagerStandIn } from './secrets-manager';
export type { SecretFailure, SecretRead, SecretSeed } from './secrets-manager';
export { SNS_FAILURES, SnsStandIn } from './sns';
export type { MessageAttribute, PublishAttempt, PublishedMessage, SnsFailure } from './sns';
export { LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, parseSigV4 } from './wire';
export type { SignatureScope } from './wire';
