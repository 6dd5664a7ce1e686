import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import {
  ENV,
  METRIC_DIMENSION_FUNCTION,
  METRIC_NAMESPACE,
  METRIC_SNAPSHOT_COMPLETED,
  METRIC_SNAPSHOT_SECURED,
} from '../../lambda/snapshot/contract';
import type { AtlasSnapshotStack } from '../../lib/atlas-snapshot-stack';
import { logicalId, policyStatements, PROJECT_ID, synthStack, warningsOf } from './helpers';

const SECRET_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/0f3a1b2c-3d4e-5f60-7182-93a4b5c6d7e8';
const EXISTING_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:ops-alerts';
const EXISTING_TOPIC_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:atlas/prod-AbC123';

function ref(id: string): { Ref: string } {
  return { Ref: id };
}
function arnOf(id: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [id, 'Arn'] };
}

/** The queue's policy denies every request made without TLS. */
function expectTlsOnlyQueue(template: Template, queueId: string): void {
  template.hasResourceProperties('AWS::SQS::QueuePolicy', {
    Queues: [ref(queueId)],
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    },
  });
}

/**
 * The statements of the function role's default policy: everything but the follow-up schedules,
 * which have a policy of their own (stack-confirmation.test.ts); no other policy is attached.
 */
function functionStatements(template: Template): unknown[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [ref(logicalId(template, 'AWS::IAM::Role', 'SnapshotFunctionRole'))] },
  });
  const defaultPolicy = logicalId(template, 'AWS::IAM::Policy', 'SnapshotFunctionRoleDefaultPolicy');
  const others = Object.keys(policies).filter((id) => id !== defaultPolicy);
  expect(others.every((id) => id.startsWith('SnapshotFunctionFollowUpPolicy'))).toBe(true);
  return policyStatements(template, defaultPolicy);
}

