/**
 * The AtlasSnapshotScheduler construct used alone in a plain stack, as another team's CDK app
 * would (imported from the package entry): props validated like the context (the prop named),
 * no cdk-nag finding and no warning from it, and the parts exposed for a consumer's own additions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Template } from 'aws-cdk-lib/assertions';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { SynthesisMessageLevel } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AtlasSnapshotScheduler, ConfigError, type AtlasSnapshotSchedulerProps } from '../../lib';
import { PROJECT_ID } from './helpers';

const PROPS: AtlasSnapshotSchedulerProps = {
  secretName: 'atlas/snapshot-scheduler',
  targets: [{ projectId: PROJECT_ID, clusterName: '*', tags: { backup: 'nightly' } }],
  schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris' }],
  notificationEmails: ['ops@example.com'],
  chat: true,
};

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** A consumer's app and stack; cdk-nag on when asked (then no Template.fromStack: it re-synthesizes). */
function consumerStack(options: { nag: boolean }): { app: App; stack: Stack } {
  const outdir = mkdtempSync(join(tmpdir(), 'atlas-construct-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack: new Stack(app, 'ConsumerStack') };
}

/** The problems of the ConfigError `build` throws (fails the test when it throws nothing). */
function propsProblems(build: () => unknown): readonly string[] {
  try {
    build();
  } catch (e: unknown) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('AtlasSnapshotScheduler props', () => {
  it('refuses a bad prop with a ConfigError naming the prop, the value and what is allowed', () => {
    const { stack } = consumerStack({ nag: false });

    const problems = propsProblems(
      () =>
        new AtlasSnapshotScheduler(stack, 'Snapshots', {
          ...PROPS,
          retentionInDays: 0,
          targets: [{ projectId: PROJECT_ID, clusterName: 'bad name' }],
        }),
    );

    expect(problems).toEqual([
      expect.stringMatching(/^props\.targets\[0\]\.clusterName .*got "bad name"/),
      expect.stringMatching(/^props\.retentionInDays .*got 0/),
    ]);
  });

  it('names the props in the error message', () => {
    const { stack } = consumerStack({ nag: false });

    expect(() => new AtlasSnapshotScheduler(stack, 'Snapshots', { ...PROPS, memorySize: 64 })).toThrow(
      /^Invalid props configuration:\n {2}- props\.memorySize must be an integer from 128 to 10240, got 64$/,
    );
  });

  it('refuses stackName, which names the stack of the app in bin/', () => {
    const { stack } = consumerStack({ nag: false });
    const props = { ...PROPS, stackName: 'Other' } as AtlasSnapshotSchedulerProps;

    expect(propsProblems(() => new AtlasSnapshotScheduler(stack, 'Snapshots', props))).toEqual([
      expect.stringMatching(/^props\.stackName is not a prop of the construct, got "Other"/),
    ]);
  });
});

describe('AtlasSnapshotScheduler alone in a plain stack', () => {
  it('brings no cdk-nag finding and no synth warning with it', () => {
    const { app, stack } = consumerStack({ nag: true });
    new AtlasSnapshotScheduler(stack, 'Snapshots', PROPS);

    const assembly = app.synth();

    expect(new AwsSolutionsChecks().validateScope(stack)).toEqual({ success: true, violations: [] });
    const messages = assembly
      .getStackByName('ConsumerStack')
      .messages.filter((m) => m.level !== SynthesisMessageLevel.INFO);
    expect(messages).toEqual([]);
  });

  it("names fields in its synth warnings as the consumer wrote them (props.*), not as cdk.json's atlasSnapshot.*", () => {
    const { app, stack } = consumerStack({ nag: false });
    new AtlasSnapshotScheduler(stack, 'Snapshots', {
      ...PROPS,
      notificationEmails: [{ address: 'dba@example.com', stages: ['summary'] }],
      confirmation: { enabled: false },
      promotion: { weeks: 4 },
    });

    const warnings = app
      .synth()
      .getStackByName('ConsumerStack')
      .messages.filter((m) => m.level === SynthesisMessageLevel.WARNING)
      .map((m) => JSON.stringify(m.entry.data));

    expect(warnings).toEqual([
      expect.stringContaining('Every address in props.notificationEmails has a statuses or stages filter'),
      expect.stringContaining('(props.promotion) but props.confirmation.enabled is false'),
    ]);
    expect(warnings.join('\n')).not.toContain('atlasSnapshot.');
  });

  it('coexists with a second instance in the same stack (own group, names and roles)', () => {
    const { app, stack } = consumerStack({ nag: true });
    const first = new AtlasSnapshotScheduler(stack, 'Production', PROPS);
    const second = new AtlasSnapshotScheduler(stack, 'Staging', { ...PROPS, secretName: 'atlas/staging' });

    expect(() => app.synth()).not.toThrow();
    expect(first.scheduleGroup?.scheduleGroupName).not.toBe(second.scheduleGroup?.scheduleGroupName);
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('exposes the function, its role, the topics, the alarms, the dashboard and the schedule group', () => {
    const { stack } = consumerStack({ nag: false });
    const scheduler = new AtlasSnapshotScheduler(stack, 'Snapshots', PROPS);

    expect(scheduler.function).toBeInstanceOf(NodejsFunction);
    expect(scheduler.role).toBe(scheduler.function.role);
    expect(scheduler.topic).toBe(scheduler.notifications.topic);
    expect(scheduler.chatTopic).toBe(scheduler.notifications.chatTopic);
    expect(scheduler.chatTopic).toBeDefined();
    expect(scheduler.alarms.functionErrors).toBeInstanceOf(cloudwatch.Alarm);
    expect(scheduler.alarms.missedSnapshots).toBeInstanceOf(cloudwatch.Alarm);
    expect(scheduler.alarms.undeliveredSchedules).toBeInstanceOf(cloudwatch.Alarm);
    expect(scheduler.dashboard).toBeInstanceOf(cloudwatch.Dashboard);
    expect(scheduler.scheduleGroup).toBe(scheduler.confirmation?.scheduleGroup);
    expect(scheduler.config.retentionInDays).toBe(7);
  });

  it('lets a consumer add a subscription, an alarm and a permission of its own', () => {
    const { stack } = consumerStack({ nag: false });
    const scheduler = new AtlasSnapshotScheduler(stack, 'Snapshots', PROPS);
    const queue = new sqs.Queue(stack, 'Outcomes', { encryption: sqs.QueueEncryption.SQS_MANAGED });

    scheduler.topic.addSubscription(new subscriptions.SqsSubscription(queue));
    new cloudwatch.Alarm(stack, 'Throttled', {
      metric: scheduler.function.metricThrottles(),
      threshold: 1,
      evaluationPeriods: 1,
    });
    queue.grantSendMessages(scheduler.role);

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'sqs' });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  it('keeps its children under its own id in logical ids (only the id Default is left out)', () => {
    const { stack } = consumerStack({ nag: false });
    new AtlasSnapshotScheduler(stack, 'Snapshots', PROPS);

    const ids = Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(ids.some((id) => id.startsWith('SnapshotsSnapshotFunction'))).toBe(true);
  });
});
