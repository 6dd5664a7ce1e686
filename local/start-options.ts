/**
 * `npm start` options: parsed with node:util `parseArgs` into a plain value, validated with the
 * function's own validation rules, and explained by `--help`. Pure: no I/O.
 */
import { parseArgs } from 'node:util';
import { PRESET_NAMES, atlasPreset, isPresetName, type PresetName } from './atlas-sim';
import type { SecretChoice } from './harness';
import type { Target } from '../lambda/snapshot/types';
import { checkBaseUrl, checkTargets, isPlainObject } from '../lambda/snapshot/validation';

/** A command line that cannot run: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const SECRET_CHOICES: Record<SecretChoice, string> = {
  serviceAccount: 'service account {"clientId","clientSecret"}: OAuth token, then bearer calls (default)',
  apiKey: 'programmatic API key {"publicKey","privateKey"}: HTTP Digest',
  cfnProfile: 'MongoDB CloudFormation profile {"PublicKey","PrivateKey"}: HTTP Digest',
  missing: 'no such secret: SECRET_UNAVAILABLE, no Atlas call',
  malformed: 'half an API key: SECRET_INVALID, no Atlas call, value never printed',
  binary: 'SecretBinary instead of a JSON SecretString: SECRET_INVALID',
};

function isSecretChoice(value: string): value is SecretChoice {
  return Object.prototype.hasOwnProperty.call(SECRET_CHOICES, value);
}

interface Common {
  /** Run `cdk synth` first (false: reuse the bundle already in cdk.out). */
  synth: boolean;
  verbose: boolean;
}

export interface LocalOptions extends Common {
  mode: 'local';
  scenario: PresetName;
  secret: SecretChoice;
  /** The second invocation's event (a console test event). */
  consoleEvent: unknown;
  /** True when --event gave the console event. */
  customEvent: boolean;
  /** Override of the scenario's targets. */
  targets?: Target[];
  /** Exit 1 when an outcome is ERROR or an invocation failed. */
  strict: boolean;
}

export interface RealOptions extends Common {
  mode: 'real';
  secretId: string;
  targets: Target[];
  /** Absent: outcomes are captured by a local SNS stand-in and printed, not published. */
  topicArn?: string;
  atlasBaseUrl?: string;
  region?: string;
  /** False (default): the event carries `"dryRun": true`. */
  takeSnapshot: boolean;
  /** Extra console-event fields (retentionInDays, description, targets); never dryRun. */
  event: Record<string, unknown>;
}

export type StartOptions = { mode: 'help' } | { mode: 'list' } | LocalOptions | RealOptions;

/** The console event of a local run when --event is not given: a manual run right after the scheduled one. */
export const DEFAULT_CONSOLE_EVENT = {};

const TOPIC_ARN = /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}$/;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  list: { type: 'boolean' },
  scenario: { type: 'string', short: 's' },
  secret: { type: 'string' },
  event: { type: 'string', short: 'e' },
  targets: { type: 'string' },
  'no-synth': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  strict: { type: 'boolean' },
  real: { type: 'boolean' },
  'secret-id': { type: 'string' },
  'project-id': { type: 'string' },
  cluster: { type: 'string' },
  'topic-arn': { type: 'string' },
  'atlas-base-url': { type: 'string' },
  region: { type: 'string' },
  'take-snapshot': { type: 'boolean' },
} as const;

/** Every option name, for the help test. */
export const OPTION_NAMES = Object.keys(OPTIONS);

const LOCAL_ONLY = ['scenario', 'secret', 'strict'] as const;
const REAL_ONLY = [
  'secret-id',
  'project-id',
  'cluster',
  'topic-arn',
  'atlas-base-url',
  'region',
  'take-snapshot',
] as const;

function parseJson(text: string, option: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`--${option} must be JSON, got ${text}`);
  }
}

function parseTargets(text: string): Target[] {
  const value = parseJson(text, 'targets');
  const problems = checkTargets(value, '--targets');
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return value as Target[];
}

