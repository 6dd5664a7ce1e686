/**
 * The floor of the cold-start comparison: only what any version of the function must load, the
 * two AWS SDK clients (created at module scope, as lambda/snapshot/index.ts does) and axios.
 * Bundled by bench/bundles.ts with the deploy's esbuild options.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import axios from 'axios';

const secrets = new SecretsManagerClient({});
const sns = new SNSClient({});

export const handler = (): Promise<string[]> =>
  Promise.resolve([typeof secrets.send, typeof sns.send, typeof axios.request]);
