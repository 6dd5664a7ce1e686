/**
 * The invocation, with every adapter and the core injected (docs/design.md, "Flows"):
 * parse -> run the targets | check a follow-up -> report each outcome as it is known -> the run
 * summary -> return the results, or throw after publishing when anything ended in ERROR, a
 * notification could not be published or a follow-up check could not be scheduled, so Lambda's
 * Errors metric and alarm see it. Every call to another service is raced against the time left.
 */
import { randomUUID } from 'node:crypto';
import { Codes } from './codes';
import { DEFAULT_ATLAS_BASE_URL, DEFAULT_FIRST_CHECK_MINUTES, DEFAULT_MAX_HOURS } from './contract';
import type {
  AtlasFor,
  ConfirmationContext,
  CoreApi,
  HandlerConfig,
  HandlerConfigResult,
  Invocation as ParsedInvocation,
  RunRequest,
} from './core-api';
import { buildRunSummary, type SummaryRun } from './core/summary';
import type { ParsedSecret } from './credentials';
import { describeError, isCodedError } from './errors';
import { failureMessage, handlerResult, shouldFail, type HandlerResult } from './invocation-result';
import { LogEvents } from './log-events';
import { summarizeEvent } from './logger';
import { createMetricsBuffer } from './metrics';
import { capList } from './notify/budget';
import { whereToLook } from './notify/context';
import {
  baseOf,
  countingScheduler,
  makeOutcome,
  remainingOf,
  uncoveredTargets,
  type Base,
  type Invocation,
  type InvocationContext,
} from './invocation';
import { createReporter } from './reporter';
import { OutOfTimeError, timeBudget } from './time-budget';
import type {
  AtlasApi,
  AtlasClientFactoryOptions,
  AtlasRunState,
  FollowUp,
  FollowUpScheduler,
  Logger,
  NotificationPublisher,
  Outcome,
  Status,
  Target,
} from './types';

export type { HandlerResult } from './invocation-result';
export type { InvocationContext } from './invocation';

export interface HandlerDeps {
  config: HandlerConfigResult;
  /** parseInvocation, runTargets, confirmSnapshot (index.ts wires the real ones). */
  core: CoreApi;
  logger: Logger;
  secrets?: { get(options?: { abortSignal?: AbortSignal }): Promise<ParsedSecret>; invalidate(): void };
  publisher?: NotificationPublisher;
  /** The follow-up scheduler for this invocation, targeting the function's ARN (qualifier stripped by it). */
  createScheduler?: (invokedFunctionArn: string) => FollowUpScheduler;
  createAtlas: (options: AtlasClientFactoryOptions) => AtlasApi;
  /** Writes one embedded-metric-format record (a JSON line on stdout in Lambda). */
  writeMetric: (record: Record<string, unknown>) => void;
  /** AWS_REGION and AWS_LAMBDA_LOG_GROUP_NAME, for the "where to look" of every e-mail. */
  runtime?: { region?: string | undefined; logGroupName?: string | undefined };
  now?: () => Date;
  /** How long a partial batch of notifications waits for more (ms), and batches in flight. */
  publishing?: { lingerMs?: number; maxInFlight?: number };
}

/** Thrown after publishing when a target ended in ERROR, a notification failed or a follow-up was not scheduled. */
export class InvocationFailedError extends Error {
  constructor(
    message: string,
    readonly results: Outcome[],
  ) {
    super(message);
    this.name = 'InvocationFailedError';
  }
}

/**
 * A partial batch waits this long for more outcomes. At Lambda's CPU share of 256 MB an outcome comes
 * every 50-200 ms (the bench: 500 outcomes in 13 to 40 s), and with 200 ms here half the batches went
 * out with 2 to 5 entries (102 PublishBatch calls for 500 targets). 2 s fills a batch of 10 down to 5
 * outcomes a second, so a run makes about ceil(targets / 10) + 1 SNS calls. What waits is sent at the
 * end anyway (within the time budget), and every outcome is in the log as soon as it is known: a crash
 * loses at most 2 s of notifications.
 */
const DEFAULT_LINGER_MS = 2_000;
const DEFAULT_PUBLISH_IN_FLIGHT = 4;

/** Time kept back from Atlas work for logging and publishing: grows with the number of targets. */
export function publishReserveMs(totalMs: number, targets: number): number {
  const wanted = Math.min(2_000 + 25 * targets, 20_000);
  return Math.min(wanted, Math.floor(totalMs / 2));
}

