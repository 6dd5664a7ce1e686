/**
 * The run over all targets and the per-cluster procedure (docs/design.md, "Per-target procedure").
 * Pure decisions over the `AtlasApi` port: no AWS SDK, no axios, no process.env. Every path ends in
 * an Outcome; nothing a target does can stop another target.
 */
import { AtlasCodes, Codes } from '../codes';
import { AmbiguousRequestError, CodedError, isCodedError } from '../errors';
import type { RunRequest } from '../event';
import { LogEvents } from '../log-events';
import { mapInOrder, roundRobinOrder } from '../pool';
import type { AtlasApi, AtlasSnapshot, ClusterRef, Logger, NoticeSink, Outcome } from '../types';
import { clusterVerdict, findPending, isSharded, readCluster } from './clusters';
import { firstFollowUp, scheduleFirstCheck, type ConfirmationContext } from './confirm';
import { errorExtra, outcomeFactory, snapshotFields, warningCollector, type MakeOutcome } from './outcome';
import { selectClusters, type Slot, type WorkItem } from './select';
import { show, SNAPSHOT_ID_PATTERN } from '../validation';

export interface RunContext {
  request: RunRequest;
  invocationId: string;
  now: () => Date;
  logger: Logger;
  concurrency: number;
  /** An Atlas client for one target (its logger tagged with the target, its notices collected). */
  atlasFor: (target: ClusterRef, logger: Logger, notices: NoticeSink) => AtlasApi;
  /** Told about each outcome as soon as it is known (so it can be reported at once). */
  onOutcome?: (outcome: Outcome) => void;
  /** Absent = confirmation off (dry runs never schedule either). */
  confirmation?: ConfirmationContext;
}

export type { ConfirmationContext } from './confirm';

/** How many times a take-snapshot whose fate is unknown is followed by a re-read and a new try. */
const MAX_AMBIGUOUS_ROUNDS = 2;

export const DRY_RUN_DETAIL =
  'dry run: no on-demand snapshot pending; a snapshot would have been requested. Not checked: a Backup ' +
  'Compliance Policy minimum retention (only the real request can learn it)';

/** Runs every target; the order of the outcomes follows the order of the targets. */
export async function runTargets(ctx: RunContext): Promise<Outcome[]> {
  const make = outcomeFactory(ctx);
  const slots = await selectClusters({
    targets: ctx.request.targets,
    logger: ctx.logger,
    concurrency: ctx.concurrency,
    atlasFor: ctx.atlasFor,
    make,
  });

  // Work through the clusters one project after another (round-robin), so that many clusters
  // in one project do not exhaust that project's Atlas rate limit while others wait.
  const order = roundRobinOrder(slots, projectOf);
  return mapInOrder(slots, order, ctx.concurrency, async (slot) => {
    const outcome = slot.kind === 'outcome' ? slot.outcome : await processCluster(slot.item, ctx, make);
    ctx.onOutcome?.(outcome);
    return outcome;
  });
}

function projectOf(slot: Slot): string {
  return slot.kind === 'work' ? slot.item.ref.projectId : '';
}

/** The procedure for one cluster; the Atlas notices it met become the outcome's `warnings`. */
export async function processCluster(item: WorkItem, ctx: RunContext, make: MakeOutcome): Promise<Outcome> {
  const { ref } = item;
  const logger = ctx.logger.child({ projectId: ref.projectId, clusterName: ref.clusterName });
  const warnings = warningCollector(item.warnings);
  const atlas = ctx.atlasFor(ref, logger, warnings.sink);
  let outcome: Outcome;
  try {
    outcome = await procedure(item, atlas, ctx, make, logger);
  } catch (e: unknown) {
    const extra = errorExtra(e);
    logger.error(LogEvents.targetFailed, { code: extra.code, httpStatus: extra.httpStatus, error: e });
    outcome = make(ref, 'ERROR', extra.code, extra);
  }
  return warnings.addTo(outcome);
}

async function procedure(
  item: WorkItem,
  atlas: AtlasApi,
  ctx: RunContext,
  make: MakeOutcome,
  logger: Logger,
): Promise<Outcome> {
  const { ref } = item;
  const read = item.cluster ? { kind: 'cluster' as const, cluster: item.cluster } : await readCluster(atlas, ref);
  const verdict = clusterVerdict(read);
  if (verdict) {
    const status = item.selected ? 'SKIPPED' : verdict.namedStatus;
    const event = verdict.code === Codes.CLUSTER_PAUSED ? LogEvents.clusterPaused : LogEvents.clusterUnsupported;
    logger.info(event, { code: verdict.code, detail: verdict.detail, status });
    return make(ref, status, verdict.code, { detail: verdict.detail });
  }
  const sharded = read.kind === 'cluster' && isSharded(read.cluster);

  const pending = findPending(await atlas.listSnapshots(ref.projectId, ref.clusterName, sharded));
  if (pending) {
    logger.info(LogEvents.snapshotPending, { snapshotId: pending.id, snapshotStatus: pending.status });
    return make(ref, 'SKIPPED', Codes.SNAPSHOT_IN_PROGRESS, {
      ...pendingFields(pending),
      detail: `on-demand snapshot ${pending.id} is still ${pending.status}; Atlas allows one at a time`,
    });
  }
  const { retentionInDays, description } = ctx.request;
  if (ctx.request.dryRun) {
    logger.info(LogEvents.dryRun);
    return make(ref, 'SKIPPED', Codes.DRY_RUN, { retentionInDays, description, detail: DRY_RUN_DETAIL });
  }
  const requested = await requestSnapshot(atlas, ref, sharded, ctx, make, logger);
  return ctx.confirmation ? withFollowUp(requested, ref, sharded, ctx, ctx.confirmation, logger) : requested.outcome;
}

