/**
 * The checks EventBridge Scheduler applies to a CreateSchedule request (API model 2021-06-30:
 * names, ARN patterns, ranges, enums) and to schedule expressions (`at(...)`, `rate(...)`,
 * `cron(...)`), and the evaluation of a one-time `at()` in its time zone. A request real
 * Scheduler would refuse with ValidationException is refused here the same way.
 */

/** `[0-9a-zA-Z-_.]{1,64}`: schedule and group names. */
export const NAME_PATTERN = /^[0-9a-zA-Z_.-]{1,64}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const DEAD_LETTER_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9_-]+$/;
const KMS_KEY_ARN = /^arn:aws(-[a-z]+)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[0-9a-zA-Z_-]*$/;
/** Any ARN (universal targets have no region or account: `arn:aws:scheduler:::aws-sdk:...`). */
const ANY_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:\S+$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:/;
/**
 * Target input: the model sets no maximum (min 1); EventBridge Scheduler's quota on a target's
 * payload is 256 KB, the same as the Lambda asynchronous invocation it becomes.
 */
export const MAX_INPUT_BYTES = 256 * 1024;

export class SchedulerError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const validationError = (message: string) => new SchedulerError('ValidationException', 400, message);

/** The Coral wording of a model constraint, e.g. `Value 'a b' at 'name' failed to satisfy constraint: ...`. */
function constraint(field: string, value: unknown, rule: string): SchedulerError {
  const shown =
    value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return validationError(
    `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

export function checkName(field: string, value: unknown): string {
  if (typeof value !== 'string') throw constraint(field, value, 'Member must not be null');
  if (!NAME_PATTERN.test(value)) {
    throw constraint(
      field,
      value,
      value.length < 1 || value.length > 64
        ? 'Member must have length between 1 and 64'
        : 'Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+',
    );
  }
  return value;
}

export interface ScheduleTarget {
  arn: string;
  roleArn: string;
  input?: string;
  retryPolicy: { maximumEventAgeInSeconds: number; maximumRetryAttempts: number };
  deadLetterArn?: string;
  /** Other target parameters (EcsParameters, SqsParameters, ...), kept as sent. */
  extra: Record<string, unknown>;
}

export type ScheduleState = 'ENABLED' | 'DISABLED';
export type ActionAfterCompletion = 'NONE' | 'DELETE';

/** A CreateSchedule body that passed every check, with Scheduler's defaults applied. */
export interface CreateScheduleInput {
  groupName: string;
  scheduleExpression: string;
  scheduleExpressionTimezone: string;
  flexibleTimeWindow: { mode: 'OFF' | 'FLEXIBLE'; maximumWindowInMinutes?: number };
  target: ScheduleTarget;
  state: ScheduleState;
  actionAfterCompletion: ActionAfterCompletion;
  description?: string;
  startDate?: number;
  endDate?: number;
  kmsKeyArn?: string;
  clientToken?: string;
  /** One-time schedules: when the target is invoked (epoch ms). */
  fireAt?: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalString(body: Json, key: string, field: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationError(`Invalid type for ${field}: expected a string.`);
  return value;
}

function oneOf<T extends string>(value: string | undefined, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw constraint(field, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

function intInRange(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw constraint(field, value, `Member must have value between ${min} and ${max}`);
  }
  return value;
}

function matching(value: string | undefined, field: string, pattern: RegExp): string | undefined {
  if (value !== undefined && !pattern.test(value)) {
    throw constraint(field, value, `Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
}

/** Validates a CreateSchedule body (the name comes from the path and is checked by the caller). */
export function parseCreateSchedule(body: Json): CreateScheduleInput {
  const expression = optionalString(body, 'ScheduleExpression', 'scheduleExpression');
  if (expression === undefined) throw constraint('scheduleExpression', undefined, 'Member must not be null');
  if (expression.length > 256)
    throw constraint('scheduleExpression', expression, 'Member must have length less than or equal to 256');
  const timezone = optionalString(body, 'ScheduleExpressionTimezone', 'scheduleExpressionTimezone') ?? 'UTC';
  checkTimeZone(timezone);
  const fireAt = checkExpression(expression, timezone);
  const description = optionalString(body, 'Description', 'description');
  if (description !== undefined && description.length > 512) {
    throw constraint('description', description, 'Member must have length less than or equal to 512');
  }
  const input: CreateScheduleInput = {
    groupName: body.GroupName === undefined ? 'default' : checkName('groupName', body.GroupName),
    scheduleExpression: expression,
    scheduleExpressionTimezone: timezone,
    flexibleTimeWindow: parseWindow(body.FlexibleTimeWindow),
    target: parseTarget(body.Target),
    state: oneOf(optionalString(body, 'State', 'state'), 'state', ['ENABLED', 'DISABLED'], 'ENABLED'),
    actionAfterCompletion: oneOf(
      optionalString(body, 'ActionAfterCompletion', 'actionAfterCompletion'),
      'actionAfterCompletion',
      ['NONE', 'DELETE'],
      'NONE',
    ),
  };
  if (description !== undefined) input.description = description;
  const kmsKeyArn = matching(optionalString(body, 'KmsKeyArn', 'kmsKeyArn'), 'kmsKeyArn', KMS_KEY_ARN);
  if (kmsKeyArn !== undefined) input.kmsKeyArn = kmsKeyArn;
  const clientToken = optionalString(body, 'ClientToken', 'clientToken');
  if (clientToken !== undefined) input.clientToken = clientToken;
  for (const key of ['StartDate', 'EndDate'] as const) {
    const value = body[key];
    if (typeof value === 'number') input[key === 'StartDate' ? 'startDate' : 'endDate'] = value;
  }
  if (fireAt !== undefined) input.fireAt = fireAt;
  return input;
}

function parseWindow(value: unknown): CreateScheduleInput['flexibleTimeWindow'] {
  if (!isObject(value)) throw constraint('flexibleTimeWindow', undefined, 'Member must not be null');
  const modeValue = value.Mode;
  if (typeof modeValue !== 'string') throw constraint('flexibleTimeWindow.mode', undefined, 'Member must not be null');
  const mode = oneOf(modeValue, 'flexibleTimeWindow.mode', ['OFF', 'FLEXIBLE'], 'OFF');
  const minutes = intInRange(value.MaximumWindowInMinutes, 'flexibleTimeWindow.maximumWindowInMinutes', 1, 1440);
  if (mode === 'FLEXIBLE' && minutes === undefined) {
    throw validationError('MaximumWindowInMinutes must be provided when FlexibleTimeWindow Mode is FLEXIBLE.');
  }
  return minutes === undefined ? { mode } : { mode, maximumWindowInMinutes: minutes };
}

function parseTarget(value: unknown): ScheduleTarget {
  if (!isObject(value)) throw constraint('target', undefined, 'Member must not be null');
  const { Arn, RoleArn, Input, RetryPolicy, DeadLetterConfig, ...extra } = value;
  if (typeof Arn !== 'string') throw constraint('target.arn', undefined, 'Member must not be null');
  if (Arn.length > 1600 || !ANY_ARN.test(Arn)) throw validationError(`Invalid target ARN: ${Arn}`);
  if (typeof RoleArn !== 'string') throw constraint('target.roleArn', undefined, 'Member must not be null');
  matching(RoleArn, 'target.roleArn', ROLE_ARN);
  const target: ScheduleTarget = {
    arn: Arn,
    roleArn: RoleArn,
    retryPolicy: parseRetryPolicy(RetryPolicy),
    extra,
  };
  if (Input !== undefined && Input !== null) target.input = checkInput(Arn, Input);
  if (isObject(DeadLetterConfig) && typeof DeadLetterConfig.Arn === 'string') {
    target.deadLetterArn = DeadLetterConfig.Arn;
    matching(DeadLetterConfig.Arn, 'target.deadLetterConfig.arn', DEAD_LETTER_ARN);
  }
  return target;
}

function parseRetryPolicy(value: unknown): ScheduleTarget['retryPolicy'] {
  // Scheduler's defaults when the target has no retry policy: 24 hours, 185 retries.
  const policy = isObject(value) ? value : {};
  return {
    maximumEventAgeInSeconds:
      intInRange(policy.MaximumEventAgeInSeconds, 'target.retryPolicy.maximumEventAgeInSeconds', 60, 86400) ?? 86400,
    maximumRetryAttempts:
      intInRange(policy.MaximumRetryAttempts, 'target.retryPolicy.maximumRetryAttempts', 0, 185) ?? 185,
  };
}

function checkInput(targetArn: string, input: unknown): string {
  if (typeof input !== 'string' || input.length === 0) {
    throw constraint('target.input', input, 'Member must have length greater than or equal to 1');
  }
  if (Buffer.byteLength(input) > MAX_INPUT_BYTES) {
    throw validationError(`Target input is larger than the maximum of ${MAX_INPUT_BYTES} bytes.`);
  }
  // Templated Lambda (and Step Functions, EventBridge) targets take well-formed JSON only.
  if (LAMBDA_ARN.test(targetArn)) {
    try {
      JSON.parse(input);
    } catch {
      throw validationError('Invalid request provided: Input must be a well-formed JSON for a Lambda target.');
    }
  }
  return input;
}

export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw validationError(`Invalid time zone: ${timeZone}`);
  }
}

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const CRON_FIELD = /^[0-9A-Za-z*?,/#-]+$/;

/** Checks the expression's shape; for `at()` returns the epoch ms it fires at. */
export function checkExpression(expression: string, timeZone: string): number | undefined {
  const invalid = () => validationError(`Invalid Schedule Expression ${expression}.`);
  const at = AT.exec(expression);
  if (at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59)
      throw invalid();
    return wallTimeToEpochMs([year, month, day, hour, minute, second], timeZone);
  }
  const rate = RATE.exec(expression);
  if (rate) {
    if (Number(rate[1]) < 1) throw invalid();
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = (cron[1] ?? '').split(' ');
    // minutes hours day-of-month month day-of-week year; exactly one of the two day fields is `?`.
    if (fields.length !== 6 || !fields.every((f) => CRON_FIELD.test(f))) throw invalid();
    if ((fields[2] === '?') === (fields[4] === '?')) throw invalid();
    return undefined;
  }
  throw invalid();
}

/** A wall-clock time in `timeZone` as epoch ms (twice through the offset for DST edges). */
export function wallTimeToEpochMs(parts: [number, number, number, number, number, number], timeZone: string): number {
  const [year, month, day, hour, minute, second] = parts;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  return asUtc - zoneOffsetMs(first, timeZone);
}

function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - (epochMs - (epochMs % 1000));
}
