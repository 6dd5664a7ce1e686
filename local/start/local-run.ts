/**
 * A local run (docs/local.md): the bundle against the Atlas simulator and the local Secrets
 * Manager, SNS and Scheduler endpoints, step by step (local/start/steps.ts), with the account of
 * each step and a summary. What runs comes from a plan: a built-in scenario, or the user's own
 * configuration (--config), whose function environment is built by the stack's own rules.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atlasPreset, type PresetName, type SimulatorSeed } from '../atlas-sim';
import {
  LOCAL_DESCRIPTION,
  LOCAL_RETENTION_DAYS,
  LOCAL_SCHEDULE_GROUP,
  LOCAL_SECRET_NAME,
  LOCAL_TOPIC_NAME,
  startLocalRun,
  type LocalRun,
} from '../harness';
import {
  callFromLogEntry,
  continuation,
  formatAtlasCall,
  formatCounts,
  formatLogLine,
  heading,
  plural,
  row,
  type Counts,
  type Style,
} from '../report';
import type { Target } from '../../lambda/snapshot/types';
import { bundleFacts, prepareBundle } from './bundle';
import { print, withResource, type Io } from './io';
import { isConfigRun, SECRET_CHOICES, type ConfigOptions, type LocalOptions, type ScenarioOptions } from './options';
import { configEnvironment, configSteps, loadOwnConfig, seedForTargets } from './own-config';
import { startScenario, withConsoleEvent, type Step } from './scenarios';
import { LiveOutput, runStep, type StepContext } from './steps';
import { hasError, summaryRows, targetsText, type StepResult } from './summary';

/** Everything a local run needs to know before it starts. */
interface LocalPlan {
  /** The lines that say which configuration this run uses (printed first). */
  configuration: string[];
  /** Rows about the simulated organization and the function's settings. */
  facts: string[];
  preset: PresetName;
  seed?: SimulatorSeed;
  targets: Target[];
  retentionInDays: number;
  description: string;
  secretName: string;
  steps: Step[];
  /** The summary heading's subject, e.g. `scenario default, secret serviceAccount`. */
  subject: string;
  /** Extra function environment (a scenario's SNAPSHOT_PROMOTION). */
  env?: Record<string, string>;
  /** The simulated time the run starts at. */
  startAt?: number;
  /** A configuration's function variables as the stack builds them (instead of the settings above). */
  stackEnvironment?: Record<string, unknown>;
  /** The targets file the stack would write into the bundle (with stackEnvironment, when they do not fit). */
  targetsFile?: { name: string; json: string };
}

/** The steps, with `--event` in place of the console step's event when given. */
const withEvent = (steps: readonly Step[], options: LocalOptions): Step[] =>
  options.customEvent ? withConsoleEvent(steps, options.consoleEvent) : [...steps];

const OWN_CONFIG_HINT = 'run `npm start -- --config cdk` to run your atlasSnapshot targets against simulated clusters';

function scenarioPlan(options: ScenarioOptions, style: Style): LocalPlan {
  const scenario = startScenario(options.scenario);
  const preset = atlasPreset(scenario.preset);
  const yours = options.targets ? ' with your --targets' : '';
  return {
    configuration: [
      `configuration: the built-in scenario ${style.bold(scenario.name)}${yours} (retention ${LOCAL_RETENTION_DAYS} days); your cdk.json is not used`,
      `               — ${OWN_CONFIG_HINT}`,
    ],
    facts: [row('scenario', `${style.bold(scenario.name)}: ${scenario.description}`, style)],
    preset: scenario.preset,
    targets: options.targets ?? preset.targets,
    retentionInDays: LOCAL_RETENTION_DAYS,
    description: LOCAL_DESCRIPTION,
    secretName: LOCAL_SECRET_NAME,
    steps: withEvent(scenario.steps, options),
    subject: `scenario ${scenario.name}, secret ${options.secret}`,
    ...(scenario.env !== undefined ? { env: scenario.env } : {}),
    ...(scenario.startAt !== undefined ? { startAt: scenario.startAt(Date.now()) } : {}),
  };
}

function configPlan(options: ConfigOptions, style: Style): LocalPlan {
  const { file, config } = loadOwnConfig(options.config);
  const { seed, projects } = seedForTargets(config.targets);
  const byArn = config.secretName.startsWith('arn:');
  const secretName = byArn ? LOCAL_SECRET_NAME : config.secretName;
  const environment = configEnvironment(config, secretName);
  const unused = [
    ...(byArn ? [`secretName (an ARN: the demo secret is stored as ${secretName})`] : []),
    ...(config.atlasBaseUrl !== undefined ? [`atlasBaseUrl (the simulator answers instead)`] : []),
    ...(config.notificationEmails.length > 0 || config.existingTopicArn !== undefined
      ? ['notificationEmails/existingTopicArn (the messages are printed here)']
      : []),
    ...(config.egress !== undefined ? ['egress (calls go over loopback)'] : []),
  ];
  return {
    configuration: [
      `configuration: ${style.bold(file)} atlasSnapshot (validated as cdk synth does): ${plural(config.targets.length, 'target')}, retention ${config.retentionInDays} days, description ${JSON.stringify(config.description)}`,
      '               run against simulated clusters, not your Atlas organization: one healthy M10 replica set per',
      '               named cluster; selectors choose among a small seeded set (below)',
    ],
    facts: [
      ...projects.map((line, i) => (i === 0 ? row('simulated', line, style) : continuation(line))),
      ...(unused.length > 0 ? [row('not used', unused.join('; '), style)] : []),
    ],
    // The default preset's behaviour (no faults, no rate limit) over the organization seeded here.
    preset: 'default',
    seed,
    targets: config.targets,
    retentionInDays: config.retentionInDays,
    description: config.description,
    secretName,
    steps: withEvent(configSteps(config), options),
    subject: `configuration ${file}, secret ${options.secret}`,
    stackEnvironment: environment.variables,
    ...(environment.targetsFile !== undefined ? { targetsFile: environment.targetsFile } : {}),
  };
}