/**
 * Right after SNAPSHOT_REQUESTED: the first follow-up check. The outcome gets `requestedAt` and
 * `followUpAt`, or a warning when the check could not be scheduled (it stays SUCCESS).
 */
async function withFollowUp(
  requested: Requested,
  ref: ClusterRef,
  sharded: boolean,
  ctx: RunContext,
  confirmation: ConfirmationContext,
  logger: Logger,
): Promise<Outcome> {
  const { outcome, requestedAt } = requested;
  if (outcome.code !== Codes.SNAPSHOT_REQUESTED || outcome.snapshotId === undefined || requestedAt === undefined) {
    return outcome;
  }
  if (!SNAPSHOT_ID_PATTERN.test(outcome.snapshotId)) {
    // The follow-up event and the schedule's name carry the id: refuse to build them from a strange one.
    const warning = `completion will not be confirmed: Atlas answered a snapshot id that is not 24 hex characters (${show(outcome.snapshotId)})`;
    logger.error(LogEvents.followUpNotScheduled, { snapshotId: show(outcome.snapshotId) });
    return { ...outcome, warnings: [...(outcome.warnings ?? []), warning] };
  }
  const followUp = firstFollowUp(
    { ref, snapshotId: outcome.snapshotId, sharded, requestedAt },
    ctx.request,
    confirmation,
  );
  const scheduled = await scheduleFirstCheck(followUp, confirmation, ctx.now, logger);
  return 'followUpAt' in scheduled
    ? { ...outcome, requestedAt: followUp.requestedAt, followUpAt: scheduled.followUpAt }
    : { ...outcome, requestedAt: followUp.requestedAt, warnings: [...(outcome.warnings ?? []), scheduled.warning] };
}

function pendingFields(pending: AtlasSnapshot): Partial<Outcome> {
  return {
    ...snapshotFields(pending),
    ...(pending.description !== undefined ? { description: pending.description } : {}),
  };
}

/** The outcome of a take-snapshot, and when the request that created the snapshot was sent. */
interface Requested {
  outcome: Outcome;
  requestedAt?: Date;
}

export async function requestSnapshot(
  atlas: AtlasApi,
  ref: ClusterRef,
  sharded: boolean,
  ctx: Pick<RunContext, 'request' | 'now'>,
  make: MakeOutcome,
  logger: Logger,
): Promise<Requested> {
  const { retentionInDays, description } = ctx.request;
  const requested = { retentionInDays, description };
  for (let round = 1; ; round++) {
    const requestedAt = ctx.now();
    try {
      const snapshot = await atlas.takeSnapshot(ref.projectId, ref.clusterName, requested);
      logger.info(LogEvents.snapshotRequested, { snapshotId: snapshot.id, snapshotStatus: snapshot.status });
      const outcome = make(ref, 'SUCCESS', Codes.SNAPSHOT_REQUESTED, { ...requested, ...snapshotFields(snapshot) });
      return { outcome, requestedAt };
    } catch (e: unknown) {
      if (isCodedError(e) && e.code === AtlasCodes.UNFINISHED_ON_DEMAND_SNAPSHOT) {
        // Another run (or a person) started one between our list and our request.
        logger.info(LogEvents.raceLost);
        const pending = await findPendingQuietly(atlas, ref, sharded, logger);
        const outcome = make(ref, 'SKIPPED', Codes.SNAPSHOT_IN_PROGRESS, {
          ...(pending ? pendingFields(pending) : {}),
          ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
          detail: `Atlas answered UNFINISHED_ON_DEMAND_SNAPSHOT: another on-demand snapshot${pending ? ` (${pending.id})` : ''} is still pending`,
        });
        return { outcome };
      }
      if (!(e instanceof AmbiguousRequestError)) throw e;

      // The request may have reached Atlas: look before sending it again.
      logger.warn(LogEvents.takeUnanswered, { round, error: e });
      const pending = findPending(await atlas.listSnapshots(ref.projectId, ref.clusterName, sharded));
      if (pending && pending.description === description) {
        const outcome = make(ref, 'SUCCESS', Codes.SNAPSHOT_REQUESTED, {
          ...requested,
          ...snapshotFields(pending),
          detail: `Atlas did not answer the request (${e.message}); snapshot ${pending.id} was found ${pending.status} afterwards`,
        });
        return { outcome, requestedAt };
      }
      if (pending) {
        const outcome = make(ref, 'SKIPPED', Codes.SNAPSHOT_IN_PROGRESS, {
          ...pendingFields(pending),
          detail: `on-demand snapshot ${pending.id} is ${pending.status} (found after an unanswered request)`,
        });
        return { outcome };
      }
      if (round >= MAX_AMBIGUOUS_ROUNDS) {
        throw new CodedError(
          Codes.ATLAS_UNREACHABLE,
          `the take-snapshot request got no answer ${round} times and no pending snapshot appeared: ${e.message}`,
        );
      }
    }
  }
}

async function findPendingQuietly(
  atlas: AtlasApi,
  ref: ClusterRef,
  sharded: boolean,
  logger: Logger,
): Promise<AtlasSnapshot | undefined> {
  try {
    return findPending(await atlas.listSnapshots(ref.projectId, ref.clusterName, sharded));
  } catch (e: unknown) {
    logger.warn(LogEvents.rereadFailed, { error: e });
    return undefined;
  }
}
