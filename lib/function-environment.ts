/**
 * The function's environment (DESIGN.md section 2), built in one place so that the config check
 * (does it fit Lambda's 4 KB?) and the function construct agree. Pure: no CDK.
 */
import { ENV } from '../lambda/snapshot/contract';
import type { Target } from '../lambda/snapshot/types';

export interface FunctionEnvironmentValues {
  secretId: string;
  topicArn: string;
  targets: readonly Target[];
  retentionInDays: number;
  description: string;
  atlasBaseUrl?: string;
}

/** Lambda's limit on all environment variables of a function together. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * Room kept for the ARN of a topic the stack creates (unknown until deploy): the longest partition
 * and region names plus the 256 characters SNS allows for a topic name.
 */
export const TOPIC_ARN_RESERVE = `arn:aws-iso-b:sns:${'x'.repeat(20)}:${'0'.repeat(12)}:${'t'.repeat(256)}`;

export function functionEnvironment(values: FunctionEnvironmentValues): Record<string, string> {
  return {
    [ENV.secretId]: values.secretId,
    [ENV.topicArn]: values.topicArn,
    [ENV.targets]: JSON.stringify(values.targets),
    [ENV.retentionDays]: String(values.retentionInDays),
    [ENV.description]: values.description,
    ...(values.atlasBaseUrl !== undefined ? { [ENV.baseUrl]: values.atlasBaseUrl } : {}),
  };
}

/** Size Lambda counts, taken conservatively as the UTF-8 length of the variables as a JSON object. */
export function environmentBytes(environment: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(environment), 'utf8');
}
