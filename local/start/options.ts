/**
 * `npm start` options: parsed with node:util `parseArgs` into a plain value, validated with the
 * function's own validation rules, and explained by `--help` (help.ts). Pure: no I/O.
 */
import { parseArgs } from 'node:util';
import type { SecretChoice } from '../harness';
import { DEFAULT_CONFIRM_MINUTES } from '../real';
import type { Target } from '../../lambda/snapshot/types';
import { checkBaseUrl, checkTargets, isPlainObject } from '../../lambda/snapshot/validation';
import { PROJECT_CONFIG } from './own-config';
import { SCENARIO_NAMES, isScenarioName, type ScenarioName } from './scenarios';

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

interface LocalCommon extends Common {
  mode: 'local';
  secret: SecretChoice;
  /** The console step's event (a console test event). */
  consoleEvent: unknown;
  /** True when --event gave the console event. */
  customEvent: boolean;
  /** Exit 1 when an outcome is ERROR or an invocation failed. */
  strict: boolean;
}

/** A built-in scenario: a simulator preset and its steps. */
export interface ScenarioOptions extends LocalCommon {
  scenario: ScenarioName;
  /** Override of the scenario's targets. */
  targets?: Target[];
}

/** `--config`: the targets, retention and description of a cdk.json, against simulated clusters. */
export interface ConfigOptions extends LocalCommon {
  /** `cdk` (this project's cdk.json) or the path of a cdk.json-shaped file. */
  config: string;
}

export type LocalOptions = ScenarioOptions | ConfigOptions;

export function isConfigRun(options: LocalOptions): options is ConfigOptions {
  return 'config' in options;
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
  /** With --take-snapshot: how long to wait for the follow-up checks (0 = do not wait). */
  confirmMinutes: number;
}

export type StartOptions = { mode: 'help' } | { mode: 'list' } | LocalOptions | RealOptions;

/** The console event of a local run when --event is not given: a manual run right after the scheduled one. */
export const DEFAULT_CONSOLE_EVENT = {};

const TOPIC_ARN = /^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}$/;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  list: { type: 'boolean' },
  scenario: { type: 'string', short: 's' },
  config: { type: 'string' },
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
  'confirm-minutes': { type: 'string' },
} as const;

/** Every option name, for the help test. */
export const OPTION_NAMES = Object.keys(OPTIONS);

/** Each option's kind, for recognising the options npm kept for itself (npm-config.ts). */
export const OPTION_SPECS: Readonly<Record<string, { type: 'string' | 'boolean' }>> = OPTIONS;

const LOCAL_ONLY = ['scenario', 'config', 'secret', 'strict'] as const;
const REAL_ONLY = [
  'secret-id',
  'project-id',
  'cluster',
  'topic-arn',
  'atlas-base-url',
  'region',
  'take-snapshot',
  'confirm-minutes',
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

  if (!values.real) return localOptions(values, common, targets);

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
  const confirmMinutes = parseConfirmMinutes(values['confirm-minutes']);
  if (values['confirm-minutes'] !== undefined && !values['take-snapshot'])
    throw new UsageError('--confirm-minutes goes with --take-snapshot (a dry run requests nothing to confirm)');
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
    confirmMinutes,
  };
}

/** `--confirm-minutes`: a whole number of minutes from 0 (do not wait) to 60. */
function parseConfirmMinutes(text: string | undefined): number {
  if (text === undefined) return DEFAULT_CONFIRM_MINUTES;
  const minutes = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(minutes >= 0 && minutes <= 60)) {
    throw new UsageError(`--confirm-minutes must be a whole number of minutes from 0 to 60, got ${text}`);
  }
  return minutes;
}

type Values = ReturnType<typeof parse>['values'];

function localOptions(values: Values, common: Common, targets: Target[] | undefined): LocalOptions {
  const misplaced = REAL_ONLY.filter((name) => values[name] !== undefined);
  if (misplaced.length > 0) throw new UsageError(`${misplaced.map((n) => `--${n}`).join(', ')} only with --real`);
  const secret = values.secret ?? 'serviceAccount';
  if (!isSecretChoice(secret))
    throw new UsageError(`unknown --secret "${secret}"; one of: ${Object.keys(SECRET_CHOICES).join(', ')}`);
  const local: LocalCommon = {
    mode: 'local',
    ...common,
    secret,
    consoleEvent: values.event !== undefined ? parseJson(values.event, 'event') : DEFAULT_CONSOLE_EVENT,
    customEvent: values.event !== undefined,
    strict: values.strict ?? false,
  };
  if (values.config !== undefined) return { ...local, config: configValue(values) };
  const scenario = values.scenario ?? 'default';
  if (!isScenarioName(scenario))
    throw new UsageError(`unknown scenario "${scenario}"; one of: ${SCENARIO_NAMES.join(', ')} (see --list)`);
  return { ...local, scenario, ...(targets ? { targets } : {}) };
}

function configValue(values: Values): string {
  const config = values.config ?? PROJECT_CONFIG;
  const clash = (['scenario', 'targets'] as const).filter((name) => values[name] !== undefined);
  if (clash.length > 0) {
    throw new UsageError(
      `--config runs the targets of your configuration: not with ${clash.map((n) => `--${n}`).join(', ')}`,
    );
  }
  if (config !== PROJECT_CONFIG && !config.endsWith('.json'))
    throw new UsageError(
      `--config takes "${PROJECT_CONFIG}" (this project's cdk.json) or the path of a cdk.json-shaped file, got ${config}`,
    );
  return config;
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
