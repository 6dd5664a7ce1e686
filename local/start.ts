/**
 * `npm start`: the deployable bundle, built as `cdk synth` builds it, run on this machine against
 * the Atlas simulator and the local Secrets Manager / SNS endpoints (or, with --real, against real
 * AWS and Atlas), with a readable account of what happened. `npm start -- --help` explains it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { atlasPreset } from './atlas-sim';
import { startLocalAws, type LocalAws } from './aws';
import { LOCAL_SECRET_NAME, LOCAL_TOPIC_NAME, SCHEDULED_EVENT, startLocalRun, type LocalRun } from './harness';
import { PROJECT_ROOT, findHandlerBundle, synthesize } from './lambda/bundle';
import { startFunction, type InvokeResult, type LocalFunction } from './lambda/runtime';
import { REAL_FUNCTION_NAME, SetupError, buildRealRun, checkAwsAccess } from './real';
import {
  ANSI,
  PLAIN,
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
  parseLogLine,
  realModeHints,
  row,
  subtractCounts,
  useColor,
  type Counts,
  type Style,
} from './report';
import {
  HELP,
  SECRET_CHOICES,
  UsageError,
  parseStartArgs,
  scenarioList,
  type LocalOptions,
  type RealOptions,
} from './start-options';
import { DEFAULT_ATLAS_BASE_URL } from '../lambda/snapshot/contract';
import type { Outcome } from '../lambda/snapshot/types';

/** Where `npm start` writes; a test passes its own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: useColor(process.stdout.isTTY, process.env),
    env: process.env,
  };
}

/** Resources to release when the user presses Ctrl-C mid-run. */
const open = new Set<() => Promise<void>>();

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let options: ReturnType<typeof parseStartArgs>;
  try {
    options = parseStartArgs(argv);
  } catch (e: unknown) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`npm start: ${e.message}\nRun "npm start -- --help" for the options.\n`);
    return 2;
  }
  if (options.mode === 'help') {
    io.out(HELP);
    return 0;
  }
  if (options.mode === 'list') {
    io.out(scenarioList());
    return 0;
  }
  const style = io.color ? ANSI : PLAIN;
  try {
    return options.mode === 'real' ? await runReal(options, io, style) : await runLocal(options, io, style);
  } catch (e: unknown) {
    const message = e instanceof Error ? e.message : String(e);
    const detail = options.verbose && e instanceof Error && !(e instanceof SetupError) ? `\n${e.stack ?? ''}` : '';
    io.err(`${style.red('npm start failed:')} ${message}${detail}\n`);
    return 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared steps

function print(io: Io, lines: string | string[]): void {
  for (const line of Array.isArray(lines) ? lines : [lines]) io.out(`${line}\n`);
}

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** The bundle `cdk deploy` would upload: synthesized now, or the one already in cdk.out. */
function prepareBundle(synth: boolean, io: Io, style: Style): string {
  const outdir = path.join(PROJECT_ROOT, 'cdk.out');
  if (synth) {
    print(io, row('build', 'cdk synth: the esbuild bundle cdk deploy would upload ...', style));
    const started = performance.now();
    try {
      synthesize(outdir);
    } catch (e: unknown) {
      throw new SetupError(e instanceof Error ? e.message : String(e));
    }
    print(io, continuation(style.dim(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)));
  } else if (!fs.existsSync(outdir)) {
    throw new SetupError(
      `--no-synth: ${relative(outdir)} does not exist; run without --no-synth (or "npx cdk synth") first`,
    );
  }
  try {
    return findHandlerBundle(outdir);
  } catch (e: unknown) {
    throw new SetupError(e instanceof Error ? e.message : String(e));
  }
}

function bundleFacts(bundlePath: string, initMs: number): string {
  const kb = Math.round(fs.statSync(bundlePath).size / 1024);
  const shown = relative(bundlePath).replace(/asset\.([0-9a-f]{8})[0-9a-f]{56}/, 'asset.$1...');
  return `${shown} (${kb} KB, cold start ${Math.round(initMs)} ms)`;
}

function targetsText(targets: Array<{ projectId: string; clusterName: string }>): string {
  return targets.map((t) => `${t.projectId}/${t.clusterName}`).join(', ');
}

function tally(outcomes: Outcome[]): string {
  if (outcomes.length === 0) return 'no outcome';
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(`${o.status} ${o.code}`, (counts.get(`${o.status} ${o.code}`) ?? 0) + 1);
  return [...counts].map(([key, n]) => (n > 1 ? `${key} x${n}` : key)).join(', ');
}

interface Invocation {
  title: string;
  result: InvokeResult;
  outcomes: Outcome[];
}

function summaryRows(invocations: Invocation[], style: Style): string[] {
  return invocations.map((inv, i) => {
    const state = inv.result.ok ? style.green('returned') : style.red('failed  ');
    return row(inv.title.split(' ')[0] ?? `${i + 1}`, `${state}  ${tally(inv.outcomes)}`, style);
  });
}

const hasError = (invocations: Invocation[]) =>
  invocations.some((i) => !i.result.ok || i.outcomes.some((o) => o.status === 'ERROR'));

// ---------------------------------------------------------------------------------------------
// Local run: simulator + local endpoints

function localCounts(run: LocalRun): Counts {
  return {
    tokenRequests: run.sim.log.tokenRequests(),
    atlasCalls: run.sim.log.apiCalls(),
    secretReads: run.aws.requests.filter((r) => r.service === 'secretsmanager').length,
    publishes: run.aws.sns.published.length,
  };
}

async function runLocal(options: LocalOptions, io: Io, style: Style): Promise<number> {
  const preset = atlasPreset(options.scenario);
  print(io, style.bold('atlas-snapshot-scheduler: the deployable function, run on this machine'));
  const bundlePath = prepareBundle(options.synth, io, style);

  const run = await startLocalRun({
    bundlePath,
    preset: options.scenario,
    secret: options.secret,
    ...(options.targets ? { targets: options.targets } : {}),
    env: options.verbose ? { LOG_LEVEL: 'debug' } : {},
    simulator: { onRequest: (entry) => print(io, formatAtlasCall(callFromLogEntry(entry), style)) },
    onLine: (line) => {
      if (options.verbose) print(io, row('json', style.dim(line), style));
      print(io, formatLogLine(line, { style }));
    },
  });
  const close = () => run.close();
  open.add(close);
  try {
    print(io, [
      row('scenario', `${style.bold(options.scenario)}: ${preset.description}`, style),
      row('secret', `${style.bold(options.secret)}: ${SECRET_CHOICES[options.secret]}`, style),
      row('targets', targetsText(options.targets ?? preset.targets), style),
      row('bundle', bundleFacts(bundlePath, run.fn.initMs), style),
      row('Atlas', `${run.sim.url} (simulator, demo credentials only)`, style),
      row(
        'AWS',
        `${run.aws.endpoint} (local Secrets Manager: secret ${LOCAL_SECRET_NAME}; SNS: topic ${LOCAL_TOPIC_NAME})`,
        style,
      ),
    ]);

    const invocations: Invocation[] = [];
    let adviceShown = false;
    const steps: Array<{ title: string; event: unknown; why: string }> = [
      {
        title: 'scheduled run',
        event: SCHEDULED_EVENT,
        why: 'the input the stack\'s EventBridge schedule "nightly" sends',
      },
      {
        title: 'console run',
        event: options.consoleEvent,
        why: options.customEvent
          ? 'your --event, as a console test event'
          : 'someone presses Test in the Lambda console right after: a manual run of the same targets',
      },
    ];
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
      const delta = subtractCounts(localCounts(run), before);
      const reused = [
        ...(delta.secretReads === 0 && before.secretReads ? ['secret'] : []),
        ...(delta.tokenRequests === 0 && before.tokenRequests ? ['token'] : []),
      ];
      const warm = reused.length > 0 ? style.dim(`  (warm container: cached ${reused.join(' and ')} reused)`) : '';
      print(io, row('counts', `${formatCounts(delta)}${warm}`, style));
      invocations.push({ title: step.title, result, outcomes });
    }

    const failed = hasError(invocations);
    const code = options.strict && failed ? 1 : 0;
    print(io, [
      '',
      heading(`Summary: scenario ${options.scenario}, secret ${options.secret}`, style),
      ...summaryRows(invocations, style),
      row('totals', formatCounts(localCounts(run)), style),
      row(`exit ${code}`, exitReason(code, failed), style, code === 0 ? style.green : style.red),
    ]);
    return code;
  } finally {
    open.delete(close);
    await close();
  }
}

