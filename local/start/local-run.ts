/**
 * A local run: the bundle against the Atlas simulator and the local Secrets Manager / SNS
 * endpoints, step by step (each step an invocation), with the account of each step and a summary.
 * What runs comes from a plan: a built-in scenario, or the user's own configuration (--config).
 */
import { atlasPreset, type PresetName, type SimulatorSeed } from '../atlas-sim';
import {
  LOCAL_DESCRIPTION,
  LOCAL_RETENTION_DAYS,
  LOCAL_SECRET_NAME,
  LOCAL_TOPIC_NAME,
  startLocalRun,
  type LocalRun,
} from '../harness';
import {
  accessListAdvice,
  callFromLogEntry,
  continuation,
  formatAtlasCall,
  formatCounts,
  formatInvocation,
  formatLogLine,
  formatNotification,
  heading,
  outcomesOf,
  plural,
  row,
  subtractCounts,
  type Counts,
  type Style,
} from '../report';
import type { Target } from '../../lambda/snapshot/types';
import { bundleFacts, prepareBundle } from './bundle';
import { print, withResource, type Io } from './io';
import { isConfigRun, SECRET_CHOICES, type ConfigOptions, type LocalOptions, type ScenarioOptions } from './options';
import { configSteps, loadOwnConfig, seedForTargets } from './own-config';
import { startScenario, withConsoleEvent, type Step } from './scenarios';
import { hasError, summaryRows, targetsText, type Invocation } from './summary';

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
  };
}

function configPlan(options: ConfigOptions, style: Style): LocalPlan {
  const { file, config } = loadOwnConfig(options.config);
  const { seed, projects } = seedForTargets(config.targets);
  const byArn = config.secretName.startsWith('arn:');
  const secretName = byArn ? LOCAL_SECRET_NAME : config.secretName;
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
  };
}

function localCounts(run: LocalRun): Counts {
  return {
    tokenRequests: run.sim.log.tokenRequests(),
    atlasCalls: run.sim.log.apiCalls(),
    secretReads: run.aws.requests.filter((r) => r.service === 'secretsmanager').length,
    publishes: run.aws.sns.published.length,
  };
}

export async function runLocal(options: LocalOptions, io: Io, style: Style): Promise<number> {
  print(io, style.bold('atlas-snapshot-scheduler: the deployable function, run on this machine'));
  const plan = isConfigRun(options) ? configPlan(options, style) : scenarioPlan(options, style);
  print(io, plan.configuration);
  const bundlePath = prepareBundle(options.synth, io, style);
  const run = await startLocalRun({
    bundlePath,
    preset: plan.preset,
    ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
    secret: options.secret,
    secretName: plan.secretName,
    targets: plan.targets,
    retentionInDays: plan.retentionInDays,
    description: plan.description,
    env: options.verbose ? { LOG_LEVEL: 'debug' } : {},
    simulator: { onRequest: (entry) => print(io, formatAtlasCall(callFromLogEntry(entry), style)) },
    onLine: (line) => {
      if (options.verbose) print(io, row('json', style.dim(line), style));
      print(io, formatLogLine(line, { style }));
    },
  });
  return withResource(
    () => run.close(),
    async () => {
      print(io, [
        ...plan.facts,
        row('secret', `${style.bold(options.secret)}: ${SECRET_CHOICES[options.secret]}`, style),
        row('targets', targetsText(plan.targets), style),
        row('bundle', bundleFacts(bundlePath, run.fn.initMs), style),
        row('Atlas', `${run.sim.url} (simulator, demo credentials only)`, style),
        row(
          'AWS',
          `${run.aws.endpoint} (local Secrets Manager: secret ${plan.secretName}; SNS: topic ${LOCAL_TOPIC_NAME})`,
          style,
        ),
      ]);
      const invocations = await runSteps(run, plan.steps, options, io, style);
      return finish(run, plan, invocations, options.strict, io, style);
    },
  );
}

async function runSteps(
  run: LocalRun,
  steps: readonly Step[],
  options: LocalOptions,
  io: Io,
  style: Style,
): Promise<Invocation[]> {
  const invocations: Invocation[] = [];
  let adviceShown = false;
  for (const [i, step] of steps.entries()) {
    print(io, [
      '',
      heading(`${i + 1}. ${step.title}: event ${JSON.stringify(step.event)}`, style),
      continuation(style.dim(step.why)),
    ]);
    const before = localCounts(run);
    const published = run.aws.sns.published.length;
    const result = await run.fn.invoke(step.event);
    const outcomes = outcomesOf(result);
    for (const message of run.aws.sns.published.slice(published))
      print(io, formatNotification(message, style, { attributes: options.verbose }));
    print(io, formatInvocation(result, style));
    if (!adviceShown) {
      const advice = accessListAdvice(outcomes, style, {
        note: "(simulated: the simulator sees this machine's loopback address)",
      });
      print(io, advice);
      adviceShown = advice.length > 0;
    }
    print(io, row('counts', stepCounts(localCounts(run), before, style), style));
    invocations.push({ label: step.label, result, outcomes });
  }
  return invocations;
}

/** The step's counts, and what a warm container reused from the step before. */
function stepCounts(after: Counts, before: Counts, style: Style): string {
  const delta = subtractCounts(after, before);
  const reused = [
    ...(delta.secretReads === 0 && before.secretReads ? ['secret'] : []),
    ...(delta.tokenRequests === 0 && before.tokenRequests ? ['token'] : []),
  ];
  const warm = reused.length > 0 ? style.dim(`  (warm container: cached ${reused.join(' and ')} reused)`) : '';
  return `${formatCounts(delta)}${warm}`;
}

function finish(
  run: LocalRun,
  plan: LocalPlan,
  invocations: Invocation[],
  strict: boolean,
  io: Io,
  style: Style,
): number {
  const failed = hasError(invocations);
  const code = strict && failed ? 1 : 0;
  print(io, [
    '',
    heading(`Summary: ${plan.subject}`, style),
    ...summaryRows(invocations, style),
    row('totals', formatCounts(localCounts(run)), style),
    row(`exit ${code}`, exitReason(code, failed), style, code === 0 ? style.green : style.red),
  ]);
  return code;
}

function exitReason(code: number, failed: boolean): string {
  if (code === 1) return 'an outcome was ERROR or an invocation failed (--strict)';
  if (failed) return 'the run completed; its ERROR outcomes are what this scenario shows (--strict would exit 1)';
  return 'the run completed';
}