export function parseStartArgs(argv: string[]): StartOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (e: unknown) {
    // parseArgs names the option: "Unknown option '--x'", "Option '--scenario <value>' argument missing".
    throw new UsageError(
      e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '') : String(e),
    );
  }
  if (values.help) return { mode: 'help' };
  if (values.list) return { mode: 'list' };
  const common: Common = { synth: !values['no-synth'], verbose: values.verbose ?? false };
  const targets = values.targets !== undefined ? parseTargets(values.targets) : undefined;

  if (!values.real) {
    const misplaced = REAL_ONLY.filter((name) => values[name] !== undefined);
    if (misplaced.length > 0) throw new UsageError(`${misplaced.map((n) => `--${n}`).join(', ')} only with --real`);
    const scenario = values.scenario ?? 'default';
    if (!isPresetName(scenario))
      throw new UsageError(`unknown scenario "${scenario}"; one of: ${PRESET_NAMES.join(', ')} (see --list)`);
    const secret = values.secret ?? 'serviceAccount';
    if (!isSecretChoice(secret))
      throw new UsageError(`unknown --secret "${secret}"; one of: ${Object.keys(SECRET_CHOICES).join(', ')}`);
    return {
      mode: 'local',
      ...common,
      scenario,
      secret,
      consoleEvent: values.event !== undefined ? parseJson(values.event, 'event') : DEFAULT_CONSOLE_EVENT,
      customEvent: values.event !== undefined,
      ...(targets ? { targets } : {}),
      strict: values.strict ?? false,
    };
  }

  const misplaced = LOCAL_ONLY.filter((name) => values[name] !== undefined);
  if (misplaced.length > 0) {
    throw new UsageError(
      `${misplaced.map((n) => `--${n}`).join(', ')} not with --real (real mode uses your own secret and always exits 1 on ERROR)`,
    );
  }
  const secretId = values['secret-id']?.trim();
  if (!secretId) throw new UsageError('--real needs --secret-id <name or ARN of your Atlas credentials secret>');
  const realTargets = targets ?? singleTarget(values['project-id'], values.cluster);
  const topicArn = values['topic-arn'];
  if (topicArn !== undefined && !TOPIC_ARN.test(topicArn))
    throw new UsageError(`--topic-arn must be an SNS topic ARN, got ${topicArn}`);
  const atlasBaseUrl = values['atlas-base-url'];
  if (atlasBaseUrl !== undefined) {
    const problems = checkBaseUrl(atlasBaseUrl, '--atlas-base-url');
    if (problems.length > 0) throw new UsageError(problems.join('; '));
  }
  const event = values.event !== undefined ? parseJson(values.event, 'event') : {};
  if (!isPlainObject(event)) throw new UsageError('--event must be a JSON object in real mode');
  if ('dryRun' in event)
    throw new UsageError('--event cannot set dryRun in real mode: it is a dry run unless --take-snapshot is given');
  return {
    mode: 'real',
    ...common,
    secretId,
    targets: realTargets,
    ...(topicArn !== undefined ? { topicArn } : {}),
    ...(atlasBaseUrl !== undefined ? { atlasBaseUrl } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    takeSnapshot: values['take-snapshot'] ?? false,
    event,
  };
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
}

function singleTarget(projectId: string | undefined, cluster: string | undefined): Target[] {
  if (projectId === undefined && cluster === undefined) {
    throw new UsageError(
      '--real needs the clusters to check: --targets \'[{"projectId":"<24 hex>","clusterName":"<name>"}]\', or --project-id and --cluster',
    );
  }
  if (projectId === undefined || cluster === undefined) throw new UsageError('--project-id and --cluster go together');
  const targets = [{ projectId, clusterName: cluster }];
  const problems = checkTargets(targets, 'target');
  if (problems.length > 0)
    throw new UsageError(
      problems.join('; ').replace('target[0].projectId', '--project-id').replace('target[0].clusterName', '--cluster'),
    );
  return targets;
}

