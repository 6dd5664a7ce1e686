/**
 * The per-target procedure (DESIGN.md section 5) and the run over all targets. Pure decisions
 * over the `AtlasApi` port: no AWS SDK, no axios, no process.env. Every path ends in an Outcome;
 * nothing a target does can stop another target.
 */
import { AtlasCodes, Codes } from '../codes';
import { AmbiguousRequestError, CodedError, isCodedError } from '../errors';
import { errorExtra, outcomeFactory, snapshotFields, type MakeOutcome } from './outcome';
import type { RunRequest } from '../event';
import type { AtlasApi, AtlasCluster, AtlasSnapshot, Logger, Outcome, Status, Target } from '../types';
import { mapInOrder, mapWithConcurrency, roundRobinOrder } from '../pool';
import { ALL_CLUSTERS } from '../validation';

export interface RunContext {
  request: RunRequest;
  invocationId: string;
  now: () => Date;
  logger: Logger;
  concurrency: number;
  /** An Atlas client for one target (its logger tagged with the target). */
  atlasFor: (target: Target, logger: Logger) => AtlasApi;
  /** Told about each outcome as soon as it is known (so it can be reported at once). */
  onOutcome?: (outcome: Outcome) => void;
}

/** A cluster to process; `viaWildcard` when it was found through `"clusterName": "*"`. */
interface WorkItem {
  target: Target;
  viaWildcard: boolean;
  /** The cluster document already read from the project's list (saves a GET). */
  cluster?: AtlasCluster;
}

const SHARDED_TYPES = new Set(['SHARDED', 'GEOSHARDED']);
const PENDING_STATUSES = new Set(['queued', 'inProgress']);
/** How many times a take-snapshot whose fate is unknown is followed by a re-read and a new try. */
const MAX_AMBIGUOUS_ROUNDS = 2;

/** Runs every target; the order of the outcomes follows the order of the targets. */
export async function runTargets(ctx: RunContext): Promise<Outcome[]> {
  const make = outcomeFactory(ctx);
  const expanded = await mapWithConcurrency(ctx.request.targets, ctx.concurrency, (target) =>
    expandTarget(target, ctx, make),
  );

  const seen = new Set<string>();
  const slots: Array<Outcome | WorkItem> = [];
  // Explicit names first, so a cluster named explicitly and also found through "*" keeps the
  // explicit treatment (an unsupported cluster is an ERROR, not a SKIPPED).
  const keyOf = (t: Target) => `${t.projectId}/${t.clusterName}`;
  for (const group of expanded)
    for (const item of group) if (!('status' in item) && !item.viaWildcard) seen.add(keyOf(item.target));
  for (const group of expanded) {
    for (const item of group) {
      if ('status' in item) slots.push(item);
      else if (!item.viaWildcard || !seen.has(keyOf(item.target))) {
        seen.add(keyOf(item.target));
        slots.push(item);
      }
    }
  }

  // Work through the clusters one project after another (round-robin), so that many clusters
  // in one project do not exhaust that project's Atlas rate limit while others wait.
  const order = roundRobinOrder(slots, (slot) => ('status' in slot ? '' : slot.target.projectId));
  return mapInOrder(slots, order, ctx.concurrency, async (slot) => {
    const outcome = 'status' in slot ? slot : await processCluster(slot, ctx, make);
    ctx.onOutcome?.(outcome);
    return outcome;
  });
}

async function expandTarget(target: Target, ctx: RunContext, make: MakeOutcome): Promise<Array<Outcome | WorkItem>> {
  if (target.clusterName !== ALL_CLUSTERS) return [{ target, viaWildcard: false }];
  const logger = ctx.logger.child({ projectId: target.projectId, clusterName: ALL_CLUSTERS });
  try {
    const clusters = await ctx.atlasFor(target, logger).listClusters(target.projectId);
    logger.info('expanded "*"', { clusters: clusters.map((c) => c.name) });
    if (clusters.length === 0) {
      return [make(target, 'SKIPPED', Codes.NO_CLUSTERS, { detail: 'the project has no clusters' })];
    }
    return clusters.map((cluster) => ({
      target: { projectId: target.projectId, clusterName: cluster.name },
      viaWildcard: true,
      cluster,
    }));
  } catch (e: unknown) {
    const extra = errorExtra(e);
    logger.error("cannot list the project's clusters", { code: extra.code, error: e });
    return [
      make(target, 'ERROR', extra.code, { ...extra, detail: `cannot list the project's clusters: ${extra.detail}` }),
    ];
  }
}

/** Why a cluster cannot have an on-demand cloud backup snapshot, or undefined when it can. */
export function unsupportedReason(cluster: AtlasCluster): { code: string; detail: string } | undefined {
  const providers = (cluster.replicationSpecs ?? []).flatMap((s) => (s.regionConfigs ?? []).map((r) => r.providerName));
  if (providers.includes('FLEX')) {
    return {
      code: Codes.UNSUPPORTED_CLUSTER,
      detail: 'flex cluster: Atlas has no on-demand snapshot for flex clusters (it takes daily snapshots itself)',
    };
  }
  if (providers.includes('TENANT')) {
    return {
      code: Codes.UNSUPPORTED_CLUSTER,
      detail: 'shared-tier cluster (M0/M2/M5): cloud backup snapshots need a dedicated cluster, M10 or larger',
    };
  }
  if (cluster.backupEnabled === false) {
    return { code: Codes.BACKUP_NOT_ENABLED, detail: 'cloud backup is not enabled on this cluster' };
  }
  return undefined;
}

