/**
 * The invocation, with every adapter injected: validate, read credentials, run the targets,
 * log and publish each outcome, then fail the invocation when anything ended in ERROR or could
 * not be published (DESIGN.md section 6), so Lambda's Errors metric and alarm see it.
 */
import { randomUUID } from 'node:crypto';
import type { ConfigResult, FunctionConfig } from './config';
import { DEFAULT_ATLAS_BASE_URL } from './contract';
import { errorExtra, outcomeFactory } from './core/outcome';
import { runTargets } from './core/run';
import type { ParsedSecret } from './credentials';
import { Codes } from './codes';
import { describeError } from './errors';
import { isEventBridgeScheduledEvent, parseInvocation, type RunRequest } from './event';
import { formatFailureMessage, LogEvents } from './log-events';
import { emfRecord } from './metrics';
import type { Publisher } from './notify';
import { createLimiter } from './pool';
import type {
  AtlasApi,
  AtlasClientFactoryOptions,
  ClusterRef,
  Deadline,
  Logger,
  NoticeSink,
  Outcome,
  Trigger,
} from './types';
import { isPlainObject } from './validation';

export interface HandlerDeps {
  config: ConfigResult;
  logger: Logger;
  secrets?: { get(): Promise<ParsedSecret>; invalidate(): void };
  publisher?: Publisher;
  createAtlas: (options: AtlasClientFactoryOptions) => AtlasApi;
  /** Writes one embedded-metric-format record (a JSON line on stdout in Lambda). */
  writeMetric: (record: Record<string, unknown>) => void;
  now?: () => Date;
}

/** The subset of the Lambda context the handler uses; a plain object works for local runs. */
export interface InvocationContext {
  awsRequestId?: string;
  functionName?: string;
  getRemainingTimeInMillis?: () => number;
}

export interface HandlerResult {
  results: Outcome[];
}

/** Thrown after publishing when a target ended in ERROR or a notification failed. */
export class InvocationFailedError extends Error {
  constructor(
    message: string,
    readonly results: Outcome[],
  ) {
    super(message);
    this.name = 'InvocationFailedError';
  }
}

/** One invocation's identity, clock, logger and the sink its outcomes go to as they are known. */
interface Invocation {
  invocationId: string;
  remaining: () => number;
  logger: Logger;
  onOutcome: (outcome: Outcome) => void;
}

/** Time assumed when no Lambda context tells (a local run without one). */
const DEFAULT_LOCAL_BUDGET_MS = 5 * 60_000;
const PUBLISH_CONCURRENCY = 8;

/** Time kept back from Atlas work for logging and publishing: grows with the number of targets. */
export function publishReserveMs(totalMs: number, targets: number): number {
  const wanted = Math.min(2_000 + 25 * targets, 20_000);
  return Math.min(wanted, Math.floor(totalMs / 2));
}

