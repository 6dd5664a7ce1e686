/**
 * Completion confirmation (docs/design.md "Completion confirmation"): the schedule group the
 * function creates its one-time follow-up schedules in, and the role EventBridge Scheduler assumes
 * to deliver them. The function's own permissions on the group (create, read and delete schedules,
 * pass this role) are granted by SnapshotFunction from the same names.
 *
 * The role may invoke the function and write the schedules' dead-letter queue, nothing else, and
 * only Scheduler acting for this account's group may assume it (confused-deputy conditions).
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export const SCHEDULER_SERVICE = 'scheduler.amazonaws.com';

export interface ConfirmationProps {
  /** Where Scheduler parks a follow-up it could not deliver (the recurring schedules' queue). */
  deadLetterQueue: sqs.IQueue;
}

export class Confirmation extends Construct {
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** The role the follow-up schedules name (CONFIRM_ROLE_ARN). */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ConfirmationProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // The name is derived from the stack name and this construct's path (unique per account and
    // region). Deleting the group deletes the follow-ups still waiting in it: on `cdk destroy` they
    // would otherwise invoke a function that no longer exists.
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // EventBridge Scheduler sets aws:SourceArn to the ARN of the schedule's group (its confused
    // deputy guide says to scope the condition to the group, never to a schedule or a name prefix).
    this.role = new iam.Role(this, 'FollowUpRole', {
      description: 'atlas-snapshot-scheduler: EventBridge Scheduler delivers follow-up checks to the function',
      assumedBy: new iam.ServicePrincipal(SCHEDULER_SERVICE).withConditions({
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
        },
      }),
    });
    // The queue uses SQS-managed encryption: sending to it needs no KMS permission.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }),
    );
  }

  /**
   * Lets the follow-up schedules invoke `fn`: its unqualified ARN only, the target the function
   * names (docs/design.md). The statement lives in the role's own policy resource, so the function
   * (whose environment names the role) and the role do not depend on each other.
   */
  allowInvoke(fn: lambda.IFunction): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
  }
}
