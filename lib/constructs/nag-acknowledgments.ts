/**
 * Every cdk-nag AwsSolutions acknowledgment of the construct, in one place: each names one finding
 * on one resource with the real reason (docs/permissions.md "cdk-nag"). They travel
 * with the construct, so a stack that only uses it has no unacknowledged finding from it.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Schedules } from './schedules';
import type { SnapshotFunction } from './snapshot-function';

export interface AcknowledgedParts {
  snapshotFunction: SnapshotFunction;
  schedules: Schedules;
}

export function acknowledgeNagFindings({ snapshotFunction: fn, schedules }: AcknowledgedParts): void {
  const stack = Stack.of(fn);
  if (fn.secretArnIsPattern) {
    const policy = fn.role.node.findChild('DefaultPolicy');
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceText(stack, fn.secretArn)}]`,
      reason:
        'The secret is configured by name; Secrets Manager appends "-" and 6 random characters to its ARN, and ' +
        '"??????" matches exactly those 6 characters, so the statement names that one secret (give the complete ARN ' +
        'in secretName to avoid the pattern).',
    });
  }
  if (fn.networkInterfacePolicy !== undefined && fn.networkInterfaceArn !== undefined) {
    Validations.of(fn.networkInterfacePolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets are granted on "*": these actions have no ' +
        'resource-level permissions, and Lambda needs them to attach the function to the VPC (egress option).',
    });
    Validations.of(fn.networkInterfacePolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceText(stack, fn.networkInterfaceArn)}]`,
      reason:
        "Lambda creates, deletes and assigns addresses to the function's VPC network interfaces with its role; their ids " +
        "do not exist before Lambda creates them, and AWS's Lambda guide gives this account-and-region form " +
        '(arn:...:ec2:<region>:<account>:*/*) because Lambda checks DeleteNetworkInterface when it creates the function.',
    });
  }
  if (fn.followUpPolicy !== undefined && fn.followUpSchedulesArn !== undefined) {
    Validations.of(fn.followUpPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceText(stack, fn.followUpSchedulesArn)}]`,
      reason:
        "The function creates, reads and deletes one-time follow-up schedules in the stack's own schedule group; " +
        'their names are made at run time from Atlas snapshot ids (snap-<snapshotId>-<attempt>), so the statement ' +
        'names every schedule of that one group (schedule/<group>/*) and no other group.',
    });
  }
  Validations.of(fn.failedRunQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself a dead-letter queue: the on-failure destination of the function's asynchronous " +
      'invocations. cdk-nag recognises only queues named in a redrive policy or a function DeadLetterConfig.',
  });
  Validations.of(schedules.deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is itself a dead-letter queue: EventBridge Scheduler's dead-letter queue for events it could not " +
      'deliver. cdk-nag recognises only queues named in a redrive policy or a function DeadLetterConfig.',
  });
}

/** The text cdk-nag shows for a resource: intrinsics as <AWS::Partition>, <Logical.Attr>, ... */
export function nagResourceText(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join('');
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string') return `<${record.Ref}>`;
    const join = record['Fn::Join'];
    if (Array.isArray(join)) {
      const [separator, parts] = join as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${(getAtt as string[]).join('.')}>`;
  }
  return JSON.stringify(value);
}
