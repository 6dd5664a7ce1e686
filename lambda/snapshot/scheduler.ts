/**
 * The EventBridge Scheduler adapter behind the `FollowUpScheduler` port: one CreateSchedule per
 * follow-up check, a one-time `at()` schedule in UTC that invokes this function with the
 * follow-up event and deletes itself afterwards (docs/design.md, "Completion confirmation").
 * A name that already exists (ConflictException) is a repeated invocation: `exists`, no second
 * chain. Anything else is a `CodedError` named after the SDK error, with a short message.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { describeAwsFailure } from './aws-errors';
import { CodedError } from './errors';
import type { CallOptions, FollowUpEvent, FollowUpScheduler } from './types';

/** Scheduler's limit for a schedule's description. */
const MAX_DESCRIPTION_CHARS = 512;

export interface SchedulerAdapterOptions {
  client: Pick<SchedulerClient, 'send'>;
  /** CONFIRM_SCHEDULE_GROUP. */
  groupName: string;
  /** CONFIRM_ROLE_ARN: the role Scheduler assumes to invoke the function. */
  roleArn: string;
  /** The function's ARN (a version or alias qualifier is dropped: the schedule targets `$LATEST`'s ARN). */
  functionArn: string;
  /** CONFIRM_DEAD_LETTER_ARN: where Scheduler sends a check it could not deliver. */
  deadLetterArn?: string;
  /** Scheduler's retries of a failed invocation. Default 2. */
  retryAttempts?: number;
  /** How long Scheduler keeps retrying (seconds, 60 to 86400). Default 3600. */
  maxEventAgeSeconds?: number;
}

export function schedulerAdapter(options: SchedulerAdapterOptions): FollowUpScheduler {
  return {
    async schedule(name, at, event, callOptions: CallOptions = {}) {
      try {
        const command = new CreateScheduleCommand(createScheduleInput(options, name, at, event));
        await options.client.send(command, callOptions.abortSignal ? { abortSignal: callOptions.abortSignal } : {});
        return 'created';
      } catch (error: unknown) {
        if (isConflict(error)) return 'exists';
        const failure = describeAwsFailure(error);
        throw new CodedError(
          failure.code,
          `EventBridge Scheduler did not create schedule ${name} in group ${options.groupName}: ${failure.detail}`,
          failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {},
        );
      }
    },
  };
}

/** The CreateSchedule request for one follow-up check. */
export function createScheduleInput(
  options: SchedulerAdapterOptions,
  name: string,
  at: Date,
  event: FollowUpEvent,
): CreateScheduleCommandInput {
  const target: CreateScheduleCommandInput['Target'] = {
    Arn: unqualifiedFunctionArn(options.functionArn),
    RoleArn: options.roleArn,
    Input: JSON.stringify(event),
    RetryPolicy: {
      MaximumRetryAttempts: options.retryAttempts ?? 2,
      MaximumEventAgeInSeconds: options.maxEventAgeSeconds ?? 3600,
    },
  };
  if (options.deadLetterArn !== undefined) target.DeadLetterConfig = { Arn: options.deadLetterArn };
  return {
    Name: name,
    GroupName: options.groupName,
    ScheduleExpression: atExpression(at),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    State: 'ENABLED',
    Description: describe(event).slice(0, MAX_DESCRIPTION_CHARS),
    Target: target,
  };
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC: seconds, no milliseconds (dropped), no zone suffix. */
export function atExpression(date: Date): string {
  if (!Number.isFinite(date.getTime())) throw new RangeError('atExpression: invalid date');
  return `at(${date.toISOString().slice(0, 19)})`;
}

const QUALIFIED_FUNCTION_ARN = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+):[A-Za-z0-9$_-]+$/;

/**
 * `arn:aws:lambda:<region>:<account>:function:<name>:<version|alias>` -> without the qualifier.
 * Anything else (already unqualified, or not a function ARN) is returned as it is.
 */
export function unqualifiedFunctionArn(invokedFunctionArn: string): string {
  return QUALIFIED_FUNCTION_ARN.exec(invokedFunctionArn)?.[1] ?? invokedFunctionArn;
}

function describe({ followUp }: FollowUpEvent): string {
  return `Confirmation check ${followUp.attempt} of Atlas snapshot ${followUp.snapshotId} (${followUp.projectId}/${followUp.clusterName})`;
}

function isConflict(error: unknown): boolean {
  return error instanceof ConflictException || (error instanceof Error && error.name === 'ConflictException');
}
