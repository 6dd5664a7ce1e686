/**
 * Every field name is checked: an unknown key anywhere stops synth with its full path and the
 * nearest valid name, a context key that looks like a misspelt `atlasSnapshot` stops it too, and
 * construct props get the same rules and messages under their own prefix.
 */
import { App } from 'aws-cdk-lib';
import {
  ConfigError,
  CONTEXT_KEY,
  loadConfig,
  parseConfig,
  validateConfig,
  type AtlasSnapshotConfig,
} from '../../lib/config';
import { editDistance, nearestName } from '../../lib/config/suggest';
import { contextProblems, PROJECT_ID, problemsWith, propsProblems, rawConfig } from './helpers';

describe('unknown keys at every level name the key by its full path and the nearest valid name', () => {
  it.each([
    // [level, overrides, the exact problem]
    [
      'top level',
      { retentionIndays: 7 },
      'atlasSnapshot.retentionIndays is not a known field; did you mean "retentionInDays"? (allowed: secretName, secretKmsKeyArn, targets, schedules, retentionInDays, description, notificationEmails, existingTopicArn, existingTopicKmsKeyArn, atlasBaseUrl, timeoutSeconds, logRetentionInDays, alarmGraceMinutes, egress, confirmation, promotion, summary, memorySize, concurrency, stackName, chat)',
    ],
    [
      'targets[i]',
      { targets: [{ projectId: PROJECT_ID, clustername: 'Cluster0', clusterName: 'Cluster0' }] },
      'atlasSnapshot.targets[0].clustername is not a known field; did you mean "clusterName"? (allowed: projectId, clusterName, tags)',
    ],
    [
      'schedules[i]',
      { schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)', timezon: 'UTC' }] },
      'atlasSnapshot.schedules[0].timezon is not a known field; did you mean "timezone"? (allowed: name, expression, timezone, retentionInDays, description, promotion)',
    ],
    [
      'schedules[i].promotion',
      { schedules: [{ name: 'nightly', expression: 'rate(1 day)', promotion: { weeks: 4, month: 12 } }] },
      'atlasSnapshot.schedules[0].promotion.month is not a known field; did you mean "months"? (allowed: weeks, months, years, timezone)',
    ],
    [
      'promotion',
      { promotion: { weeks: 4, yaers: 1 } },
      'atlasSnapshot.promotion.yaers is not a known field; did you mean "years"? (allowed: weeks, months, years, timezone)',
    ],
    [
      'confirmation',
      { confirmation: { maxHour: 6 } },
      'atlasSnapshot.confirmation.maxHour is not a known field; did you mean "maxHours"? (allowed: enabled, firstCheckMinutes, maxHours)',
    ],
    [
      'notificationEmails[i]',
      { notificationEmails: [{ address: 'ops@example.com', status: ['ERROR'] }] },
      'atlasSnapshot.notificationEmails[0].status is not a known field; did you mean "statuses"? (allowed: address, statuses, stages)',
    ],
    [
      'egress',
      {
        egress: {
          mode: 'vpc',
          vpcId: 'vpc-0123456789abcdef0',
          subnetIds: ['subnet-0123456789abcdef0'],
          securityGroups: ['sg-0123456789abcdef0'],
        },
      },
      'atlasSnapshot.egress.securityGroups is not a known field for mode "vpc"; did you mean "securityGroupIds"? (allowed: mode, vpcId, subnetIds, securityGroupIds)',
    ],
    [
      'a key with no near name',
      { schedules: [{ name: 'nightly', expression: 'rate(1 day)', tz: 'UTC' }] },
      'atlasSnapshot.schedules[0].tz is not a known field (allowed: name, expression, timezone, retentionInDays, description, promotion)',
    ],
  ])('%s', (_level, overrides, message) => {
    expect(problemsWith(overrides)).toEqual([message]);
  });

  it('names a per-field -c key that is not a field, with the nearest field', () => {
    expect(contextProblems({ [CONTEXT_KEY]: rawConfig(), [`${CONTEXT_KEY}.sumary`]: 'false' })).toEqual([
      expect.stringMatching(
        /^atlasSnapshot\.sumary is not a known field; did you mean "summary"\? \(allowed: secretName,/,
      ),
    ]);
  });

  it('says how to set a nested field with -c (whole fields only)', () => {
    expect(contextProblems({ [CONTEXT_KEY]: rawConfig(), [`${CONTEXT_KEY}.confirmation.maxHours`]: '24' })).toEqual([
      `atlasSnapshot.confirmation.maxHours is not read: -c sets whole fields, give atlasSnapshot.confirmation as JSON (for example -c atlasSnapshot.confirmation='{"maxHours": ...}')`,
    ]);
  });
});

describe('context keys that look like a misspelt atlasSnapshot stop synth', () => {
  it.each([
    ['atlasSnapshots', 'atlasSnapshot'],
    ['atlassnapshot', 'atlasSnapshot'],
    ['atlasSnapshot_', 'atlasSnapshot'],
    ['AtlasSnapshot', 'atlasSnapshot'],
    ['atlasSnapshots.retentionInDays', 'atlasSnapshot.retentionInDays'],
    ['atlas-snapshot.summary', 'atlasSnapshot.summary'],
  ])('%s (read as nothing) is named with the key meant', (key, meant) => {
    const found = contextProblems({ [CONTEXT_KEY]: rawConfig(), [key]: '14' });

    expect(found).toEqual([`context key "${key}" is not read; did you mean "${meant}"?`]);
  });

  it('names the misspelt key first when it is the only configuration given', () => {
    const found = contextProblems({ atlasSnapshots: rawConfig() });

    expect(found[0]).toBe('context key "atlasSnapshots" is not read; did you mean "atlasSnapshot"?');
    expect(found.slice(1)).toEqual([
      expect.stringContaining('atlasSnapshot.secretName must be'),
      expect.stringContaining('atlasSnapshot.targets must be'),
      expect.stringContaining('atlasSnapshot.schedules must be'),
    ]);
  });

  it("does not flag CDK's own keys or unrelated ones", () => {
    const context = {
      [CONTEXT_KEY]: rawConfig(),
      'aws:cdk:bundling-stacks': [],
      '@aws-cdk/aws-lambda:recognizeLayerVersion': true,
      'aws-cdk:enableDiffNoFail': true,
      'cli-telemetry': false,
      snapshotTeam: 'storage',
    };

    expect(() => parseConfig(context)).not.toThrow();
  });

  it('is checked on the App context by loadConfig', () => {
    const app = new App({ context: { [CONTEXT_KEY]: rawConfig(), 'atlasSnapshot_.summary': 'false' } });

    expect(() => loadConfig(app)).toThrow('context key "atlasSnapshot_.summary" is not read');
  });
});

describe('validateConfig: the same rules for construct props, under their own prefix', () => {
  const props: AtlasSnapshotConfig = {
    secretName: 'atlas/snapshot-scheduler',
    targets: [{ projectId: PROJECT_ID, clusterName: 'Cluster0' }],
    schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)' }],
    confirmation: { maxHours: 24 },
    promotion: { weeks: 8, months: 12 },
  };

  it('resolves typed props exactly as the context would be', () => {
    expect(validateConfig(props, 'props')).toEqual(parseConfig({ [CONTEXT_KEY]: props }));
  });

  it('names each field under the prefix, every problem at once', () => {
    const found = propsProblems({
      ...props,
      targets: [{ projectId: PROJECT_ID, clusterName: '-bad' }],
      confirmation: { maxHours: 49 },
      existingTopicKmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef',
    });

    expect(found).toEqual([
      'props.targets[0].clusterName must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (at most 64 characters) or be "*", got "-bad"',
      'props.confirmation.maxHours must be an integer from 1 to 48, got 49',
      'props.existingTopicKmsKeyArn applies only with props.existingTopicArn, got "arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef" without a topic',
    ]);
  });

  it('says what the props are when they are not an object', () => {
    expect(propsProblems(5)).toEqual(['props must be an object { "secretName", "targets", "schedules", ... }, got 5']);
  });

  it('throws a ConfigError whose message says which configuration it is', () => {
    expect(() => validateConfig({ ...props, memorySize: 64 }, 'props')).toThrow(
      new ConfigError(['props.memorySize must be an integer from 128 to 10240, got 64'], 'props configuration'),
    );
    expect(() => validateConfig({ ...props, memorySize: 64 }, 'props')).toThrow(
      /^Invalid props configuration:\n {2}- props\.memorySize/,
    );
  });
});

describe('nearest names', () => {
  it.each([
    ['', 'abc', 3],
    ['timezone', 'timezone', 0],
    ['timezon', 'timezone', 1],
    ['ab', 'ba', 1],
    ['retentionDays', 'retentionInDays', 2],
    ['kitten', 'sitting', 3],
  ])('edit distance of "%s" and "%s" is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it.each([
    ['Timezone', 'timezone'],
    ['retention', 'retentionInDays'],
    ['concurency', 'concurrency'],
    ['stackname', 'stackName'],
  ])('suggests a name for "%s"', (name, expected) => {
    expect(nearestName(name, ['timezone', 'retentionInDays', 'concurrency', 'stackName'])).toBe(expected);
  });

  it.each(['tz', 'xyz', 'region'])('suggests nothing for "%s" (nothing close)', (name) => {
    expect(nearestName(name, ['timezone', 'projectId', 'clusterName'])).toBeUndefined();
  });
});
