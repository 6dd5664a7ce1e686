/**
 * Lambda entry point: reads the environment once per container, creates the SDK clients and
 * the logger once, and wires the real adapters into the handler. Everything else lives in
 * modules that tests drive with fakes or loopback servers.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { createAtlasClient } from './atlas';
import { readFunctionConfig } from './config';
import { SecretSource } from './credentials';
import { createHandler } from './handler';
import { createLogger } from './logger';
import { snsPublisher } from './notify';

const level = process.env.LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL;
const logger = createLogger({
  ...(level !== undefined ? { level } : {}),
  fields: { service: 'atlas-snapshot-scheduler' },
});
const config = readFunctionConfig(process.env);
const topicArn = config.ok ? config.config.topicArn : config.topicArn;

export const handler = createHandler({
  config,
  logger,
  ...(config.ok
    ? {
        secrets: new SecretSource({
          client: new SecretsManagerClient({}),
          secretId: config.config.secretId,
          ttlMs: config.config.secretTtlMs,
        }),
      }
    : {}),
  ...(topicArn ? { publisher: snsPublisher(new SNSClient({}), topicArn) } : {}),
  createAtlas: (options) => createAtlasClient(options),
  writeMetric: (record) => void process.stdout.write(`${JSON.stringify(record)}\n`),
});
