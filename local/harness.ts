/**
 * One machine, the whole job (docs/local.md): the Atlas simulator, the local Secrets Manager, SNS
 * and EventBridge Scheduler endpoints, and the deployable bundle running in a Lambda-like child
 * process wired to them only through the environment the stack sets (docs/design.md, "Function
 * environment") and the SDK's standard endpoint settings. Confirmation is on, as in a deployed
 * stack: the follow-up checks the function schedules fire when the run's simulated clock reaches
 * them (`advance`, `advanceUntilIdle`). Used by `npm start`, the end-to-end tests and the benchmarks.
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
import {
  confirmationOf,
  confirmationVariables,
  resolveStackVariables,
  type LocalConfirmation,
  type LocalDeployment,
} from './lambda/environment';
import { fireDue, type FireOptions, type FiredFollowUp } from './lambda/follow-ups';
import { startFunction, type LocalFunction } from './lambda/runtime';
import { VirtualClock } from './lambda/virtual-clock';
import { ENV } from '../lambda/snapshot/contract';
import type { Target } from '../lambda/snapshot/types';

export const LOCAL_SECRET_NAME = 'atlas/snapshot-scheduler';
export const LOCAL_TOPIC_NAME = 'atlas-snapshot-notifications';
/** The chat topic (Amazon Q Developer custom notifications), with `chat: true`. */
export const LOCAL_CHAT_TOPIC_NAME = 'atlas-snapshot-chat';
export const LOCAL_FUNCTION_NAME = 'AtlasSnapshotScheduler-local';
/** The defaults of a run that does not name its own (those of the project's example cdk.json). */
export const LOCAL_RETENTION_DAYS = 7;
export const LOCAL_DESCRIPTION = 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)';
/** The stack-owned schedule group of the follow-up checks, and what the stack passes with it. */
export const LOCAL_SCHEDULE_GROUP = 'AtlasSnapshotScheduler-follow-ups';
export const LOCAL_FOLLOW_UP_ROLE_NAME = 'AtlasSnapshotScheduler-follow-up';
export const LOCAL_DEAD_LETTER_NAME = 'AtlasSnapshotScheduler-follow-up-dead-letters';
/** The stack's defaults (docs/configuration.md, confirmation). */
export const LOCAL_FIRST_CHECK_MINUTES = 5;
export const LOCAL_MAX_HOURS = 12;
/** advanceUntilIdle stops after this much simulated time even if schedules remain (the longest maxHours is 48). */
const IDLE_LIMIT_MS = 49 * 3_600_000;

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
  /**
   * ATLAS_TARGETS_FILE instead of ATLAS_TARGETS: the name of the targets file next to the bundle
   * (the stack writes one when the targets do not fit the environment); `targets` is then unused.
   */
  targetsFile?: string;
  /** SNAPSHOT_RETENTION_DAYS (default LOCAL_RETENTION_DAYS). */
  retentionInDays?: number;
  /** SNAPSHOT_DESCRIPTION (default LOCAL_DESCRIPTION). */
  description?: string;
  /**
   * Extra simulator options (latency, rate limit, faults, ...); the preset supplies the seed and
   * the run its clock.
   */
  simulator?: Omit<AtlasSimulatorOptions, 'clock'>;
  /**
   * Completion confirmation as the stack sets it up (default on: a schedule group, the follow-up
   * role, the dead-letter queue and CONFIRM_*); `false` leaves CONFIRM_* unset (confirmation off).
   */
  confirmation?: boolean | { firstCheckMinutes?: number; maxHours?: number; deadLetterQueue?: boolean };
  /** A chat topic as the stack's `chat` option creates it (CHAT_TOPIC_ARN). Default false. */
  chat?: boolean;
  /** The simulated time the run starts at (default: now). */
  startAt?: number | string | Date;
  /** The function's timeout in ms (default 60 s). */
  timeoutMs?: number;
  /**
   * The function's variables exactly as a synthesized template has them (see readSynthesizedFunction):
   * used instead of the ones built from the options above (secret name, targets, retention,
   * description, confirmation, chat). Deploy-time values become the local stand-ins'; the secret is
   * stored under the template's ATLAS_SECRET_ID; ATLAS_BASE_URL is the simulator whatever it says.
   */
  stackEnvironment?: Readonly<Record<string, unknown>>;
  /** Extra function environment (e.g. ATLAS_CONCURRENCY, LOG_LEVEL, SNAPSHOT_PROMOTION). */
  env?: Record<string, string>;
  onLine?: (line: string) => void;
  /** Node options of the function process (the benchmarks' `--cpu-prof`). */
  execArgv?: string[];
}