/** What a flow decided: its outcomes, and for a run what the summary needs. */
interface Decision {
  outcomes: Outcome[];
  run?: SummaryRun;
  unfinished?: boolean;
  rescheduled?: HandlerResult['followUp'];
}

/** What the flows below share: the injected dependencies and the clock. */
interface Scope {
  deps: HandlerDeps;
  now: () => Date;
}

export function createHandler(deps: HandlerDeps) {
  const now = deps.now ?? (() => new Date());
  const topicArn = deps.config.ok ? deps.config.config.topicArn : deps.config.topicArn;
  const chatTopicArn = deps.config.ok ? deps.config.config.chatTopicArn : undefined;
  const scope: Scope = { deps, now };

  return async function handler(event: unknown, context: InvocationContext = {}): Promise<HandlerResult> {
    const id = context.awsRequestId ?? randomUUID();
    const logger = deps.logger.child({ invocationId: id });
    logger.info(LogEvents.invocationStarted, { event: summarizeEvent(event) });
    const budget = timeBudget(remainingOf(context));
    const where = whereToLook({
      invocationId: id,
      invokedFunctionArn: context.invokedFunctionArn,
      functionName: context.functionName,
      region: deps.runtime?.region,
      logGroupName: deps.runtime?.logGroupName,
    });
    const reporter = createReporter({
      logger,
      where,
      budget,
      metrics: createMetricsBuffer({ functionName: context.functionName, write: deps.writeMetric, now }),
      publisher: deps.publisher,
      topicArn,
      chatTopicArn,
      lingerMs: deps.publishing?.lingerMs ?? DEFAULT_LINGER_MS,
      maxInFlight: deps.publishing?.maxInFlight ?? DEFAULT_PUBLISH_IN_FLIGHT,
    });
    const invocation: Invocation = { id, context, now, budget, logger, reporter, schedulingFailures: [] };

    let decision: Decision;
    try {
      decision = await decide(scope, event, invocation);
    } catch (e: unknown) {
      // A bug: every flow ends in outcomes by itself. Still report it rather than crash silently.
      logger.error(LogEvents.targetFailed, { code: Codes.UNEXPECTED_ERROR, error: e });
      const detail = `unexpected failure: ${describeError(e)}`;
      const extra = { detail };
      decision = { outcomes: [makeOutcome(invocation, baseOf(event), 'ERROR', Codes.UNEXPECTED_ERROR, extra)] };
    }
    const results = decision.outcomes.map((o) => reporter.add(o));
    if (decision.run && (!deps.config.ok || deps.config.config.summaryEnabled !== false)) {
      reporter.addSummary(buildRunSummary(results, decision.run));
    }
    const { failures, requests } = await reporter.close();
    return finish(invocation, decision, results, failures, requests);
  };
}

function finish(
  invocation: Invocation,
  decision: Decision,
  results: Outcome[],
  publishFailures: ReadonlyArray<{ error: string }>,
  requests: number,
): HandlerResult {
  const count = (s: Status) => results.filter((r) => r.status === s).length;
  const facts = {
    results,
    publishFailures,
    schedulingFailures: invocation.schedulingFailures,
    unfinished: decision.unfinished === true,
  };
  invocation.logger.info(LogEvents.invocationFinished, {
    targets: results.length,
    success: count('SUCCESS'),
    skipped: count('SKIPPED'),
    errors: count('ERROR'),
    publishFailures: publishFailures.length,
    publishRequests: requests,
    schedulingFailures: facts.schedulingFailures.length,
    ...(decision.unfinished ? { unfinished: true } : {}),
    ...(decision.rescheduled ? { followUp: decision.rescheduled } : {}),
  });
  if (shouldFail(facts)) throw new InvocationFailedError(failureMessage(facts), results);
  return handlerResult(results, decision.rescheduled);
}

