/**
 * The function's environment in a local run (docs/design.md, "Function environment"), as the stack
 * sets it: either built here from a few settings, or taken from a synthesized template, whose
 * deploy-time values (the topic's ARN, the schedule group, the follow-up role, the dead-letter
 * queue, the chat topic: tokens until deploy) are the local stand-ins' ones, matched by variable.
 */
import { ENV } from '../../lambda/snapshot/contract';
import { confirmationVariables as stackConfirmationVariables } from '../../lib/function-environment';

/** What the stack would have created, here: the local stand-ins' names and ARNs. */
export interface LocalDeployment {
  topicArn: string;
  chatTopicArn?: string;
  scheduleGroup: string;
  roleArn: string;
  deadLetterArn: string;
}

/** Completion confirmation as the function's environment sets it up. */
export interface LocalConfirmation {
  scheduleGroup: string;
  roleArn: string;
  deadLetterArn?: string;
  firstCheckMinutes: number;
  maxHours: number;
}

/** The CONFIRM_* variables the stack sets with confirmation on (by the stack's own rule). */
export function confirmationVariables(confirmation: LocalConfirmation | undefined): Record<string, string> {
  if (!confirmation) return {};
  const { scheduleGroup, ...rest } = confirmation;
  return stackConfirmationVariables({ scheduleGroupName: scheduleGroup, ...rest });
}

/** Confirmation as an environment sets it (absent: off); the function's defaults for what it leaves out. */
export function confirmationOf(
  env: Readonly<Record<string, string>>,
  defaults: { firstCheckMinutes: number; maxHours: number },
): LocalConfirmation | undefined {
  const scheduleGroup = env[ENV.confirmScheduleGroup];
  const roleArn = env[ENV.confirmRoleArn];
  if (scheduleGroup === undefined || roleArn === undefined) return undefined;
  const deadLetterArn = env[ENV.confirmDeadLetterArn];
  return {
    scheduleGroup,
    roleArn,
    ...(deadLetterArn !== undefined ? { deadLetterArn } : {}),
    firstCheckMinutes: Number(env[ENV.confirmFirstCheckMinutes] ?? defaults.firstCheckMinutes),
    maxHours: Number(env[ENV.confirmMaxHours] ?? defaults.maxHours),
  };
}

/**
 * A template's function variables with each deploy-time value (anything not a string: `Ref`,
 * `Fn::GetAtt`, ...) replaced by the local stand-in's. A token in a variable this does not know
 * is refused: the run would otherwise go on with a value nobody chose.
 */
export function resolveStackVariables(
  variables: Readonly<Record<string, unknown>>,
  deployment: LocalDeployment,
): Record<string, string> {
  const local: Record<string, string | undefined> = {
    [ENV.topicArn]: deployment.topicArn,
    [ENV.chatTopicArn]: deployment.chatTopicArn,
    [ENV.confirmScheduleGroup]: deployment.scheduleGroup,
    [ENV.confirmRoleArn]: deployment.roleArn,
    [ENV.confirmDeadLetterArn]: deployment.deadLetterArn,
  };
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const resolved = local[name];
      if (resolved === undefined) {
        throw new Error(`${name} holds a deploy-time value (${JSON.stringify(value)}) a local run cannot resolve`);
      }
      return [name, resolved];
    }),
  );
}
