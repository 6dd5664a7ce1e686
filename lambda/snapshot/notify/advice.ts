/**
 * "What to do" per code (docs/notifications.md, "Codes"): the next step for the person who reads the
 * e-mail, naming the real configuration field (`cdk.json` atlasSnapshot.<field>) or the console steps.
 */
import { AtlasCodes, Codes } from '../codes';
import type { Outcome, RunSummary } from '../types';

const REDEPLOY = 'then run "cdk deploy"';

const FIXED: Record<string, string> = {
  [Codes.SNAPSHOT_IN_PROGRESS]:
    'Nothing, unless this repeats for many runs: then look at the pending snapshot in the Atlas UI (Backup > Snapshots); Atlas allows one on-demand snapshot at a time.',
  [Codes.DRY_RUN]:
    'Nothing. This was a dry run: credentials, network access and the cluster were checked; run without "dryRun" to take the snapshot.',
  [Codes.SNAPSHOT_FAILED]:
    "Atlas reports that the snapshot failed. Look at the cluster's Backup > Snapshots and the project's Activity Feed in the Atlas UI; the next scheduled run requests a new snapshot. If it keeps failing, contact MongoDB support with the snapshot id.",
  [Codes.SNAPSHOT_NOT_CONFIRMED]: `Look at the snapshot in the Atlas UI (cluster > Backup > Snapshots): it may still finish. If snapshots of this cluster normally take longer, raise atlasSnapshot.confirmation.maxHours in cdk.json, ${REDEPLOY}. If the detail says the next check could not be scheduled, check the function's scheduler permissions and the schedule group.`,
  [Codes.CLUSTER_PAUSED]: `Nothing is backed up while the cluster is paused. Resume it in Atlas (cluster > ... > Resume Cluster) to back it up, or remove it from atlasSnapshot.targets in cdk.json (${REDEPLOY}) if it stays paused.`,
  [Codes.NO_CLUSTERS]:
    'Check the selector in atlasSnapshot.targets (projectId, tags): it matched no cluster, so nothing was backed up.',
  [Codes.INVALID_CONFIG]: `Fix the stack configuration (cdk.json "atlasSnapshot", the field is named above), ${REDEPLOY}.`,
  [Codes.SECRET_UNAVAILABLE]:
    "Check that the secret exists in this account and region, and that the function's role may read it (and decrypt it with its KMS key). If the detail says it did not answer in time, it is retried on the next run.",
  [Codes.SECRET_INVALID]:
    'Fix the secret value: a JSON object {"clientId","clientSecret"} (service account) or {"publicKey","privateKey"} (API key); a MongoDB CloudFormation profile secret ({"PublicKey","PrivateKey"}) works as it is.',
  [Codes.ATLAS_AUTH_FAILED]:
    'Atlas refused the credentials: check that the client id/secret (or API key) in the secret are current and not revoked (a rotated secret is picked up within minutes).',
  [Codes.ATLAS_UNREACHABLE]: `Atlas did not answer in time. It is retried on the next scheduled run; if it persists, check Atlas status and the function's network egress, or raise atlasSnapshot.timeoutSeconds in cdk.json (${REDEPLOY}).`,
  [Codes.ATLAS_INVALID_RESPONSE]:
    'Atlas answered with something that is not the document it promises (or a body far too large). Usually transient: the next run tries again. If it repeats, check atlasSnapshot.atlasBaseUrl in cdk.json and any proxy in between.',
  [Codes.UNSUPPORTED_CLUSTER]: `This cluster tier has no on-demand snapshots. Remove it from atlasSnapshot.targets in cdk.json (${REDEPLOY}), or upgrade it to a dedicated cluster (M10+).`,
  [Codes.BACKUP_NOT_ENABLED]:
    'Enable Cloud Backup on the cluster in Atlas (cluster > Edit Configuration > Backups), or remove it from atlasSnapshot.targets in cdk.json.',
  [Codes.UNEXPECTED_ERROR]:
    "This should not happen: look at the function's log of this invocation (link below) and report it with that log. The next scheduled run tries again.",
  [AtlasCodes.SNAPSHOT_NOT_FOUND]:
    'Atlas no longer has this snapshot (deleted by someone, or expired before the check). Look at the cluster in the Atlas UI (Backup > Snapshots); the next scheduled run requests a new one.',
  [AtlasCodes.CLUSTER_NOT_FOUND]: `Check the clusterName in atlasSnapshot.targets: the cluster may have been renamed or deleted (${REDEPLOY} after fixing it).`,
  [AtlasCodes.USER_UNAUTHORIZED]:
    'Atlas accepted the credentials but they have no role that allows this on the project: give the service account or API key in the secret the Project Backup Manager role on this project (Atlas: Project > Project Identity & Access > Applications), then run again.',
  [AtlasCodes.GROUP_NOT_FOUND]:
    "Check the projectId in atlasSnapshot.targets, and that the credentials belong to that project's organization.",
  [AtlasCodes.SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY]: `The project has a Backup Compliance Policy with a longer minimum retention: raise atlasSnapshot.retentionInDays (or the schedule's retentionInDays) in cdk.json to at least the policy's minimum, ${REDEPLOY}.`,
  [AtlasCodes.RATE_LIMITED_TOKEN_BUCKET]: rateLimitAdvice(),
  [AtlasCodes.RATE_LIMITED]: rateLimitAdvice(),
  [AtlasCodes.VERSION_GONE]:
    'Atlas answered VERSION_GONE, so this version of atlas-snapshot-scheduler uses an Atlas API version Atlas has retired: upgrade it to the newest release and run "cdk deploy" again.',
  [AtlasCodes.IP_ADDRESS_NOT_ON_ACCESS_LIST]:
    "Add the function's egress IP to the API access list of the service account or API key in the secret " +
    '(Atlas: Organization > Access Manager > Applications > Service Accounts or API Keys > the account or key > Add Access List Entry), then run again. ' +
    'Which IP: with the stack option egress {"mode":"nat"}, the stack output AtlasAccessListIp (it does not change); ' +
    'with {"mode":"vpc"}, your VPC\'s NAT address. Without egress the function calls Atlas from Lambda\'s shared, changing ' +
    'addresses (the one Atlas saw is in the detail above): deploy with egress rather than adding it (docs/egress.md).',
};