function exitReason(code: number, failed: boolean): string {
  if (code === 1) return 'an outcome was ERROR or an invocation failed (--strict)';
  if (failed) return 'the run completed; its ERROR outcomes are what this scenario shows (--strict would exit 1)';
  return 'the run completed';
}

// ---------------------------------------------------------------------------------------------
// Real run: real Secrets Manager and Atlas; SNS real or captured locally

async function runReal(options: RealOptions, io: Io, style: Style): Promise<number> {
  print(io, style.bold('atlas-snapshot-scheduler: the deployable function against REAL AWS and Atlas'));
  // The SDK's notice about Node 20's end of support would only clutter the account.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { region } = await checkAwsAccess(options.region);
  const bundlePath = prepareBundle(options.synth, io, style);

  let capture: LocalAws | undefined;
  let fn: LocalFunction | undefined;
  const close = async () => {
    await fn?.close();
    await capture?.close();
  };
  open.add(close);
  try {
    if (options.topicArn === undefined) capture = await startLocalAws({ region, topics: [LOCAL_TOPIC_NAME] });
    const captureEndpoint = capture
      ? { endpoint: capture.endpoint, topicArn: capture.sns.topicArn(LOCAL_TOPIC_NAME) }
      : undefined;
    const { env, event } = buildRealRun(options, io.env, {
      region,
      ...(captureEndpoint ? { capture: captureEndpoint } : {}),
    });

    const counts: Required<Pick<Counts, 'tokenRequests' | 'atlasCalls' | 'publishes'>> = {
      tokenRequests: 0,
      atlasCalls: 0,
      publishes: 0,
    };
    const onLine = (line: string) => {
      if (options.verbose) print(io, row('json', style.dim(line), style));
      const record = parseLogLine(line);
      if (record?.message === 'Atlas request') {
        if (String(record.path).startsWith('/api/oauth/')) counts.tokenRequests += 1;
        else counts.atlasCalls += 1;
      }
      if (record?.message === 'notification published') counts.publishes += 1;
      print(io, formatLogLine(line, { style, atlasRequests: true }));
    };
    fn = await startFunction({ bundlePath, env, functionName: REAL_FUNCTION_NAME, onLine });

    print(io, [
      row('region', region, style),
      row('secret', `${options.secretId} (your Secrets Manager secret, read with your credentials)`, style),
      row('targets', targetsText(options.targets), style),
      row('Atlas', options.atlasBaseUrl ?? `${DEFAULT_ATLAS_BASE_URL} (unless the secret has a BaseUrl)`, style),
      row(
        'topic',
        options.topicArn ??
          style.yellow('none: messages are captured locally and printed, not published (--topic-arn to publish)'),
        style,
      ),
      row('bundle', bundleFacts(bundlePath, fn.initMs), style),
      options.takeSnapshot
        ? row(
            'CONFIRM',
            style.red(
              style.bold(
                `--take-snapshot: this run REQUESTS REAL on-demand snapshots on ${targetsText(options.targets)}`,
              ),
            ),
            style,
            style.red,
          )
        : row(
            'mode',
            style.green(
              'DRY RUN: authenticates, reads each cluster and its snapshots, requests nothing (--take-snapshot to request)',
            ),
            style,
            style.green,
          ),
      '',
      heading(`console run: event ${JSON.stringify(event)}`, style),
    ]);

    const result = await fn.invoke(event, { timeoutMs: 120_000 });
    const outcomes = outcomesOf(result);
    for (const message of capture?.sns.published ?? [])
      print(io, formatNotification(message, style, { attributes: options.verbose }));
    if (capture) counts.publishes = capture.sns.published.length;
    print(io, formatInvocation(result, style));
    print(io, accessListAdvice(outcomes, style));
    print(io, realModeHints(outcomes, style));
    const failed = hasError([{ title: 'console run', result, outcomes }]);
    const code = failed ? 1 : 0;
    print(io, [
      row('counts', `${formatCounts(counts)}${capture ? ' (captured locally)' : ''}`, style),
      row(
        `exit ${code}`,
        failed ? 'an outcome was ERROR or the invocation failed' : 'every target checked out',
        style,
        code === 0 ? style.green : style.red,
      ),
    ]);
    return code;
  } finally {
    open.delete(close);
    await close();
  }
}

if (require.main === module) {
  const onSignal = () => {
    void Promise.allSettled([...open].map((close) => close())).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`npm start failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
