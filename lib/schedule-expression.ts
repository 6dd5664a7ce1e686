/**
 * EventBridge Scheduler recurring expressions, parsed for validation and for the missed-snapshot
 * alarm window. Pure: no CDK, no I/O.
 *
 * rate(value unit): value a positive integer, unit minute/minutes/hour/hours/day/days (singular
 * exactly when value is 1, as EventBridge writes it).
 * cron(minutes hours day-of-month month day-of-week year), every field as EventBridge documents:
 *   minutes 0-59 and hours 0-23 with , - * /
 *   day-of-month 1-31 with , - * / ? and the single forms L (last day) and nW (weekday nearest n)
 *   month 1-12 or JAN-DEC with , - * /
 *   day-of-week 1-7 or SUN-SAT (1 = Sunday) with , - * / ? and the single forms L (Saturday),
 *     nL (last weekday n of the month) and n#k (k-th weekday n of the month)
 *   year 1970-2199 with , - * /
 * Exactly one of day-of-month and day-of-week is `?`.
 */

export interface RateExpression {
  kind: 'rate';
  /** Interval between runs. */
  seconds: number;
}

/** A day-of-month rule: a set of days, the last day, or the weekday nearest a day. */
export type DayOfMonthRule =
  | { kind: 'any' }
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'last' }
  | { kind: 'nearestWeekday'; day: number };

/** A day-of-week rule (1 = Sunday ... 7 = Saturday). */
export type DayOfWeekRule =
  | { kind: 'any' }
  | { kind: 'days'; days: ReadonlySet<number> }
  | { kind: 'lastOfMonth'; weekday: number }
  | { kind: 'nthOfMonth'; weekday: number; nth: number };

export interface CronExpression {
  kind: 'cron';
  /** Minutes of the day (hour * 60 + minute) at which the cron fires on a matching day, ascending. */
  timesOfDay: readonly number[];
  months: ReadonlySet<number>;
  dayOfMonth: DayOfMonthRule;
  dayOfWeek: DayOfWeekRule;
  /** Validated but not used for the window (see schedule-window.ts). */
  years: ReadonlySet<number> | 'any';
}

export type ScheduleExpressionValue = RateExpression | CronExpression;

export type ParseResult = { ok: true; value: ScheduleExpressionValue } | { ok: false; problem: string };

const RATE_UNITS: Record<string, number> = { minute: 60, hour: 3600, day: 86400 };
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export const RATE_SYNTAX = 'rate(<positive integer> minute|minutes|hour|hours|day|days)';
export const CRON_SYNTAX = 'cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)';

export function parseScheduleExpression(expression: string): ParseResult {
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return parseRate(rate[1] ?? '');
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return parseCron(cron[1] ?? '');
  return { ok: false, problem: `must be ${RATE_SYNTAX} or ${CRON_SYNTAX}` };
}

function parseRate(body: string): ParseResult {
  const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  const value = match ? Number(match[1]) : Number.NaN;
  const unit = match?.[2] ?? '';
  if (!match || !Number.isSafeInteger(value) || value < 1) {
    return { ok: false, problem: `must be ${RATE_SYNTAX}` };
  }
  const singular = !unit.endsWith('s');
  if (singular !== (value === 1)) {
    return {
      ok: false,
      problem: `must use the singular unit for 1 and the plural otherwise, as in rate(1 hour) or rate(12 hours)`,
    };
  }
  return { ok: true, value: { kind: 'rate', seconds: value * (RATE_UNITS[unit.replace(/s$/, '')] ?? 0) } };
}

class FieldError extends Error {}

interface FieldSpec {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Index of names[0] in the numeric range (JAN = 1, SUN = 1). */
  nameBase?: number;
}

