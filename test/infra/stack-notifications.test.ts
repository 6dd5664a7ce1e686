/**
 * Notifications in the template (docs/notifications.md; docs/design.md, "The stack"): e-mail filter policies
 * on `status` and `stage`, the alarm topic that filtered addresses get alarms from (CloudWatch alarm
 * messages carry no attributes), the chat topic, and the summary switch.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ENV } from '../../lambda/snapshot/contract';
import { ALL_EMAILS_FILTERED_WARNING } from '../../lib/atlas-snapshot-stack';
import { arnOf, logicalId, policyStatements, ref, synthStack, warningsOf } from './helpers';

const EXISTING_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:ops-alerts';
const EXISTING_TOPIC_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef';

type Resource = { Type: string; Properties: Record<string, unknown> };

function subscriptions(template: Template, topicId: string): Array<{ endpoint: unknown; filter: unknown }> {
  return Object.values(template.findResources('AWS::SNS::Subscription') as Record<string, Resource>)
    .filter((s) => JSON.stringify(s.Properties.TopicArn) === JSON.stringify(ref(topicId)))
    .map((s) => ({ endpoint: s.Properties.Endpoint, filter: s.Properties.FilterPolicy }));
}

function alarmActions(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>).map((a) => ({
    alarm: a.Properties.AlarmActions,
    ok: a.Properties.OKActions,
  }));
}

function variables(template: Template): Record<string, unknown> {
  const fn = template.findResources('AWS::Lambda::Function')[
    logicalId(template, 'AWS::Lambda::Function', 'SnapshotFunction')
  ] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
  return fn.Properties.Environment.Variables;
}

/** The topic policy of `topicId`: TLS only, and only this stack's alarms may publish as CloudWatch. */
function expectTlsOnlyAndAlarms(template: Template, topicId: string): void {
  const alarmArns = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map(arnOf);
  template.hasResourceProperties('AWS::SNS::TopicPolicy', {
    Topics: [ref(topicId)],
    PolicyDocument: {
      Statement: [
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({
          Sid: 'AllowAlarmsOfThisStack',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: ref(topicId),
          Condition: {
            StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
            ArnEquals: { 'aws:SourceArn': Match.arrayEquals(alarmArns) },
          },
        }),
      ],
    },
  });
}

describe('e-mail subscriptions filtered on status and stage', () => {
  let template: Template;
  let warnings: string[];
  let ids: { topic: string; alarmTopic: string; key: string };

  beforeAll(() => {
    let stack;
    ({ template, stack } = synthStack({
      notificationEmails: [
        'all@example.com',
        { address: 'errors@example.com', statuses: ['ERROR'] },
        { address: 'summary@example.com', stages: ['summary'] },
        { address: 'both@example.com', statuses: ['ERROR', 'SKIPPED'], stages: ['request', 'confirmation'] },
      ],
    }));
    warnings = warningsOf(stack);
    ids = {
      topic: logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic'),
      alarmTopic: logicalId(template, 'AWS::SNS::Topic', 'NotificationsAlarmTopic'),
      key: logicalId(template, 'AWS::KMS::Key', 'NotificationsTopicKey'),
    };
  });

  it('subscribes every address to the outcome topic with its filter policy on status and/or stage', () => {
    expect(subscriptions(template, ids.topic)).toEqual([
      { endpoint: 'all@example.com', filter: undefined },
      { endpoint: 'errors@example.com', filter: { status: ['ERROR'] } },
      { endpoint: 'summary@example.com', filter: { stage: ['summary'] } },
      { endpoint: 'both@example.com', filter: { status: ['ERROR', 'SKIPPED'], stage: ['request', 'confirmation'] } },
    ]);
  });

  it('subscribes each filtered address, and only those, to the alarm topic without a filter', () => {
    expect(subscriptions(template, ids.alarmTopic)).toEqual([
      { endpoint: 'errors@example.com', filter: undefined },
      { endpoint: 'summary@example.com', filter: undefined },
      { endpoint: 'both@example.com', filter: undefined },
    ]);
    template.resourceCountIs('AWS::SNS::Subscription', 7);
  });

  it('encrypts the alarm topic with the same key, TLS only, published to by the alarms alone', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'MongoDB Atlas snapshot alarms',
      KmsMasterKeyId: arnOf(ids.key),
    });
    expectTlsOnlyAndAlarms(template, ids.alarmTopic);
    expectTlsOnlyAndAlarms(template, ids.topic);
    // The function publishes outcomes to the outcome topic only.
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain(ids.alarmTopic);
  });

  it("points every alarm's ALARM and OK actions at the outcome topic and the alarm topic", () => {
    const both = [ref(ids.topic), ref(ids.alarmTopic)];

    expect(alarmActions(template)).toEqual([
      { alarm: both, ok: both },
      { alarm: both, ok: both },
      { alarm: both, ok: both },
    ]);
  });

  it('does not warn while an address receives everything', () => {
    expect(warnings.filter((w) => w.includes(ALL_EMAILS_FILTERED_WARNING))).toEqual([]);
  });
});

