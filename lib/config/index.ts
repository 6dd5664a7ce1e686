/**
 * Deploy-time configuration (docs/configuration.md): the types constructs and users write, the
 * resolved type the stack reads, the context reader and the validation shared with construct props.
 */
export { ConfigError } from './config-error';
export { loadConfig, parseConfig } from './context';
export {
  CONTEXT_KEY,
  DEFAULTS,
  defaultTimeoutSeconds,
  LOG_RETENTION_DAYS,
  MAX_ALARM_GRACE_MINUTES,
  MAX_CONCURRENCY,
  MAX_FIRST_CHECK_MINUTES,
  MAX_MAX_HOURS,
  MAX_MEMORY_MB,
  MAX_SECURITY_GROUPS,
  MAX_SUBNETS,
  MAX_TIMEOUT_SECONDS,
  MIN_CONCURRENCY,
  MIN_FIRST_CHECK_MINUTES,
  MIN_MAX_HOURS,
  MIN_MEMORY_MB,
  MIN_TIMEOUT_SECONDS,
  STAGES,
  STATUSES,
} from './limits';
export { validateConfig } from './schema';
export type {
  AtlasSnapshotConfig,
  ConfirmationConfig,
  ConfirmationInput,
  EgressConfig,
  EgressInput,
  EmailSubscriptionConfig,
  EmailSubscriptionInput,
  NatEgressConfig,
  PromotionInput,
  ScheduleConfig,
  ScheduleInput,
  SchedulerConfig,
  VpcEgressConfig,
} from './types';
