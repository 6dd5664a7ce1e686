/**
 * One EventBridge Scheduler schedule per configured entry, invoking the function with the entry's
 * input. Scheduler (rather than EventBridge rules) because it evaluates cron expressions in an IANA
 * time zone with Daylight Saving Time, and gives each target its own retry policy and dead-letter
 * queue.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ScheduleEntry {
  name: string;
  expression: string;
  timezone: string;
  retentionInDays?: number;
  description?: string;
}

export interface SchedulesProps {
  function: lambda.IFunction;
  schedules: readonly ScheduleEntry[];
}

/** Delivery retries of Scheduler when the invoke call fails (throttling, service errors). */
export const SCHEDULER_RETRY_ATTEMPTS = 2;
export const SCHEDULER_MAX_EVENT_AGE = Duration.hours(1);

/** The event a schedule sends: its name (trigger = schedule) and only the overrides it sets. */
export function scheduleInput(entry: ScheduleEntry): Record<string, unknown> {
  return {
    schedule: entry.name,
    ...(entry.retentionInDays !== undefined ? { retentionInDays: entry.retentionInDays } : {}),
    ...(entry.description !== undefined ? { description: entry.description } : {}),
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
  readonly deadLetterQueue: sqs.Queue;
  readonly schedules: scheduler.Schedule[];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // The construct id is the configured name (unique, Scheduler's charset): the schedule's logical
    // id follows its name, so renaming a schedule replaces it and nothing else.
    this.schedules = props.schedules.map(
      (entry) =>
        new scheduler.Schedule(this, entry.name, {
          description: `atlas-snapshot-scheduler "${entry.name}": ${entry.expression} ${entry.timezone}`,
          schedule: scheduler.ScheduleExpression.expression(entry.expression, TimeZone.of(entry.timezone)),
          timeWindow: scheduler.TimeWindow.off(),
          target: new InvokeUnqualifiedFunction(props.function, {
            input: scheduler.ScheduleTargetInput.fromObject(scheduleInput(entry)),
            retryAttempts: SCHEDULER_RETRY_ATTEMPTS,
            maxEventAge: SCHEDULER_MAX_EVENT_AGE,
            deadLetterQueue: this.deadLetterQueue,
          }),
        }),
    );
  }
}
