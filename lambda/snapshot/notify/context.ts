/**
 * "Where to look" (docs/notifications.md): the account, region and function an e-mail came from, and a
 * link to the invocation's log lines in the CloudWatch Logs console. Pure: the handler passes what the
 * Lambda context and environment say.
 */

export interface WhereToLook {
  invocationId: string;
  /** From the invoked function's ARN. */
  account?: string;
  partition?: string;
  region?: string;
  functionName?: string;
  /** The function's ARN without a version or alias qualifier. */
  functionArn?: string;
  logGroupName?: string;
  /** CloudWatch Logs console URL of the log group filtered by the invocation id (when the region is known). */
  logUrl?: string;
}

export interface WhereToLookInput {
  invocationId: string;
  invokedFunctionArn?: string | undefined;
  functionName?: string | undefined;
  /** AWS_REGION. */
  region?: string | undefined;
  /** AWS_LAMBDA_LOG_GROUP_NAME. */
  logGroupName?: string | undefined;
}

export interface FunctionArn {
  partition: string;
  region: string;
  account: string;
  functionName: string;
  /** The ARN without a version or alias qualifier. */
  unqualified: string;
}

const FUNCTION_ARN =
  /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/;

/** `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`, or undefined. */
export function parseFunctionArn(arn: string | undefined): FunctionArn | undefined {
  const match = arn === undefined ? null : FUNCTION_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition = '', region = '', account = '', functionName = ''] = match;
  return {
    partition,
    region,
    account,
    functionName,
    unqualified: `arn:${partition}:lambda:${region}:${account}:function:${functionName}`,
  };
}

/** The console's origin for a partition and region, or undefined for a partition without a public console. */
export function consoleOrigin(partition: string, region: string): string | undefined {
  switch (partition) {
    case 'aws':
      return `https://${region}.console.aws.amazon.com`;
    case 'aws-cn':
      return 'https://console.amazonaws.cn';
    case 'aws-us-gov':
      return 'https://console.amazonaws-us-gov.com';
    default:
      return undefined;
  }
}

/**
 * How the CloudWatch console encodes a value inside its `#logsV2:` fragment: URI-encoded twice with
 * every `%` written as `$` (`/` -> `$252F`, `"` -> `$2522`).
 */
export function consoleEncode(value: string): string {
  return encodeURIComponent(encodeURIComponent(value)).replace(/%/g, '$');
}

/**
 * The log group's events filtered by the invocation id. The id is quoted: an unquoted filter term
 * with `-` in it would not match as one term.
 */
export function logsConsoleUrl(partition: string, region: string, logGroupName: string, invocationId: string) {
  const origin = consoleOrigin(partition, region);
  if (origin === undefined) return undefined;
  const group = consoleEncode(logGroupName);
  const filter = consoleEncode(`"${invocationId}"`);
  return `${origin}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${group}/log-events$3FfilterPattern$3D${filter}`;
}

export function whereToLook(input: WhereToLookInput): WhereToLook {
  const arn = parseFunctionArn(input.invokedFunctionArn);
  const region = input.region || arn?.region;
  const functionName = input.functionName || arn?.functionName;
  const logGroupName = input.logGroupName || (functionName ? `/aws/lambda/${functionName}` : undefined);
  const partition = arn?.partition ?? (region ? partitionOfRegion(region) : undefined);
  const logUrl =
    partition && region && logGroupName
      ? logsConsoleUrl(partition, region, logGroupName, input.invocationId)
      : undefined;
  return {
    invocationId: input.invocationId,
    ...(arn ? { account: arn.account, functionArn: arn.unqualified } : {}),
    ...(partition ? { partition } : {}),
    ...(region ? { region } : {}),
    ...(functionName ? { functionName } : {}),
    ...(logGroupName ? { logGroupName } : {}),
    ...(logUrl ? { logUrl } : {}),
  };
}

function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The e-mail block every body ends with. */
export function whereToLookLines(where: WhereToLook): string[] {
  const unknown = 'unknown (not in the invocation context)';
  const log = where.logUrl
    ? where.logUrl
    : `log group ${where.logGroupName ?? unknown}, filter by "${where.invocationId}"`;
  return [
    'Where to look:',
    `  account: ${where.account ?? unknown}`,
    `  region: ${where.region ?? unknown}`,
    `  function: ${where.functionName ?? unknown}`,
    `  log of this invocation: ${log}`,
  ];
}
