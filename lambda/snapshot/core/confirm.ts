/**
 * Completion confirmation (docs/design.md, "Completion confirmation"): after a snapshot request,
 * one-time follow-up checks read that snapshot until it is completed or failed, the delay doubling
 * (5, 10, 20, 40, 60, 60, ... minutes) up to the deadline. The decisions are pure functions; the
 * checks talk to Atlas and EventBridge Scheduler through the AtlasApi and FollowUpScheduler ports.
 */
import { AtlasCodes, Codes } from '../codes';
import { describeError, isCodedError } from '../errors';
import type { RunRequest } from '../event';
import { LogEvents } from '../log-events';
import { MAX_CHECK_INTERVAL_MINUTES, FOLLOW_UP_VERSION } from '../contract';
import type {
  AtlasApi,
  AtlasSnapshot,
  ClusterRef,
  FollowUp,
  FollowUpScheduler,
  Logger,
  NoticeSink,
  Outcome,
} from '../types';
import { applyPromotion } from './apply-promotion';
import { errorExtra, outcomeFactory, warningCollector, type MakeOutcome } from './outcome';

/** When the checks run: the first after `firstCheckMinutes`, the last at `maxHours` after the request. */
export interface ConfirmationSettings {
  firstCheckMinutes: number;
  maxHours: number;
}

export interface ConfirmationContext extends ConfirmationSettings {
  scheduler: FollowUpScheduler;
}

export interface FollowUpContext {
  followUp: FollowUp;
  invocationId: string;
  now: () => Date;
  logger: Logger;
  atlasFor: (target: ClusterRef, logger: Logger, notices: NoticeSink) => AtlasApi;
  confirmation: ConfirmationContext;
}

export type FollowUpResult =
  | { kind: 'final'; outcome: Outcome }
  /** Still pending: check `attempt` is scheduled for `nextCheckAt`; nothing to publish. */
  | { kind: 'rescheduled'; snapshotId: string; snapshotStatus: string; attempt: number; nextCheckAt: string };

export type FollowUpDecision =
  | { kind: 'completed' }
  | { kind: 'failed' }
  | { kind: 'notConfirmed'; detail: string }
  | { kind: 'reschedule'; attempt: number; at: Date };

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Minutes from the previous check (or the request) to check `attempt`: min(60, first * 2^(attempt-1)). */
export function checkDelayMinutes(firstCheckMinutes: number, attempt: number): number {
  const doublings = Math.max(0, attempt - 1);
  // 2^6 = 64 > 60 for any first check >= 1 minute: no need to compute huge powers.
  if (doublings >= 6) return MAX_CHECK_INTERVAL_MINUTES;
  return Math.min(MAX_CHECK_INTERVAL_MINUTES, firstCheckMinutes * 2 ** doublings);
}

/** The schedule of check `attempt` (Scheduler names: [0-9a-zA-Z-_.]{1,64}); a repeat finds it taken. */
export function followUpName(snapshotId: string, attempt: number): string {
  return `snap-${snapshotId}-${attempt}`;
}

/** Scheduler's `at()` has whole seconds: round up, so a check never runs before its time. */
function wholeSecond(ms: number): Date {
  return new Date(Math.ceil(ms / 1000) * 1000);
}

/** When the check after `followUp` runs: min(now + delay(attempt + 1), deadline). */
export function nextCheckAt(now: Date, followUp: FollowUp, settings: ConfirmationSettings): Date {
  const delay = checkDelayMinutes(settings.firstCheckMinutes, followUp.attempt + 1) * MINUTE_MS;
  return wholeSecond(Math.min(now.getTime() + delay, Date.parse(followUp.deadline)));
}

/** What a check does with the snapshot Atlas answered. */
export function decideFollowUp(
  followUp: FollowUp,
  snapshot: AtlasSnapshot,
  now: Date,
  settings: ConfirmationSettings,
): FollowUpDecision {
  if (snapshot.status === 'completed') return { kind: 'completed' };
  if (snapshot.status === 'failed') return { kind: 'failed' };
  // queued, inProgress, or a status this function does not know: keep looking until the deadline.
  if (now.getTime() >= Date.parse(followUp.deadline)) {
    const hours = (Date.parse(followUp.deadline) - Date.parse(followUp.requestedAt)) / HOUR_MS;
    return {
      kind: 'notConfirmed',
      detail:
        `snapshot ${followUp.snapshotId} is still ${snapshot.status ?? 'without a status'} ${Number(hours.toFixed(1))} h ` +
        `after the request (${followUp.requestedAt}): Atlas has not finished it. Look at the cluster's Backup page in Atlas`,
    };
  }
  return { kind: 'reschedule', attempt: followUp.attempt + 1, at: nextCheckAt(now, followUp, settings) };
}

