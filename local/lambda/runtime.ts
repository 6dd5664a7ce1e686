/**
 * Runs the deployable bundle (the asset `cdk synth` writes to cdk.out) in a child process that
 * behaves like a Lambda execution environment: environment variables set before the module
 * loads, one module instance across invocations (so warm-container caches are exercised), a
 * context with a request id and remaining time, and stdout captured per invocation.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';

export interface InvokeResult {
  requestId: string;
  ok: boolean;
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
  durationMs: number;
  /** Every stdout line the invocation wrote (JSON log lines and EMF records). */
  lines: string[];
}

export interface LocalFunction {
  /** Module load time of the cold start, in ms. */
  initMs: number;
  /** The function process's id (the benchmarks put it in a CPU cgroup and read its /proc figures). */
  pid: number;
  invoke(event: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  close(): Promise<void>;
}

export interface StartFunctionOptions {
  bundlePath: string;
  /** The function's environment (DESIGN.md section 2) plus AWS SDK settings. */
  env: Record<string, string>;
  functionName?: string;
  /** Receives each stdout line as it is written (live output for `npm start`). */
  onLine?: (line: string) => void;
  /** Node options of the function process (default none; the benchmarks pass `--cpu-prof ...`). */
  execArgv?: string[];
}

export interface InvokeOptions {
  timeoutMs?: number;
  requestId?: string;
  /** The context's `invokedFunctionArn` (absent by default, as in a local run without one). */
  invokedFunctionArn?: string;
}

const RUNNER = path.join(__dirname, 'runner.cjs');

export async function startFunction(options: StartFunctionOptions): Promise<LocalFunction> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...options.env,
    LOCAL_LAMBDA_BUNDLE: path.resolve(options.bundlePath),
  };
  // execArgv: [] by default so the function process is plain Node, not whatever loader (tsx, jest) runs us.
  const execArgv = options.execArgv ?? [];
  const child = fork(RUNNER, [], { env, execArgv, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const functionName = options.functionName ?? 'atlas-snapshot-scheduler-local';
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
      options.onLine?.(line);
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
    initMs,
    pid: child.pid ?? 0,
    invoke: (event, invokeOptions = {}) =>
      invoke(child, event, functionName, invokeOptions, () => {
        const lines = current;
        current = [];
        return lines;
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

function invoke(
  child: ChildProcess,
  event: unknown,
  functionName: string,
  options: InvokeOptions,
  takeLines: () => string[],
): Promise<InvokeResult> {
  const id = randomUUID();
  const requestId = options.requestId ?? randomUUID();
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type: string; id?: string } & Omit<InvokeResult, 'lines' | 'requestId'>) => {
      if (msg.type !== 'result' || msg.id !== id) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      // Let the last stdout chunk of this invocation arrive before handing the lines over.
      setImmediate(() =>
        resolve({
          requestId,
          ok: msg.ok,
          result: msg.result,
          ...(msg.error !== undefined ? { error: msg.error } : {}),
          durationMs: msg.durationMs,
          lines: takeLines(),
        }),
      );
    };
    const onExit = (code: number | null) =>
      reject(new Error(`the function process exited (${code}) during an invocation`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    const { invokedFunctionArn } = options;
    const timeoutMs = options.timeoutMs ?? 60_000;
    child.send({ type: 'invoke', id, requestId, event, functionName, invokedFunctionArn, timeoutMs });
  });
}
