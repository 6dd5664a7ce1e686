/**
 * `npm start -- --real`: the deployable bundle against real AWS and Atlas, with the user's own
 * AWS credentials and Atlas credentials secret, before anything is deployed. Secrets Manager is
 * always the real one (no endpoint override); SNS is the real topic when --topic-arn is given,
 * otherwise a local stand-in that captures the messages so they are printed, not published.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ENV } from '../lambda/snapshot/contract';
import type { RealOptions } from './start/options';

/** A run that cannot start for a reason the user can fix: printed without a stack trace, exit 1. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

export const REAL_FUNCTION_NAME = 'AtlasSnapshotScheduler-check';
export const REAL_DESCRIPTION = 'On-demand snapshot (atlas-snapshot-scheduler, npm start --real)';
export const REAL_RETENTION_DAYS = '7';
/**
 * Confirmation in a real run (docs/local.md): the follow-up schedules go to a local Scheduler
 * stand-in, never to the user's account, under a stand-in account, group and role; the checks
 * come 1, 3, 7 and 15 minutes after the request (first check 1 minute, doubling).
 */
export const REAL_STAND_IN_ACCOUNT = '000000000000';
export const REAL_SCHEDULE_GROUP = 'npm-start-follow-ups';
export const REAL_FOLLOW_UP_ROLE_ARN = `arn:aws:iam::${REAL_STAND_IN_ACCOUNT}:role/npm-start-follow-up`;
export const REAL_FIRST_CHECK_MINUTES = 1;
/** How long a real run with --take-snapshot waits for the snapshot by default (--confirm-minutes). */
export const DEFAULT_CONFIRM_MINUTES = 15;

/** Where the captured messages go when no --topic-arn is given. */
export interface CaptureEndpoint {
  endpoint: string;
  topicArn: string;
}

/** The local Scheduler stand-in the follow-up schedules of a real run go to. */
export interface SchedulerEndpoint {
  endpoint: string;
}

export interface RealRun {
  env: Record<string, string>;
  event: Record<string, unknown>;
}

/** Variables of the user's shell the function must not inherit: the run sets its own. */
function inheritable(name: string): boolean {
  if (name.startsWith('AWS_ENDPOINT_URL')) return false; // real AWS: never a stand-in for Secrets Manager
  if (name === 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS') return false;
  if ((Object.values(ENV) as string[]).includes(name)) return false;
  return !['LOG_LEVEL', 'AWS_LAMBDA_LOG_LEVEL', 'LOCAL_LAMBDA_BUNDLE'].includes(name);
}

/**
 * The function's environment and event for a real run. The user's environment passes through
 * (AWS_PROFILE, credentials, HOME for ~/.aws) except endpoint overrides and the function's own
 * variables; only AWS_ENDPOINT_URL_SNS is set, and only when the messages are captured locally,
 * and AWS_ENDPOINT_URL_SCHEDULER with CONFIRM_*, only when follow-up checks go to a local stand-in.
 */
export function buildRealRun(
  options: RealOptions,
  parentEnv: Record<string, string | undefined>,
  resolved: { region: string; capture?: CaptureEndpoint; scheduler?: SchedulerEndpoint },
): RealRun {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parentEnv)) {
    if (value !== undefined && inheritable(name)) env[name] = value;
  }
  const topicArn = options.topicArn ?? resolved.capture?.topicArn;
  if (!topicArn) throw new Error('buildRealRun: no --topic-arn and no local capture endpoint');
  Object.assign(env, {
    AWS_REGION: resolved.region,
    [ENV.secretId]: options.secretId,
    [ENV.topicArn]: topicArn,
    [ENV.targets]: JSON.stringify(options.targets),
    [ENV.retentionDays]: REAL_RETENTION_DAYS,
    [ENV.description]: REAL_DESCRIPTION,
    // Debug level: the client's "Atlas request" lines are the only record of the calls here.
    LOG_LEVEL: 'debug',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  if (options.atlasBaseUrl !== undefined) env[ENV.baseUrl] = options.atlasBaseUrl;
  if (options.topicArn === undefined && resolved.capture) env.AWS_ENDPOINT_URL_SNS = resolved.capture.endpoint;
  if (resolved.scheduler) {
    Object.assign(env, {
      AWS_ENDPOINT_URL_SCHEDULER: resolved.scheduler.endpoint,
      [ENV.confirmScheduleGroup]: REAL_SCHEDULE_GROUP,
      [ENV.confirmRoleArn]: REAL_FOLLOW_UP_ROLE_ARN,
      [ENV.confirmFirstCheckMinutes]: String(REAL_FIRST_CHECK_MINUTES),
      [ENV.confirmMaxHours]: '1',
    });
  }
  return { env, event: { ...options.event, dryRun: !options.takeSnapshot } };
}

const CREDENTIALS_HELP =
  "Real mode uses your own AWS credentials through the SDK's default chain: e.g. AWS_PROFILE=<profile> " +
  '(after "aws sso login" for SSO profiles), or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment.';

/**
 * Resolves the region and the credentials the function will use, before anything runs, so a
 * missing profile or region is one clear sentence rather than an ERROR outcome per target.
 * Nothing is sent to AWS here (except what a credential provider itself does, e.g. SSO).
 */
export async function checkAwsAccess(region: string | undefined): Promise<{ region: string }> {
  const client = new SecretsManagerClient(region !== undefined ? { region } : {});
  try {
    let resolvedRegion: string;
    try {
      resolvedRegion = await client.config.region();
    } catch {
      throw new SetupError('no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile.');
    }
    if (!resolvedRegion)
      throw new SetupError('no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile.');
    try {
      await client.config.credentials();
    } catch (e: unknown) {
      const why = e instanceof Error ? e.message : String(e);
      throw new SetupError(`no usable AWS credentials (${why}). ${CREDENTIALS_HELP}`);
    }
    return { region: resolvedRegion };
  } finally {
    client.destroy();
  }
}