describe('every e-mail subscription filtered', () => {
  it('warns at synth that alarms reach them through the alarm topic, two subscriptions each', () => {
    const { stack, template } = synthStack({
      notificationEmails: [
        { address: 'summary@example.com', stages: ['summary'] },
        { address: 'errors@example.com', statuses: ['ERROR'] },
      ],
    });

    expect(warningsOf(stack)).toEqual([
      expect.stringMatching(
        /^Every address in atlasSnapshot\.notificationEmails has a statuses or stages filter \(summary@example\.com, errors@example\.com\)\..*alarm topic.*each address confirms two subscriptions/,
      ),
    ]);
    expect(subscriptions(template, logicalId(template, 'AWS::SNS::Topic', 'NotificationsAlarmTopic'))).toHaveLength(2);
  });
});

describe('no filtered e-mail subscription', () => {
  it('creates no alarm topic: unfiltered addresses get the alarms from the outcome topic, once', () => {
    const { template, stack } = synthStack({ notificationEmails: ['ops@example.com'] });
    const topic = logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic');

    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    expect(alarmActions(template)).toEqual(Array(3).fill({ alarm: [ref(topic)], ok: [ref(topic)] }));
    expect(warningsOf(stack)).toEqual([]);
  });
});

describe('chat: true (Amazon Q Developer in chat applications)', () => {
  let template: Template;
  let ids: { topic: string; chat: string; key: string; fnPolicy: string };

  beforeAll(() => {
    ({ template } = synthStack({ chat: true }));
    ids = {
      topic: logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic'),
      chat: logicalId(template, 'AWS::SNS::Topic', 'NotificationsChatTopic'),
      key: logicalId(template, 'AWS::KMS::Key', 'NotificationsTopicKey'),
      fnPolicy: logicalId(template, 'AWS::IAM::Policy', 'SnapshotFunctionRoleDefaultPolicy'),
    };
  });

  it('creates a second topic with the same key, TLS only, that the alarms may publish to', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'MongoDB Atlas snapshots (chat)',
      KmsMasterKeyId: arnOf(ids.key),
    });
    expectTlsOnlyAndAlarms(template, ids.chat);
  });

  it('lets the function publish to both topics and names the chat topic in CHAT_TOPIC_ARN', () => {
    expect(policyStatements(template, ids.fnPolicy)).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: 'sns:Publish', Resource: [ref(ids.topic), ref(ids.chat)] },
        { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: arnOf(ids.key) },
      ]),
    );
    expect(variables(template)[ENV.chatTopicArn]).toEqual(ref(ids.chat));
  });

  it('notifies the chat topic of every alarm too (Q Developer renders CloudWatch alarms)', () => {
    const both = [ref(ids.topic), ref(ids.chat)];

    expect(alarmActions(template)).toEqual(Array(3).fill({ alarm: both, ok: both }));
  });

  it('outputs ChatTopicArn', () => {
    template.hasOutput('ChatTopicArn', { Value: ref(ids.chat) });
  });
});

describe('chat with an existing outcome topic', () => {
  it('creates a key for the chat topic only, and grants publishing to both topics with their keys', () => {
    const { template } = synthStack({
      chat: true,
      existingTopicArn: EXISTING_TOPIC_ARN,
      existingTopicKmsKeyArn: EXISTING_TOPIC_KEY_ARN,
    });
    const chat = logicalId(template, 'AWS::SNS::Topic', 'NotificationsChatTopic');
    const key = logicalId(template, 'AWS::KMS::Key', 'NotificationsTopicKey');

    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(key) });
    expect(
      policyStatements(template, logicalId(template, 'AWS::IAM::Policy', 'SnapshotFunctionRoleDefaultPolicy')),
    ).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: 'sns:Publish', Resource: [EXISTING_TOPIC_ARN, ref(chat)] },
        {
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: [EXISTING_TOPIC_KEY_ARN, arnOf(key)],
        },
      ]),
    );
    expect(alarmActions(template)).toEqual(
      Array(3).fill({ alarm: [EXISTING_TOPIC_ARN, ref(chat)], ok: [EXISTING_TOPIC_ARN, ref(chat)] }),
    );
    template.hasOutput('ChatTopicArn', { Value: ref(chat) });
  });
});

describe('chat off (the default)', () => {
  it('creates no chat topic, sets no CHAT_TOPIC_ARN and outputs no ChatTopicArn', () => {
    const { template } = synthStack();

    template.resourceCountIs('AWS::SNS::Topic', 1);
    expect(variables(template)).not.toHaveProperty(ENV.chatTopicArn);
    expect(Object.keys(template.findOutputs('*'))).not.toContain('ChatTopicArn');
  });
});

describe('summary', () => {
  it('sets SUMMARY_ENABLED=false only when summary is false', () => {
    expect(variables(synthStack({ summary: false }).template)[ENV.summaryEnabled]).toBe('false');
    expect(variables(synthStack().template)).not.toHaveProperty(ENV.summaryEnabled);
  });
});
