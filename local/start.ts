/**
 * `npm start`: the deployable bundle, built as `cdk synth` builds it, run on this machine against
 * the Atlas simulator and the local Secrets Manager / SNS endpoints (or, with --real, against real
 * AWS and Atlas), with a readable account of what happened. `npm start -- --help` explains it.
 * The pieces live in local/start/ (options, scenarios, the local and real runs) and local/report/.
 */
import { SetupError } from './real';
import { ANSI, PLAIN } from './report';
import { HELP, scenarioList } from './start/help';
import { openResources, processIo, type Io } from './start/io';
import { runLocal } from './start/local-run';
import { npmSwallowedHint } from './start/npm-config';
import { UsageError, parseStartArgs, type StartOptions } from './start/options';
import { runReal } from './start/real-run';

export { processIo, type Io } from './start/io';

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const hint = npmSwallowedHint(argv, io.env);
  if (hint !== undefined) {
    io.err(`${hint}\n`);
    return 2;
  }
  let options: StartOptions;
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

if (require.main === module) {
  const onSignal = () => {
    void Promise.allSettled([...openResources].map((close) => close())).then(() => process.exit(130));
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
