/**
 * The stack the app in bin/ deploys (docs/design.md "The stack"): a thin user of the
 * AtlasSnapshotScheduler construct, plus the stack outputs. The construct's id is `Default`, which
 * CDK leaves out of logical ids, so every resource keeps the logical id it had when the stack built
 * the parts itself (round 1) and a deployed stack upgrades in place.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { SchedulerConfig } from './config';
import { AtlasSnapshotScheduler, FIELD_PREFIX_CONTEXT } from './constructs/atlas-snapshot-scheduler';

export {
  ALL_EMAILS_FILTERED_WARNING,
  MISSED_SNAPSHOT_ALARM_WARNING,
  PROMOTION_WITHOUT_CONFIRMATION_WARNING,
  SINGLE_SUBNET_WARNING,
} from './constructs/atlas-snapshot-scheduler';

export interface AtlasSnapshotStackProps extends StackProps {
  config: SchedulerConfig;
}

/** What a person pastes in the Lambda console's Test tab: a run that reads but requests nothing. */
export const CONSOLE_TEST_EVENT = JSON.stringify({ dryRun: true });

export class AtlasSnapshotStack extends Stack {
  readonly scheduler: AtlasSnapshotScheduler;

  constructor(scope: Construct, id: string, props: AtlasSnapshotStackProps) {
    super(scope, id, props);
    // stackName names this stack (bin/); the construct has no such prop.
    const { stackName: _stackName, ...schedulerProps } = props.config;
    // Warnings name the fields as this app's users write them, in cdk.json's atlasSnapshot.
    this.node.setContext(FIELD_PREFIX_CONTEXT, 'atlasSnapshot');
    this.scheduler = new AtlasSnapshotScheduler(this, 'Default', schedulerProps);
    const { scheduler } = this;

    new CfnOutput(this, 'FunctionName', {
      description: 'The snapshot function (run it by hand from the Lambda console)',
      value: scheduler.function.functionName,
    });
    new CfnOutput(this, 'TopicArn', {
      description: 'Where outcomes and alarms are published',
      value: scheduler.topic.topicArn,
    });
    new CfnOutput(this, 'ConsoleTestEvent', {
      description:
        'Paste as the test event in the Lambda console: a dry run checks the secret, the clusters and their snapshots ' +
        'without requesting one. Use {} for a real run with the configured defaults.',
      value: CONSOLE_TEST_EVENT,
    });
    new CfnOutput(this, 'MissedSnapshotAlarmWindow', {
      description: scheduler.config.confirmation.enabled
        ? 'How long without a snapshot confirmed completed before the missed-snapshot alarm fires'
        : 'How long without a requested or in-progress snapshot before the missed-snapshot alarm fires',
      value: scheduler.describeMissedSnapshotWindow(),
    });
    if (scheduler.egress?.natEip !== undefined) {
      new CfnOutput(this, 'AtlasAccessListIp', {
        description:
          'The Elastic IP of the NAT gateway the function calls Atlas through: add it to the API access list of the ' +
          'Atlas service account or API key in the secret',
        value: scheduler.egress.natEip.attrPublicIp,
      });
    }
    if (scheduler.chatTopic !== undefined) {
      new CfnOutput(this, 'ChatTopicArn', {
        description:
          'Subscribe a channel of Amazon Q Developer in chat applications (Slack, Microsoft Teams, Amazon Chime) to ' +
          'this topic: run outcomes and alarms arrive as chat messages',
        value: scheduler.chatTopic.topicArn,
      });
    }
    new CfnOutput(this, 'DashboardName', {
      description: 'The CloudWatch dashboard: alarms, outcomes, and per cluster the last completed snapshot',
      value: scheduler.dashboard.dashboardName,
    });
  }

  // Round-1 names of the parts, kept for code that reads them from the stack.
  get notifications(): AtlasSnapshotScheduler['notifications'] {
    return this.scheduler.notifications;
  }
  get egress(): AtlasSnapshotScheduler['egress'] {
    return this.scheduler.egress;
  }
  get snapshotFunction(): AtlasSnapshotScheduler['snapshotFunction'] {
    return this.scheduler.snapshotFunction;
  }
  get schedules(): AtlasSnapshotScheduler['schedules'] {
    return this.scheduler.schedules;
  }
  get alarms(): AtlasSnapshotScheduler['alarms'] {
    return this.scheduler.alarms;
  }
  get missedSnapshotWindow(): AtlasSnapshotScheduler['missedSnapshotWindow'] {
    return this.scheduler.missedSnapshotWindow;
  }
}