describe('the stack with the default configuration (new topic, secret by name, one nightly schedule)', () => {
  let template: Template;
  let stack: AtlasSnapshotStack;
  let ids: {
    fn: string;
    role: string;
    logGroup: string;
    topic: string;
    alarmTopic: string;
    key: string;
    failedQueue: string;
    dlq: string;
    group: string;
    followUpRole: string;
  };

  let outdir: string;

  beforeAll(() => {
    let app: App;
    ({ app, template, stack } = synthStack(
      { notificationEmails: ['all@example.com', { address: 'oncall@example.com', statuses: ['ERROR'] }] },
      { bundle: true },
    ));
    outdir = app.outdir;
    ids = {
      fn: logicalId(template, 'AWS::Lambda::Function', 'SnapshotFunction'),
      role: logicalId(template, 'AWS::IAM::Role', 'SnapshotFunctionRole'),
      logGroup: logicalId(template, 'AWS::Logs::LogGroup', 'SnapshotFunctionLogGroup'),
      topic: logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic'),
      alarmTopic: logicalId(template, 'AWS::SNS::Topic', 'NotificationsAlarmTopic'),
      key: logicalId(template, 'AWS::KMS::Key', 'NotificationsTopicKey'),
      failedQueue: logicalId(template, 'AWS::SQS::Queue', 'SnapshotFunctionFailedRunQueue'),
      dlq: logicalId(template, 'AWS::SQS::Queue', 'SchedulesDeadLetterQueue'),
      group: logicalId(template, 'AWS::Scheduler::ScheduleGroup', 'ConfirmationScheduleGroup'),
      followUpRole: logicalId(template, 'AWS::IAM::Role', 'ConfirmationFollowUpRole'),
    };
  });

  describe('function', () => {
    it('runs Node.js 24 on arm64 with 1024 MB, the default timeout for one target, the handler and its own log group', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 1024,
        Timeout: 180,
        Handler: 'index.handler',
        Role: arnOf(ids.role),
        LoggingConfig: { LogGroup: ref(ids.logGroup) },
      });
      // Default TEXT format: the function writes its own JSON and EMF lines.
      const fn = template.findResources('AWS::Lambda::Function')[ids.fn] as { Properties: Record<string, unknown> };
      expect((fn.Properties.LoggingConfig as Record<string, unknown>).LogFormat).toBeUndefined();
    });

    it('is bundled locally by esbuild (no Docker) into one minified CommonJS index.js, no source map, AWS SDK external', () => {
      const fn = template.findResources('AWS::Lambda::Function')[ids.fn] as { Properties: { Code: { S3Key: string } } };
      const assetDir = join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);

      expect(readdirSync(assetDir)).toEqual(['index.js']);
      const code = readFileSync(join(assetDir, 'index.js'), 'utf8');
      expect(code).not.toMatch(/sourceMappingURL/);
      // Minified: long lines (newlines left are those inside template literals).
      expect(code.length / code.split('\n').length).toBeGreaterThan(500);
      // The AWS SDK v3 is left to the runtime.
      expect(code).toMatch(/require\("@aws-sdk\/client-sns"\)/);
    });

    it('has the environment of DESIGN section 2 and nothing else (confirmation on by default)', () => {
      const fn = template.findResources('AWS::Lambda::Function')[ids.fn] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      };
      const group = template.findResources('AWS::Scheduler::ScheduleGroup')[ids.group] as {
        Properties: { Name: string };
      };
      expect(fn.Properties.Environment.Variables).toEqual({
        [ENV.secretId]: 'atlas/snapshot-scheduler',
        [ENV.topicArn]: ref(ids.topic),
        [ENV.targets]: JSON.stringify([{ projectId: PROJECT_ID, clusterName: 'Cluster0' }]),
        [ENV.retentionDays]: '7',
        [ENV.description]: 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)',
        [ENV.confirmScheduleGroup]: group.Properties.Name,
        [ENV.confirmRoleArn]: arnOf(ids.followUpRole),
        [ENV.confirmFirstCheckMinutes]: '5',
        [ENV.confirmMaxHours]: '12',
        [ENV.confirmDeadLetterArn]: arnOf(ids.dlq),
      });
    });

    it('keeps its logs 90 days by default', () => {
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    });

    it('is invoked asynchronously with no Lambda retry, a one-hour event age and the failed-run queue as destination', () => {
      template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: ref(ids.fn),
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 3600,
        DestinationConfig: { OnFailure: { Destination: arnOf(ids.failedQueue) } },
      });
    });

    it('keeps failed runs 14 days in an encrypted, TLS-only queue', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1209600,
      });
      expectTlsOnlyQueue(template, ids.failedQueue);
    });
  });

  describe('IAM', () => {
    it('gives the function its own role with no managed policy', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
        },
      });
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect((role as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns).toBeUndefined();
      }
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    });

    it('allows exactly: its log group, the named secret, the topic and its key, the failed-run queue', () => {
      expect(functionStatements(template)).toEqual([
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(ids.logGroup) },
        {
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                ref('AWS::Partition'),
                ':secretsmanager:',
                ref('AWS::Region'),
                ':',
                ref('AWS::AccountId'),
                ':secret:atlas/snapshot-scheduler-??????',
              ],
            ],
          },
        },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: ref(ids.topic) },
        { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: arnOf(ids.key) },
        {
          Effect: 'Allow',
          Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          Resource: arnOf(ids.failedQueue),
        },
      ]);
    });

    it('lets Scheduler invoke exactly the function and write its dead-letter queue', () => {
      const schedulerRole = logicalId(template, 'AWS::IAM::Role', 'SchedulerRoleForTarget');
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: {
                StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId'), 'aws:SourceArn': Match.anyValue() },
              },
            }),
          ],
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [ref(schedulerRole)],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arnOf(ids.fn) },
            { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(ids.dlq) },
          ],
        },
      });
    });
  });

  describe('topic', () => {
    it('is encrypted with its own key, which rotates', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: arnOf(ids.key) });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('has a key policy statement letting CloudWatch of this account use the key', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Sid: 'AllowCloudWatchAlarmsOfThisAccount',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') } },
            },
          ]),
        },
      });
    });

    it('refuses publishing without TLS and lets only the alarms of this stack publish as CloudWatch', () => {
      const alarmArns = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map(arnOf);
      expect(alarmArns).toHaveLength(3);
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [ref(ids.topic)],
        PolicyDocument: {
          Statement: [
            {
              Sid: 'AllowPublishThroughSSLOnly',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sns:Publish',
              Resource: ref(ids.topic),
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            {
              Sid: 'AllowAlarmsOfThisStack',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Resource: ref(ids.topic),
              Condition: {
                StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId') },
                ArnEquals: { 'aws:SourceArn': Match.arrayEquals(alarmArns) },
              },
            },
          ],
        },
      });
    });

    it('subscribes e-mail addresses, with a status filter policy where statuses are given', () => {
      // The third: the filtered address on the alarm topic (stack-notifications.test.ts).
      template.resourceCountIs('AWS::SNS::Subscription', 3);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'all@example.com',
        TopicArn: ref(ids.topic),
        FilterPolicy: Match.absent(),
      });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        TopicArn: ref(ids.topic),
        FilterPolicy: { status: ['ERROR'] },
      });
    });
  });

  describe('schedule', () => {
    it('runs the expression in its time zone with the schedule name as input, retries and a dead-letter queue', () => {
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: arnOf(ids.fn),
          Input: JSON.stringify({ schedule: 'nightly' }),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: arnOf(ids.dlq) },
          RoleArn: Match.anyValue(),
        },
      });
    });

    it('keeps undelivered events 14 days in an encrypted, TLS-only queue', () => {
      const queue = template.findResources('AWS::SQS::Queue')[ids.dlq] as { Properties: Record<string, unknown> };
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
      expectTlsOnlyQueue(template, ids.dlq);
    });
  });

  describe('alarms', () => {
    it('alarms on any function error in 5 minutes, notifying the topic (and the alarm topic) on ALARM and OK', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(ids.fn) }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [ref(ids.topic), ref(ids.alarmTopic)],
        OKActions: [ref(ids.topic), ref(ids.alarmTopic)],
      });
    });

    it('alarms when no snapshot was confirmed for the nightly gap, the confirmation time and grace (38 x 1 h)', () => {
      // 24 h gap + 12 h maxHours + 180 s timeout + 30 min grace = 36.55 h -> 37 hourly periods, + 1.
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: METRIC_NAMESPACE,
        MetricName: METRIC_SNAPSHOT_COMPLETED,
        Dimensions: [{ Name: METRIC_DIMENSION_FUNCTION, Value: ref(ids.fn) }],
        Statistic: 'Sum',
        Period: 3600,
        EvaluationPeriods: 38,
        DatapointsToAlarm: 38,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [ref(ids.topic), ref(ids.alarmTopic)],
        OKActions: [ref(ids.topic), ref(ids.alarmTopic)],
      });
      expect(stack.missedSnapshotWindow).toEqual({
        ok: true,
        window: {
          maxGapSeconds: 86400,
          graceSeconds: 1980 + 12 * 3600,
          periodSeconds: 3600,
          evaluationPeriods: 38,
          windowSeconds: 136800,
        },
      });
    });

    it('alarms when Scheduler parks an event in its dead-letter queue', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [ids.dlq, 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [ref(ids.topic), ref(ids.alarmTopic)],
      });
    });
  });

  it('outputs the function name, the topic ARN and the console test event', () => {
    template.hasOutput('FunctionName', { Value: ref(ids.fn) });
    template.hasOutput('TopicArn', { Value: ref(ids.topic) });
    template.hasOutput('ConsoleTestEvent', { Value: '{"dryRun":true}' });
    template.hasOutput('MissedSnapshotAlarmWindow', { Value: '1 d 14 h (38 x 3600 s)' });
  });

  it('has no deploy-time region rule when nothing is named by ARN', () => {
    expect(Object.keys((template.toJSON() as { Rules: object }).Rules)).toEqual(['CheckBootstrapVersion']);
  });

  it('is environment-agnostic (no account or region resolved at synth)', () => {
    expect(stack.resolve(stack.region)).toEqual(ref('AWS::Region'));
    expect(stack.resolve(stack.account)).toEqual(ref('AWS::AccountId'));
  });
});