const MINUTES: FieldSpec = { label: 'minutes', min: 0, max: 59 };
const HOURS: FieldSpec = { label: 'hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { label: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { label: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 };
const DAY_OF_WEEK: FieldSpec = { label: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, nameBase: 1 };
const YEAR: FieldSpec = { label: 'year', min: 1970, max: 2199 };

function parseCron(body: string): ParseResult {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6 || body.trim() === '') {
    return { ok: false, problem: `must have 6 fields: ${CRON_SYNTAX} (found ${fields.filter(Boolean).length})` };
  }
  const [minutesText, hoursText, domText, monthText, dowText, yearText] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  try {
    if ((domText === '?') === (dowText === '?')) {
      throw new FieldError(
        'exactly one of day-of-month and day-of-week must be ? (for example cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *))',
      );
    }
    const minutes = parseList(minutesText, MINUTES);
    const hours = parseList(hoursText, HOURS);
    const months = parseList(monthText, MONTH);
    const years = yearText === '*' ? 'any' : parseList(yearText, YEAR);
    const dayOfMonth = parseDayOfMonth(domText);
    const dayOfWeek = parseDayOfWeek(dowText);
    const timesOfDay = [...hours]
      .sort((a, b) => a - b)
      .flatMap((h) => [...minutes].sort((a, b) => a - b).map((m) => h * 60 + m));
    return { ok: true, value: { kind: 'cron', timesOfDay, months, dayOfMonth, dayOfWeek, years } };
  } catch (e: unknown) {
    if (e instanceof FieldError) return { ok: false, problem: e.message };
    throw e;
  }
}

function parseDayOfMonth(text: string): DayOfMonthRule {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'last' };
  const weekday = /^(\d{1,2})W$/.exec(text);
  if (weekday) {
    const day = Number(weekday[1]);
    if (day < 1 || day > 31) throw new FieldError(`day-of-month ${text}: nW needs n from 1 to 31`);
    return { kind: 'nearestWeekday', day };
  }
  if (/[LW]/.test(text)) throw new FieldError(`day-of-month ${text}: L and W stand alone (L, or nW such as 15W)`);
  const days = parseList(text, DAY_OF_MONTH);
  return days.size === 31 ? { kind: 'any' } : { kind: 'days', days };
}

function parseDayOfWeek(text: string): DayOfWeekRule {
  if (text === '?') return { kind: 'any' };
  if (text === 'L') return { kind: 'days', days: new Set([7]) };
  const last = /^([1-7])L$/.exec(text);
  if (last) return { kind: 'lastOfMonth', weekday: Number(last[1]) };
  const nth = /^([A-Z]{3}|\d)#(\d)$/.exec(text);
  if (nth) {
    const weekday = parseValue(nth[1] ?? '', DAY_OF_WEEK);
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw new FieldError(`day-of-week ${text}: in n#k, k must be from 1 to 5`);
    return { kind: 'nthOfMonth', weekday, nth: n };
  }
  if (/[L#]/.test(text))
    throw new FieldError(`day-of-week ${text}: L and # stand alone (L, nL such as 6L, or n#k such as MON#1)`);
  const days = parseList(text, DAY_OF_WEEK);
  return days.size === 7 ? { kind: 'any' } : { kind: 'days', days };
}

/** A comma-separated list of `*`, `*\/n`, `a`, `a-b`, `a/n` or `a-b/n`. */
function parseList(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^(\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) throw new FieldError(`${spec.label} field ${show(text)} is not valid: ${allowedText(spec)}`);
    const range = match[1] ?? '';
    const step = match[2] === undefined ? 1 : Number(match[2]);
    if (step < 1) throw new FieldError(`${spec.label} field ${show(text)}: the step after / must be at least 1`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      const [a, b] = range.split('-') as [string, string | undefined];
      from = parseValue(a, spec);
      // `a/n` runs from a to the end of the range.
      to = b === undefined ? (match[2] === undefined ? from : spec.max) : parseValue(b, spec);
      if (to < from) throw new FieldError(`${spec.label} field ${show(text)}: range ${range} runs backwards`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(text)) throw new FieldError(`${spec.label} value ${show(text)} is not valid: ${allowedText(spec)}`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new FieldError(`${spec.label} value ${text} is out of range: ${allowedText(spec)}`);
  }
  return value;
}

function allowedText(spec: FieldSpec): string {
  const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
  return `allowed ${spec.min}-${spec.max}${names} with , - * /`;
}

function show(text: string): string {
  return JSON.stringify(text);
}
