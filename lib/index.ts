/**
 * The package entry (docs/construct.md): the construct, its props and
 * the configuration types and validation it shares with the app in bin/.
 */
export {
  ALL_EMAILS_FILTERED_WARNING,
  AtlasSnapshotScheduler,
  MISSED_SNAPSHOT_ALARM_WARNING,
  PROMOTION_WITHOUT_CONFIRMATION_WARNING,
  PROPS_PREFIX,
  SINGLE_SUBNET_WARNING,
  type AtlasSnapshotSchedulerProps,
} from './constructs/atlas-snapshot-scheduler';
export type { Alarms } from './constructs/alarms';
export { AtlasSnapshotStack, CONSOLE_TEST_EVENT, type AtlasSnapshotStackProps } from './atlas-snapshot-stack';
export {
  ConfigError,
  validateConfig,
  type AtlasSnapshotConfig,
  type ConfirmationInput,
  type EgressInput,
  type EmailSubscriptionInput,
  type PromotionInput,
  type ScheduleInput,
  type SchedulerConfig,
} from './config';