export function createHandler(deps: HandlerDeps) {
  const now = deps.now ?? (() => new Date());

  return async function handler(event: unknown, context: InvocationContext = {}): Promise<HandlerResult> {
    const invocationId = context.awsRequestId ?? randomUUID();
    const remaining = () => context.getRemainingTimeInMillis?.() ?? DEFAULT_LOCAL_BUDGET_MS;
    const logger = deps.logger.child({ invocationId });
    logger.info(LogEvents.invocationStarted, { event: summarizeEvent(event) });

    // Each outcome is logged and published as soon as it is known, while the other targets are
    // still running: nothing already decided is lost if the invocation is cut short.
    const reporter = createReporter(context.functionName, logger);
    const results = await decide(event, { invocationId, remaining, logger, onOutcome: reporter.add });
    for (const outcome of results) reporter.add(outcome);
    const failures = await reporter.done();

    const errors = results.filter((r) => r.status === 'ERROR');
    logger.info(LogEvents.invocationFinished, {
      targets: results.length,
      success: results.filter((r) => r.status === 'SUCCESS').length,
      skipped: results.filter((r) => r.status === 'SKIPPED').length,
      errors: errors.length,
      publishFailures: failures.length,
    });
    if (errors.length > 0 || failures.length > 0) {
      throw new InvocationFailedError(failureMessage(results, errors, failures), results);
    }
    return { results };
  };

  async function decide(event: unknown, invocation: Invocation): Promise<Outcome[]> {
    const { invocationId, logger } = invocation;
    const trigger = triggerOf(event);
    const fallback = outcomeFactory({
      request: { dryRun: false, trigger },
      invocationId,
      now,
    });
    if (!deps.config.ok) {
      logger.error(LogEvents.invalidConfig, { problems: deps.config.problems });
      return [fallback({}, 'ERROR', Codes.INVALID_CONFIG, { detail: deps.config.problems.join('; ') })];
    }
    const config = deps.config.config;
    const parsed = parseInvocation(event, config);
    if (parsed.kind === 'invalid') {
      logger.warn(LogEvents.invalidInput, { problems: parsed.problems });
      const invalid = outcomeFactory({
        request: { dryRun: false, trigger: parsed.trigger },
        invocationId,
        now,
        stage: parsed.stage,
      });
      return [invalid({}, 'ERROR', Codes.INVALID_INPUT, { detail: parsed.problems.join('; ') })];
    }
    if (parsed.kind === 'followUp') {
      // Minimal stand-in until the handler's round-2 flows (follow-up checks through confirmSnapshot
      // with the scheduler adapter) are wired: a follow-up event is not acted on here.
      const refused = outcomeFactory({
        request: { dryRun: false, trigger: parsed.followUp.trigger },
        invocationId,
        now,
        stage: 'confirmation',
      });
      return [
        refused(parsed.followUp, 'ERROR', Codes.UNEXPECTED_ERROR, {
          detail: 'follow-up checks are not wired into this handler',
          snapshotId: parsed.followUp.snapshotId,
        }),
      ];
    }
    const request = parsed.request;
    const make = outcomeFactory({ request, invocationId, now });

    let secret: ParsedSecret;
    try {
      if (!deps.secrets) throw new Error('no secret source');
      secret = await deps.secrets.get();
    } catch (e: unknown) {
      const extra = errorExtra(e);
      logger.error(LogEvents.secretUnusable, { code: extra.code, error: e });
      return request.targets.map((t) => make(t, 'ERROR', extra.code, extra));
    }

    const results = await runAll(request, config, secret, invocation);
    if (results.some((r) => r.code === Codes.ATLAS_AUTH_FAILED || r.httpStatus === 401)) {
      // Maybe the secret was rotated since it was cached: read it again next time.
      deps.secrets?.invalidate();
    }
    return results;
  }

  function runAll(
    request: RunRequest,
    config: FunctionConfig,
    secret: ParsedSecret,
    invocation: Invocation,
  ): Promise<Outcome[]> {
    const { invocationId, remaining, logger, onOutcome } = invocation;
    const reserve = publishReserveMs(remaining(), request.targets.length);
    const deadline: Deadline = { remainingMs: () => remaining() - reserve };
    const baseUrl = config.baseUrl ?? secret.baseUrl ?? DEFAULT_ATLAS_BASE_URL;
    logger.info(LogEvents.run, {
      trigger: request.trigger,
      schedule: request.schedule,
      dryRun: request.dryRun,
      targets: request.targets.length,
      retentionInDays: request.retentionInDays,
      authentication: secret.credentials.kind,
      atlasBaseUrl: baseUrl,
    });
    return runTargets({
      request,
      invocationId,
      now,
      logger,
      concurrency: config.concurrency,
      onOutcome,
      atlasFor: (_target: ClusterRef, targetLogger: Logger, notices: NoticeSink) =>
        deps.createAtlas({
          baseUrl,
          credentials: secret.credentials,
          deadline,
          logger: targetLogger,
          onNotice: notices,
        }),
    });
  }

  /**
   * Logs, counts and publishes each outcome once (`add` ignores one it has already seen), at most
   * PUBLISH_CONCURRENCY publishes in flight; `done` waits for them and returns the failures.
   */
  function createReporter(functionName: string | undefined, logger: Logger) {
    const seen = new Set<Outcome>();
    const pending: Array<Promise<void>> = [];
    const failures: Array<{ outcome: Outcome; error: string }> = [];
    const limit = createLimiter(PUBLISH_CONCURRENCY);
    const add = (outcome: Outcome): void => {
      if (seen.has(outcome)) return;
      seen.add(outcome);
      pending.push(limit(() => reportOne(outcome)));
    };
    const reportOne = async (outcome: Outcome): Promise<void> => {
      const tagged = logger.child({ projectId: outcome.projectId, clusterName: outcome.clusterName });
      (outcome.status === 'ERROR' ? tagged.error : tagged.info)(LogEvents.outcome, { outcome });
      if (functionName) deps.writeMetric(emfRecord(functionName, outcome, now()));
      if (!deps.publisher) {
        failures.push({ outcome, error: 'no SNS topic configured' });
        return;
      }
      try {
        const messageId = await deps.publisher.publish(outcome);
        tagged.debug(LogEvents.notificationPublished, { messageId });
      } catch (e: unknown) {
        const error = describeError(e);
        tagged.error(LogEvents.notificationFailed, { error: e });
        failures.push({ outcome, error });
      }
    };
    const done = async () => {
      await Promise.all(pending);
      return failures;
    };
    return { add, done };
  }
}

function triggerOf(event: unknown): Trigger {
  if (isEventBridgeScheduledEvent(event)) return 'schedule';
  return isPlainObject(event) && event.schedule !== undefined ? 'schedule' : 'manual';
}

/** The event's shape for the log: field names and the values that are safe and short. */
function summarizeEvent(event: unknown): unknown {
  if (!isPlainObject(event)) return event === undefined ? null : typeof event;
  if (isEventBridgeScheduledEvent(event))
    return { source: event.source, 'detail-type': event['detail-type'], time: event.time };
  return event;
}

function failureMessage(
  results: Outcome[],
  errors: Outcome[],
  failures: Array<{ outcome: Outcome; error: string }>,
): string {
  const name = (o: Outcome) => (o.clusterName ? `${o.projectId}/${o.clusterName}` : 'run');
  const parts: string[] = [];
  if (errors.length > 0) {
    const list = errors
      .slice(0, 10)
      .map((o) => `${name(o)}: ${o.code}`)
      .join(', ');
    parts.push(
      `${errors.length} of ${results.length} target(s) ended in ERROR (${list}${errors.length > 10 ? ', ...' : ''})`,
    );
  }
  if (failures.length > 0) {
    parts.push(`${failures.length} notification(s) could not be published (${failures[0]?.error})`);
  }
  return formatFailureMessage(parts.join('; '), results.slice(0, 20));
}
