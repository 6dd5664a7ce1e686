/**
 * One invocation's shared pieces (docs/design.md, "Flows"): its identity, clock, time budget, logger
 * and reporter, the outcomes the handler itself builds (refused events, unreadable secrets, targets
 * left without an outcome), and the follow-up scheduler wrapper that counts what could not be scheduled.
 */
import { FOLLOW_UP_KEY } from './contract';
import { describeError } from './errors';
import type { Reporter } from './reporter';
import type { TimeBudget } from './time-budget';
import type { FollowUpScheduler, Logger, Outcome, Stage, Status, Target, Trigger } from './types';
import { ALL_CLUSTERS, ALL_PROJECTS, isPlainObject } from './validation';

/** The subset of the Lambda context the handler uses; a plain object works for local runs. */
export interface InvocationContext {
  awsRequestId?: string;
  functionName?: string;
  invokedFunctionArn?: string;
  getRemainingTimeInMillis?: () => number;
}

export interface Invocation {
  id: string;
  context: InvocationContext;
  now: () => Date;
  budget: TimeBudget;
  logger: Logger;
  reporter: Reporter;
  /** `<schedule name>: <reason>` of every follow-up check that could not be scheduled. */
  schedulingFailures: string[];
}

/** What every outcome of a flow shares. */
export type Base = { stage: Exclude<Stage, 'summary'>; trigger: Trigger; dryRun: boolean; fields?: Partial<Outcome> };

/** Time assumed when no Lambda context tells (a local run without one). */
const DEFAULT_LOCAL_BUDGET_MS = 5 * 60_000;

export function remainingOf(context: InvocationContext): () => number {
  const get = context.getRemainingTimeInMillis;
  if (get) return () => get.call(context);
  const end = Date.now() + DEFAULT_LOCAL_BUDGET_MS;
  return () => end - Date.now();
}

/** Stage and trigger of an event the parser could not (or did not get to) read. */
export function baseOf(event: unknown): Base {
  if (!isPlainObject(event)) return { stage: 'request', trigger: 'manual', dryRun: false };
  if (event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event') {
    return { stage: 'request', trigger: 'schedule', dryRun: false };
  }
  const followUp = event[FOLLOW_UP_KEY];
  if (isPlainObject(followUp)) {
    const trigger: Trigger = followUp.trigger === 'schedule' ? 'schedule' : 'manual';
    return { stage: 'confirmation', trigger, dryRun: false };
  }
  return { stage: 'request', trigger: event.schedule !== undefined ? 'schedule' : 'manual', dryRun: false };
}

/** An outcome the handler builds itself (fields that do not apply left out). */
export function makeOutcome(
  invocation: Pick<Invocation, 'id' | 'now'>,
  base: Base,
  status: Status,
  code: string,
  extra: Partial<Outcome> & { code?: string } = {},
  target: Partial<Pick<Target, 'projectId' | 'clusterName'>> = {},
): Outcome {
  const { code: _code, ...rest } = extra;
  const outcome: Outcome = {
    status,
    code,
    stage: base.stage,
    ...(target.projectId !== undefined ? { projectId: target.projectId } : {}),
    ...(target.clusterName !== undefined ? { clusterName: target.clusterName } : {}),
    ...base.fields,
    ...rest,
    trigger: base.trigger,
    dryRun: base.dryRun,
    invocationId: invocation.id,
    timestamp: invocation.now().toISOString(),
  };
  return Object.fromEntries(Object.entries(outcome).filter(([, v]) => v !== undefined)) as unknown as Outcome;
}

/** The targets (named or selectors) without any reported outcome. */
export function uncoveredTargets(targets: readonly Target[], reported: readonly Outcome[]): Target[] {
  const covered = (t: Target) =>
    reported.some(
      (o) =>
        (t.projectId === ALL_PROJECTS || o.projectId === t.projectId) &&
        (t.clusterName === ALL_CLUSTERS || o.clusterName === t.clusterName),
    );
  return targets.filter((t) => !covered(t));
}

/**
 * The scheduler the core gets: each call raced against the time left (keeping `reserveMs`), and every
 * failure counted in the invocation before it is thrown on to the core (which keeps the outcome
 * SUCCESS with a warning; the invocation fails after publishing). Without `inner`, every call fails
 * with `unavailable` as the reason.
 */
export function countingScheduler(
  invocation: Pick<Invocation, 'budget' | 'schedulingFailures'>,
  inner: FollowUpScheduler | undefined,
  unavailable: string | undefined,
  reserveMs: number,
): FollowUpScheduler {
  return {
    async schedule(name, at, event) {
      try {
        if (!inner) throw new Error(unavailable ?? 'no EventBridge Scheduler client is configured');
        return await invocation.budget.run('EventBridge Scheduler', reserveMs, (abortSignal) =>
          inner.schedule(name, at, event, { abortSignal }),
        );
      } catch (e: unknown) {
        invocation.schedulingFailures.push(`${name}: ${describeError(e)}`);
        throw e;
      }
    },
  };
}
