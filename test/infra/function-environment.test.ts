/**
 * The function's environment built in one place: every variable of docs/design.md "Function
 * environment" from the resolved config plus the deploy-time values, and where the targets travel
 * (ATLAS_TARGETS when everything fits Lambda's 4 KB, otherwise a targets file in the bundle).
 */
import { ENV, TARGETS_FILE_NAME } from '../../lambda/snapshot/contract';
import type { Target } from '../../lambda/snapshot/types';
import {
  environmentValues,
  functionEnvironment,
  QUEUE_ARN_RESERVE,
  ROLE_ARN_RESERVE,
  SCHEDULE_GROUP_RESERVE,
  targetsPlacement,
  TOPIC_ARN_RESERVE,
  type FunctionEnvironmentValues,
} from '../../lib/function-environment';
import { config, namedTargets, PROJECT_ID, synthStack } from './helpers';

/** What CDK puts in a string for a value known only at deploy. */
const TOKEN = '${Token[TOKEN.42]}';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:atlas-snapshots';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/FollowUpRole';
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:111122223333:follow-up-dlq';
const CHAT_TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:atlas-snapshots-chat';

const BASE: FunctionEnvironmentValues = {
  secretId: 'atlas/snapshot-scheduler',
  topicArn: TOPIC_ARN,
  targets: [{ projectId: PROJECT_ID, clusterName: 'Cluster0' }],
  retentionInDays: 7,
  description: 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)',
};
const ROUND_1_VARIABLES = {
  [ENV.secretId]: 'atlas/snapshot-scheduler',
  [ENV.topicArn]: TOPIC_ARN,
  [ENV.targets]: JSON.stringify([{ projectId: PROJECT_ID, clusterName: 'Cluster0' }]),
  [ENV.retentionDays]: '7',
  [ENV.description]: 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)',
};

describe('functionEnvironment: the variables', () => {
  it('has only the round-1 variables for round-1 values', () => {
    expect(functionEnvironment(BASE)).toEqual({ variables: ROUND_1_VARIABLES });
  });

  it('adds ATLAS_BASE_URL when set and ATLAS_CONCURRENCY only when it is not the default', () => {
    const withDefault = functionEnvironment({ ...BASE, atlasBaseUrl: 'https://cloud.mongodbgov.com', concurrency: 8 });
    const withOther = functionEnvironment({ ...BASE, concurrency: 16 });

    expect(withDefault.variables).toEqual({ ...ROUND_1_VARIABLES, [ENV.baseUrl]: 'https://cloud.mongodbgov.com' });
    expect(withOther.variables).toEqual({ ...ROUND_1_VARIABLES, [ENV.concurrency]: '16' });
  });

  it('sets the confirmation variables, the dead-letter queue when given', () => {
    const confirmation = { scheduleGroupName: 'follow-ups', roleArn: ROLE_ARN, firstCheckMinutes: 5, maxHours: 12 };

    expect(functionEnvironment({ ...BASE, confirmation }).variables).toEqual({
      ...ROUND_1_VARIABLES,
      [ENV.confirmScheduleGroup]: 'follow-ups',
      [ENV.confirmRoleArn]: ROLE_ARN,
      [ENV.confirmFirstCheckMinutes]: '5',
      [ENV.confirmMaxHours]: '12',
    });
    expect(
      functionEnvironment({ ...BASE, confirmation: { ...confirmation, deadLetterArn: QUEUE_ARN } }).variables[
        ENV.confirmDeadLetterArn
      ],
    ).toBe(QUEUE_ARN);
  });

  it('sets SNAPSHOT_PROMOTION as JSON, SUMMARY_ENABLED only when off, and CHAT_TOPIC_ARN', () => {
    const environment = functionEnvironment({
      ...BASE,
      promotion: { weeks: 8, months: 12, years: 0, timezone: 'UTC' },
      summary: false,
      chatTopicArn: CHAT_TOPIC_ARN,
    });

    expect(environment.variables).toEqual({
      ...ROUND_1_VARIABLES,
      [ENV.promotion]: '{"weeks":8,"months":12,"years":0,"timezone":"UTC"}',
      [ENV.summaryEnabled]: 'false',
      [ENV.chatTopicArn]: CHAT_TOPIC_ARN,
    });
    expect(functionEnvironment({ ...BASE, summary: true }).variables).not.toHaveProperty(ENV.summaryEnabled);
  });
});

describe('environmentValues: from the resolved config and the deploy-time values', () => {
  const deploy = {
    topicArn: TOKEN,
    confirmation: { scheduleGroupName: TOKEN, roleArn: TOKEN, deadLetterArn: TOKEN },
    chatTopicArn: TOKEN,
  };

  it('maps every round-2 field to its variable', () => {
    const resolved = config({
      confirmation: { firstCheckMinutes: 10, maxHours: 24 },
      promotion: { years: 7, timezone: 'Europe/Kyiv' },
      summary: false,
      concurrency: 4,
      chat: true,
    });

    expect(functionEnvironment(environmentValues(resolved, deploy)).variables).toEqual({
      ...ROUND_1_VARIABLES,
      [ENV.topicArn]: TOKEN,
      [ENV.concurrency]: '4',
      [ENV.confirmScheduleGroup]: TOKEN,
      [ENV.confirmRoleArn]: TOKEN,
      [ENV.confirmFirstCheckMinutes]: '10',
      [ENV.confirmMaxHours]: '24',
      [ENV.confirmDeadLetterArn]: TOKEN,
      [ENV.promotion]: '{"weeks":0,"months":0,"years":7,"timezone":"Europe/Kyiv"}',
      [ENV.summaryEnabled]: 'false',
      [ENV.chatTopicArn]: TOKEN,
    });
  });

  it('sets no confirmation or chat variable when they are off, whatever the stack passes', () => {
    const variables = functionEnvironment(
      environmentValues(config({ confirmation: { enabled: false } }), deploy),
    ).variables;

    expect(variables).toEqual({ ...ROUND_1_VARIABLES, [ENV.topicArn]: TOKEN });
  });

  it('refuses confirmation without a schedule group and chat without a topic', () => {
    expect(() => environmentValues(config(), { topicArn: TOKEN })).toThrow(
      'confirmation is enabled: the schedule group and the Scheduler role must be given',
    );
    expect(() =>
      environmentValues(config({ confirmation: { enabled: false }, chat: true }), { topicArn: TOKEN }),
    ).toThrow('chat is enabled: the chat topic must be given');
  });
});

