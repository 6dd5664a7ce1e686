/**
 * Completion confirmation in the template (docs/design.md "Completion confirmation"): the stack's
 * schedule group, the follow-up role Scheduler assumes, the function's permissions on that group
 * only, its CONFIRM_* variables, and the missed-snapshot alarm counting completed snapshots.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ENV, METRIC_SNAPSHOT_COMPLETED, METRIC_SNAPSHOT_SECURED } from '../../lambda/snapshot/contract';
import { MISSED_SNAPSHOT_ALARM_WARNING, PROMOTION_WITHOUT_CONFIRMATION_WARNING } from '../../lib/atlas-snapshot-stack';
import { arnOf, logicalId, policyStatements, ref, synthStack, warningsOf } from './helpers';

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };

function resources(template: Template): Record<string, Resource> {
  return template.toJSON().Resources as Record<string, Resource>;
}

function variables(template: Template): Record<string, unknown> {
  const fn = resources(template)[logicalId(template, 'AWS::Lambda::Function', 'SnapshotFunction')]!;
  return (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
}

/** Every logical id a value refers to (Ref, Fn::GetAtt), pseudo parameters left out. */
function references(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) references(v, into);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string' && !record.Ref.startsWith('AWS::')) into.add(record.Ref);
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') into.add(getAtt[0]);
    for (const v of Object.values(record)) references(v, into);
  }
  return into;
}

/** A dependency cycle among the resources (references and DependsOn), or undefined. */
function dependencyCycle(template: Template): string[] | undefined {
  const all = resources(template);
  const edges = new Map(
    Object.entries(all).map(([id, r]) => [id, [...references(r.Properties), ...(r.DependsOn ?? [])]]),
  );
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle !== undefined) return cycle;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id, []);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

describe('confirmation on (the default), with firstCheckMinutes 10 and maxHours 24', () => {
  let template: Template;
  let ids: { fn: string; fnRole: string; group: string; role: string; dlq: string };
  let groupName: string;

  beforeAll(() => {
    ({ template } = synthStack({ confirmation: { firstCheckMinutes: 10, maxHours: 24 } }));
    ids = {
      fn: logicalId(template, 'AWS::Lambda::Function', 'SnapshotFunction'),
      fnRole: logicalId(template, 'AWS::IAM::Role', 'SnapshotFunctionRole'),
      group: logicalId(template, 'AWS::Scheduler::ScheduleGroup', 'ConfirmationScheduleGroup'),
      role: logicalId(template, 'AWS::IAM::Role', 'ConfirmationFollowUpRole'),
      dlq: logicalId(template, 'AWS::SQS::Queue', 'SchedulesDeadLetterQueue'),
    };
    groupName = (resources(template)[ids.group]!.Properties as { Name: string }).Name;
  });

  it('owns one schedule group, named after the stack, deleted with it (with the follow-ups still waiting)', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    expect(groupName).toMatch(/^AtlasSnapshotScheduler-Confirmation-ScheduleGroup-[0-9A-F]{8}$/);
    expect(groupName.length).toBeLessThanOrEqual(64);
    expect(resources(template)[ids.group]!.DeletionPolicy).toBe('Delete');
  });

  it('has a follow-up role only EventBridge Scheduler acting for this account and this group may assume', () => {
    expect(resources(template)[ids.role]!.Properties).toEqual({
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': ref('AWS::AccountId'), 'aws:SourceArn': arnOf(ids.group) },
            },
          },
        ],
      },
      Description: expect.any(String),
    });
  });

  it('lets the follow-up role do exactly two things: write the dead-letter queue, invoke the unqualified function', () => {
    const policy = logicalId(template, 'AWS::IAM::Policy', 'ConfirmationFollowUpRoleDefaultPolicy');

    expect(resources(template)[policy]!.Properties?.Roles).toEqual([ref(ids.role)]);
    expect(policyStatements(template, policy)).toEqual([
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: arnOf(ids.dlq) },
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arnOf(ids.fn) },
    ]);
  });

  it("lets the function create, read and delete schedules of the stack's group only, and pass that role to Scheduler only", () => {
    const policy = logicalId(template, 'AWS::IAM::Policy', 'SnapshotFunctionFollowUpPolicy');

    expect(resources(template)[policy]!.Properties?.Roles).toEqual([ref(ids.fnRole)]);
    expect(policyStatements(template, policy)).toEqual([
      {
        Sid: 'FollowUpSchedules',
        Effect: 'Allow',
        Action: ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'scheduler:DeleteSchedule'],
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              ref('AWS::Partition'),
              ':scheduler:',
              ref('AWS::Region'),
              ':',
              ref('AWS::AccountId'),
              `:schedule/${groupName}/*`,
            ],
          ],
        },
      },
      {
        Sid: 'PassFollowUpRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: arnOf(ids.role),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('grants scheduler and iam actions nowhere else', () => {
    const others = Object.entries(resources(template)).filter(
      ([id, r]) => r.Type === 'AWS::IAM::Policy' && !id.startsWith('SnapshotFunctionFollowUpPolicy'),
    );

    expect(JSON.stringify(others)).not.toMatch(/"(scheduler|iam):/);
  });

  it('creates the function after its follow-up permissions', () => {
    const policy = logicalId(template, 'AWS::IAM::Policy', 'SnapshotFunctionFollowUpPolicy');

    expect(resources(template)[ids.fn]!.DependsOn).toContain(policy);
  });

  it('sets CONFIRM_SCHEDULE_GROUP, CONFIRM_ROLE_ARN, the check timing and the dead-letter queue', () => {
    expect(variables(template)).toEqual(
      expect.objectContaining({
        [ENV.confirmScheduleGroup]: groupName,
        [ENV.confirmRoleArn]: arnOf(ids.role),
        [ENV.confirmFirstCheckMinutes]: '10',
        [ENV.confirmMaxHours]: '24',
        [ENV.confirmDeadLetterArn]: arnOf(ids.dlq),
      }),
    );
  });

  it('has no dependency cycle (function environment -> role, role policy -> function)', () => {
    expect(dependencyCycle(template)).toBeUndefined();
  });

  it('alarms on completed snapshots over the gap, the confirmation hours and the grace (50 x 1 h)', () => {
    // 24 h gap + 24 h maxHours + 180 s timeout + 30 min grace = 48.55 h -> 49 hourly periods, + 1.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: METRIC_SNAPSHOT_COMPLETED,
      Period: 3600,
      EvaluationPeriods: 50,
      DatapointsToAlarm: 50,
      AlarmDescription: Match.stringLikeRegexp(
        'no snapshot was confirmed completed for 2 d 2 h \\(longest gap between scheduled runs 1 d plus 24 h for Atlas to complete a snapshot and 33 min grace\\)',
      ),
    });
    template.hasOutput('MissedSnapshotAlarmWindow', { Value: '2 d 2 h (50 x 3600 s)' });
  });
});