function rateLimitAdvice(): string {
  return `Atlas rate-limited the calls beyond the time left. Lower atlasSnapshot.concurrency in cdk.json, spread the targets over several atlasSnapshot.schedules, or raise atlasSnapshot.timeoutSeconds; ${REDEPLOY}.`;
}

/** What the reader of an outcome should do next. */
export function adviceFor(o: Outcome): string {
  switch (o.code) {
    case Codes.SNAPSHOT_REQUESTED:
      return o.followUpAt
        ? `Nothing. Atlas queued the snapshot; a check at ${o.followUpAt} confirms that it completed (a SNAPSHOT_COMPLETED message follows).`
        : "Nothing. Atlas queued the snapshot; it normally completes within minutes. It is listed under the cluster's Backup > Snapshots in the Atlas UI.";
    case Codes.SNAPSHOT_COMPLETED: {
      const kept = o.promotedTo
        ? ` Its retention was extended to ${o.promotedTo.retentionValue} ${o.promotedTo.retentionUnit.toLowerCase()} (retention promotion, atlasSnapshot.promotion).`
        : '';
      return o.warnings && o.warnings.length > 0
        ? `Nothing for the backup: it exists.${kept} Read the warnings below (they did not change the result). The snapshot is listed under the cluster's Backup > Snapshots in the Atlas UI.`
        : `Nothing. The backup exists: it is listed under the cluster's Backup > Snapshots in the Atlas UI.${kept}`;
    }
    case Codes.INVALID_INPUT:
      return o.stage === 'confirmation'
        ? 'A follow-up event this function did not write (or one edited by hand) was refused. If a person sent it, send a run event instead; the snapshot it named was not checked: look at it in the Atlas UI.'
        : 'Fix the invocation event (the field is named above) and run again. Allowed fields: targets, retentionInDays, description, dryRun, promotion.';
    default:
      break;
  }
  const fixed = FIXED[o.code];
  if (fixed !== undefined) return fixed;
  if (o.httpStatus === 401 || o.httpStatus === 403) {
    return "Atlas refused the credentials or their role: check the secret's key, its Project Backup Manager role on this project, and its API access list.";
  }
  return o.status === 'ERROR'
    ? "See the detail above and the function's log of this invocation (link below). The next scheduled run tries again."
    : 'Nothing.';
}

/** What the reader of a run summary should do next. */
export function summaryAdvice(s: RunSummary): string {
  if (s.status === 'ERROR') {
    return "Each target that ended in ERROR has its own message saying what to do; the table below lists them. The function's Errors alarm counts this run.";
  }
  if (s.status === 'SKIPPED') {
    return 'Nothing, unless a cluster below should have been backed up: its own message says why it was skipped.';
  }
  return 'Nothing.';
}
