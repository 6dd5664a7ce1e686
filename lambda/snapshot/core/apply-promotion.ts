/**
 * Applies the promotion decision (docs/promotion.md) to a snapshot that just completed: one list
 * of the cluster's snapshots, at most one PATCH of the snapshot's retention. Whatever Atlas
 * refuses leaves the snapshot as it was and becomes a warning: a completed backup never turns into
 * an ERROR here, and nothing is ever deleted.
 */
import { AtlasCodes } from '../codes';
import { describeError, isCodedError } from '../errors';
import { LogEvents } from '../log-events';
import type { AtlasApi, AtlasSnapshot, FollowUp, Logger, Promotion, RetentionSetting } from '../types';
import { errorExtra } from './outcome';
import { decidePromotion, type PromotionDecision } from './promote';

export interface PromotionResult {
  promotedTo?: RetentionSetting;
  /** The `expiresAt` Atlas answered to the PATCH. */
  expiresAt?: string;
  warning?: string;
}

export const SHARDED_PROMOTION_WARNING =
  'retention promotion is not available for sharded clusters (Atlas has no PATCH for sharded snapshots)';

/** How much of Atlas's own words a warning quotes. */
const QUOTED = 200;

export async function applyPromotion(
  atlas: AtlasApi,
  followUp: FollowUp,
  snapshot: AtlasSnapshot,
  promotion: Promotion,
  logger: Logger,
): Promise<PromotionResult> {
  if (followUp.sharded) return { warning: SHARDED_PROMOTION_WARNING };
  let decision: PromotionDecision;
  try {
    const others = await atlas.listSnapshots(followUp.projectId, followUp.clusterName, false);
    decision = decidePromotion(snapshot, others, promotion);
  } catch (e: unknown) {
    const { code, detail } = errorExtra(e);
    logger.warn(LogEvents.promotionRefused, { code, error: e, step: 'list' });
    return {
      warning: `retention promotion skipped: the cluster's snapshots could not be listed (${code}: ${detail.slice(0, QUOTED)})`,
    };
  }
  if (decision.kind !== 'promote') {
    logger.info(LogEvents.snapshotPromoted, {
      promoted: false,
      reason: decision.kind === 'kept' ? 'already kept long enough' : decision.reason,
    });
    return {};
  }
  const { setting } = decision;
  try {
    const answered = await atlas.setSnapshotRetention(
      followUp.projectId,
      followUp.clusterName,
      followUp.snapshotId,
      setting,
    );
    logger.info(LogEvents.snapshotPromoted, { promoted: true, promotedTo: setting, expiresAt: answered.expiresAt });
    return {
      promotedTo: setting,
      ...(typeof answered.expiresAt === 'string' ? { expiresAt: answered.expiresAt } : {}),
    };
  } catch (e: unknown) {
    const code = isCodedError(e) ? e.code : undefined;
    logger.warn(LogEvents.promotionRefused, { code, error: e, promotedTo: setting });
    return { warning: refusalWarning(setting, e) };
  }
}

/** What the refusal means and what to do, by Atlas's code. */
function refusalWarning(setting: RetentionSetting, e: unknown): string {
  const target = `${setting.retentionValue} ${setting.retentionUnit}`;
  const code = isCodedError(e) ? e.code : undefined;
  const what = `retention promotion to ${target} refused (${code ?? 'no answer'})`;
  switch (code) {
    case AtlasCodes.CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY:
      return `${what}: a Backup Compliance Policy on the project governs snapshot retention; ask the project owner to review the policy, or turn promotion off (atlasSnapshot.promotion)`;
    case AtlasCodes.CANNOT_MODIFY_SNAPSHOT:
      return `${what}: the credentials need Project Backup Manager on the project to change a snapshot's retention`;
    case AtlasCodes.CANNOT_MODIFY_IN_PROGRESS_SNAPSHOT_RETENTION:
      return `${what}: Atlas still counts the snapshot as in progress; its retention was left as it was`;
    default:
      return `${what}: ${describeError(e).slice(0, QUOTED)}; the snapshot keeps its retention`;
  }
}
