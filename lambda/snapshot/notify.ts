/**
 * Outcome notifications (DESIGN.md section 6): one SNS message per target with a JSON
 * `default` body for machines, a plain-text `email` body for the person woken at 3 a.m., a short
 * subject and the five filterable message attributes. Formatting is pure; publishing is a thin
 * adapter over the SNS client.
 */
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { AtlasCodes, Codes } from './codes';
import type { Outcome } from './types';

export interface Notification {
  subject: string;
  /** The `Message` for `MessageStructure: json`. */
  message: string;
  attributes: Record<string, MessageAttributeValue>;
}

const SUBJECT_MAX = 100;

/** Subject: status and cluster first (mail clients cut the end), ASCII, one line, <= 100 chars. */
export function subjectFor(o: Outcome): string {
  const where = o.clusterName ? `${o.clusterName}${o.clusterName === '*' ? ' (all clusters)' : ''}` : 'all targets';
  const what: Record<string, string> = {
    [Codes.SNAPSHOT_REQUESTED]: 'snapshot requested',
    [Codes.SNAPSHOT_IN_PROGRESS]: 'snapshot already in progress',
    [Codes.DRY_RUN]: 'dry run, nothing requested',
  };
  const text = `[${o.status}] Atlas snapshot ${where}: ${what[o.code] ?? o.code}`;
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= SUBJECT_MAX ? ascii : `${ascii.slice(0, SUBJECT_MAX - 3)}...`;
}

/** What the reader should do next, by code. */
export function adviceFor(o: Outcome): string {
  switch (o.code) {
    case Codes.SNAPSHOT_REQUESTED:
      return "Nothing. Atlas queued the snapshot; it normally completes within minutes. It is listed under the cluster's Backup > Snapshots in the Atlas UI.";
    case Codes.SNAPSHOT_IN_PROGRESS:
      return 'Nothing, unless this repeats for many runs: then look at the pending snapshot in the Atlas UI (Backup > Snapshots); Atlas allows one on-demand snapshot at a time.';
    case Codes.DRY_RUN:
      return 'Nothing. This was a dry run: credentials, network access and the cluster were checked; run without "dryRun" to take the snapshot.';
    case Codes.NO_CLUSTERS:
      return 'Check the projectId in the configuration: the project has no clusters, so nothing was backed up.';
    case Codes.INVALID_INPUT:
      return 'Fix the invocation event (the field is named above) and run again. Allowed fields: targets, retentionInDays, description, dryRun.';
    case Codes.INVALID_CONFIG:
      return 'Fix the stack configuration (cdk.json "atlasSnapshot", the field is named above) and redeploy with "cdk deploy".';
    case Codes.SECRET_UNAVAILABLE:
      return "Check that the secret exists in this account and region, and that the function's role may read it (and decrypt it with its KMS key).";
    case Codes.SECRET_INVALID:
      return 'Fix the secret value: a JSON object {"clientId","clientSecret"} (service account) or {"publicKey","privateKey"} (API key).';
    case Codes.ATLAS_AUTH_FAILED:
      return 'Atlas refused the service account credentials: check that the client id/secret in the secret are current (a rotated secret is picked up within minutes).';
    case Codes.ATLAS_UNREACHABLE:
      return "Atlas did not answer in time. It is retried automatically on the next scheduled run; if it persists, check Atlas status and the function's network egress, or raise the function timeout.";
    case Codes.UNSUPPORTED_CLUSTER:
      return 'This cluster tier has no on-demand snapshots. Remove it from the targets, or upgrade it to a dedicated cluster (M10+).';
    case Codes.BACKUP_NOT_ENABLED:
      return 'Enable Cloud Backup on the cluster in Atlas (cluster > Edit configuration > Backups), or remove it from the targets.';
    case AtlasCodes.IP_ADDRESS_NOT_ON_ACCESS_LIST:
      return (
        "Add the function's egress IP to the API access list of the service account or API key in the secret " +
        '(Atlas: Organization > Access Manager > Applications > Service Accounts or API Keys > the account or key > Add Access List Entry), then run again. ' +
        'Which IP: with the stack option egress {"mode":"nat"}, the stack output AtlasAccessListIp (it does not change); ' +
        'with {"mode":"vpc"}, your VPC\'s NAT address. Without egress the function calls Atlas from Lambda\'s shared, changing ' +
        'addresses (the one Atlas saw is in the detail above): deploy with egress rather than adding it (README, IP access list).'
      );
    case AtlasCodes.CLUSTER_NOT_FOUND:
      return 'Check the clusterName in the targets: the cluster may have been renamed or deleted.';
    case AtlasCodes.GROUP_NOT_FOUND:
      return "Check the projectId in the targets, and that the credentials belong to that project's organization.";
    case AtlasCodes.RATE_LIMITED_TOKEN_BUCKET:
    case AtlasCodes.RATE_LIMITED:
      return 'Atlas rate-limited the calls beyond the time left. Lower ATLAS_CONCURRENCY, spread targets over schedules, or raise the timeout.';
    case AtlasCodes.SNAPSHOT_RETENTION_LESS_THAN_BACKUP_COMPLIANCE_POLICY:
      return "Raise retentionInDays to at least the project's Backup Compliance Policy minimum.";
    default:
      if (o.httpStatus === 401 || o.httpStatus === 403) {
        return "Atlas refused the credentials or their role: check the secret's key, its Project Backup Manager role on this project, and its API access list.";
      }
      return o.status === 'ERROR'
        ? "See the detail above and the function's log (search for the invocation id). The next scheduled run tries again."
        : 'Nothing.';
  }
}

