/**
 * cdk-nag AwsSolutions on the stack as bin/ builds it: zero unacknowledged findings, every
 * acknowledgment one finding on one resource, and proof that the plugin really fails synthesis.
 * These apps carry the plugin, so nothing here calls Template.fromStack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { AtlasSnapshotStack } from '../../lib/atlas-snapshot-stack';
import { config, testApp } from './helpers';

const outdirs: string[] = [];

/** An App with the plugin, as bin/ builds it; bundling only where asked (it does not change findings). */
function appWithNag(bundle = false): App {
  const outdir = mkdtempSync(join(tmpdir(), 'atlas-nag-'));
  outdirs.push(outdir);
  const app = new App({ outdir, ...(bundle ? {} : { context: { 'aws:cdk:bundling-stacks': [] } }) });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/**
 * Every cdk-nag acknowledgment recorded in the tree: construct path -> acknowledged ids. aws-cdk-lib
 * records its own for its CloudFormation validation (`CloudFormation-Validate::...`, e.g. on VPC flow
 * logs); those are not this app's and are left out.
 */
function acknowledgments(root: IConstruct): Array<{ path: string; id: string }> {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.keys(m.data as Record<string, string>).map((id) => ({
            path: c.node.path,
            id: id.replace(/^annotation::/i, ''),
          })),
        ),
    )
    .filter((a) => a.id.startsWith('AwsSolutions-'));
}

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the default stack (synth succeeds with the plugin)', () => {
    const app = appWithNag(true);
    const stack = new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', { config: config() });

    expect(() => app.synth()).not.toThrow();
    expect(new AwsSolutionsChecks().validateScope(stack)).toEqual({ success: true, violations: [] });
  });

  it('finds nothing unacknowledged with an existing topic and a secret ARN', () => {
    const app = appWithNag();
    const stack = new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', {
      config: config({
        secretName: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:atlas/prod-AbC123',
        existingTopicArn: 'arn:aws:sns:eu-west-1:111122223333:ops-alerts',
      }),
    });

    expect(() => app.synth()).not.toThrow();
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('acknowledges exactly four findings, each on one resource (the follow-up schedules with confirmation on)', () => {
    const app = testApp({ bundle: false });
    const stack = new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', { config: config() });
    const group = stack.scheduler.scheduleGroup?.scheduleGroupName;

    expect(group).toMatch(/^AtlasSnapshotScheduler-Confirmation-ScheduleGroup-[0-9A-F]{8}$/);
    expect(acknowledgments(stack)).toEqual([
      { path: 'AtlasSnapshotScheduler/Default/Schedules/DeadLetterQueue', id: 'AwsSolutions-SQS3' },
      {
        path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/Role/DefaultPolicy',
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:atlas/snapshot-scheduler-??????]',
      },
      { path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/FailedRunQueue', id: 'AwsSolutions-SQS3' },
      {
        path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/FollowUpPolicy',
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${group}/*]`,
      },
    ]);
  });

  it('acknowledges the round-1 three with confirmation off', () => {
    const app = testApp({ bundle: false });
    const stack = new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', {
      config: config({ confirmation: { enabled: false } }),
    });

    expect(acknowledgments(stack)).toEqual([
      { path: 'AtlasSnapshotScheduler/Default/Schedules/DeadLetterQueue', id: 'AwsSolutions-SQS3' },
      {
        path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/Role/DefaultPolicy',
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:atlas/snapshot-scheduler-??????]',
      },
      { path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/FailedRunQueue', id: 'AwsSolutions-SQS3' },
    ]);
  });

  it('needs no secret acknowledgment when the secret is given by its complete ARN', () => {
    const app = testApp({ bundle: false });
    const stack = new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', {
      config: config({
        secretName: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:atlas/prod-AbC123',
        confirmation: { enabled: false },
      }),
    });

    expect(acknowledgments(stack).map((a) => a.id)).toEqual(['AwsSolutions-SQS3', 'AwsSolutions-SQS3']);
  });

  it('finds nothing unacknowledged with chat, promotion, filtered e-mails and many targets', () => {
    const app = appWithNag();
    const stack = new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', {
      config: config({
        chat: true,
        promotion: { weeks: 8, months: 12 },
        summary: false,
        notificationEmails: [{ address: 'summary@example.com', stages: ['summary'] }],
      }),
    });

    expect(() => app.synth()).not.toThrow();
    expect(new AwsSolutionsChecks().validateScope(stack)).toEqual({ success: true, violations: [] });
  });

  describe.each([
    ['nat', { mode: 'nat' }],
    [
      'vpc',
      {
        mode: 'vpc',
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-0123456789abcdef0', 'subnet-1a2b3c4d'],
        securityGroupIds: ['sg-1a2b3c4d'],
      },
    ],
  ])('with egress mode %s', (_mode, egress) => {
    let app: App;
    let stack: AtlasSnapshotStack;

    beforeAll(() => {
      app = appWithNag();
      stack = new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', { config: config({ egress }) });
    });

    it('finds nothing unacknowledged (synth succeeds with the plugin)', () => {
      expect(() => app.synth()).not.toThrow();
      expect(new AwsSolutionsChecks().validateScope(stack)).toEqual({ success: true, violations: [] });
    });

    it('acknowledges only the two network-interface wildcards besides the default four, on the one policy', () => {
      const group = stack.scheduler.scheduleGroup?.scheduleGroupName ?? '';

      expect(acknowledgments(stack)).toEqual([
        { path: 'AtlasSnapshotScheduler/Default/Schedules/DeadLetterQueue', id: 'AwsSolutions-SQS3' },
        {
          path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/Role/DefaultPolicy',
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:atlas/snapshot-scheduler-??????]',
        },
        {
          path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/NetworkInterfacePolicy',
          id: 'AwsSolutions-IAM5[Resource::*]',
        },
        {
          path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/NetworkInterfacePolicy',
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:*/*]',
        },
        { path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/FailedRunQueue', id: 'AwsSolutions-SQS3' },
        {
          path: 'AtlasSnapshotScheduler/Default/SnapshotFunction/FollowUpPolicy',
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${group}/*]`,
        },
      ]);
    });
  });

  it('really fires: an unacknowledged non-compliant resource makes synth throw and is reported', () => {
    const app = appWithNag();
    const stack = new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', { config: config() });
    new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS2[\s\S]*AtlasSnapshotScheduler\/PlainQueue\/Resource/);
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.constructPath)])).toEqual([
      ['AwsSolutions-SQS2', ['AtlasSnapshotScheduler/PlainQueue/Resource']],
      ['AwsSolutions-SQS3', ['AtlasSnapshotScheduler/PlainQueue/Resource']],
      ['AwsSolutions-SQS4', ['AtlasSnapshotScheduler/PlainQueue/Resource']],
    ]);
  });
});