export function findPending(snapshots: readonly AtlasSnapshot[]): AtlasSnapshot | undefined {
  return snapshots.find((s) => s.snapshotType === 'onDemand' && PENDING_STATUSES.has(s.status ?? ''));
}

async function processCluster(item: WorkItem, ctx: RunContext, make: MakeOutcome): Promise<Outcome> {
  const { target } = item;
  const logger = ctx.logger.child({ projectId: target.projectId, clusterName: target.clusterName });
  const atlas = ctx.atlasFor(target, logger);
  const { retentionInDays, description, dryRun } = ctx.request;
  try {
    const cluster = item.cluster ?? (await readCluster(atlas, target));
    const unsupported = unsupportedReason(cluster);
    if (unsupported) {
      const status: Status = item.viaWildcard ? 'SKIPPED' : 'ERROR';
      logger.info('cluster cannot take on-demand snapshots', { ...unsupported, status });
      return make(target, status, unsupported.code, { detail: unsupported.detail });
    }
    const sharded = SHARDED_TYPES.has(cluster.clusterType ?? '');

    const pending = findPending(await atlas.listSnapshots(target.projectId, target.clusterName, sharded));
    if (pending) {
      logger.info('on-demand snapshot still pending: skipping', {
        snapshotId: pending.id,
        snapshotStatus: pending.status,
      });
      return make(target, 'SKIPPED', Codes.SNAPSHOT_IN_PROGRESS, {
        ...snapshotFields(pending),
        ...(pending.description !== undefined ? { description: pending.description } : {}),
        detail: `on-demand snapshot ${pending.id} is still ${pending.status}; Atlas allows one at a time`,
      });
    }
    if (dryRun) {
      logger.info('dry run: no pending on-demand snapshot, would request one');
      return make(target, 'SKIPPED', Codes.DRY_RUN, {
        retentionInDays,
        description,
        detail: 'dry run: no on-demand snapshot pending; a snapshot would have been requested',
      });
    }
    return await requestSnapshot(atlas, target, sharded, ctx, make, logger);
  } catch (e: unknown) {
    const extra = errorExtra(e);
    logger.error('target failed', { code: extra.code, httpStatus: extra.httpStatus, error: e });
    return make(target, 'ERROR', extra.code, extra);
  }
}

/** GET the cluster; the cluster API's refusal of flex clusters is the flex answer, not a failure. */
async function readCluster(atlas: AtlasApi, target: Target): Promise<AtlasCluster> {
  try {
    return await atlas.getCluster(target.projectId, target.clusterName);
  } catch (e: unknown) {
    if (isCodedError(e) && e.code === AtlasCodes.CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API) {
      return { name: target.clusterName, replicationSpecs: [{ regionConfigs: [{ providerName: 'FLEX' }] }] };
    }
    throw e;
  }
}

async function requestSnapshot(
  atlas: AtlasApi,
  target: Target,
  sharded: boolean,
  ctx: RunContext,
  make: MakeOutcome,
  logger: Logger,
): Promise<Outcome> {
  const { retentionInDays, description } = ctx.request;
  const requested = { retentionInDays, description };
  for (let round = 1; ; round++) {
    try {
      const snapshot = await atlas.takeSnapshot(target.projectId, target.clusterName, requested);
      logger.info('snapshot requested', { snapshotId: snapshot.id, snapshotStatus: snapshot.status });
      return make(target, 'SUCCESS', Codes.SNAPSHOT_REQUESTED, { ...requested, ...snapshotFields(snapshot) });
    } catch (e: unknown) {
      if (isCodedError(e) && e.code === AtlasCodes.UNFINISHED_ON_DEMAND_SNAPSHOT) {
        // Another run (or a person) started one between our list and our request.
        logger.info('Atlas reports an unfinished on-demand snapshot: skipping');
        const pending = await findPendingQuietly(atlas, target, sharded, logger);
        return make(target, 'SKIPPED', Codes.SNAPSHOT_IN_PROGRESS, {
          ...(pending ? snapshotFields(pending) : {}),
          ...(pending?.description !== undefined ? { description: pending.description } : {}),
          ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
          detail: `Atlas answered UNFINISHED_ON_DEMAND_SNAPSHOT: another on-demand snapshot${pending ? ` (${pending.id})` : ''} is still pending`,
        });
      }
      if (!(e instanceof AmbiguousRequestError)) throw e;

      // The request may have reached Atlas: look before sending it again.
      logger.warn('take-snapshot request unanswered; re-reading the snapshot list', { round, error: e });
      const pending = findPending(await atlas.listSnapshots(target.projectId, target.clusterName, sharded));
      if (pending && pending.description === description) {
        return make(target, 'SUCCESS', Codes.SNAPSHOT_REQUESTED, {
          ...requested,
          ...snapshotFields(pending),
          detail: `Atlas did not answer the request (${e.message}); snapshot ${pending.id} was found ${pending.status} afterwards`,
        });
      }
      if (pending) {
        return make(target, 'SKIPPED', Codes.SNAPSHOT_IN_PROGRESS, {
          ...snapshotFields(pending),
          ...(pending.description !== undefined ? { description: pending.description } : {}),
          detail: `on-demand snapshot ${pending.id} is ${pending.status} (found after an unanswered request)`,
        });
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
  target: Target,
  sharded: boolean,
  logger: Logger,
): Promise<AtlasSnapshot | undefined> {
  try {
    return findPending(await atlas.listSnapshots(target.projectId, target.clusterName, sharded));
  } catch (e: unknown) {
    logger.warn('cannot re-read snapshots to name the pending one', { error: e });
    return undefined;
  }
}