async function decide(scope: Scope, event: unknown, invocation: Invocation): Promise<Decision> {
  if (!scope.deps.config.ok) {
    invocation.logger.error(LogEvents.invalidConfig, { problems: capList(scope.deps.config.problems) });
    const detail = capList(scope.deps.config.problems).join('; ');
    return { outcomes: [makeOutcome(invocation, baseOf(event), 'ERROR', Codes.INVALID_CONFIG, { detail })] };
  }
  const config = scope.deps.config.config;
  let parsed: ParsedInvocation;
  try {
    parsed = scope.deps.core.parseInvocation(event, config);
  } catch (e: unknown) {
    const { stage, trigger } = baseOf(event);
    parsed = { kind: 'invalid', stage, trigger, problems: [`the event could not be read: ${describeError(e)}`] };
  }
  switch (parsed.kind) {
    case 'invalid': {
      const problems = capList(parsed.problems);
      invocation.logger.warn(LogEvents.invalidInput, { problems, stage: parsed.stage });
      const base: Base = { stage: parsed.stage, trigger: parsed.trigger, dryRun: false };
      return {
        outcomes: [makeOutcome(invocation, base, 'ERROR', Codes.INVALID_INPUT, { detail: problems.join('; ') })],
      };
    }
    case 'run':
      return run(scope, parsed.request, config, invocation);
    case 'followUp':
      return followUp(scope, parsed.followUp, config, invocation);
  }
}

async function run(
  scope: Scope,
  request: RunRequest,
  config: HandlerConfig,
  invocation: Invocation,
): Promise<Decision> {
  const { budget, logger } = invocation;
  const base: Base = { stage: 'request', trigger: request.trigger, dryRun: request.dryRun };
  const summary = (): SummaryRun => ({ ...base, invocationId: invocation.id, timestamp: scope.now().toISOString() });
  const reserve = publishReserveMs(budget.remaining(), request.targets.length);
  const secret = await readSecret(scope, invocation, reserve);
  if ('code' in secret) {
    const outcomes = request.targets.map((t) => makeOutcome(invocation, base, 'ERROR', secret.code, secret, t));
    return { outcomes, run: summary() };
  }
  const atlasFor = atlasFactory(scope, secret, config, { remainingMs: () => budget.remaining() - reserve });
  logger.info(LogEvents.run, {
    trigger: request.trigger,
    schedule: request.schedule,
    dryRun: request.dryRun,
    targets: request.targets.length,
    retentionInDays: request.retentionInDays,
    authentication: secret.credentials.kind,
    atlasBaseUrl: config.baseUrl ?? secret.baseUrl ?? DEFAULT_ATLAS_BASE_URL,
    confirmation: config.confirmation !== undefined && !request.dryRun,
    ...(request.promotion ? { promotion: request.promotion } : {}),
  });
  const confirmation =
    config.confirmation && !request.dryRun ? confirming(scope, config, invocation, reserve) : undefined;
  const ctx = {
    request,
    invocationId: invocation.id,
    now: scope.now,
    logger,
    concurrency: config.concurrency,
    atlasFor,
    onOutcome: (o: Outcome) => void invocation.reporter.add(o),
    ...(confirmation ? { confirmation } : {}),
  };
  let outcomes: Outcome[];
  let unfinished = false;
  try {
    outcomes = await budget.run('the Atlas work', Math.floor(reserve / 2), () => scope.deps.core.runTargets(ctx));
  } catch (e: unknown) {
    // Out of time (or a bug): report what is known, and an outcome for every target without one.
    outcomes = [...invocation.reporter.reported(), ...missingOutcomes(request.targets, invocation, base, e)];
    unfinished = true;
  }
  forgetRefusedSecret(scope, outcomes);
  return { outcomes, run: summary(), unfinished };
}

async function followUp(scope: Scope, f: FollowUp, config: HandlerConfig, invocation: Invocation): Promise<Decision> {
  const { budget, logger } = invocation;
  const fields: Partial<Outcome> = { snapshotId: f.snapshotId, attempt: f.attempt, requestedAt: f.requestedAt };
  const base: Base = { stage: 'confirmation', trigger: f.trigger, dryRun: false, fields };
  const target = { projectId: f.projectId, clusterName: f.clusterName };
  logger.info(LogEvents.followUpCheck, { ...target, snapshotId: f.snapshotId, attempt: f.attempt });
  const reserve = publishReserveMs(budget.remaining(), 1);
  const secret = await readSecret(scope, invocation, reserve);
  if ('code' in secret) return { outcomes: [makeOutcome(invocation, base, 'ERROR', secret.code, secret, target)] };
  const ctx = {
    followUp: f,
    invocationId: invocation.id,
    now: scope.now,
    logger,
    atlasFor: atlasFactory(scope, secret, config, { remainingMs: () => budget.remaining() - reserve }),
    confirmation: confirming(scope, config, invocation, reserve),
  };
  try {
    const result = await budget.run('the confirmation check', Math.floor(reserve / 2), () =>
      scope.deps.core.confirmSnapshot(ctx),
    );
    if (result.kind === 'final') {
      forgetRefusedSecret(scope, [result.outcome]);
      return { outcomes: [result.outcome] };
    }
    const { snapshotId, attempt, nextCheckAt } = result;
    return { outcomes: [], rescheduled: { snapshotId, attempt, nextCheckAt } };
  } catch (e: unknown) {
    const detail = `the confirmation check did not finish: ${describeError(e)}`;
    const code = e instanceof OutOfTimeError ? Codes.ATLAS_UNREACHABLE : Codes.UNEXPECTED_ERROR;
    logger.error(LogEvents.targetFailed, { ...target, code, error: e });
    return { outcomes: [makeOutcome(invocation, base, 'ERROR', code, { detail }, target)] };
  }
}

