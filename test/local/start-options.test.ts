/**
 * `npm start` options: argument parsing (scenarios, --config, real mode) and the real-mode
 * environment and event.
 */
import { DEMO_PROJECT_ID, PRESET_NAMES } from '../../local/atlas-sim';
import {
  buildRealRun,
  DEFAULT_CONFIRM_MINUTES,
  REAL_DESCRIPTION,
  REAL_FOLLOW_UP_ROLE_ARN,
  REAL_SCHEDULE_GROUP,
} from '../../local/real';
import { HELP, scenarioList } from '../../local/start/help';
import { OPTION_NAMES, UsageError, parseStartArgs, type RealOptions } from '../../local/start/options';
import { SCENARIO_NAMES } from '../../local/start/scenarios';

/** `--real --secret-id atlas/prod --project-id <demo> --cluster Cluster0 --no-synth`, parsed. */
const REAL_DRY_RUN: RealOptions = {
  mode: 'real',
  synth: false,
  verbose: false,
  secretId: 'atlas/prod',
  targets: [{ projectId: DEMO_PROJECT_ID, clusterName: 'Cluster0' }],
  takeSnapshot: false,
  event: {},
  // Round 2: how long --take-snapshot waits for the follow-up checks.
  confirmMinutes: DEFAULT_CONFIRM_MINUTES,
};