function localCounts(run: LocalRun): Counts {
  return {
    tokenRequests: run.sim.log.tokenRequests(),
    atlasCalls: run.sim.log.apiCalls(),
    secretReads: run.aws.requests.filter((r) => r.service === 'secretsmanager').length,
    publishes: run.aws.sns.published.length,
    schedulesCreated: run.aws.scheduler.calls.filter((c) => c.operation === 'CreateSchedule' && c.status === 200)
      .length,
  };
}

/**
 * The bundle to run: the one in cdk.out, or, when the stack would write a targets file into it, a
 * copy with that file (removed when the run ends).
 */
function bundleFor(bundlePath: string, plan: LocalPlan): { bundlePath: string; cleanUp: () => void } {
  if (plan.targetsFile === undefined) return { bundlePath, cleanUp: () => undefined };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-snapshot-bundle-'));
  fs.cpSync(path.dirname(bundlePath), root, { recursive: true });
  fs.writeFileSync(path.join(root, plan.targetsFile.name), plan.targetsFile.json);
  return {
    bundlePath: path.join(root, path.basename(bundlePath)),
    cleanUp: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export async function runLocal(options: LocalOptions, io: Io, style: Style): Promise<number> {
  print(io, style.bold('atlas-snapshot-scheduler: the deployable function, run on this machine'));
  const plan = isConfigRun(options) ? configPlan(options, style) : scenarioPlan(options, style);
  print(io, plan.configuration);
  const bundle = bundleFor(prepareBundle(options.synth, io, style), plan);
  const out = new LiveOutput(io);
  let run: LocalRun;
  try {
    run = await startLocalRun({
      bundlePath: bundle.bundlePath,
      preset: plan.preset,
      ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
      secret: options.secret,
      secretName: plan.secretName,
      targets: plan.targets,
      retentionInDays: plan.retentionInDays,
      description: plan.description,
      ...(plan.stackEnvironment !== undefined ? { stackEnvironment: plan.stackEnvironment } : {}),
      ...(plan.startAt !== undefined ? { startAt: plan.startAt } : {}),
      env: { ...plan.env, ...(options.verbose ? { LOG_LEVEL: 'debug' } : {}) },
      simulator: { onRequest: (entry) => out.write([formatAtlasCall(callFromLogEntry(entry), style)]) },
      onLine: (line) => {
        if (options.verbose) out.write([row('json', style.dim(line), style)]);
        out.write(formatLogLine(line, { style }));
      },
    });
  } catch (e: unknown) {
    bundle.cleanUp();
    throw e;
  }
  const close = async () => {
    await run.close();
    bundle.cleanUp();
  };
  return withResource(close, async () => {
    print(io, [
      ...plan.facts,
      row('secret', `${style.bold(options.secret)}: ${SECRET_CHOICES[options.secret]}`, style),
      row('targets', targetsText(plan.targets), style),
      row('bundle', bundleFacts(bundle.bundlePath, run.fn.initMs), style),
      row('Atlas', `${run.sim.url} (simulator, demo credentials only)`, style),
      row(
        'AWS',
        `${run.aws.endpoint} (local Secrets Manager: secret ${plan.secretName}; SNS: topic ${LOCAL_TOPIC_NAME}; Scheduler: group ${LOCAL_SCHEDULE_GROUP})`,
        style,
      ),
      confirmationFact(run, style),
      row(
        'clock',
        `simulated, starting ${new Date(run.clock.now()).toISOString()}: follow-up checks run when it reaches them`,
        style,
      ),
    ]);
    const ctx: StepContext = {
      run,
      io,
      style,
      verbose: options.verbose,
      out,
      counts: () => localCounts(run),
      bodiesShown: new Set(),
      adviceShown: false,
    };
    const results: StepResult[] = [];
    for (const [i, step] of plan.steps.entries()) results.push(await runStep(ctx, step, i + 1));
    return finish(run, plan, results, options.strict, io, style);
  });
}

function confirmationFact(run: LocalRun, style: Style): string {
  const c = run.confirmation;
  if (!c) return row('confirm', 'off: no follow-up checks (CONFIRM_SCHEDULE_GROUP is not set)', style);
  return row(
    'confirm',
    `on, as the stack sets it up: first check ${c.firstCheckMinutes} min after the request, the delay doubling to 60 min, until ${c.maxHours} h`,
    style,
  );
}

function finish(run: LocalRun, plan: LocalPlan, results: StepResult[], strict: boolean, io: Io, style: Style): number {
  const failed = hasError(results);
  const code = strict && failed ? 1 : 0;
  print(io, [
    '',
    heading(`Summary: ${plan.subject}`, style),
    ...summaryRows(results, style),
    row('totals', formatCounts({ ...localCounts(run), followUpChecks: run.followUps.length }), style),
    row(`exit ${code}`, exitReason(code, failed), style, code === 0 ? style.green : style.red),
  ]);
  return code;
}

function exitReason(code: number, failed: boolean): string {
  if (code === 1) return 'an outcome was ERROR or an invocation failed (--strict)';
  if (failed) return 'the run completed; its ERROR outcomes are what this scenario shows (--strict would exit 1)';
  return 'the run completed';
}
