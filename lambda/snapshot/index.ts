/**
 * Lambda entry point: reads the environment once per container, creates the SDK clients (with
 * connection and request timeouts, so a dependency that hangs fails in seconds) and the logger once,
 * and wires the real adapters and the core into the handler. Everything else lives in modules that
 * tests drive with fakes or loopback servers.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { createAtlasClient } from './atlas';
import { readFunctionConfig } from './config';
import { confirmSnapshot } from './core/confirm';
import { runTargets } from './core/run';
import { SecretSource } from './credentials';
import { parseInvocation } from './event';
import { createHandler } from './handler';
import { createLogger } from './logger';
import { snsBatchPublisher } from './notify/publisher';
import { schedulerAdapter } from './scheduler';

/**
 * SDK HTTP timeouts: connect within 3 s, answer within 10 s (each attempt; the SDK retries).
 * `throwOnRequestTimeout`: without it the installed HTTP handler only warns when the request timeout
 * passes and the call goes on waiting.
 */
const requestHandler = { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true };

const level = process.env.LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL;
const logger = createLogger({
  ...(level !== undefined ? { level } : {}),
  fields: { service: 'atlas-snapshot-scheduler' },
});
const config = readFunctionConfig(process.env);
const confirmation = config.ok ? config.config.confirmation : undefined;
// One Scheduler client per container; the adapter is made per invocation (it needs the function's ARN).
const schedulerClient = confirmation ? new SchedulerClient({ requestHandler }) : undefined;

export const handler = createHandler({
  config,
  core: { parseInvocation, runTargets, confirmSnapshot },
  logger,
  ...(config.ok
    ? {
        secrets: new SecretSource({
          client: new SecretsManagerClient({ requestHandler }),
          secretId: config.config.secretId,
          ttlMs: config.config.secretTtlMs,
        }),
      }
    : {}),
  publisher: snsBatchPublisher(new SNSClient({ requestHandler })),
  ...(confirmation && schedulerClient
    ? {
        createScheduler: (functionArn: string) =>
          schedulerAdapter({
            client: schedulerClient,
            groupName: confirmation.scheduleGroup,
            roleArn: confirmation.roleArn,
            functionArn,
            ...(confirmation.deadLetterArn !== undefined ? { deadLetterArn: confirmation.deadLetterArn } : {}),
          }),
      }
    : {}),
  createAtlas: (options) => createAtlasClient(options),
  writeMetric: (record) => void process.stdout.write(`${JSON.stringify(record)}\n`),
  runtime: { region: process.env.AWS_REGION, logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME },
});