describe('the stack with an existing topic, a secret ARN with its key, several schedules and a base URL', () => {
  let template: Template;

  beforeAll(() => {
    ({ template } = synthStack({
      secretName: SECRET_ARN,
      secretKmsKeyArn: SECRET_KEY_ARN,
      existingTopicArn: EXISTING_TOPIC_ARN,
      existingTopicKmsKeyArn: EXISTING_TOPIC_KEY_ARN,
      atlasBaseUrl: 'https://cloud.mongodbgov.com',
      timeoutSeconds: 600,
      schedules: [
        { name: 'nightly', expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris' },
        {
          name: 'weekly-long',
          expression: 'cron(30 4 ? * SUN *)',
          timezone: 'America/New_York',
          retentionInDays: 35,
          description: 'Weekly, kept 5 weeks',
        },
        { name: 'every-6h', expression: 'rate(6 hours)', retentionInDays: 2 },
      ],
    }));
  });

  it('creates nothing topic-related and publishes to the existing topic', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasOutput('TopicArn', { Value: EXISTING_TOPIC_ARN });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as { Properties: { AlarmActions: unknown } }).Properties.AlarmActions).toEqual([
        EXISTING_TOPIC_ARN,
      ]);
    }
  });

  it('allows exactly the secret ARN, its key through Secrets Manager, the topic and its key', () => {
    const fnLogGroup = logicalId(template, 'AWS::Logs::LogGroup', 'SnapshotFunctionLogGroup');
    const failedQueue = logicalId(template, 'AWS::SQS::Queue', 'SnapshotFunctionFailedRunQueue');
    expect(functionStatements(template)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(fnLogGroup) },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET_ARN },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: SECRET_KEY_ARN,
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: 'sns:Publish', Resource: EXISTING_TOPIC_ARN },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: EXISTING_TOPIC_KEY_ARN },
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        Resource: arnOf(failedQueue),
      },
    ]);
  });

  it("refuses at deploy a region other than the existing topic's and the secret's (checked by CloudFormation)", () => {
    const rules = (template.toJSON() as { Rules: Record<string, unknown> }).Rules;

    for (const [id, field] of [
      ['ExistingTopicInStackRegion', 'existingTopicArn'],
      ['SecretInStackRegion', 'secretName'],
    ]) {
      expect(rules[id!]).toEqual({
        Assertions: [
          {
            Assert: { 'Fn::Equals': [ref('AWS::Region'), 'eu-west-1'] },
            AssertDescription: `atlasSnapshot.${field} is in eu-west-1: deploy the stack to eu-west-1, or use a resource of the stack's region`,
          },
        ],
      });
    }
  });

  it('sets ATLAS_BASE_URL, the secret ARN, the topic ARN and the configured timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 600,
      Environment: {
        Variables: Match.objectLike({
          [ENV.secretId]: SECRET_ARN,
          [ENV.topicArn]: EXISTING_TOPIC_ARN,
          [ENV.baseUrl]: 'https://cloud.mongodbgov.com',
        }),
      },
    });
  });

  it('creates one schedule per entry with its expression, time zone and input (only the fields it sets)', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 3);
    const expected = [
      ['cron(0 3 * * ? *)', 'Europe/Paris', { schedule: 'nightly' }],
      [
        'cron(30 4 ? * SUN *)',
        'America/New_York',
        { schedule: 'weekly-long', retentionInDays: 35, description: 'Weekly, kept 5 weeks' },
      ],
      ['rate(6 hours)', 'UTC', { schedule: 'every-6h', retentionInDays: 2 }],
    ] as const;
    for (const [expression, timezone, input] of expected) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: timezone,
        Target: Match.objectLike({ Input: JSON.stringify(input) }),
      });
    }
  });

  it('derives the missed-snapshot window from the union of schedules (the 6-hour rate bounds it)', () => {
    // 6 h gap + 12 h maxHours + 600 s timeout + 30 min grace = 18 h 40 min -> 224 five-minute periods, + 1.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC_SNAPSHOT_COMPLETED,
      Period: 300,
      EvaluationPeriods: 225,
      DatapointsToAlarm: 225,
    });
  });
});

