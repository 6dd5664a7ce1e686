/**
 * The stack (DESIGN.md section 7): composes the constructs from the validated configuration and
 * holds every cdk-nag acknowledgment, each naming one finding on one resource with its reason.
 */
import { Annotations, Aws, CfnOutput, CfnRule, Duration, Fn, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { SchedulerConfig } from './config';
import { Alarms } from './constructs/alarms';
import { Egress } from './constructs/egress';
import { Notifications } from './constructs/notifications';
import { Schedules } from './constructs/schedules';
import { SnapshotFunction } from './constructs/snapshot-function';
import { formatDuration, missedSnapshotWindow, type WindowResult } from './schedule-window';

export interface AtlasSnapshotStackProps extends StackProps {
  config: SchedulerConfig;
}

/** What a person pastes in the Lambda console's Test tab: a run that reads but requests nothing. */
export const CONSOLE_TEST_EVENT = JSON.stringify({ dryRun: true });

export const MISSED_SNAPSHOT_ALARM_WARNING = 'atlas-snapshot-scheduler:MissedSnapshotAlarmNotCreated';
export const SINGLE_SUBNET_WARNING = 'atlas-snapshot-scheduler:SingleSubnet';

export class AtlasSnapshotStack extends Stack {
  readonly notifications: Notifications;
  /** With `egress`: the function's network. */
  readonly egress?: Egress;
  readonly snapshotFunction: SnapshotFunction;
  readonly schedules: Schedules;
  readonly alarms: Alarms;
  readonly missedSnapshotWindow: WindowResult;

  constructor(scope: Construct, id: string, props: AtlasSnapshotStackProps) {
    super(scope, id, props);
    const { config } = props;

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
      ...(config.existingTopicArn !== undefined ? { existingTopicArn: config.existingTopicArn } : {}),
      ...(config.existingTopicKmsKeyArn !== undefined ? { existingTopicKmsKeyArn: config.existingTopicKmsKeyArn } : {}),
    });

    if (config.egress !== undefined) {
      this.egress = new Egress(this, 'Egress', {
        config: config.egress,
        flowLogRetention: config.logRetentionInDays,
      });
      if (config.egress.mode === 'vpc' && config.egress.subnetIds.length === 1) {
        Annotations.of(this).addWarningV2(
          SINGLE_SUBNET_WARNING,
          `atlasSnapshot.egress.subnetIds names one subnet (${config.egress.subnetIds[0]}): the function cannot run while its ` +
            'Availability Zone is impaired. Give a private subnet in a second zone as well.',
        );
      }
    }

    this.snapshotFunction = new SnapshotFunction(this, 'SnapshotFunction', {
      secretName: config.secretName,
      ...(config.secretKmsKeyArn !== undefined ? { secretKmsKeyArn: config.secretKmsKeyArn } : {}),
      topicArn: this.notifications.topic.topicArn,
      ...(this.notifications.topicKeyArn !== undefined ? { topicKeyArn: this.notifications.topicKeyArn } : {}),
      targets: config.targets,
      retentionInDays: config.retentionInDays,
      description: config.description,
      ...(config.atlasBaseUrl !== undefined ? { atlasBaseUrl: config.atlasBaseUrl } : {}),
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

    this.schedules = new Schedules(this, 'Schedules', {
      function: this.snapshotFunction.function,
      schedules: config.schedules,
    });

    // Grace: the run itself (up to the timeout) plus the configured margin for Scheduler's
    // one-minute precision, retries and the metric's arrival in CloudWatch.
    this.missedSnapshotWindow = missedSnapshotWindow(
      config.schedules,
      config.timeoutSeconds + config.alarmGraceMinutes * 60,
    );
    if (!this.missedSnapshotWindow.ok) {
      Annotations.of(this).addWarningV2(
        MISSED_SNAPSHOT_ALARM_WARNING,
        `The missed-snapshot alarm is not created: ${this.missedSnapshotWindow.reason}. ` +
          'Add a schedule that runs at least weekly, or watch the function errors alarm and the notifications.',
      );
    }

    this.alarms = new Alarms(this, 'Alarms', {
      function: this.snapshotFunction.function,
      topic: this.notifications.topic,
      ...(this.missedSnapshotWindow.ok ? { missedSnapshotWindow: this.missedSnapshotWindow.window } : {}),
      schedulerDeadLetterQueue: this.schedules.deadLetterQueue,
    });
    this.notifications.allowAlarms(this.alarms.all());

    new CfnOutput(this, 'FunctionName', {
      description: 'The snapshot function (run it by hand from the Lambda console)',
      value: this.snapshotFunction.function.functionName,
    });
    new CfnOutput(this, 'TopicArn', {
      description: 'Where outcomes and alarms are published',
      value: this.notifications.topic.topicArn,
    });
    new CfnOutput(this, 'ConsoleTestEvent', {
      description:
        'Paste as the test event in the Lambda console: a dry run checks the secret, the clusters and their snapshots ' +
        'without requesting one. Use {} for a real run with the configured defaults.',
      value: CONSOLE_TEST_EVENT,
    });
    new CfnOutput(this, 'MissedSnapshotAlarmWindow', {
      description: 'How long without a requested or in-progress snapshot before the missed-snapshot alarm fires',
      value: this.missedSnapshotWindow.ok
        ? `${formatDuration(this.missedSnapshotWindow.window.windowSeconds)} (${this.missedSnapshotWindow.window.evaluationPeriods} x ${this.missedSnapshotWindow.window.periodSeconds} s)`
        : 'not created: the schedules leave more than CloudWatch can evaluate (7 days)',
    });
    if (this.egress?.natEip !== undefined) {
      new CfnOutput(this, 'AtlasAccessListIp', {
        description:
          'The Elastic IP of the NAT gateway the function calls Atlas through: add it to the API access list of the ' +
          'Atlas service account or API key in the secret',
        value: this.egress.natEip.attrPublicIp,
      });
    }

    this.acknowledgeNagFindings();
  }

  private requireStackRegion(id: string, field: string, arn: string): void {
    const region = arn.split(':')[3]; // arn:<partition>:<service>:<region>:...
    new CfnRule(this, id, {
      assertions: [
        {
          assert: Fn.conditionEquals(Aws.REGION, region),
          assertDescription: `atlasSnapshot.${field} is in ${region}: deploy the stack to ${region}, or use a resource of the stack's region`,
        },
      ],
    });
  }

  private acknowledgeNagFindings(): void {
    const fn = this.snapshotFunction;
    if (fn.secretArnIsPattern) {
      const policy = fn.role.node.findChild('DefaultPolicy');
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResourceText(this, fn.secretArn)}]`,
        reason:
          'The secret is configured by name; Secrets Manager appends "-" and 6 random characters to its ARN, and ' +
          '"??????" matches exactly those 6 characters, so the statement names that one secret (give the complete ARN ' +
          'in secretName to avoid the pattern).',
      });
    }
    if (fn.networkInterfacePolicy !== undefined && fn.networkInterfaceArn !== undefined) {
      Validations.of(fn.networkInterfacePolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only ec2:DescribeNetworkInterfaces is granted on "*": the action has no resource-level permissions, and ' +
          'Lambda needs it to attach the function to the VPC (egress option).',
      });
      Validations.of(fn.networkInterfacePolicy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResourceText(this, fn.networkInterfaceArn)}]`,
        reason:
          "Lambda creates, deletes and assigns addresses to the function's VPC network interfaces with its role; their ids " +
          "do not exist before Lambda creates them, and AWS's Lambda guide gives this account-and-region form " +
          '(arn:...:ec2:<region>:<account>:*/*) because Lambda checks DeleteNetworkInterface when it creates the function.',
      });
    }
    Validations.of(fn.failedRunQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue: the on-failure destination of the function's asynchronous " +
        'invocations. cdk-nag recognises only queues named in a redrive policy or a function DeadLetterConfig.',
    });
    Validations.of(this.schedules.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue: EventBridge Scheduler's dead-letter queue for events it could not " +
        'deliver. cdk-nag recognises only queues named in a redrive policy or a function DeadLetterConfig.',
    });
  }
}

/** The text cdk-nag shows for a resource: intrinsics as <AWS::Partition>, <Logical.Attr>, ... */
function nagResourceText(stack: Stack, value: string): string {
  const resolved: unknown = stack.resolve(value);
  return flatten(resolved);
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join('');
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string') return `<${record.Ref}>`;
    const join = record['Fn::Join'];
    if (Array.isArray(join)) {
      const [separator, parts] = join as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${(getAtt as string[]).join('.')}>`;
  }
  return JSON.stringify(value);
}