describe('the cycle check', () => {
  it('finds a cycle when one is there', () => {
    const { template } = synthStack({ confirmation: { enabled: false } });
    const json = template.toJSON() as { Resources: Record<string, Resource> };
    const fn = logicalId(template, 'AWS::Lambda::Function', 'SnapshotFunction');
    const role = logicalId(template, 'AWS::IAM::Role', 'SnapshotFunctionRole');
    json.Resources[role]!.DependsOn = [fn];

    expect(dependencyCycle({ toJSON: () => json } as unknown as Template)).toEqual(expect.arrayContaining([fn, role]));
  });
});

describe('confirmation off', () => {
  let template: Template;

  beforeAll(() => {
    ({ template } = synthStack({ confirmation: { enabled: false } }));
  });

  it('creates no schedule group and no follow-up role, and grants no scheduler or iam action', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    expect(Object.keys(resources(template)).filter((id) => id.startsWith('Confirmation'))).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(/"(scheduler|iam):/);
  });

  it('sets no CONFIRM_* variable', () => {
    expect(Object.keys(variables(template)).filter((name) => name.startsWith('CONFIRM_'))).toEqual([]);
  });

  it('warns that a configured promotion cannot run without follow-ups, naming where it is configured', () => {
    const { stack } = synthStack({
      confirmation: { enabled: false },
      promotion: { weeks: 4 },
      schedules: [
        { name: 'nightly', expression: 'cron(0 3 * * ? *)', promotion: { months: 12 } },
        { name: 'scratch', expression: 'rate(6 hours)', promotion: false },
      ],
    });

    expect(warningsOf(stack)).toEqual([
      expect.stringMatching(
        new RegExp(
          '^Retention promotion is configured \\(atlasSnapshot\\.promotion, schedule "nightly"\\) but ' +
            `atlasSnapshot\\.confirmation\\.enabled is false: .*\\[ack: ${PROMOTION_WITHOUT_CONFIRMATION_WARNING}\\]$`,
        ),
      ),
    ]);
    expect(warningsOf(synthStack({ promotion: { weeks: 4 } }).stack)).toEqual([]);
    expect(warningsOf(stack.scheduler)).toHaveLength(1);
  });

  it('alarms on secured (requested or in-progress) snapshots instead', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: METRIC_SNAPSHOT_SECURED });
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).not.toContain(METRIC_SNAPSHOT_COMPLETED);
  });
});

describe('a weekly schedule: the missed-snapshot warning and the behaviour agree', () => {
  const weekly = [{ name: 'weekly', expression: 'cron(0 3 ? * SUN *)' }];

  it('creates no missed-snapshot alarm for a weekly schedule alone, and says what is enough', () => {
    const { template, stack } = synthStack({ schedules: weekly });

    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    const [warning, ...more] = warningsOf(stack);
    expect(more).toEqual([]);
    expect(warning).toContain(MISSED_SNAPSHOT_ALARM_WARNING);
    expect(warning).toContain('The missed-snapshot alarm is not created: the schedules can leave 7 d between runs');
    // 7 days - 1 h alignment - (12 h confirmation + 180 s timeout + 30 min grace) = 6 d 10 h 27 min.
    expect(warning).toContain('Runs at most 6 d 10 h 27 min apart are enough for the alarm (for example rate(6 days))');
    expect(warning).toContain('so a weekly schedule alone is not');
    expect(warning).not.toMatch(/at least weekly/);
    template.hasOutput('MissedSnapshotAlarmWindow', {
      Value: Match.stringLikeRegexp('^not created: .* runs at most 6 d 10 h 27 min apart are enough'),
    });
  });

  it('creates the alarm with the schedule the warning names as enough', () => {
    const { template, stack } = synthStack({ schedules: [...weekly, { name: 'enough', expression: 'rate(6 days)' }] });

    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: METRIC_SNAPSHOT_COMPLETED, Period: 3600 });
    expect(warningsOf(stack)).toEqual([]);
  });

  it('names a longer gap as enough when confirmation is off (no confirmation hours in the window)', () => {
    const { stack } = synthStack({ schedules: weekly, confirmation: { enabled: false } });

    expect(warningsOf(stack)).toEqual([expect.stringContaining('Runs at most 6 d 22 h 27 min apart are enough')]);
  });
});