/** The secret, or the code and detail every outcome of the invocation gets when it cannot be used. */
async function readSecret(
  scope: Scope,
  invocation: Invocation,
  reserveMs: number,
): Promise<ParsedSecret | { code: string; detail: string; httpStatus?: number }> {
  const secrets = scope.deps.secrets;
  try {
    if (!secrets) throw new Error('no secret source is configured');
    return await invocation.budget.run('Secrets Manager', reserveMs, (abortSignal) => secrets.get({ abortSignal }));
  } catch (e: unknown) {
    const failure = isCodedError(e)
      ? { code: e.code, detail: e.message, ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}) }
      : { code: Codes.SECRET_UNAVAILABLE, detail: `cannot read the Atlas credentials secret: ${describeError(e)}` };
    invocation.logger.error(LogEvents.secretUnusable, { code: failure.code, error: e });
    return failure;
  }
}

function atlasFactory(
  scope: Scope,
  secret: ParsedSecret,
  config: HandlerConfig,
  deadline: { remainingMs(): number },
): AtlasFor {
  const baseUrl = config.baseUrl ?? secret.baseUrl ?? DEFAULT_ATLAS_BASE_URL;
  const run: AtlasRunState = {}; // shared by every client of the invocation (a refused login latches)
  return (_target, logger, onNotice) =>
    scope.deps.createAtlas({ baseUrl, credentials: secret.credentials, deadline, logger, onNotice, run });
}

/**
 * The confirmation settings with a scheduler that counts what it could not schedule: the core keeps
 * such an outcome SUCCESS with a warning, and the invocation fails after publishing.
 */
function confirming(
  scope: Scope,
  config: HandlerConfig,
  invocation: Invocation,
  reserveMs: number,
): ConfirmationContext {
  const arn = invocation.context.invokedFunctionArn;
  const unavailable = !config.confirmation
    ? 'confirmation is off in this deployment (CONFIRM_SCHEDULE_GROUP is not set)'
    : !arn
      ? 'the invocation context has no invokedFunctionArn (a local run?), so no schedule can target the function'
      : !scope.deps.createScheduler
        ? 'no EventBridge Scheduler client is configured'
        : undefined;
  const inner = unavailable === undefined && arn ? scope.deps.createScheduler?.(arn) : undefined;
  const scheduler = countingScheduler(invocation, inner, unavailable, reserveMs);
  return {
    scheduler,
    firstCheckMinutes: config.confirmation?.firstCheckMinutes ?? DEFAULT_FIRST_CHECK_MINUTES,
    maxHours: config.confirmation?.maxHours ?? DEFAULT_MAX_HOURS,
  };
}

/** Maybe the secret was rotated since it was cached: read it again next time. */
function forgetRefusedSecret(scope: Scope, outcomes: readonly Outcome[]): void {
  if (outcomes.some((r) => r.code === Codes.ATLAS_AUTH_FAILED || r.httpStatus === 401))
    scope.deps.secrets?.invalidate();
}

/** An ERROR for every target the run produced no outcome for (it ran out of time, or a bug stopped it). */
function missingOutcomes(targets: readonly Target[], invocation: Invocation, base: Base, e: unknown): Outcome[] {
  const outOfTime = e instanceof OutOfTimeError;
  const code = outOfTime ? Codes.ATLAS_UNREACHABLE : Codes.UNEXPECTED_ERROR;
  const detail = outOfTime
    ? 'no outcome before the invocation ran out of time (Atlas or another dependency did not answer)'
    : `unexpected failure: ${describeError(e)}`;
  invocation.logger.error(LogEvents.targetFailed, { code, error: e });
  return uncoveredTargets(targets, invocation.reporter.reported()).map((t) =>
    makeOutcome(invocation, base, 'ERROR', code, { detail }, t),
  );
}
