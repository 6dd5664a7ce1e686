/**
 * Lambda entry point: reads the environment once per container, creates the SDK clients (with
 * connection and request timeouts, so a dependency that hangs fails in seconds) and the logger once,
 * and wires the real adapters and the core into the handler. Everything else lives in modules that
 * tests drive with fakes or loopback servers.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { createAtlasClient } from './atlas-client';
import { readFunctionConfig } from './config';
import { SecretSource } from './credentials';
import { createHandler } from './handler';
import { createLogger } from './logger';
import { publishEach, round1Core } from './merge-bridge';

/** SDK HTTP timeouts: connect within 3 s, answer within 10 s (each attempt; the SDK retries). */
const requestHandler = { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true };

const level = process.env.LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL;
const logger = createLogger({
  ...(level !== undefined ? { level } : {}),
  fields: { service: 'atlas-snapshot-scheduler' },
});
const config = readFunctionConfig(process.env);

// MERGE NOTE (r2-handler): the lead replaces round1Core with the round-2 core and publishEach with
// snsBatchPublisher(new SNSClient({ requestHandler })) from ./notify/publisher, and adds
//   createScheduler: (arn) => schedulerAdapter({ client: new SchedulerClient({ requestHandler }) (once),
//     groupName, roleArn, deadLetterArn, functionArn: unqualifiedFunctionArn(arn) })
// from ./scheduler when config.confirmation is set (see merge-bridge.ts).
export const handler = createHandler({
  config,
  core: round1Core,
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
  publisher: publishEach(new SNSClient({ requestHandler })),
  createAtlas: (options) => createAtlasClient(options),
  writeMetric: (record) => void process.stdout.write(`${JSON.stringify(record)}\n`),
  runtime: { region: process.env.AWS_REGION, logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME },
});
