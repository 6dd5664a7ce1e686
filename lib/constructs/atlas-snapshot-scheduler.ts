/**
 * `AtlasSnapshotScheduler` (docs/construct.md): everything the
 * scheduler deploys, as one construct whose props are the configuration of docs/configuration.md
 * with the same field names, validated the same way (a bad prop throws a ConfigError naming it).
 *
 * It composes the parts: the topics, the optional egress network, the schedules and their
 * dead-letter queue, completion confirmation (schedule group and follow-up role), the function,
 * the alarms and the dashboard; it carries its cdk-nag acknowledgments and its synth warnings.
 * Children keep the ids the round-1 stack gave them, so a stack that creates this construct with
 * the id `Default` (left out of logical ids) keeps every round-1 logical id.
 */
import { Annotations, Aws, CfnRule, Duration, Fn } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  ConfigError,
  validateConfig,
  type AtlasSnapshotConfig,
  type EgressConfig,
  type SchedulerConfig,
} from '../config';
import { environmentValues } from '../function-environment';
import {
  formatDuration,
  longestAlarmableGapSeconds,
  missedSnapshotWindow,
  type AlarmWindow,
  type WindowResult,
} from '../schedule-window';
import { Alarms } from './alarms';
import { Confirmation } from './confirmation';
import { OperationsDashboard } from './dashboard';
import { Egress } from './egress';
import { acknowledgeNagFindings } from './nag-acknowledgments';
import { Notifications } from './notifications';
import { Schedules } from './schedules';
import { SnapshotFunction } from './snapshot-function';

/**
 * The configuration of docs/configuration.md, every field as in `cdk.json`'s `atlasSnapshot`, but
 * `stackName`: that names the stack the app in bin/ deploys, while a construct lives in the stack
 * its user gives it.
 */
export type AtlasSnapshotSchedulerProps = Omit<AtlasSnapshotConfig, 'stackName'>;

/** The prefix props are named with in ConfigError messages (`props.targets[0].clusterName ...`). */
export const PROPS_PREFIX = 'props';
/**
 * Construct context under which a parent names the fields in synth warnings: the app in bin/ sets
 * `atlasSnapshot` (its users write cdk.json); a construct used directly says `props`.
 */
export const FIELD_PREFIX_CONTEXT = 'atlas-snapshot-scheduler:fieldPrefix';

export const MISSED_SNAPSHOT_ALARM_WARNING = 'atlas-snapshot-scheduler:MissedSnapshotAlarmNotCreated';
export const SINGLE_SUBNET_WARNING = 'atlas-snapshot-scheduler:SingleSubnet';
export const ALL_EMAILS_FILTERED_WARNING = 'atlas-snapshot-scheduler:AllEmailSubscriptionsFiltered';
export const PROMOTION_WITHOUT_CONFIRMATION_WARNING = 'atlas-snapshot-scheduler:PromotionWithoutConfirmation';

export class AtlasSnapshotScheduler extends Construct {
  /** The validated configuration, defaults applied. */
  readonly config: SchedulerConfig;
  readonly notifications: Notifications;
  /** With `egress`: the function's network. */
  readonly egress?: Egress;
  readonly snapshotFunction: SnapshotFunction;
  readonly schedules: Schedules;
  /** With confirmation enabled: the schedule group and the follow-up role. */
  readonly confirmation?: Confirmation;
  /** functionErrors, missedSnapshots (when CloudWatch can evaluate its window), undeliveredSchedules. */
  readonly alarms: Alarms;
  readonly dashboard: cloudwatch.Dashboard;
  readonly missedSnapshotWindow: WindowResult;
  /** How synth warnings name a field: `atlasSnapshot` under the app in bin/, else `props`. */
  private readonly fieldPrefix: string;