describe('targetsPlacement: in the environment while everything fits 4 KB, in the bundle beyond', () => {
  const others = {
    [ENV.secretId]: 'atlas/snapshot-scheduler',
    [ENV.topicArn]: TOKEN,
    [ENV.retentionDays]: '7',
    [ENV.description]: 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)',
    [ENV.confirmScheduleGroup]: TOKEN,
    [ENV.confirmRoleArn]: TOKEN,
    [ENV.confirmFirstCheckMinutes]: '5',
    [ENV.confirmMaxHours]: '12',
    [ENV.confirmDeadLetterArn]: TOKEN,
  };
  /** Lambda's count, conservatively: the variables as JSON, each deploy-time value at its longest. */
  const worstCaseBytes = (targets: readonly Target[]): number =>
    Buffer.byteLength(
      JSON.stringify({
        ...others,
        [ENV.topicArn]: TOPIC_ARN_RESERVE,
        [ENV.confirmScheduleGroup]: SCHEDULE_GROUP_RESERVE,
        [ENV.confirmRoleArn]: ROLE_ARN_RESERVE,
        [ENV.confirmDeadLetterArn]: QUEUE_ARN_RESERVE,
        [ENV.targets]: JSON.stringify(targets),
      }),
      'utf8',
    );
  /** 40 named targets and a tag selector whose value pads the environment to `bytes` exactly. */
  const targetsOfSize = (bytes: number): Target[] => {
    const tagged = (value: string): Target[] => [
      ...namedTargets(40),
      { projectId: PROJECT_ID, clusterName: '*', tags: { env: value } },
    ];
    const padding = bytes - worstCaseBytes(tagged(''));
    if (padding < 1 || padding > 255) throw new Error(`a tag value of ${padding} characters is not a valid selector`);
    return tagged('v'.repeat(padding));
  };

  it('keeps targets that make exactly 4096 bytes in ATLAS_TARGETS', () => {
    const targets = targetsOfSize(4096);
    expect(worstCaseBytes(targets)).toBe(4096);

    expect(targetsPlacement(targets, others)).toEqual({ kind: 'environment', json: JSON.stringify(targets) });
  });

  it('moves targets that make 4097 bytes into the targets file', () => {
    const targets = targetsOfSize(4097);
    expect(worstCaseBytes(targets)).toBe(4097);

    expect(targetsPlacement(targets, others)).toEqual({
      kind: 'file',
      name: TARGETS_FILE_NAME,
      json: JSON.stringify(targets),
    });
  });

  it('measures a deploy-time ARN at its longest even when the value at synth is short', () => {
    const targets = targetsOfSize(4097);
    const known = { ...others, [ENV.topicArn]: TOPIC_ARN, [ENV.confirmRoleArn]: ROLE_ARN };

    expect(targetsPlacement(targets, known).kind).toBe('file');
  });

  it('refuses a value unknown until deploy that has no reserve', () => {
    expect(() => targetsPlacement(BASE.targets, { ...others, [ENV.secretId]: TOKEN })).toThrow(
      `${ENV.secretId} holds a value unknown until deploy`,
    );
  });

  it('puts 250 targets in the targets file, named by ATLAS_TARGETS_FILE, and accepts them in the config', () => {
    const targets = namedTargets(250);

    const environment = functionEnvironment({ ...BASE, topicArn: TOKEN, targets });

    expect(environment.variables).not.toHaveProperty(ENV.targets);
    expect(environment.variables[ENV.targetsFile]).toBe('targets.json');
    expect(environment.targetsFile?.name).toBe('targets.json');
    expect(JSON.parse(environment.targetsFile?.json ?? 'null')).toEqual(targets);
    expect(config({ targets }).targets).toHaveLength(250);
  });

  it('refuses variables that exceed 4 KB even without the targets', () => {
    const values = {
      ...BASE,
      secretId: 's'.repeat(512),
      description: '€'.repeat(1000), // 3 bytes each in UTF-8
      targets: namedTargets(60),
      confirmation: {
        scheduleGroupName: TOKEN,
        roleArn: TOKEN,
        firstCheckMinutes: 5,
        maxHours: 12,
        deadLetterArn: TOKEN,
      },
    };

    expect(() => functionEnvironment(values)).toThrow(
      /^The function's environment needs \d+ bytes without the targets/,
    );
  });
});

describe('the stack writes the targets file', () => {
  it('accepts targets that need the file: ATLAS_TARGETS_FILE set, ATLAS_TARGETS absent', () => {
    const { template } = synthStack({ targets: namedTargets(60) });

    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    expect(fn.Properties.Environment.Variables[ENV.targetsFile]).toBe(TARGETS_FILE_NAME);
    expect(fn.Properties.Environment.Variables).not.toHaveProperty(ENV.targets);
  });
});
