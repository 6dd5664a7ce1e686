/**
 * Runs the deployable bundle (the asset `cdk synth` writes to cdk.out) in a child process that
 * behaves like a Lambda execution environment (docs/local.md): the variables Lambda sets
 * (`AWS_LAMBDA_FUNCTION_NAME`, `AWS_LAMBDA_LOG_GROUP_NAME`, `LAMBDA_TASK_ROOT`, `TZ`, ...) besides
 * the function's own, set before the module loads; one module instance across invocations (so
 * warm-container caches are exercised); a context with a request id, the function's ARN and the
 * remaining time; the timeout enforced (a timed-out environment is thrown away, the next
 * invocation is a cold start); stdout captured per invocation; and a virtual clock the parent moves.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DEFAULTS } from '../../lib/config/limits';

export interface InvokeResult {
  requestId: string;
  ok: boolean;
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
  /** Lambda's timeout ended the invocation (`Sandbox.Timedout`): the handler never returned. */
  timedOut?: boolean;
  durationMs: number;
  /** Every stdout line the invocation wrote (JSON log lines and EMF records). */
  lines: string[];
}

export interface InvokeOptions {
  /** Default: the function's timeout. */
  timeoutMs?: number;
  requestId?: string;
}

export interface LocalFunction {
  /** Module load time of the latest cold start, in ms. */
  readonly initMs: number;
  /** `arn:aws:lambda:<region>:<account>:function:<name>`: the context's `invokedFunctionArn`. */
  readonly functionArn: string;
  readonly functionName: string;
  /** How far the function's `Date` is ahead of the real time (ms). */
  readonly clockOffsetMs: number;
  invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** Moves the function's clock (between invocations); resolves once the process has it. */
  setClockOffset(offsetMs: number): Promise<void>;
  /** The current function process's id (the benchmarks put it in a CPU cgroup and read its /proc figures). */
  readonly pid: number;
  close(): Promise<void>;
}

export interface StartFunctionOptions {
  bundlePath: string;
  /** The function's environment (docs/design.md, "Function environment") plus AWS SDK settings. */
  env: Record<string, string>;
  functionName?: string;
  /** Default: env.AWS_REGION, else us-east-1. */
  region?: string;
  /** Default 123456789012 (the local AWS endpoints' account). */
  accountId?: string;
  /** Default: the stack's (atlasSnapshot.memorySize's default). */
  memoryMb?: number;
  /** The function's timeout (default 60 s). */
  timeoutMs?: number;
  /** The function's clock, ahead of the real time by this much from the cold start on (default 0). */
  clockOffsetMs?: number;
  /** Receives each stdout line as it is written (live output for `npm start`). */
  onLine?: (line: string) => void;
  /** Node options of the function process (default none; the benchmarks pass `--cpu-prof ...`). */
  execArgv?: string[];
}

const RUNNER = path.join(__dirname, 'runner.cjs');
/** Where this project's AWS SDK lives: the stand-in for the SDK the Node.js runtime provides. */
const RUNTIME_MODULES = path.resolve(__dirname, '..', '..', 'node_modules');
export const LOCAL_ACCOUNT_ID = '123456789012';
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MEMORY_MB = DEFAULTS.memorySize;

/** What Lambda tells an invocation about its function (the context's fixed fields). */
interface FunctionFacts {
  functionName: string;
  functionArn: string;
  memoryMb: number;
  logGroupName: string;
  timeoutMs: number;
}

/** One execution environment: a child process that has loaded the bundle. */
interface Sandbox {
  child: ChildProcess;
  initMs: number;
  /** Lines written since the last invocation handed its lines over. */
  take(): string[];
}