export type { LocalConfirmation } from './lambda/environment';

export interface LocalRun {
  sim: AtlasSimulator;
  aws: LocalAws;
  fn: LocalFunction;
  topicArn: string;
  /** With `chat`: the chat topic. */
  chatTopicArn?: string;
  env: Record<string, string>;
  /** The run's simulated time (the simulator, the Scheduler stand-in and the function read it). */
  clock: VirtualClock;
  /** Absent when confirmation is off. */
  confirmation?: LocalConfirmation;
  /** Every follow-up fired so far, in order. */
  followUps: FiredFollowUp[];
  /**
   * Moves the simulated time `ms` forward, firing every follow-up that comes due on the way (in
   * time order, each at its time), and returns them.
   */
  advance(ms: number, options?: FireOptions): Promise<FiredFollowUp[]>;
  /** Fires follow-ups until none is scheduled (at most 49 simulated hours); the time stays at the last. */
  advanceUntilIdle(options?: FireOptions): Promise<FiredFollowUp[]>;
  /** Moves the simulated time to `at` (never backwards) without firing anything. */
  setTime(at: number): Promise<void>;
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

/** The confirmation settings of a run built from options (not from a template). */
function confirmationSettings(options: LocalRunOptions, deployment: LocalDeployment): LocalConfirmation | undefined {
  if (options.confirmation === false) return undefined;
  const settings = options.confirmation === true || options.confirmation === undefined ? {} : options.confirmation;
  return {
    scheduleGroup: deployment.scheduleGroup,
    roleArn: deployment.roleArn,
    ...(settings.deadLetterQueue !== false ? { deadLetterArn: deployment.deadLetterArn } : {}),
    firstCheckMinutes: settings.firstCheckMinutes ?? LOCAL_FIRST_CHECK_MINUTES,
    maxHours: settings.maxHours ?? LOCAL_MAX_HOURS,
  };
}

/** The function's own variables (docs/design.md, "Function environment"), as the stack would set them. */
function functionVariables(options: LocalRunOptions, deployment: LocalDeployment): Record<string, string> {
  if (options.stackEnvironment) return resolveStackVariables(options.stackEnvironment, deployment);
  const presetName = options.preset ?? 'default';
  return {
    [ENV.secretId]: options.secretName ?? LOCAL_SECRET_NAME,
    [ENV.topicArn]: deployment.topicArn,
    ...(options.targetsFile !== undefined
      ? { [ENV.targetsFile]: options.targetsFile }
      : { [ENV.targets]: JSON.stringify(options.targets ?? atlasPreset(presetName).targets) }),
    [ENV.retentionDays]: String(options.retentionInDays ?? LOCAL_RETENTION_DAYS),
    [ENV.description]: options.description ?? LOCAL_DESCRIPTION,
    ...confirmationVariables(confirmationSettings(options, deployment)),
    ...(deployment.chatTopicArn !== undefined ? { [ENV.chatTopicArn]: deployment.chatTopicArn } : {}),
  };
}

/** The stand-ins' names for what the stack creates at deploy time. */
function deploymentOf(aws: LocalAws, chat: boolean, scheduleGroup: string): LocalDeployment {
  return {
    topicArn: aws.sns.topicArn(LOCAL_TOPIC_NAME),
    ...(chat ? { chatTopicArn: aws.sns.topicArn(LOCAL_CHAT_TOPIC_NAME) } : {}),
    scheduleGroup,
    roleArn: `arn:aws:iam::${aws.accountId}:role/${LOCAL_FOLLOW_UP_ROLE_NAME}`,
    deadLetterArn: `arn:aws:sqs:${aws.region}:${aws.accountId}:${LOCAL_DEAD_LETTER_NAME}`,
  };
}

export async function startLocalRun(options: LocalRunOptions): Promise<LocalRun> {
  const presetName = options.preset ?? 'default';
  const clock = new VirtualClock(options.startAt);
  const simulatorOptions = presetOptions(presetName, { ...options.simulator, clock });
  const sim = await startAtlasSimulator(
    options.seed !== undefined ? { ...simulatorOptions, seed: options.seed } : simulatorOptions,
  );
  const stackSecret = options.stackEnvironment?.[ENV.secretId];
  const secretName = typeof stackSecret === 'string' ? stackSecret : (options.secretName ?? LOCAL_SECRET_NAME);
  const chat = options.stackEnvironment ? ENV.chatTopicArn in options.stackEnvironment : options.chat === true;
  // The stack names its schedule group at synth time: the stand-in holds that group, as the account would.
  const stackGroup = options.stackEnvironment?.[ENV.confirmScheduleGroup];
  const scheduleGroup = typeof stackGroup === 'string' ? stackGroup : LOCAL_SCHEDULE_GROUP;
  let aws: LocalAws;
  try {
    aws = await startLocalAws({
      secrets: secretSeed(options.secret ?? 'serviceAccount', secretName),
      topics: [LOCAL_TOPIC_NAME, ...(chat ? [LOCAL_CHAT_TOPIC_NAME] : [])],
      scheduleGroups: [scheduleGroup],
      clock: () => clock.now(),
    });
  } catch (e: unknown) {
    await sim.close();
    throw e;
  }
  const deployment = deploymentOf(aws, chat, scheduleGroup);
  const { topicArn, chatTopicArn } = deployment;
  let env: Record<string, string>;
  let fn: LocalFunction;
  try {
    env = {
      ...aws.env,
      ...functionVariables(options, deployment),
      [ENV.baseUrl]: sim.url,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
    };
    fn = await startFunction({
      bundlePath: options.bundlePath,
      env,
      functionName: LOCAL_FUNCTION_NAME,
      region: aws.region,
      accountId: aws.accountId,
      clockOffsetMs: clock.offsetMs,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.onLine !== undefined ? { onLine: options.onLine } : {}),
      ...(options.execArgv !== undefined ? { execArgv: options.execArgv } : {}),
    });
  } catch (e: unknown) {
    await Promise.all([sim.close(), aws.close()]);
    throw e;
  }
  const confirmation = confirmationOf(env, { firstCheckMinutes: LOCAL_FIRST_CHECK_MINUTES, maxHours: LOCAL_MAX_HOURS });
  const followUps: FiredFollowUp[] = [];
  const setTime = async (at: number) => {
    clock.moveTo(at);
    await fn.setClockOffset(clock.offsetMs);
  };
  const driver = {
    scheduler: aws.scheduler,
    fn,
    roleArn: confirmation?.roleArn ?? '',
    now: () => clock.now(),
    waitUntil: setTime,
  };
  const fire = async (until: number, fireOptions: FireOptions = {}) => {
    const fired = await fireDue(driver, until, fireOptions);
    followUps.push(...fired);
    return fired;
  };
  return {
    sim,
    aws,
    fn,
    topicArn,
    ...(chatTopicArn !== undefined ? { chatTopicArn } : {}),
    env,
    clock,
    ...(confirmation ? { confirmation } : {}),
    followUps,
    advance: async (ms, fireOptions) => {
      if (!(ms >= 0)) throw new RangeError(`advance: ${ms} ms`);
      const until = clock.now() + ms;
      const fired = await fire(until, fireOptions);
      await setTime(until);
      return fired;
    },
    advanceUntilIdle: (fireOptions) => fire(clock.now() + IDLE_LIMIT_MS, fireOptions),
    setTime,
    close: async () => {
      await fn.close();
      await Promise.all([sim.close(), aws.close()]);
    },
  };
}

/** An EventBridge Scheduler input as the stack's schedules send it. */
export const SCHEDULED_EVENT = { schedule: 'nightly' } as const;