export function scenarioList(): string {
  const width = Math.max(...PRESET_NAMES.map((n) => n.length));
  const scenarios = PRESET_NAMES.map((name) => `  ${name.padEnd(width)}  ${atlasPreset(name).description}`);
  const secrets = Object.entries(SECRET_CHOICES).map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
  return ['Scenarios (--scenario NAME):', ...scenarios, '', 'Secrets (--secret KIND):', ...secrets, ''].join('\n');
}

export const HELP = `npm start: run the deployable function on this machine, end to end

Builds the bundle exactly as "cdk synth" does, starts a local Atlas Admin API simulator and
local Secrets Manager + SNS endpoints, invokes the bundle (in a Lambda-like process) with a
scheduled event and then a console event, and prints each Atlas call, each decision, each
notification (subject and e-mail body), what the invocation returned and the call counts.
Nothing leaves this machine.

Usage: npm start [-- options]

Local run:
  -s, --scenario NAME   Atlas simulator scenario (default: default); --list shows them all:
                        ${PRESET_NAMES.join(', ')}
      --secret KIND     what the function finds in Secrets Manager (default: serviceAccount):
                        ${Object.keys(SECRET_CHOICES).join(', ')}
  -e, --event JSON      console event of the second invocation (default: {}, a manual run);
                        e.g. '{"dryRun":true}', '{"retentionInDays":30}'
      --targets JSON    override the scenario's targets ('[{"projectId":"...","clusterName":"*"}]')
      --strict          exit 1 when an outcome is ERROR or an invocation failed
  -v, --verbose         also print the function's raw JSON log lines (at debug level)
      --no-synth        reuse the bundle already in cdk.out instead of running cdk synth
      --list            list the scenarios and secret kinds, then exit
  -h, --help            this help

Real run (--real): the same bundle against real AWS and Atlas, before you deploy
      --real            use your AWS credentials (default SDK chain: AWS_PROFILE, AWS_REGION,
                        environment, SSO, ...) and your existing Atlas credentials secret
      --secret-id ID    name or ARN of that secret (required)
      --targets JSON    the clusters to check, or:
      --project-id ID --cluster NAME
                        one cluster ("*" = every cluster of the project)
      --topic-arn ARN   publish the outcomes to this SNS topic; without it nothing is published:
                        the messages go to a local SNS stand-in and are printed
      --atlas-base-url URL
                        e.g. https://cloud.mongodbgov.com (default: the secret's BaseUrl, else
                        https://cloud.mongodb.com)
      --region REGION   AWS region of the secret (default: AWS_REGION / your profile)
      --take-snapshot   really request on-demand snapshots; without it the run is a DRY RUN
                        (authenticates, reads each cluster and its snapshots, requests nothing)
      --event JSON      extra console-event fields (retentionInDays, description)

Exit codes:
  0  the run completed; ERROR outcomes are what some scenarios demonstrate (missing-cluster,
     access-list, --secret malformed, ...) and do not fail a local run unless --strict
  1  --strict (or --real) and an outcome was ERROR or the invocation failed; or the run itself
     could not happen (cdk synth failed, no bundle, no AWS credentials, ...)
  2  bad command line

Examples:
  npm start
  npm start -- --list
  npm start -- --scenario pending
  npm start -- --scenario rate-limited
  npm start -- --scenario missing-cluster --strict
  npm start -- --secret apiKey
  npm start -- --secret malformed
  npm start -- --scenario mixed --event '{"dryRun":true}'
  npm start -- --no-synth --verbose
  AWS_PROFILE=prod npm start -- --real --secret-id atlas/snapshot-scheduler \\
      --project-id 5f1d7a3b2c4e6f8a9b0c1d2e --cluster Cluster0
  npm start -- --real --region eu-west-1 --secret-id atlas/snapshot-scheduler \\
      --targets '[{"projectId":"5f1d7a3b2c4e6f8a9b0c1d2e","clusterName":"*"}]' \\
      --topic-arn arn:aws:sns:eu-west-1:123456789012:atlas-snapshots --take-snapshot
`;
