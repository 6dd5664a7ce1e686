/**
 * One EventBridge Scheduler schedule per configured entry, invoking the function with the entry's
 * input. Scheduler (rather than EventBridge rules) because it evaluates cron expressions in an IANA
 * time zone with Daylight Saving Time, and gives each target its own retry policy and dead-letter
 * queue. The dead-letter queue is created first (the follow-up schedules of docs/design.md
 * "Completion confirmation" use it too, and the function's environment names it); the schedules
 * once the function exists (`invoke`).
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ScheduleConfig } from '../config/types';

/** One entry of `schedules`, as validated (lib/config). */
export type ScheduleEntry = ScheduleConfig;

/** Delivery retries of Scheduler when the invoke call fails (throttling, service errors). */
export const SCHEDULER_RETRY_ATTEMPTS = 2;
export const SCHEDULER_MAX_EVENT_AGE = Duration.hours(1);

/**
 * The event a schedule sends: its name (trigger = schedule) and only the overrides it sets;
 * `promotion` as an object, or `false` to turn the default promotion off for its runs.
 */
export function scheduleInput(entry: ScheduleEntry): Record<string, unknown> {
  return {
    schedule: entry.name,
    ...(entry.retentionInDays !== undefined ? { retentionInDays: entry.retentionInDays } : {}),
    ...(entry.description !== undefined ? { description: entry.description } : {}),
    ...(entry.promotion !== undefined ? { promotion: entry.promotion } : {}),
  };
}

/**
 * LambdaInvoke grants `lambda:InvokeFunction` on the function and on `<function ARN>:*` (every
 * version and alias). Scheduler invokes the unqualified ARN only, so the role gets exactly that.
 */
class InvokeUnqualifiedFunction extends LambdaInvoke {
  constructor(
    private readonly target: lambda.IFunction,
    props: ScheduleTargetBaseProps,
  ) {
    super(target, props);
  }

  protected override addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.target.functionArn] }),
    );
  }
}

export class Schedules extends Construct {
  /**
   * Where Scheduler keeps an event it could not deliver, for the recurring and the follow-up
   * schedules alike. SQS-managed encryption: Scheduler needs no key permission to send to it.
   */
  readonly deadLetterQueue: sqs.Queue;
  private readonly created: scheduler.Schedule[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
  }

  /** The recurring schedules created so far. */
  get schedules(): readonly scheduler.Schedule[] {
    return this.created;
  }

  /** One schedule per entry, invoking `fn` with the entry's input. */
  invoke(fn: lambda.IFunction, entries: readonly ScheduleEntry[]): void {
    // The construct id is the configured name (unique, Scheduler's charset): the schedule's logical
    // id follows its name, so renaming a schedule replaces it and nothing else.
    for (const entry of entries) {
      this.created.push(
        new scheduler.Schedule(this, entry.name, {
          description: `atlas-snapshot-scheduler "${entry.name}": ${entry.expression} ${entry.timezone}`,
          schedule: scheduler.ScheduleExpression.expression(entry.expression, TimeZone.of(entry.timezone)),
          timeWindow: scheduler.TimeWindow.off(),
          target: new InvokeUnqualifiedFunction(fn, {
            input: scheduler.ScheduleTargetInput.fromObject(scheduleInput(entry)),
            retryAttempts: SCHEDULER_RETRY_ATTEMPTS,
            maxEventAge: SCHEDULER_MAX_EVENT_AGE,
            deadLetterQueue: this.deadLetterQueue,
          }),
        }),
      );
    }
  }
}
