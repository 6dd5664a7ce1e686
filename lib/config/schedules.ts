/** `schedules`: one EventBridge Scheduler schedule per entry, each with its own overrides. */
import { z } from 'zod';
import type { Promotion } from '../../lambda/snapshot/types';
import { checkDescription, checkRetention, isPlainObject, isTimeZone, show } from '../../lambda/snapshot/validation';
import { parseScheduleExpression } from '../schedule-expression';
import { DEFAULTS, SCHEDULE_NAME } from './limits';
import { checkPromotionOrFalse, toPromotionOrFalse, type Problems } from './rules';
import { checked, strictObject } from './schema-helpers';

const SHAPE = '{ "name", "expression", "timezone"?, "retentionInDays"?, "description"?, "promotion"? }';

function isScheduleName(value: unknown): value is string {
  return typeof value === 'string' && SCHEDULE_NAME.test(value);
}

function checkName(value: unknown): Problems {
  return isScheduleName(value)
    ? []
    : [` must be 1-64 characters of 0-9 a-z A-Z - _ . (EventBridge Scheduler names), got ${show(value)}`];
}

function checkExpression(value: unknown): Problems {
  if (typeof value !== 'string') {
    return [` must be an EventBridge Scheduler cron(...) or rate(...) expression string, got ${show(value)}`];
  }
  const parsed = parseScheduleExpression(value);
  if (parsed.ok) return [];
  const text = parsed.problem.startsWith('must') ? parsed.problem : `is not valid: ${parsed.problem}`;
  return [` ${text}, got ${show(value)}`];
}

/** Any IANA zone the runtime knows, spelt as the tz database spells it (Asia/Kolkata, Etc/UTC, UTC). */
function checkScheduleTimeZone(value: unknown): Problems {
  return isTimeZone(value)
    ? []
    : [` must be an IANA time zone such as Europe/Paris or America/New_York, or UTC, got ${show(value)}`];
}

const scheduleSchema = strictObject(
  {
    name: checked<string>(checkName),
    expression: checked<string>(checkExpression),
    timezone: checked<string>(checkScheduleTimeZone).default(DEFAULTS.timezone),
    retentionInDays: checked<number>((v) => checkRetention(v, '')).optional(),
    description: checked<string>((v) => checkDescription(v, '')).optional(),
    promotion: checked<Promotion | false>((v) => checkPromotionOrFalse(v, 'no promotion for this schedule'))
      .transform(toPromotionOrFalse)
      .optional(),
  },
  (input) => ` must be an object ${SHAPE}, got ${show(input)}`,
);

/** Schedule names become construct ids and the `schedule` of each run: each once. */
function repeatedNames(list: readonly unknown[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((entry, i) => {
    const name = isPlainObject(entry) ? entry.name : undefined;
    if (!isScheduleName(name)) return;
    if (seen.has(name)) {
      const message = ` repeats ${show(name)}: schedule names must be unique`;
      ctx.addIssue({ code: 'custom', path: [i, 'name'], input: name, message });
    }
    seen.add(name);
  });
}

const notAList = (input: unknown): string => ` must be a non-empty array of ${SHAPE}, got ${show(input)}`;

export const schedulesSchema = z
  .array(scheduleSchema, { error: (issue) => notAList(issue.input) })
  .min(1, { error: (issue) => notAList(issue.input) })
  .superRefine(repeatedNames, { when: (payload) => Array.isArray(payload.value) });
