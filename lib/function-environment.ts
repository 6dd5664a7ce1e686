/**
 * The function's environment (docs/design.md "Function environment"), built in one place from the
 * resolved configuration and the values only the stack knows (topic, schedule group, role and
 * queue ARNs). Pure: no CDK. It also decides where the targets travel: in ATLAS_TARGETS when all
 * variables fit Lambda's 4 KB, otherwise in a JSON file at the code root named by ATLAS_TARGETS_FILE.
 */
import { DEFAULT_CONCURRENCY, ENV, TARGETS_FILE_NAME } from '../lambda/snapshot/contract';
import type { Promotion, Target } from '../lambda/snapshot/types';
import type { SchedulerConfig } from './config';

/** Lambda's limit on all environment variables of a function together. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * Room kept for ARNs the stack creates, unknown until deploy (at synth they are short tokens): the
 * longest partition name, more than any region name, an account id, and the longest resource name.
 */
const arnReserve = (service: string, region: string, resource: string): string =>
  `arn:aws-us-gov:${service}:${region}:${'0'.repeat(12)}:${resource}`;
const REGION_RESERVE = 'r'.repeat(20);
/** An SNS topic: names of up to 256 characters. */
export const TOPIC_ARN_RESERVE = arnReserve('sns', REGION_RESERVE, 't'.repeat(256));
/** An IAM role the stack creates (no path): names of up to 64 characters; IAM ARNs have no region. */
export const ROLE_ARN_RESERVE = arnReserve('iam', '', `role/${'r'.repeat(64)}`);
/** An SQS queue: names of up to 80 characters. */
export const QUEUE_ARN_RESERVE = arnReserve('sqs', REGION_RESERVE, 'q'.repeat(80));
/** An EventBridge Scheduler schedule group: names of up to 64 characters. */
export const SCHEDULE_GROUP_RESERVE = 'g'.repeat(64);

/** The variables whose values may be deploy-time tokens, with the room each is measured at. */
export const DEPLOY_TIME_RESERVES: Readonly<Record<string, string>> = {
  [ENV.topicArn]: TOPIC_ARN_RESERVE,
  [ENV.chatTopicArn]: TOPIC_ARN_RESERVE,
  [ENV.confirmRoleArn]: ROLE_ARN_RESERVE,
  [ENV.confirmDeadLetterArn]: QUEUE_ARN_RESERVE,
  [ENV.confirmScheduleGroup]: SCHEDULE_GROUP_RESERVE,
};

/** How CDK writes an unresolved string token (`${Token[TOKEN.123]}`). */
const UNRESOLVED_TOKEN = /\$\{Token\[/;

/** With confirmation on: where the follow-up checks are scheduled and how. */
export interface ConfirmationEnvironment {
  /** The stack's schedule group for follow-up checks. */
  scheduleGroupName: string;
  /** The role EventBridge Scheduler assumes to invoke the function. */
  roleArn: string;
  firstCheckMinutes: number;
  maxHours: number;
  /** Dead-letter queue of the follow-up schedules. */
  deadLetterArn?: string;
}

export interface FunctionEnvironmentValues {
  secretId: string;
  topicArn: string;
  targets: readonly Target[];
  retentionInDays: number;
  description: string;
  atlasBaseUrl?: string;
  /** ATLAS_CONCURRENCY is set only when this differs from the function's default. */
  concurrency?: number;
  /** Absent: confirmation off (no CONFIRM_* variables). */
  confirmation?: ConfirmationEnvironment;
  /** Absent: no promotion by default. */
  promotion?: Promotion;
  /** `false` sets SUMMARY_ENABLED=false; the summary is on otherwise. */
  summary?: boolean;
  /** The chat topic (Amazon Q Developer custom notifications), when there is one. */
  chatTopicArn?: string;
}

/** The targets file the stack must write at the function's code root. */
export interface TargetsFile {
  name: string;
  json: string;
}

export interface FunctionEnvironment {
  variables: Record<string, string>;
  /** Present when the targets did not fit the environment (ATLAS_TARGETS_FILE names it). */
  targetsFile?: TargetsFile;
}

export type TargetsPlacement = { kind: 'environment'; json: string } | ({ kind: 'file' } & TargetsFile);

/** Size Lambda counts, taken conservatively as the UTF-8 length of the variables as a JSON object. */
export function environmentBytes(environment: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(environment), 'utf8');
}

/**
 * The variables as measured against the limit: a deploy-time value at least as long as its
 * reserve. Any other unresolved token is refused, as its length at deploy is unknown.
 */
export function measuredVariables(variables: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      const reserve = DEPLOY_TIME_RESERVES[name];
      if (reserve !== undefined) return [name, value.length > reserve.length ? value : reserve];
      if (UNRESOLVED_TOKEN.test(value)) {
        throw new Error(`${name} holds a value unknown until deploy; its size cannot be checked against Lambda's 4 KB`);
      }
      return [name, value];
    }),
  );
}

/**
 * Where the targets travel: in ATLAS_TARGETS when, with the other variables (deploy-time ones at
 * their reserve), everything fits Lambda's 4 KB; otherwise in TARGETS_FILE_NAME in the bundle.
 */