const FIELD_ORDER: Array<keyof Outcome> = [
  'status',
  'code',
  'projectId',
  'clusterName',
  'snapshotId',
  'snapshotStatus',
  'retentionInDays',
  'description',
  'expiresAt',
  'httpStatus',
  'detail',
  'trigger',
  'dryRun',
  'invocationId',
  'timestamp',
];

function fieldText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

export function emailBody(o: Outcome): string {
  const cluster = o.clusterName
    ? `cluster ${o.clusterName}${o.projectId ? ` (project ${o.projectId})` : ''}`
    : 'the configured targets';
  const headline: Record<string, string> = {
    SUCCESS: `An on-demand snapshot was requested for ${cluster}.`,
    SKIPPED: `No snapshot was requested for ${cluster}.`,
    ERROR: `The on-demand snapshot for ${cluster} FAILED.`,
  };
  const lines = [
    headline[o.status] ?? '',
    '',
    `What happened: ${o.code}${o.httpStatus ? ` (HTTP ${o.httpStatus})` : ''}${o.detail ? `: ${o.detail}` : ''}`,
    `What to do: ${adviceFor(o)}`,
    '',
    `Run: ${o.trigger}${o.dryRun ? ' (dry run)' : ''} at ${o.timestamp}, Lambda request id ${o.invocationId}`,
    '',
    'Details:',
    ...FIELD_ORDER.filter((k) => o[k] !== undefined).map((k) => `  ${k}: ${fieldText(o[k])}`),
  ];
  return lines.join('\n');
}

function attribute(value: string | undefined): MessageAttributeValue | undefined {
  return value ? { DataType: 'String', StringValue: value } : undefined;
}

export function formatNotification(o: Outcome): Notification {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries({
    status: o.status,
    code: o.code,
    projectId: o.projectId,
    clusterName: o.clusterName,
    trigger: o.trigger,
  })) {
    const attr = attribute(value);
    if (attr) attributes[name] = attr;
  }
  return {
    subject: subjectFor(o),
    message: JSON.stringify({ default: JSON.stringify(o), email: emailBody(o) }),
    attributes,
  };
}

export interface Publisher {
  publish(outcome: Outcome): Promise<string | undefined>;
}

export function snsPublisher(client: Pick<SNSClient, 'send'>, topicArn: string): Publisher {
  return {
    async publish(outcome) {
      const n = formatNotification(outcome);
      const answer = await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: n.subject,
          Message: n.message,
          MessageStructure: 'json',
          MessageAttributes: n.attributes,
        }),
      );
      return answer.MessageId;
    },
  };
}