  constructor(scope: Construct, id: string, props: AtlasSnapshotSchedulerProps) {
    super(scope, id);
    const prefix: unknown = this.node.tryGetContext(FIELD_PREFIX_CONTEXT);
    this.fieldPrefix = typeof prefix === 'string' ? prefix : PROPS_PREFIX;
    if ('stackName' in props) {
      throw new ConfigError(
        [
          `${PROPS_PREFIX}.stackName is not a prop of the construct, got ${JSON.stringify(props.stackName)}: ` +
            'it names the stack of the app in bin/; name your own stack where you create it',
        ],
        `${PROPS_PREFIX} configuration`,
      );
    }
    const config = validateConfig(props, PROPS_PREFIX);
    this.config = config;

    // Resources named by ARN must be in the region the stack is deployed to: the function's SDK
    // clients call the endpoints of their own region, and alarms notify topics of their own region.
    // The region is unknown at synth (environment-agnostic), so CloudFormation checks it at deploy.
    if (config.existingTopicArn !== undefined) {
      this.requireStackRegion('ExistingTopicInStackRegion', 'existingTopicArn', config.existingTopicArn);
    }
    if (config.secretName.startsWith('arn:')) {
      this.requireStackRegion('SecretInStackRegion', 'secretName', config.secretName);
    }

    this.notifications = new Notifications(this, 'Notifications', {
      emailSubscriptions: config.notificationEmails,
      chat: config.chat,
      ...(config.existingTopicArn !== undefined ? { existingTopicArn: config.existingTopicArn } : {}),
      ...(config.existingTopicKmsKeyArn !== undefined ? { existingTopicKmsKeyArn: config.existingTopicKmsKeyArn } : {}),
    });
    this.warnWhenEveryAddressIsFiltered();
    this.warnWhenPromotionCannotRun();

    if (config.egress !== undefined) this.egress = this.createEgress(config.egress, config.logRetentionInDays);

    this.schedules = new Schedules(this, 'Schedules');
    if (config.confirmation.enabled) {
      this.confirmation = new Confirmation(this, 'Confirmation', { deadLetterQueue: this.schedules.deadLetterQueue });
    }

    this.snapshotFunction = new SnapshotFunction(this, 'SnapshotFunction', {
      environment: environmentValues(config, {
        topicArn: this.notifications.topic.topicArn,
        ...(this.confirmation !== undefined
          ? {
              confirmation: {
                scheduleGroupName: this.confirmation.scheduleGroup.scheduleGroupName,
                roleArn: this.confirmation.role.roleArn,
                deadLetterArn: this.schedules.deadLetterQueue.queueArn,
              },
            }
          : {}),
        ...(this.notifications.chatTopic !== undefined ? { chatTopicArn: this.notifications.chatTopic.topicArn } : {}),
      }),
      ...(config.secretKmsKeyArn !== undefined ? { secretKmsKeyArn: config.secretKmsKeyArn } : {}),
      topicKeyArns: this.notifications.publisherKeyArns(),
      memorySize: config.memorySize,
      timeout: Duration.seconds(config.timeoutSeconds),
      logRetention: config.logRetentionInDays,
      ...(this.egress !== undefined
        ? {
            network: { vpc: this.egress.vpc, subnets: this.egress.subnets, securityGroups: this.egress.securityGroups },
          }
        : {}),
    });
    if (this.egress !== undefined && this.snapshotFunction.networkInterfacePolicy !== undefined) {
      this.egress.dependOnInterfacePermissions(this.snapshotFunction.networkInterfacePolicy);
    }
    this.confirmation?.allowInvoke(this.snapshotFunction.function);
    this.schedules.invoke(this.snapshotFunction.function, config.schedules);

    this.missedSnapshotWindow = this.missedWindow(config);
    this.alarms = new Alarms(this, 'Alarms', {
      function: this.snapshotFunction.function,
      topics: this.notifications.alarmTargets(),
      ...(this.missedSnapshotWindow.ok
        ? { missedSnapshots: this.missedSnapshotAlarm(this.missedSnapshotWindow.window) }
        : {}),
      schedulerDeadLetterQueue: this.schedules.deadLetterQueue,
    });
    this.notifications.allowAlarms(this.alarms.all());

    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      function: this.snapshotFunction.function,
      logGroup: this.snapshotFunction.logGroup,
      alarms: this.alarms.all(),
      timeout: Duration.seconds(config.timeoutSeconds),
    });

    acknowledgeNagFindings({ snapshotFunction: this.snapshotFunction, schedules: this.schedules });
  }

  /** The snapshot function (add permissions, subscriptions or alarms of your own to it). */
  get function(): lambda.Function {
    return this.snapshotFunction.function;
  }

  /** The function's role. */
  get role(): iam.Role {
    return this.snapshotFunction.role;
  }

  /** Where outcomes are published (created here, or the existing topic). */
  get topic(): sns.ITopic {
    return this.notifications.topic;
  }

  /** With `chat`: the topic for Amazon Q Developer in chat applications. */
  get chatTopic(): sns.ITopic | undefined {
    return this.notifications.chatTopic;
  }

  /** With confirmation enabled: the group of the one-time follow-up schedules. */
  get scheduleGroup(): scheduler.IScheduleGroup | undefined {
    return this.confirmation?.scheduleGroup;
  }

  /** What the MissedSnapshotAlarmWindow output says. */
  describeMissedSnapshotWindow(): string {
    const result = this.missedSnapshotWindow;
    if (result.ok) {
      const { window } = result;
      return `${formatDuration(window.windowSeconds)} (${window.evaluationPeriods} x ${window.periodSeconds} s)`;
    }
    return `not created: ${result.reason}; ${enoughAdvice(result.graceSeconds)}`;
  }

  private createEgress(config: EgressConfig, flowLogRetention: logs.RetentionDays): Egress {
    const egress = new Egress(this, 'Egress', { config, flowLogRetention });
    if (config.mode === 'vpc' && config.subnetIds.length === 1) {
      Annotations.of(this).addWarningV2(
        SINGLE_SUBNET_WARNING,
        `${this.fieldPrefix}.egress.subnetIds names one subnet (${config.subnetIds[0]}): the function cannot run while its ` +
          'Availability Zone is impaired. Give a private subnet in a second zone as well.',
      );
    }
    return egress;
  }

  /**
   * Grace: the run itself (up to the timeout), the configured margin for Scheduler's one-minute
   * precision, retries and the metric's arrival in CloudWatch, and with confirmation the hours a
   * requested snapshot may take until a follow-up confirms it (the alarm then counts completions).
   */
  private missedWindow(config: SchedulerConfig): WindowResult {
    const confirmationSeconds = config.confirmation.enabled ? config.confirmation.maxHours * 3600 : 0;
    const result = missedSnapshotWindow(
      config.schedules,
      config.timeoutSeconds + config.alarmGraceMinutes * 60 + confirmationSeconds,
    );
    if (!result.ok) {
      Annotations.of(this).addWarningV2(
        MISSED_SNAPSHOT_ALARM_WARNING,
        `The missed-snapshot alarm is not created: ${result.reason}. ${capitalize(enoughAdvice(result.graceSeconds))}; ` +
          'until then, watch the function errors alarm and the notifications.',
      );
    }
    return result;
  }

  private missedSnapshotAlarm(window: AlarmWindow): { window: AlarmWindow; confirmationHours?: number } {
    return this.config.confirmation.enabled
      ? { window, confirmationHours: this.config.confirmation.maxHours }
      : { window };
  }

  /** CloudWatch alarm messages carry no attributes: filtered subscriptions get alarms from the alarm topic only. */
  private warnWhenEveryAddressIsFiltered(): void {
    const emails = this.config.notificationEmails;
    const filtered = this.notifications.filteredAddresses;
    if (emails.length === 0 || filtered.length < emails.length) return;
    Annotations.of(this).addWarningV2(
      ALL_EMAILS_FILTERED_WARNING,
      `Every address in ${this.fieldPrefix}.notificationEmails has a statuses or stages filter (${filtered.join(', ')}). ` +
        'CloudWatch alarm messages carry no message attributes, so no filtered subscription ever receives an alarm: ' +
        'the alarms reach these addresses through the separate alarm topic instead, and each address confirms two ' +
        'subscriptions (outcome topic and alarm topic).',
    );
  }

  /** Promotion runs in the follow-up that confirms a snapshot completed (docs/promotion.md): none without confirmation. */
  private warnWhenPromotionCannotRun(): void {
    const { promotion, schedules, confirmation } = this.config;
    const promoting = [
      ...(promotion !== undefined ? [`${this.fieldPrefix}.promotion`] : []),
      ...schedules.filter((s) => s.promotion !== undefined && s.promotion !== false).map((s) => `schedule "${s.name}"`),
    ];
    if (confirmation.enabled || promoting.length === 0) return;
    Annotations.of(this).addWarningV2(
      PROMOTION_WITHOUT_CONFIRMATION_WARNING,
      `Retention promotion is configured (${promoting.join(', ')}) but ${this.fieldPrefix}.confirmation.enabled is false: ` +
        'promotion happens when a follow-up check confirms a snapshot completed, so no snapshot will be promoted. ' +
        'Turn confirmation on, or remove the promotion.',
    );
  }

  private requireStackRegion(id: string, field: string, arn: string): void {
    const region = arn.split(':')[3]; // arn:<partition>:<service>:<region>:...
    new CfnRule(this, id, {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, region),
          assertDescription: `${this.fieldPrefix}.${field} is in ${region}: deploy the stack to ${region}, or use a resource of the stack's region`,
        },
      ],
    });
  }
}

/** What schedules are enough for the alarm, given the grace the window needs. */
function enoughAdvice(graceSeconds: number): string {
  const longest = longestAlarmableGapSeconds(graceSeconds);
  const days = Math.floor(longest / 86_400);
  const example = days >= 1 ? ` (for example rate(${days} ${days === 1 ? 'day' : 'days'}))` : '';
  return `runs at most ${formatDuration(longest)} apart are enough for the alarm${example}, so a weekly schedule alone is not`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