export function targetsPlacement(targets: readonly Target[], otherVariables: Record<string, string>): TargetsPlacement {
  const json = JSON.stringify(targets);
  const measured = { ...measuredVariables(otherVariables), [ENV.targets]: json };
  if (environmentBytes(measured) <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return { kind: 'environment', json };
  return { kind: 'file', name: TARGETS_FILE_NAME, json };
}

/** The CONFIRM_* variables of confirmation on (none when off). */
export function confirmationVariables(confirmation: ConfirmationEnvironment | undefined): Record<string, string> {
  if (confirmation === undefined) return {};
  return {
    [ENV.confirmScheduleGroup]: confirmation.scheduleGroupName,
    [ENV.confirmRoleArn]: confirmation.roleArn,
    [ENV.confirmFirstCheckMinutes]: String(confirmation.firstCheckMinutes),
    [ENV.confirmMaxHours]: String(confirmation.maxHours),
    ...(confirmation.deadLetterArn !== undefined ? { [ENV.confirmDeadLetterArn]: confirmation.deadLetterArn } : {}),
  };
}

/** Every variable but the targets, in the order of docs/design.md. */
function otherVariables(values: FunctionEnvironmentValues): Record<string, string> {
  const { promotion, concurrency } = values;
  return {
    [ENV.secretId]: values.secretId,
    [ENV.topicArn]: values.topicArn,
    [ENV.retentionDays]: String(values.retentionInDays),
    [ENV.description]: values.description,
    ...(values.atlasBaseUrl !== undefined ? { [ENV.baseUrl]: values.atlasBaseUrl } : {}),
    ...(concurrency !== undefined && concurrency !== DEFAULT_CONCURRENCY
      ? { [ENV.concurrency]: String(concurrency) }
      : {}),
    ...confirmationVariables(values.confirmation),
    ...(promotion !== undefined
      ? {
          [ENV.promotion]: JSON.stringify({
            weeks: promotion.weeks,
            months: promotion.months,
            years: promotion.years,
            timezone: promotion.timezone,
          }),
        }
      : {}),
    ...(values.summary === false ? { [ENV.summaryEnabled]: 'false' } : {}),
    ...(values.chatTopicArn !== undefined ? { [ENV.chatTopicArn]: values.chatTopicArn } : {}),
  };
}

/**
 * The function's variables, and the targets file when the targets do not fit beside them.
 * Throws when the variables other than the targets alone exceed the limit (a description of
 * many multi-byte characters can), since moving the targets out would not help.
 */
export function functionEnvironment(values: FunctionEnvironmentValues): FunctionEnvironment {
  const others = otherVariables(values);
  const placement = targetsPlacement(values.targets, others);
  if (placement.kind === 'environment') return { variables: { ...others, [ENV.targets]: placement.json } };
  const variables = { ...others, [ENV.targetsFile]: placement.name };
  const bytes = environmentBytes(measuredVariables(variables));
  if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    throw new Error(
      `The function's environment needs ${bytes} bytes without the targets (deploy-time ARNs at their longest), ` +
        `over the ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes Lambda allows: shorten the description or the secret name`,
    );
  }
  return { variables, targetsFile: { name: placement.name, json: placement.json } };
}

/** What only the stack knows, at deploy time. */
export interface DeployTimeValues {
  topicArn: string;
  /** Required with confirmation enabled: the stack's schedule group, the Scheduler role, the schedules' DLQ. */
  confirmation?: Pick<ConfirmationEnvironment, 'scheduleGroupName' | 'roleArn' | 'deadLetterArn'>;
  /** Required with `chat`: the chat topic. */
  chatTopicArn?: string;
}

export type EnvironmentConfig = Pick<
  SchedulerConfig,
  'secretName' | 'targets' | 'retentionInDays' | 'description' | 'concurrency' | 'confirmation' | 'summary' | 'chat'
> &
  Partial<Pick<SchedulerConfig, 'atlasBaseUrl' | 'promotion'>>;

/** The environment's values from the resolved configuration and the stack's deploy-time values. */
export function environmentValues(config: EnvironmentConfig, deploy: DeployTimeValues): FunctionEnvironmentValues {
  if (config.confirmation.enabled && deploy.confirmation === undefined) {
    throw new Error('confirmation is enabled: the schedule group and the Scheduler role must be given');
  }
  if (config.chat && deploy.chatTopicArn === undefined)
    throw new Error('chat is enabled: the chat topic must be given');
  const confirmation =
    config.confirmation.enabled && deploy.confirmation !== undefined
      ? {
          ...deploy.confirmation,
          firstCheckMinutes: config.confirmation.firstCheckMinutes,
          maxHours: config.confirmation.maxHours,
        }
      : undefined;
  return {
    secretId: config.secretName,
    topicArn: deploy.topicArn,
    targets: config.targets,
    retentionInDays: config.retentionInDays,
    description: config.description,
    concurrency: config.concurrency,
    summary: config.summary,
    ...(config.atlasBaseUrl !== undefined ? { atlasBaseUrl: config.atlasBaseUrl } : {}),
    ...(confirmation !== undefined ? { confirmation } : {}),
    ...(config.promotion !== undefined ? { promotion: config.promotion } : {}),
    ...(config.chat && deploy.chatTopicArn !== undefined ? { chatTopicArn: deploy.chatTopicArn } : {}),
  };
}
