/** `notificationEmails`: addresses, or `{ address, statuses?, stages? }` filtering what each receives. */
import { z } from 'zod';
import type { Stage, Status } from '../../lambda/snapshot/types';
import { isPlainObject, show } from '../../lambda/snapshot/validation';
import { EMAIL, MAX_EMAIL_LENGTH, STAGES, STATUSES } from './limits';
import { distinctListOf, unknownKeys } from './rules';
import type { EmailSubscriptionConfig } from './types';

const EMAIL_FIELDS = ['address', 'statuses', 'stages'];
const SHAPE = `"address@example.com" or { "address": "...", "statuses": [${STATUSES.map((s) => `"${s}"`).join(', ')}] }`;
const checkStatuses = distinctListOf(STATUSES);
const checkStages = distinctListOf(STAGES);

function isAddress(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_EMAIL_LENGTH && EMAIL.test(value);
}

const badAddress = (address: unknown): string =>
  ` must be an e-mail address such as ops@example.com, got ${show(address)}`;

/** One entry; issues are relative to it (the address of an object entry is `.address`). */
const entry = z.unknown().superRefine((value, ctx) => {
  const issue = (path: PropertyKey[], message: string, input: unknown): void =>
    ctx.addIssue({ code: 'custom', path, message, input });
  if (typeof value === 'string') {
    if (!isAddress(value)) issue([], badAddress(value), value);
    return;
  }
  if (!isPlainObject(value)) {
    issue([], ` must be ${SHAPE}, got ${show(value)}`, value);
    return;
  }
  for (const message of unknownKeys(value, EMAIL_FIELDS)) issue([], message, value);
  const { address, statuses, stages } = value;
  if (!isAddress(address)) issue(['address'], badAddress(address), address);
  if (statuses !== undefined) for (const m of checkStatuses(statuses)) issue(['statuses'], m, statuses);
  if (stages !== undefined) for (const m of checkStages(stages)) issue(['stages'], m, stages);
});

/** An entry as the stack reads it (call once the entry passed). */
function normalise(value: unknown): EmailSubscriptionConfig {
  if (!isPlainObject(value)) return { address: value as string };
  const { address, statuses, stages } = value;
  return {
    address: address as string,
    ...(statuses !== undefined ? { statuses: statuses as Status[] } : {}),
    ...(stages !== undefined ? { stages: stages as Stage[] } : {}),
  };
}

/** An address is subscribed once, whatever its case (SNS keeps one subscription per endpoint). */
function repeatedAddresses(list: readonly unknown[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((value, i) => {
    const address = isPlainObject(value) ? value.address : value;
    if (!isAddress(address)) return;
    if (seen.has(address.toLowerCase())) {
      ctx.addIssue({
        code: 'custom',
        path: isPlainObject(value) ? [i, 'address'] : [i],
        input: address,
        message: ` repeats ${show(address)}: each address can be subscribed once`,
      });
    }
    seen.add(address.toLowerCase());
  });
}

export const emailsSchema = z
  .array(entry, { error: (issue) => ` must be an array of ${SHAPE}, got ${show(issue.input)}` })
  .superRefine(repeatedAddresses, { when: (payload) => Array.isArray(payload.value) })
  .transform((list) => list.map(normalise));
