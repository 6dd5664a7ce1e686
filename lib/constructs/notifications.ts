/**
 * The topics (docs/notifications.md; docs/design.md, "The stack"):
 *  - the outcome topic: a new topic encrypted with its own rotating KMS key, TLS-only, that the
 *    stack's CloudWatch alarms may publish to, with optional e-mail subscriptions filtered on the
 *    `status` and `stage` attributes; or an existing topic, imported as it is;
 *  - the alarm topic, when an e-mail subscription has a filter: CloudWatch alarm messages carry no
 *    message attributes, so a filtered subscription never matches one. Every filtered address is
 *    also subscribed, without a filter, to this topic, which only the alarms publish to;
 *  - the chat topic (`chat`), for Amazon Q Developer in chat applications: the function publishes
 *    its custom notifications there and the alarms notify it too (Q Developer renders CloudWatch
 *    alarms itself).
 * Every topic created here uses the same key and refuses publishing without TLS.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Stage, Status } from '../../lambda/snapshot/types';

export interface EmailSubscription {
  address: string;
  /** When set, only messages whose `status` attribute is one of these reach the address. */
  statuses?: readonly Status[];
  /** When set, only messages whose `stage` attribute is one of these reach the address. */
  stages?: readonly Stage[];
}

export interface NotificationsProps {
  emailSubscriptions: readonly EmailSubscription[];
  /** Use this topic instead of creating one. */
  existingTopicArn?: string;
  /** The customer-managed key of `existingTopicArn`, when it has one. */
  existingTopicKmsKeyArn?: string;
  /** Create the chat topic. */
  chat?: boolean;
}

const CLOUDWATCH = 'cloudwatch.amazonaws.com';

/** The SNS filter policy of a subscription, or undefined when it receives everything. */
export function filterPolicy(email: EmailSubscription): Record<string, sns.SubscriptionFilter> | undefined {
  const policy: Record<string, sns.SubscriptionFilter> = {};
  if (email.statuses !== undefined)
    policy.status = sns.SubscriptionFilter.stringFilter({ allowlist: [...email.statuses] });
  if (email.stages !== undefined) policy.stage = sns.SubscriptionFilter.stringFilter({ allowlist: [...email.stages] });
  return Object.keys(policy).length > 0 ? policy : undefined;
}

export class Notifications extends Construct {
  readonly topic: sns.ITopic;
  /** The key publishers of `topic` need (own key, or the configured key of an existing topic). */
  readonly topicKeyArn?: string;
  /** Set when the stack owns the outcome topic. */
  readonly ownedTopic?: sns.Topic;
  /** The key of every topic created here. */
  readonly key?: kms.Key;
  /** With a filtered e-mail subscription: the topic alarms reach filtered addresses through. */
  readonly alarmTopic?: sns.Topic;
  /** With `chat`: the topic for Amazon Q Developer in chat applications. */
  readonly chatTopic?: sns.Topic;
  /** The addresses whose subscription has a filter (each also subscribed to the alarm topic). */
  readonly filteredAddresses: readonly string[];

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const filtered = props.emailSubscriptions.filter((email) => filterPolicy(email) !== undefined);
    this.filteredAddresses = filtered.map((email) => email.address);

    if (props.existingTopicArn === undefined || props.chat === true) this.key = this.createKey();

    if (props.existingTopicArn !== undefined) {
      this.topic = sns.Topic.fromTopicArn(this, 'Topic', props.existingTopicArn);
      if (props.existingTopicKmsKeyArn !== undefined) this.topicKeyArn = props.existingTopicKmsKeyArn;
    } else {
      this.ownedTopic = this.createTopic('Topic', 'MongoDB Atlas snapshots');
      this.topic = this.ownedTopic;
      if (this.key !== undefined) this.topicKeyArn = this.key.keyArn;
      for (const email of props.emailSubscriptions) {
        const policy = filterPolicy(email);
        this.ownedTopic.addSubscription(
          new subscriptions.EmailSubscription(email.address, policy !== undefined ? { filterPolicy: policy } : {}),
        );
      }
    }

    if (filtered.length > 0 && this.ownedTopic !== undefined) {
      this.alarmTopic = this.createTopic('AlarmTopic', 'MongoDB Atlas snapshot alarms');
      for (const email of filtered) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email.address));
    }
    if (props.chat === true) this.chatTopic = this.createTopic('ChatTopic', 'MongoDB Atlas snapshots (chat)');
  }

  /** Every topic an alarm notifies: the outcome topic, and the alarm and chat topics when they exist. */
  alarmTargets(): sns.ITopic[] {
    return [this.topic, ...(this.alarmTopic ? [this.alarmTopic] : []), ...(this.chatTopic ? [this.chatTopic] : [])];
  }

  /** The keys the function needs to publish to the outcome topic and the chat topic. */
  publisherKeyArns(): string[] {
    const keys = [this.topicKeyArn, this.chatTopic !== undefined ? this.key?.keyArn : undefined];
    return [...new Set(keys.filter((k): k is string => k !== undefined))];
  }

  /** Lets these alarms (and no other) publish to every topic created here; an existing topic is left alone. */
  allowAlarms(alarms: readonly cloudwatch.IAlarm[]): void {
    if (alarms.length === 0) return;
    const owned = [this.ownedTopic, this.alarmTopic, this.chatTopic].filter((t): t is sns.Topic => t !== undefined);
    for (const topic of owned) {
      topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowAlarmsOfThisStack',
          principals: [new iam.ServicePrincipal(CLOUDWATCH)],
          actions: ['sns:Publish'],
          resources: [topic.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
            ArnEquals: { 'aws:SourceArn': alarms.map((a) => a.alarmArn) },
          },
        }),
      );
    }
  }

  private createKey(): kms.Key {
    const key = new kms.Key(this, 'TopicKey', {
      description: 'atlas-snapshot-scheduler: encrypts the snapshot outcome topic',
      enableKeyRotation: true,
      // Nothing outlives the topics' messages: the key goes with the stack, after KMS's waiting period.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal(CLOUDWATCH)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    return key;
  }

  private createTopic(id: string, displayName: string): sns.Topic {
    return new sns.Topic(this, id, {
      displayName,
      ...(this.key !== undefined ? { masterKey: this.key } : {}),
      enforceSSL: true,
    });
  }
}
