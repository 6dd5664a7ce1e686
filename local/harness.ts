/**
 * One machine, the whole job: the Atlas simulator, the local Secrets Manager and SNS endpoints,
 * and the deployable bundle running in a Lambda-like child process wired to them only through
 * the environment the stack sets (DESIGN.md section 2) and the SDK's standard endpoint settings.
 * Used by `npm start`, the end-to-end tests and the benchmarks.
 */
import {
  atlasPreset,
  DEMO_SECRET_STRINGS,
  presetOptions,
  startAtlasSimulator,
  type AtlasSimulator,
  type AtlasSimulatorOptions,
  type PresetName,
  type SimulatorSeed,
} from './atlas-sim';
import { startLocalAws, type LocalAws, type SecretSeed } from './aws';
import { startFunction, type LocalFunction } from './lambda/runtime';
import { ENV } from '../lambda/snapshot/contract';
import type { Target } from '../lambda/snapshot/types';

export const LOCAL_SECRET_NAME = 'atlas/snapshot-scheduler';
export const LOCAL_TOPIC_NAME = 'atlas-snapshot-notifications';
export const LOCAL_FUNCTION_NAME = 'AtlasSnapshotScheduler-local';
/** The defaults of a run that does not name its own (those of the project's example cdk.json). */
export const LOCAL_RETENTION_DAYS = 7;
export const LOCAL_DESCRIPTION = 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)';

export type SecretChoice = keyof typeof DEMO_SECRET_STRINGS | 'missing' | 'malformed' | 'binary';

export interface LocalRunOptions {
  bundlePath: string;
  preset?: PresetName;
  /** The simulated organization instead of the preset's (e.g. seeded from a cdk.json's targets). */
  seed?: SimulatorSeed;
  /** Which secret the function finds: a demo credential shape, or a broken one. */
  secret?: SecretChoice;
  /** Name the secret is stored under (default LOCAL_SECRET_NAME). */
  secretName?: string;
  /** Default: the preset's targets. */
  targets?: Target[];
  /** SNAPSHOT_RETENTION_DAYS (default LOCAL_RETENTION_DAYS). */
  retentionInDays?: number;
  /** SNAPSHOT_DESCRIPTION (default LOCAL_DESCRIPTION). */
  description?: string;
  /** Extra simulator options (latency, rate limit, faults, ...); the preset supplies the seed. */
  simulator?: AtlasSimulatorOptions;
  /** Extra function environment (e.g. ATLAS_CONCURRENCY, LOG_LEVEL). */
  env?: Record<string, string>;
  onLine?: (line: string) => void;
  /** Node options of the function process (the benchmarks' `--cpu-prof`). */
  execArgv?: string[];
}

export interface LocalRun {
  sim: AtlasSimulator;
  aws: LocalAws;
  fn: LocalFunction;
  topicArn: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

function secretSeed(choice: SecretChoice, name: string): SecretSeed[] {
  switch (choice) {
    case 'missing':
      return [];
    case 'malformed':
      return [{ name, secretString: '{"publicKey": "only-half-of-a-key"}' }];
    case 'binary':
      return [{ name, secretBinary: new Uint8Array([1, 2, 3]) }];
    default:
      return [{ name, secretString: DEMO_SECRET_STRINGS[choice] }];
  }
}

export async function startLocalRun(options: LocalRunOptions): Promise<LocalRun> {
  const presetName = options.preset ?? 'default';
  const simulatorOptions = presetOptions(presetName, options.simulator);
  const sim = await startAtlasSimulator(
    options.seed !== undefined ? { ...simulatorOptions, seed: options.seed } : simulatorOptions,
  );
  const secretName = options.secretName ?? LOCAL_SECRET_NAME;
  const aws = await startLocalAws({
    secrets: secretSeed(options.secret ?? 'serviceAccount', secretName),
    topics: [LOCAL_TOPIC_NAME],
  });
  const topicArn = aws.sns.topicArn(LOCAL_TOPIC_NAME);
  const env: Record<string, string> = {
    ...aws.env,
    [ENV.secretId]: secretName,
    [ENV.topicArn]: topicArn,
    [ENV.targets]: JSON.stringify(options.targets ?? atlasPreset(presetName).targets),
    [ENV.retentionDays]: String(options.retentionInDays ?? LOCAL_RETENTION_DAYS),
    [ENV.description]: options.description ?? LOCAL_DESCRIPTION,
    [ENV.baseUrl]: sim.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env,
  };
  let fn: LocalFunction;
  try {
    fn = await startFunction({
      bundlePath: options.bundlePath,
      env,
      functionName: LOCAL_FUNCTION_NAME,
      ...(options.onLine !== undefined ? { onLine: options.onLine } : {}),
      ...(options.execArgv !== undefined ? { execArgv: options.execArgv } : {}),
    });
  } catch (e: unknown) {
    await Promise.all([sim.close(), aws.close()]);
    throw e;
  }
  return {
    sim,
    aws,
    fn,
    topicArn,
    env,
    close: async () => {
      await fn.close();
      await Promise.all([sim.close(), aws.close()]);
    },
  };
}

/** An EventBridge Scheduler input as the stack's schedules send it. */
export const SCHEDULED_EVENT = { schedule: 'nightly' } as const;