/** The follow-up of a snapshot just requested: check 1, deadline `maxHours` after the request. */
export function firstFollowUp(
  requested: { ref: ClusterRef; snapshotId: string; sharded: boolean; requestedAt: Date },
  request: Pick<RunRequest, 'trigger' | 'schedule' | 'retentionInDays' | 'description' | 'promotion'>,
  settings: ConfirmationSettings,
): FollowUp {
  return {
    version: FOLLOW_UP_VERSION,
    projectId: requested.ref.projectId,
    clusterName: requested.ref.clusterName,
    snapshotId: requested.snapshotId,
    sharded: requested.sharded,
    requestedAt: requested.requestedAt.toISOString(),
    attempt: 1,
    deadline: new Date(requested.requestedAt.getTime() + settings.maxHours * HOUR_MS).toISOString(),
    trigger: request.trigger,
    ...(request.schedule !== undefined ? { schedule: request.schedule } : {}),
    retentionInDays: request.retentionInDays,
    description: request.description,
    ...(request.promotion !== undefined ? { promotion: request.promotion } : {}),
  };
}

/**
 * Schedules check 1 at now + firstCheckMinutes. `followUpAt` when it is scheduled (or already was:
 * a repeated invocation); otherwise a warning for the request outcome (it stays SUCCESS).
 */
export async function scheduleFirstCheck(
  followUp: FollowUp,
  confirmation: ConfirmationContext,
  now: () => Date,
  logger: Logger,
): Promise<{ followUpAt: string } | { warning: string }> {
  const name = followUpName(followUp.snapshotId, followUp.attempt);
  const at = wholeSecond(now().getTime() + checkDelayMinutes(confirmation.firstCheckMinutes, 1) * MINUTE_MS);
  try {
    const result = await confirmation.scheduler.schedule(name, at, { followUp });
    logger.info(LogEvents.followUpScheduled, { name, at: at.toISOString(), result, attempt: followUp.attempt });
    return { followUpAt: at.toISOString() };
  } catch (e: unknown) {
    const reason = describeError(e);
    logger.error(LogEvents.followUpNotScheduled, { name, error: e });
    return {
      warning: `completion will not be confirmed: the follow-up check could not be scheduled (${reason.slice(0, 300)})`,
    };
  }
}

/** One follow-up check: read the snapshot, then report it final or schedule the next check. */
export async function confirmSnapshot(ctx: FollowUpContext): Promise<FollowUpResult> {
  const { followUp } = ctx;
  const ref = { projectId: followUp.projectId, clusterName: followUp.clusterName };
  const logger = ctx.logger.child({ ...ref, snapshotId: followUp.snapshotId, attempt: followUp.attempt });
  const warnings = warningCollector();
  const atlas = ctx.atlasFor(ref, logger, warnings.sink);
  const make = confirmationOutcome(ctx);
  let result: FollowUpResult;
  try {
    result = await check(atlas, ctx, make, logger);
  } catch (e: unknown) {
    const extra = errorExtra(e);
    logger.error(LogEvents.targetFailed, { code: extra.code, httpStatus: extra.httpStatus, error: e });
    result = { kind: 'final', outcome: make('ERROR', extra.code, { ...extra, detail: readFailure(followUp, e) }) };
  }
  return result.kind === 'final' ? { kind: 'final', outcome: warnings.addTo(result.outcome) } : result;
}

type MakeConfirmation = (status: Outcome['status'], code: string, extra?: Partial<Outcome>) => Outcome;

/** Every confirmation outcome: stage confirmation, the original trigger, the snapshot and the attempt. */
function confirmationOutcome(ctx: FollowUpContext): MakeConfirmation {
  const { followUp } = ctx;
  const make: MakeOutcome = outcomeFactory({
    request: { trigger: followUp.trigger, dryRun: false },
    invocationId: ctx.invocationId,
    now: ctx.now,
    stage: 'confirmation',
  });
  return (status, code, extra = {}) =>
    make(followUp, status, code, {
      snapshotId: followUp.snapshotId,
      ...(followUp.retentionInDays !== undefined ? { retentionInDays: followUp.retentionInDays } : {}),
      ...(followUp.description !== undefined ? { description: followUp.description } : {}),
      requestedAt: followUp.requestedAt,
      attempt: followUp.attempt,
      ...extra,
    });
}

