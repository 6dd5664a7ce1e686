/**
 * EventBridge Scheduler on the protocol @aws-sdk/client-scheduler 3.1169 speaks (restJson1):
 * `POST /schedules/{Name}` (CreateSchedule, JSON body), `GET /schedules/{Name}?groupName=`
 * (GetSchedule), `DELETE /schedules/{Name}?groupName=&clientToken=` (DeleteSchedule) and
 * `GET /schedules?ScheduleGroup=&NamePrefix=&State=&MaxResults=&NextToken=` (ListSchedules).
 * Errors are a JSON `{"Message": ...}` body with the `x-amzn-ErrorType` header the SDK maps to
 * ConflictException, ValidationException, ResourceNotFoundException, ...
 *
 * Nothing fires by itself: the local runtime (or a test) asks `due(now)` which one-time schedules
 * have come due, invokes their targets, and calls `complete()`, which deletes a schedule created
 * with `ActionAfterCompletion: DELETE` as Scheduler does.
 */
import { type HangOptions, FailureScript, type Hangable, HangScript } from './faults';
import {
  type CreateScheduleInput,
  type ScheduleState,
  SchedulerError,
  checkName,
  parseCreateSchedule,
  validationError,
} from './scheduler-rules';
import { type AwsAnswer, type AwsRequest, requestId } from './wire';

export type { ScheduleTarget } from './scheduler-rules';

/** A stored schedule, as the state API shows it. */
export interface ScheduleRecord extends CreateScheduleInput {
  name: string;
  arn: string;
  /** Epoch ms. */
  creationDate: number;
  lastModificationDate: number;
  /** Set by `complete()`: a one-time schedule kept after completion (NONE) does not fire again. */
  completedAt?: number;
}

export interface SchedulerFailure {
  status: number;
  type: string;
  message: string;
}

/** Failures worth scripting; the SDK retries `internal` (500) and `throttling` (429) by itself. */
export const SCHEDULER_FAILURES = {
  internal: {
    status: 500,
    type: 'InternalServerException',
    message: 'Unexpected error encountered while processing the request.',
  },
  throttling: { status: 429, type: 'ThrottlingException', message: 'Rate exceeded' },
  quotaExceeded: {
    status: 402,
    type: 'ServiceQuotaExceededException',
    message: 'The request exceeds a service quota.',
  },
  accessDenied: {
    status: 403,
    type: 'AccessDeniedException',
    message:
      'User: arn:aws:sts::123456789012:assumed-role/local-function/local is not authorized to perform: scheduler:CreateSchedule because no identity-based policy allows the scheduler:CreateSchedule action',
  },
} as const satisfies Record<string, SchedulerFailure>;

/** One request to the stand-in, answered or not. */
export interface SchedulerCall {
  operation: string;
  name?: string;
  groupName?: string;
  status: number;
  errorType?: string;
}

/** What the server hands over: the operation, the decoded `{Name}` path segment and the query. */
export interface SchedulerRequest extends AwsRequest {
  operation: string;
  name?: string;
  query: URLSearchParams;
}

const JSON_TYPE = 'application/json';
const LIST_PAGE_MAX = 100;

function answer(status: number, value: unknown, errorType?: string): AwsAnswer {
  const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, 'x-amzn-RequestId': requestId() };
  if (errorType !== undefined) headers['x-amzn-ErrorType'] = errorType;
  return { status, headers, body: JSON.stringify(value) };
}

export function schedulerError(type: string, status: number, message: string): AwsAnswer {
  return answer(status, { Message: message }, type);
}

const notFound = (message: string) => new SchedulerError('ResourceNotFoundException', 404, message);
const seconds = (ms: number) => ms / 1000;

export class SchedulerStandIn implements Hangable {
  private readonly groups = new Set<string>(['default']);
  private readonly stored = new Map<string, ScheduleRecord>();
  /** Client tokens of deletions already done: a retried DeleteSchedule succeeds again. */
  private readonly deletedTokens = new Set<string>();
  private readonly failures = new FailureScript<SchedulerFailure>();
  private readonly hangs = new HangScript();
  /** Every request, in order. */
  readonly calls: SchedulerCall[] = [];

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Schedule groups other than `default` exist only once added here (CreateScheduleGroup is not served). */
  addScheduleGroup(name: string): string {
    checkName('name', name);
    this.groups.add(name);
    return this.groupArn(name);
  }

  /** Removes a group and its schedules, as DeleteScheduleGroup eventually does. */
  removeScheduleGroup(name: string): void {
    this.groups.delete(name);
    for (const [key, record] of this.stored) if (record.groupName === name) this.stored.delete(key);
  }

  groupArn(name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule-group/${name}`;
  }

  scheduleArn(name: string, groupName = 'default'): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule/${groupName}/${name}`;
  }

