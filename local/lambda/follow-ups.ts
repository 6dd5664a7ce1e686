/**
 * EventBridge Scheduler's part in a local run (docs/local.md): the one-time follow-up schedules the
 * function created in the local Scheduler stand-in fire in time order, each invoking the function
 * with the schedule's `Input` (as Scheduler's Lambda target does) and then completing it, which
 * deletes a schedule created with `ActionAfterCompletion: DELETE`. A schedule whose target is not
 * this function, or whose role is not the follow-up role, is not delivered (Scheduler could not
 * invoke it: after its retries it would go to the dead-letter queue) and is reported as such.
 */
import type { ScheduleRecord, SchedulerStandIn } from '../aws';
import type { InvokeResult, LocalFunction } from './runtime';

export interface FiredFollowUp {
  /** The schedule as it was when it fired. */
  schedule: ScheduleRecord;
  /** When it fired (epoch ms, simulated in a local run). */
  firedAt: number;
  /** The schedule's Input, parsed (absent when it had none or it was not JSON). */
  event?: unknown;
  /** What the invocation did; absent when the schedule could not be delivered. */
  result?: InvokeResult;
  /** Why Scheduler could not deliver it (wrong target or role); it would end in `deadLetterArn`. */
  undelivered?: string;
}

export interface FollowUpDriver {
  scheduler: SchedulerStandIn;
  fn: Pick<LocalFunction, 'invoke' | 'functionArn'>;
  /** The role the schedules must name (CONFIRM_ROLE_ARN). */
  roleArn: string;
  /** The current time (simulated or real). */
  now(): number;
  /** Resolves at `at`: moves a virtual clock there, or sleeps. */
  waitUntil(at: number): Promise<void>;
}

export interface FireOptions {
  /** Called just before a schedule fires (e.g. to print what is about to happen). */
  beforeFire?: (schedule: ScheduleRecord, at: number) => void;
  /** Called once an invocation is done. */
  afterFire?: (fired: FiredFollowUp) => void;
  /** At most this many fire (default 1000): a chain that never ends still stops. */
  maxFires?: number;
}

const DEFAULT_MAX_FIRES = 1000;

/**
 * Fires every schedule due at or before `until`, earliest first, including the ones the fired
 * invocations create meanwhile. Leaves the time at the last fire (not at `until`).
 */
export async function fireDue(
  driver: FollowUpDriver,
  until: number,
  options: FireOptions = {},
): Promise<FiredFollowUp[]> {
  const fired: FiredFollowUp[] = [];
  const max = options.maxFires ?? DEFAULT_MAX_FIRES;
  for (;;) {
    const next = driver.scheduler.nextFireAt();
    if (next === undefined || next > until || fired.length >= max) return fired;
    await driver.waitUntil(next);
    const [schedule] = driver.scheduler.due(driver.now());
    if (!schedule) continue;
    options.beforeFire?.(schedule, driver.now());
    const result = await deliver(driver, schedule);
    fired.push(result);
    options.afterFire?.(result);
  }
}

async function deliver(driver: FollowUpDriver, schedule: ScheduleRecord): Promise<FiredFollowUp> {
  const firedAt = driver.now();
  const event = parseInput(schedule.target.input);
  const base: FiredFollowUp = { schedule, firedAt, ...(event !== undefined ? { event } : {}) };
  const undelivered =
    schedule.target.arn !== driver.fn.functionArn
      ? `its target ${schedule.target.arn} is not the function ${driver.fn.functionArn}`
      : schedule.target.roleArn !== driver.roleArn
        ? `its role ${schedule.target.roleArn} is not the follow-up role ${driver.roleArn}`
        : undefined;
  try {
    if (undelivered !== undefined) return { ...base, undelivered };
    return { ...base, result: await driver.fn.invoke(event ?? schedule.target.input ?? {}) };
  } finally {
    driver.scheduler.complete(schedule.name, schedule.groupName);
  }
}

function parseInput(input: string | undefined): unknown {
  if (input === undefined) return undefined;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return undefined;
  }
}