async function check(
  atlas: AtlasApi,
  ctx: FollowUpContext,
  make: MakeConfirmation,
  logger: Logger,
): Promise<FollowUpResult> {
  const { followUp, confirmation } = ctx;
  const snapshot = await atlas.getSnapshot(
    followUp.projectId,
    followUp.clusterName,
    followUp.snapshotId,
    followUp.sharded,
  );
  const now = ctx.now();
  const decision = decideFollowUp(followUp, snapshot, now, confirmation);
  logger.info(LogEvents.followUpCheck, { snapshotStatus: snapshot.status, decision: decision.kind });
  switch (decision.kind) {
    case 'completed':
      return { kind: 'final', outcome: await completed(atlas, snapshot, now, ctx, make, logger) };
    case 'failed':
      return {
        kind: 'final',
        outcome: make('ERROR', Codes.SNAPSHOT_FAILED, {
          snapshotStatus: 'failed',
          detail:
            `Atlas reports snapshot ${followUp.snapshotId} failed: the requested backup was not taken. Look at the ` +
            `cluster's health and Backup page in Atlas; the next scheduled run requests a new snapshot (or invoke the function by hand)`,
        }),
      };
    case 'notConfirmed':
      return {
        kind: 'final',
        outcome: make('ERROR', Codes.SNAPSHOT_NOT_CONFIRMED, {
          ...(snapshot.status !== undefined ? { snapshotStatus: snapshot.status } : {}),
          detail: decision.detail,
        }),
      };
    case 'reschedule':
      return reschedule(snapshot, decision, ctx, make, logger);
  }
}

async function completed(
  atlas: AtlasApi,
  snapshot: AtlasSnapshot,
  now: Date,
  ctx: FollowUpContext,
  make: MakeConfirmation,
  logger: Logger,
): Promise<Outcome> {
  const { followUp } = ctx;
  const durationMs = now.getTime() - Date.parse(followUp.requestedAt);
  const fields: Partial<Outcome> = {
    snapshotStatus: 'completed',
    ...(typeof snapshot.createdAt === 'string' ? { createdAt: snapshot.createdAt } : {}),
    ...(typeof snapshot.expiresAt === 'string' ? { expiresAt: snapshot.expiresAt } : {}),
    ...(Number.isFinite(snapshot.storageSizeBytes) ? { storageSizeBytes: snapshot.storageSizeBytes } : {}),
    durationSeconds: Math.max(0, Math.round(durationMs / 1000)),
  };
  if (!followUp.promotion) return make('SUCCESS', Codes.SNAPSHOT_COMPLETED, fields);
  const promoted = await applyPromotion(atlas, followUp, snapshot, followUp.promotion, logger);
  return make('SUCCESS', Codes.SNAPSHOT_COMPLETED, {
    ...fields,
    ...(promoted.promotedTo ? { promotedTo: promoted.promotedTo } : {}),
    ...(promoted.expiresAt !== undefined ? { expiresAt: promoted.expiresAt } : {}),
    ...(promoted.warning !== undefined ? { warnings: [promoted.warning] } : {}),
  });
}

async function reschedule(
  snapshot: AtlasSnapshot,
  decision: { attempt: number; at: Date },
  ctx: FollowUpContext,
  make: MakeConfirmation,
  logger: Logger,
): Promise<FollowUpResult> {
  const { followUp } = ctx;
  const name = followUpName(followUp.snapshotId, decision.attempt);
  const status = snapshot.status ?? 'unknown';
  try {
    const event = { followUp: { ...followUp, attempt: decision.attempt } };
    const result = await ctx.confirmation.scheduler.schedule(name, decision.at, event);
    const nextCheckAt = decision.at.toISOString();
    logger.info(LogEvents.followUpScheduled, { name, at: nextCheckAt, result, attempt: decision.attempt });
    return {
      kind: 'rescheduled',
      snapshotId: followUp.snapshotId,
      snapshotStatus: status,
      attempt: decision.attempt,
      nextCheckAt,
    };
  } catch (e: unknown) {
    // The chain would end silently: this check is the last one, and says so.
    logger.error(LogEvents.followUpNotScheduled, { name, error: e });
    return {
      kind: 'final',
      outcome: make('ERROR', Codes.SNAPSHOT_NOT_CONFIRMED, {
        snapshotStatus: status,
        detail:
          `snapshot ${followUp.snapshotId} is still ${status}, and the next check could not be scheduled ` +
          `(${describeError(e).slice(0, 300)}): completion will not be confirmed. Look at the snapshot in Atlas`,
      }),
    };
  }
}

function readFailure(followUp: FollowUp, e: unknown): string {
  const { detail } = errorExtra(e);
  if (isCodedError(e) && e.code === AtlasCodes.SNAPSHOT_NOT_FOUND) {
    return (
      `snapshot ${followUp.snapshotId} no longer exists in Atlas (deleted, or its cluster removed), so its ` +
      `completion cannot be confirmed: ${detail}`
    );
  }
  return `cannot read snapshot ${followUp.snapshotId} to confirm its completion: ${detail}`;
}