  /** Every stored schedule (copies), by group then name. */
  schedules(): ScheduleRecord[] {
    return [...this.stored.values()].sort(byGroupAndName).map((record) => structuredClone(record));
  }

  schedule(name: string, groupName = 'default'): ScheduleRecord | undefined {
    const record = this.stored.get(key(groupName, name));
    return record && structuredClone(record);
  }

  /** Enabled one-time schedules whose time has come and that have not completed, earliest first. */
  due(nowMs: number): ScheduleRecord[] {
    return this.pending()
      .filter((record) => (record.fireAt ?? Number.POSITIVE_INFINITY) <= nowMs)
      .map((record) => structuredClone(record));
  }

  /** When the next one-time schedule fires (epoch ms), if any. */
  nextFireAt(): number | undefined {
    return this.pending()[0]?.fireAt;
  }

  /** The target was invoked: DELETE removes the schedule, NONE keeps it (it will not fire again). */
  complete(name: string, groupName = 'default'): ScheduleRecord {
    const record = this.stored.get(key(groupName, name));
    if (!record) throw new Error(`no schedule ${groupName}/${name}`);
    record.completedAt = this.clock();
    if (record.actionAfterCompletion === 'DELETE') this.stored.delete(key(groupName, name));
    return structuredClone(record);
  }

  /** The next `count` requests fail (default: 500 InternalServerException). */
  failNext(count: number, failure: SchedulerFailure = SCHEDULER_FAILURES.internal): void {
    this.failures.failNext(count, failure);
  }

  /** Every request fails until `recover()`. */
  failAlways(failure: SchedulerFailure = SCHEDULER_FAILURES.internal): void {
    this.failures.failAlways(failure);
  }

  recover(): void {
    this.failures.recover();
  }

  /** The next `count` requests are read and never answered (until the server closes). */
  hangNext(count: number, options: HangOptions = {}): void {
    this.hangs.hangNext(count, options);
  }

  takeHang(): HangOptions | undefined {
    return this.hangs.takeHang();
  }

  clear(): void {
    this.stored.clear();
    this.calls.length = 0;
  }

  handle(req: SchedulerRequest): AwsAnswer {
    const call: SchedulerCall = { operation: req.operation, status: 0 };
    if (req.name !== undefined) call.name = req.name;
    this.calls.push(call);
    let result: AwsAnswer;
    try {
      const failure = this.failures.take();
      if (failure) throw new SchedulerError(failure.type, failure.status, failure.message);
      result = this.dispatch(req, call);
    } catch (error: unknown) {
      if (!(error instanceof SchedulerError)) throw error;
      result = schedulerError(error.type, error.status, error.message);
      call.errorType = error.type;
    }
    call.status = result.status;
    return result;
  }

  private dispatch(req: SchedulerRequest, call: SchedulerCall): AwsAnswer {
    switch (req.operation) {
      case 'CreateSchedule':
        return this.create(checkName('name', req.name), parseBody(req.body), call);
      case 'GetSchedule':
        return answer(200, toWire(this.find(req, call)));
      case 'DeleteSchedule':
        return this.delete(req, call);
      case 'ListSchedules':
        return this.list(req.query);
      default:
        throw new SchedulerError(
          'UnknownOperationException',
          404,
          `${req.operation} is not served by the local stand-in.`,
        );
    }
  }

  private create(name: string, body: Record<string, unknown>, call: SchedulerCall): AwsAnswer {
    const input = parseCreateSchedule(body);
    call.groupName = input.groupName;
    this.checkGroup(input.groupName);
    const existing = this.stored.get(key(input.groupName, name));
    if (existing) {
      // A retried request (same client token) gets the first answer again.
      if (input.clientToken !== undefined && existing.clientToken === input.clientToken) {
        return answer(200, { ScheduleArn: existing.arn });
      }
      throw new SchedulerError('ConflictException', 409, `Schedule ${name} already exists.`);
    }
    const now = this.clock();
    const record: ScheduleRecord = {
      ...input,
      name,
      arn: this.scheduleArn(name, input.groupName),
      creationDate: now,
      lastModificationDate: now,
    };
    this.stored.set(key(input.groupName, name), record);
    return answer(200, { ScheduleArn: record.arn });
  }

  private find(req: SchedulerRequest, call: SchedulerCall): ScheduleRecord {
    const name = checkName('name', req.name);
    const groupName = req.query.get('groupName') ?? 'default';
    call.groupName = groupName;
    checkName('groupName', groupName);
    this.checkGroup(groupName);
    const record = this.stored.get(key(groupName, name));
    if (!record) throw notFound(`Schedule ${name} does not exist.`);
    return record;
  }