describe('the stack with confirmation off (round-1 behaviour of the missed-snapshot alarm)', () => {
  it('alarms when no snapshot was secured for the nightly gap plus grace (26 x 1 h), missing data breaching', () => {
    const { template, stack } = synthStack({ confirmation: { enabled: false } });
    const fn = logicalId(template, 'AWS::Lambda::Function', 'SnapshotFunction');
    const topic = logicalId(template, 'AWS::SNS::Topic', 'NotificationsTopic');

    // 24 h gap + 180 s timeout + 30 min grace = 24.55 h -> 25 hourly periods, + 1 for period alignment.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRIC_NAMESPACE,
      MetricName: METRIC_SNAPSHOT_SECURED,
      Dimensions: [{ Name: METRIC_DIMENSION_FUNCTION, Value: ref(fn) }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [ref(topic)],
      OKActions: [ref(topic)],
    });
    expect(stack.missedSnapshotWindow).toEqual({
      ok: true,
      window: {
        maxGapSeconds: 86400,
        graceSeconds: 1980,
        periodSeconds: 3600,
        evaluationPeriods: 26,
        windowSeconds: 93600,
      },
    });
    template.hasOutput('MissedSnapshotAlarmWindow', { Value: '1 d 2 h (26 x 3600 s)' });
  });

  it('derives the window from the union of schedules with five-minute periods (81 x 300 s)', () => {
    // 6 h gap + 600 s timeout + 30 min grace = 6 h 40 min -> 80 five-minute periods, + 1.
    const { template } = synthStack({
      confirmation: { enabled: false },
      timeoutSeconds: 600,
      schedules: [
        { name: 'nightly', expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris' },
        { name: 'every-6h', expression: 'rate(6 hours)', retentionInDays: 2 },
      ],
    });

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC_SNAPSHOT_SECURED,
      Period: 300,
      EvaluationPeriods: 81,
      DatapointsToAlarm: 81,
    });
  });
});

describe('the stack with only a monthly schedule', () => {
  it('does not create the missed-snapshot alarm, warns at synth and says so in an output', () => {
    const { template, stack } = synthStack({ schedules: [{ name: 'monthly', expression: 'cron(0 3 1 * ? *)' }] });

    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasOutput('MissedSnapshotAlarmWindow', { Value: Match.stringLikeRegexp('^not created') });
    expect(warningsOf(stack)).toEqual([
      expect.stringContaining('The missed-snapshot alarm is not created: the schedules can leave 31 d between runs'),
    ]);
  });
});
