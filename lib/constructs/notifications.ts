/**
 * The outcome topic: a new topic encrypted with its own rotating KMS key, TLS-only, that CloudWatch
 * alarms of this stack may publish to, with optional e-mail subscriptions; or an existing topic,
 * imported as it is (nothing topic-related is created then).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Status } from '../../lambda/snapshot/types';

export interface EmailSubscription {
  address: string;
  /** When set, only outcome messages whose `status` attribute is one of these reach the address. */
  statuses?: readonly Status[];
}

export interface NotificationsProps {
  emailSubscriptions: readonly EmailSubscription[];
  /** Use this topic instead of creating one. */
  existingTopicArn?: string;
  /** The customer-managed key of `existingTopicArn`, when it has one. */
  existingTopicKmsKeyArn?: string;
}

const CLOUDWATCH = 'cloudwatch.amazonaws.com';

export class Notifications extends Construct {
  readonly topic: sns.ITopic;
  /** The key publishers need (own key, or the configured key of an existing topic). */
  readonly topicKeyArn?: string;
  /** Set when the stack owns the topic. */
  readonly ownedTopic?: sns.Topic;
  readonly key?: kms.Key;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    if (props.existingTopicArn !== undefined) {
      this.topic = sns.Topic.fromTopicArn(this, 'Topic', props.existingTopicArn);
      if (props.existingTopicKmsKeyArn !== undefined) this.topicKeyArn = props.existingTopicKmsKeyArn;
      return;
    }

    const account = Stack.of(this).account;
    this.key = new kms.Key(this, 'TopicKey', {
      description: 'atlas-snapshot-scheduler: encrypts the snapshot outcome topic',
      enableKeyRotation: true,
      // Nothing outlives the topic's messages: the key goes with the stack, after KMS's waiting period.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(30),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal(CLOUDWATCH)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.topicKeyArn = this.key.keyArn;

    this.ownedTopic = new sns.Topic(this, 'Topic', {
      displayName: 'MongoDB Atlas snapshots',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic = this.ownedTopic;

    for (const email of props.emailSubscriptions) {
      this.ownedTopic.addSubscription(
        new subscriptions.EmailSubscription(email.address, {
          ...(email.statuses !== undefined
            ? { filterPolicy: { status: sns.SubscriptionFilter.stringFilter({ allowlist: [...email.statuses] }) } }
            : {}),
        }),
      );
    }
  }

  /** Lets these alarms (and no other) publish to the owned topic; an existing topic is left alone. */
  allowAlarms(alarms: readonly cloudwatch.IAlarm[]): void {
    if (this.ownedTopic === undefined || alarms.length === 0) return;
    this.ownedTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmsOfThisStack',
        principals: [new iam.ServicePrincipal(CLOUDWATCH)],
        actions: ['sns:Publish'],
        resources: [this.ownedTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnEquals: { 'aws:SourceArn': alarms.map((a) => a.alarmArn) },
        },
      }),
    );
  }
}