describe('arguments', () => {
  it('defaults: scenario default, service account secret, a manual console run, synth first', () => {
    expect(parseStartArgs([])).toEqual({
      mode: 'local',
      synth: true,
      verbose: false,
      scenario: 'default',
      secret: 'serviceAccount',
      consoleEvent: {},
      customEvent: false,
      strict: false,
    });
  });

  it('takes a scenario, a secret, a console event, targets and the flags', () => {
    const options = parseStartArgs([
      '--scenario',
      'rate-limited',
      '--secret',
      'malformed',
      '--event',
      '{"dryRun":true}',
      '--no-synth',
      '--verbose',
      '--strict',
      '--targets',
      `[{"projectId":"${DEMO_PROJECT_ID}","clusterName":"*"}]`,
    ]);

    expect(options).toEqual({
      mode: 'local',
      synth: false,
      verbose: true,
      scenario: 'rate-limited',
      secret: 'malformed',
      consoleEvent: { dryRun: true },
      customEvent: true,
      targets: [{ projectId: DEMO_PROJECT_ID, clusterName: '*' }],
      strict: true,
    });
  });

  it('passes a console event the function will refuse (that is a scenario too)', () => {
    expect(parseStartArgs(['--event', '{"dryRun":"yes"}'])).toMatchObject({ consoleEvent: { dryRun: 'yes' } });
  });

  it.each([
    [['--scenario', 'nope'], /unknown scenario "nope"; one of: default, pending/],
    [
      ['--secret', 'token'],
      /unknown --secret "token"; one of: serviceAccount, apiKey, cfnProfile, missing, malformed, binary/,
    ],
    [['--event', '{not json'], /--event must be JSON/],
    [['--targets', '[{"projectId":"x","clusterName":"C"}]'], /--targets\[0\]\.projectId must be 24 lowercase hex/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--take-snapshot'], /--take-snapshot only with --real/],
    [['--secret-id', 'x', '--topic-arn', 'arn'], /--secret-id, --topic-arn only with --real/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseStartArgs(argv)).toThrow(UsageError);
    expect(() => parseStartArgs(argv)).toThrow(message);
  });

  it('--config cdk: your own configuration instead of a scenario, with the local options that still apply', () => {
    expect(parseStartArgs(['--config', 'cdk', '--secret', 'apiKey', '--strict'])).toEqual({
      mode: 'local',
      synth: true,
      verbose: false,
      config: 'cdk',
      secret: 'apiKey',
      consoleEvent: {},
      customEvent: false,
      strict: true,
    });
    expect(parseStartArgs(['--config', 'envs/prod/cdk.json', '--event', '{"dryRun":true}'])).toMatchObject({
      config: 'envs/prod/cdk.json',
      consoleEvent: { dryRun: true },
    });
  });

  it('takes the scenarios of npm start beyond the presets', () => {
    expect(parseStartArgs(['--scenario', 'dry-run'])).toMatchObject({ mode: 'local', scenario: 'dry-run' });
  });

  it.each([
    [
      ['--config', 'cdk', '--scenario', 'pending'],
      /--config runs the targets of your configuration: not with --scenario/,
    ],
    [['--config', 'cdk', '--targets', `[{"projectId":"${DEMO_PROJECT_ID}","clusterName":"*"}]`], /not with --targets/],
    [
      ['--config', 'prod'],
      /--config takes "cdk" \(this project's cdk.json\) or the path of a cdk.json-shaped file, got prod/,
    ],
    [['--real', '--config', 'cdk'], /--config not with --real/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseStartArgs(argv)).toThrow(UsageError);
    expect(() => parseStartArgs(argv)).toThrow(message);
  });

  it('real mode: secret id and one cluster, dry run unless --take-snapshot', () => {
    const options = parseStartArgs([
      '--real',
      '--secret-id',
      'atlas/prod',
      '--project-id',
      DEMO_PROJECT_ID,
      '--cluster',
      'Cluster0',
      '--no-synth',
    ]);

    expect(options).toEqual(REAL_DRY_RUN);
  });

  it('real mode: targets, topic, base URL, region, extra event fields and --take-snapshot', () => {
    const options = parseStartArgs([
      '--real',
      '--secret-id',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:atlas-AbCdEf',
      '--targets',
      `[{"projectId":"${DEMO_PROJECT_ID}","clusterName":"*"}]`,
      '--topic-arn',
      'arn:aws:sns:eu-west-1:123456789012:atlas-snapshots',
      '--atlas-base-url',
      'https://cloud.mongodbgov.com',
      '--region',
      'eu-west-1',
      '--event',
      '{"retentionInDays":30}',
      '--take-snapshot',
    ]);

    expect(options).toMatchObject({
      mode: 'real',
      targets: [{ projectId: DEMO_PROJECT_ID, clusterName: '*' }],
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:atlas-snapshots',
      atlasBaseUrl: 'https://cloud.mongodbgov.com',
      region: 'eu-west-1',
      takeSnapshot: true,
      event: { retentionInDays: 30 },
    });
  });

  it('real mode: --take-snapshot waits 15 minutes for the checks unless --confirm-minutes says otherwise (0: not at all)', () => {
    const base = ['--real', '--secret-id', 's', '--project-id', DEMO_PROJECT_ID, '--cluster', 'C', '--take-snapshot'];

    expect(parseStartArgs(base)).toMatchObject({ confirmMinutes: 15 });
    expect(parseStartArgs([...base, '--confirm-minutes', '0'])).toMatchObject({ confirmMinutes: 0 });
    expect(parseStartArgs([...base, '--confirm-minutes', '60'])).toMatchObject({ confirmMinutes: 60 });
  });

  it.each([
    [['--real'], /--real needs --secret-id/],
    [['--real', '--secret-id', 's'], /--real needs the clusters to check/],
    [['--real', '--secret-id', 's', '--project-id', DEMO_PROJECT_ID], /--project-id and --cluster go together/],
    [['--real', '--secret-id', 's', '--project-id', 'abc', '--cluster', 'C'], /--project-id must be 24 lowercase hex/],
    [['--real', '--secret-id', 's', '--project-id', DEMO_PROJECT_ID, '--cluster', 'bad name'], /--cluster must match/],
    [
      ['--real', '--secret-id', 's', '--project-id', DEMO_PROJECT_ID, '--cluster', 'C', '--topic-arn', 'atlas'],
      /--topic-arn must be an SNS topic ARN/,
    ],
    [
      [
        '--real',
        '--secret-id',
        's',
        '--project-id',
        DEMO_PROJECT_ID,
        '--cluster',
        'C',
        '--atlas-base-url',
        'http://cloud.mongodb.com',
      ],
      /--atlas-base-url must use https:\/\//,
    ],
    [
      ['--real', '--secret-id', 's', '--project-id', DEMO_PROJECT_ID, '--cluster', 'C', '--event', '{"dryRun":false}'],
      /cannot set dryRun in real mode/,
    ],
    [
      ['--real', '--secret-id', 's', '--project-id', DEMO_PROJECT_ID, '--cluster', 'C', '--event', '[1]'],
      /must be a JSON object in real mode/,
    ],
    [
      ['--real', '--secret-id', 's', '--project-id', DEMO_PROJECT_ID, '--cluster', 'C', '--confirm-minutes', '5'],
      /--confirm-minutes goes with --take-snapshot/,
    ],
    [
      [
        '--real',
        '--secret-id',
        's',
        '--project-id',
        DEMO_PROJECT_ID,
        '--cluster',
        'C',
        '--take-snapshot',
        '--confirm-minutes',
        '61',
      ],
      /--confirm-minutes must be a whole number of minutes from 0 to 60, got 61/,
    ],
    [['--confirm-minutes', '5'], /--confirm-minutes only with --real/],
    [['--real', '--scenario', 'pending'], /--scenario not with --real/],
    [['--real', '--secret', 'apiKey'], /--secret not with --real/],
  ])('real mode refuses %j', (argv, message) => {
    expect(() => parseStartArgs(argv)).toThrow(message);
  });

  it('--help explains every option and --list every scenario with its description', () => {
    for (const name of OPTION_NAMES) expect(HELP).toContain(`--${name}`);
    expect(HELP).toMatch(/Examples:/);
    expect(HELP).toContain('a built-in scenario (its own targets, retention 7 days); cdk.json is not used');
    expect(HELP).toContain('npm start -- --config cdk');
    expect(HELP).toContain('npm start -- --scenario dry-run');
    expect(HELP).toMatch(/Exit codes:/);
    expect(SCENARIO_NAMES).toEqual(expect.arrayContaining([...PRESET_NAMES, 'dry-run']));
    for (const name of SCENARIO_NAMES) expect(scenarioList()).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(parseStartArgs(['--help'])).toEqual({ mode: 'help' });
    expect(parseStartArgs(['-h', '--scenario', 'nope'])).toEqual({ mode: 'help' });
    expect(parseStartArgs(['--list'])).toEqual({ mode: 'list' });
  });
});

describe('the real-mode environment and event', () => {
  const options = REAL_DRY_RUN;
  const userEnv = {
    PATH: '/usr/bin',
    HOME: '/home/me',
    AWS_PROFILE: 'prod',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: 'http://localhost:4566',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://localhost:4566',
    AWS_ENDPOINT_URL_SNS: 'http://localhost:4566',
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
    ATLAS_TARGETS: '[]',
    ATLAS_BASE_URL: 'http://127.0.0.1:1',
    LOG_LEVEL: 'error',
    UNSET: undefined,
  };
  const capture = {
    endpoint: 'http://127.0.0.1:40000',
    topicArn: 'arn:aws:sns:eu-west-1:123456789012:atlas-snapshot-notifications',
  };

  it("keeps the user's AWS identity, drops every endpoint override, and captures SNS locally without --topic-arn", () => {
    const { env, event } = buildRealRun(options, userEnv, { region: 'eu-west-1', capture });

    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/me',
      AWS_PROFILE: 'prod',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SNS: capture.endpoint,
      ATLAS_SECRET_ID: 'atlas/prod',
      SNS_TOPIC_ARN: capture.topicArn,
      ATLAS_TARGETS: JSON.stringify(options.targets),
      SNAPSHOT_RETENTION_DAYS: '7',
      SNAPSHOT_DESCRIPTION: REAL_DESCRIPTION,
      LOG_LEVEL: 'debug',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    expect(Object.keys(env).filter((k) => k.startsWith('AWS_ENDPOINT_URL'))).toEqual(['AWS_ENDPOINT_URL_SNS']);
    expect(event).toEqual({ dryRun: true });
  });

  it('publishes to the given topic with no endpoint override at all, and takes snapshots only with --take-snapshot', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:atlas-snapshots';

    const { env, event } = buildRealRun(
      {
        ...options,
        topicArn,
        takeSnapshot: true,
        atlasBaseUrl: 'https://cloud.mongodbgov.com',
        event: { retentionInDays: 30 },
      },
      userEnv,
      { region: 'eu-central-1' },
    );

    expect(Object.keys(env).filter((k) => k.startsWith('AWS_ENDPOINT_URL'))).toEqual([]);
    expect(env).toMatchObject({
      SNS_TOPIC_ARN: topicArn,
      ATLAS_BASE_URL: 'https://cloud.mongodbgov.com',
      AWS_REGION: 'eu-central-1',
    });
    expect(event).toEqual({ retentionInDays: 30, dryRun: false });
  });

  it('with follow-up checks: only the Scheduler endpoint goes to the local stand-in, with CONFIRM_* for a 1-minute first check', () => {
    const scheduler = { endpoint: 'http://127.0.0.1:40001' };

    const { env } = buildRealRun({ ...options, takeSnapshot: true }, userEnv, {
      region: 'eu-west-1',
      capture,
      scheduler,
    });

    expect(
      Object.keys(env)
        .filter((k) => k.startsWith('AWS_ENDPOINT_URL'))
        .sort(),
    ).toEqual(['AWS_ENDPOINT_URL_SCHEDULER', 'AWS_ENDPOINT_URL_SNS']);
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.endpoint,
      CONFIRM_SCHEDULE_GROUP: REAL_SCHEDULE_GROUP,
      CONFIRM_ROLE_ARN: REAL_FOLLOW_UP_ROLE_ARN,
      CONFIRM_FIRST_CHECK_MINUTES: '1',
      CONFIRM_MAX_HOURS: '1',
    });
    expect(buildRealRun(options, userEnv, { region: 'eu-west-1', capture }).env).not.toHaveProperty(
      'CONFIRM_SCHEDULE_GROUP',
    );
  });
});