export async function startFunction(options: StartFunctionOptions): Promise<LocalFunction> {
  const functionName = options.functionName ?? 'atlas-snapshot-scheduler-local';
  const region = options.region ?? options.env.AWS_REGION ?? 'us-east-1';
  const facts: FunctionFacts = {
    functionName,
    functionArn: `arn:aws:lambda:${region}:${options.accountId ?? LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB,
    logGroupName: `/aws/lambda/${functionName}`,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  const bundlePath = path.resolve(options.bundlePath);
  let offsetMs = options.clockOffsetMs ?? 0;
  const env = (): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    ...options.env,
    // What Lambda itself sets (reserved: a function cannot change them).
    TZ: 'UTC',
    _HANDLER: 'index.handler',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(facts.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: facts.logGroupName,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    LAMBDA_TASK_ROOT: path.dirname(bundlePath),
    // The runtime provides the AWS SDK (the bundle leaves it out): Lambda finds it through NODE_PATH.
    NODE_PATH: RUNTIME_MODULES,
    LOCAL_LAMBDA_BUNDLE: bundlePath,
    LOCAL_LAMBDA_CLOCK_OFFSET_MS: String(offsetMs),
  });

  let sandbox: Sandbox | undefined = await startSandbox(env(), options.onLine, options.execArgv ?? []);
  let initMs = sandbox.initMs;
  /** The sandbox, started again after a timeout or a crash threw the last one away (a cold start). */
  const ready = async (): Promise<Sandbox> => {
    if (sandbox && sandbox.child.exitCode === null && sandbox.child.signalCode === null) return sandbox;
    sandbox = await startSandbox(env(), options.onLine, options.execArgv ?? []);
    initMs = sandbox.initMs;
    return sandbox;
  };

  return {
    get initMs() {
      return initMs;
    },
    functionArn: facts.functionArn,
    functionName,
    get clockOffsetMs() {
      return offsetMs;
    },
    get pid() {
      return sandbox?.child.pid ?? 0;
    },
    invoke: async (event, invokeOptions = {}) => {
      const box = await ready();
      const result = await invoke(box, event, facts, invokeOptions);
      if (result.timedOut) await kill(box.child);
      return result;
    },
    setClockOffset: async (next) => {
      offsetMs = next;
      if (sandbox && sandbox.child.exitCode === null) await sendClock(sandbox.child, next);
    },
    close: async () => {
      if (sandbox) await kill(sandbox.child);
    },
  };
}

async function startSandbox(
  env: Record<string, string>,
  onLine: ((line: string) => void) | undefined,
  execArgv: string[],
): Promise<Sandbox> {
  // execArgv: [] by default so the function process is plain Node, not whatever loader (tsx, jest) runs us.
  const child = fork(RUNNER, [], { env, execArgv, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let current: string[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      current.push(line);
      onLine?.(line);
    }
  });
  const initMs = await new Promise<number>((resolve, reject) => {
    child.once('message', (msg: { type: string; initMs?: number; message?: string }) => {
      if (msg.type === 'ready') resolve(msg.initMs ?? 0);
      else reject(new Error(`the bundle failed to load: ${msg.message ?? 'unknown error'}`));
    });
    child.once('exit', (code) => reject(new Error(`the function process exited (${code}) before it was ready`)));
  });
  return {
    child,
    initMs,
    take: () => {
      const lines = current;
      current = [];
      return lines;
    },
  };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill();
  });
}

function sendClock(child: ChildProcess, offsetMs: number): Promise<void> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string; id?: string }) => {
      if (msg.type !== 'clock-set' || msg.id !== id) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null) => reject(new Error(`the function process exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ type: 'clock', id, offsetMs });
  });
}

function invoke(box: Sandbox, event: unknown, facts: FunctionFacts, options: InvokeOptions): Promise<InvokeResult> {
  const { child } = box;
  const id = randomUUID();
  const requestId = options.requestId ?? randomUUID();
  const timeoutMs = options.timeoutMs ?? facts.timeoutMs;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const done = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      clearTimeout(timer);
    };
    const onMessage = (msg: { type: string; id?: string } & Omit<InvokeResult, 'lines' | 'requestId'>) => {
      if (msg.type !== 'result' || msg.id !== id) return;
      done();
      // Let the last stdout chunk of this invocation arrive before handing the lines over.
      setImmediate(() =>
        resolve({
          requestId,
          ok: msg.ok,
          result: msg.result,
          ...(msg.error !== undefined ? { error: msg.error } : {}),
          durationMs: msg.durationMs,
          lines: box.take(),
        }),
      );
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`the function process exited (${code}) during an invocation`));
    };
    // Lambda stops the environment at the timeout, whatever the handler is doing.
    const timer = setTimeout(() => {
      done();
      resolve({
        requestId,
        ok: false,
        timedOut: true,
        error: {
          errorType: 'Sandbox.Timedout',
          errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
        },
        durationMs: performance.now() - started,
        lines: box.take(),
      });
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({
      type: 'invoke',
      id,
      requestId,
      event,
      timeoutMs,
      functionName: facts.functionName,
      invokedFunctionArn: facts.functionArn,
      memoryMb: facts.memoryMb,
      logGroupName: facts.logGroupName,
      logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${id.replace(/-/g, '')}`,
    });
  });
}