  private delete(req: SchedulerRequest, call: SchedulerCall): AwsAnswer {
    const token = req.query.get('clientToken');
    let record: ScheduleRecord;
    try {
      record = this.find(req, call);
    } catch (error: unknown) {
      if (token !== null && this.deletedTokens.has(token) && error instanceof SchedulerError && error.status === 404) {
        return answer(200, {});
      }
      throw error;
    }
    this.stored.delete(key(record.groupName, record.name));
    if (token !== null) this.deletedTokens.add(token);
    return answer(200, {});
  }

  private list(query: URLSearchParams): AwsAnswer {
    const groupName = query.get('ScheduleGroup');
    if (groupName !== null) this.checkGroup(checkName('groupName', groupName));
    const prefix = query.get('NamePrefix');
    const state = query.get('State');
    const max = Number(query.get('MaxResults') ?? LIST_PAGE_MAX);
    if (!Number.isInteger(max) || max < 1 || max > LIST_PAGE_MAX) {
      throw validationError(
        `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
      );
    }
    const start = decodeNextToken(query.get('NextToken'));
    const matches = [...this.stored.values()]
      .filter((r) => groupName === null || r.groupName === groupName)
      .filter((r) => prefix === null || r.name.startsWith(prefix))
      .filter((r) => state === null || r.state === (state as ScheduleState))
      .sort(byGroupAndName);
    const page = matches.slice(start, start + max);
    const next = start + max < matches.length ? { NextToken: encodeNextToken(start + max) } : {};
    return answer(200, { Schedules: page.map(toSummary), ...next });
  }

  private checkGroup(name: string): void {
    if (!this.groups.has(name)) throw notFound(`Schedule group ${name} does not exist.`);
  }

  private pending(): ScheduleRecord[] {
    return [...this.stored.values()]
      .filter((r) => r.fireAt !== undefined && r.state === 'ENABLED' && r.completedAt === undefined)
      .sort((a, b) => (a.fireAt ?? 0) - (b.fireAt ?? 0) || a.creationDate - b.creationDate);
  }
}

const key = (groupName: string, name: string) => `${groupName}/${name}`;

function byGroupAndName(a: ScheduleRecord, b: ScheduleRecord): number {
  return a.groupName.localeCompare(b.groupName) || a.name.localeCompare(b.name);
}

function parseBody(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body || '{}');
  } catch {
    throw new SchedulerError('SerializationException', 400, 'Request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SchedulerError('SerializationException', 400, 'Request body is not a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function encodeNextToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeNextToken(token: string | null): number {
  if (token === null) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the refusal
  }
  throw validationError('Invalid NextToken.');
}

/** GetSchedule's answer: the schedule as created, dates as epoch seconds. */
function toWire(record: ScheduleRecord): Record<string, unknown> {
  const { target, flexibleTimeWindow: window } = record;
  const wireTarget: Record<string, unknown> = {
    ...target.extra,
    Arn: target.arn,
    RoleArn: target.roleArn,
    RetryPolicy: {
      MaximumEventAgeInSeconds: target.retryPolicy.maximumEventAgeInSeconds,
      MaximumRetryAttempts: target.retryPolicy.maximumRetryAttempts,
    },
  };
  if (target.input !== undefined) wireTarget.Input = target.input;
  if (target.deadLetterArn !== undefined) wireTarget.DeadLetterConfig = { Arn: target.deadLetterArn };
  return {
    ActionAfterCompletion: record.actionAfterCompletion,
    Arn: record.arn,
    CreationDate: seconds(record.creationDate),
    ...(record.description !== undefined ? { Description: record.description } : {}),
    ...(record.endDate !== undefined ? { EndDate: record.endDate } : {}),
    FlexibleTimeWindow: {
      Mode: window.mode,
      ...(window.maximumWindowInMinutes !== undefined ? { MaximumWindowInMinutes: window.maximumWindowInMinutes } : {}),
    },
    GroupName: record.groupName,
    ...(record.kmsKeyArn !== undefined ? { KmsKeyArn: record.kmsKeyArn } : {}),
    LastModificationDate: seconds(record.lastModificationDate),
    Name: record.name,
    ScheduleExpression: record.scheduleExpression,
    ScheduleExpressionTimezone: record.scheduleExpressionTimezone,
    ...(record.startDate !== undefined ? { StartDate: record.startDate } : {}),
    State: record.state,
    Target: wireTarget,
  };
}

function toSummary(record: ScheduleRecord): Record<string, unknown> {
  return {
    Arn: record.arn,
    CreationDate: seconds(record.creationDate),
    GroupName: record.groupName,
    LastModificationDate: seconds(record.lastModificationDate),
    Name: record.name,
    State: record.state,
    Target: { Arn: record.target.arn },
  };
}
