/**
 * The missed-snapshot alarm window, derived from the schedules. Pure: no CDK, no clock.
 *
 * The longest time the stack can go without a run is the largest gap between consecutive firings of
 * the union of all schedules. Cron schedules are enumerated in their time zone over a fixed
 * four-year reference span (2027-2030, one leap year) so that the result does not depend on the day
 * of synthesis; Daylight Saving Time follows EventBridge Scheduler: a local time that does not exist
 * (spring forward) is skipped, a local time that happens twice (fall back) runs once; both choices of
 * that one run are tried and the larger gap is kept. The year field is ignored (a typical year is
 * assumed). A rate schedule starts when it is created, so its phase against the cron schedules is
 * unknown: the union's gap is bounded by the shortest rate interval and the gap of the crons alone.
 *
 * CloudWatch limits (PutMetricAlarm): Period is 10, 20, 30 or a multiple of 60 seconds, and
 * Period x EvaluationPeriods is at most 86,400 s for periods under an hour and at most 604,800 s
 * (7 days) otherwise. The alarm counts N periods of P seconds, all N missing or zero => ALARM; one
 * period is added so that a run near a period boundary is never cut off.
 */
import { parseScheduleExpression, type CronExpression } from './schedule-expression';

export interface ScheduleTiming {
  expression: string;
  /** IANA time zone, or UTC. */
  timezone: string;
}

export const SHORT_PERIOD_SECONDS = 300;
export const LONG_PERIOD_SECONDS = 3600;
/** Period x EvaluationPeriods limit for periods under one hour. */
export const SHORT_PERIOD_RANGE_LIMIT_SECONDS = 86_400;
/** Period x EvaluationPeriods limit for periods of one hour or more. */
export const EVALUATION_RANGE_LIMIT_SECONDS = 604_800;

export interface AlarmWindow {
  /** Largest gap between consecutive runs of all schedules together. */
  maxGapSeconds: number;
  /** Added to the gap for the run itself (timeout) and the metric's arrival. */
  graceSeconds: number;
  periodSeconds: number;
  evaluationPeriods: number;
  /** periodSeconds x evaluationPeriods. */
  windowSeconds: number;
}

export type WindowResult =
  { ok: true; window: AlarmWindow } | { ok: false; maxGapSeconds: number; graceSeconds: number; reason: string };

export function missedSnapshotWindow(schedules: readonly ScheduleTiming[], graceSeconds: number): WindowResult {
  const maxGapSeconds = largestGapSeconds(schedules);
  const needed = maxGapSeconds + graceSeconds;
  for (const [period, limit] of [
    [SHORT_PERIOD_SECONDS, SHORT_PERIOD_RANGE_LIMIT_SECONDS],
    [LONG_PERIOD_SECONDS, EVALUATION_RANGE_LIMIT_SECONDS],
  ] as const) {
    const evaluationPeriods = Math.ceil(needed / period) + 1;
    if (evaluationPeriods * period <= limit) {
      return {
        ok: true,
        window: {
          maxGapSeconds,
          graceSeconds,
          periodSeconds: period,
          evaluationPeriods,
          windowSeconds: evaluationPeriods * period,
        },
      };
    }
  }
  return {
    ok: false,
    maxGapSeconds,
    graceSeconds,
    reason:
      `the schedules can leave ${formatDuration(maxGapSeconds)} between runs; with ${formatDuration(graceSeconds)} of grace ` +
      `that is longer than the 7 days a CloudWatch alarm can evaluate (Period x EvaluationPeriods <= 604,800 s)`,
  };
}

/**
 * The longest gap between runs for which the alarm can still be created with `graceSeconds`: the
 * hourly periods (plus the one for alignment) must fit CloudWatch's 7 days. What the advice of a
 * schedule set that is too sparse names ("runs at most this far apart").
 */
export function longestAlarmableGapSeconds(graceSeconds: number): number {
  const periods = EVALUATION_RANGE_LIMIT_SECONDS / LONG_PERIOD_SECONDS - 1;
  return periods * LONG_PERIOD_SECONDS - graceSeconds;
}

/** Largest gap, in seconds, between consecutive firings of the union; Infinity when unbounded. */
export function largestGapSeconds(schedules: readonly ScheduleTiming[]): number {
  let rateBound = Number.POSITIVE_INFINITY;
  const crons: Array<{ cron: CronExpression; timezone: string }> = [];
  for (const schedule of schedules) {
    const parsed = parseScheduleExpression(schedule.expression);
    if (!parsed.ok) throw new Error(`${schedule.expression} ${parsed.problem}`);
    if (parsed.value.kind === 'rate') rateBound = Math.min(rateBound, parsed.value.seconds);
    else crons.push({ cron: parsed.value, timezone: schedule.timezone });
  }
  if (crons.length === 0) return rateBound;
  let cronGap = 0;
  for (const ambiguous of ['earlier', 'later'] as const) {
    const runs = crons.map(({ cron, timezone }) => cronFirings(cron, timezone, ambiguous));
    cronGap = Math.max(cronGap, mergedMaxGapMs(runs) / 1000);
  }
  return Math.min(rateBound, cronGap);
}

const REFERENCE_START = { year: 2027, month: 1 };
const REFERENCE_MONTHS = 48;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** UTC instants (ms) of a cron's firings over the reference span, ascending. */
export function cronFirings(cron: CronExpression, timezone: string, ambiguous: 'earlier' | 'later'): Float64Array {
  const offsets = new OffsetCache(timezone);
  const out: number[] = [];
  for (let m = 0; m < REFERENCE_MONTHS; m += 1) {
    const year = REFERENCE_START.year + Math.floor((REFERENCE_START.month - 1 + m) / 12);
    const month = ((REFERENCE_START.month - 1 + m) % 12) + 1;
    if (!cron.months.has(month)) continue;
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    for (let day = 1; day <= daysInMonth; day += 1) {
      if (!dayMatches(cron, year, month, day, daysInMonth)) continue;
      const localMidnight = Date.UTC(year, month - 1, day);
      // The local day lies within [start, end] in UTC for every zone (offsets -12 h to +14 h).
      const start = localMidnight - 14 * 3_600_000;
      const end = localMidnight + DAY_MS + 14 * 3_600_000;
      const before = offsets.at(start);
      const after = offsets.at(end);
      // At most one offset change per local day: find its instant once.
      const change = before === after ? end : offsets.changeBetween(start, end);
      for (const minute of cron.timesOfDay) {
        const local = localMidnight + minute * MINUTE_MS;
        if (before === after) {
          out.push(local - before);
          continue;
        }
        const valid = [local - after, local - before]
          .filter((instant) => (instant < change ? before : after) === local - instant)
          .sort((a, b) => a - b);
        const chosen = ambiguous === 'earlier' ? valid[0] : valid[valid.length - 1];
        if (chosen === undefined) continue; // none valid: skipped hour (spring forward)
        out.push(chosen);
      }
    }
  }
  const firings = Float64Array.from(out);
  let previous = Number.NEGATIVE_INFINITY;
  for (const firing of firings) {
    if (firing < previous) return firings.sort();
    previous = firing;
  }
  return firings;
}

function dayMatches(cron: CronExpression, year: number, month: number, day: number, daysInMonth: number): boolean {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1; // 1 = Sunday
  const dom = cron.dayOfMonth;
  switch (dom.kind) {
    case 'any':
      break;
    case 'days':
      if (!dom.days.has(day)) return false;
      break;
    case 'last':
      if (day !== daysInMonth) return false;
      break;
    case 'nearestWeekday':
      if (day !== nearestWeekday(year, month, dom.day, daysInMonth)) return false;
      break;
  }
  const dow = cron.dayOfWeek;
  switch (dow.kind) {
    case 'any':
      return true;
    case 'days':
      return dow.days.has(weekday);
    case 'lastOfMonth':
      return weekday === dow.weekday && day + 7 > daysInMonth;
    case 'nthOfMonth':
      return weekday === dow.weekday && Math.ceil(day / 7) === dow.nth;
  }
}

/** The weekday (Mon-Fri) nearest `target` within the month; undefined when the month is shorter. */
function nearestWeekday(year: number, month: number, target: number, daysInMonth: number): number | undefined {
  if (target > daysInMonth) return undefined;
  const weekday = new Date(Date.UTC(year, month - 1, target)).getUTCDay(); // 0 = Sunday
  if (weekday === 6) return target === 1 ? 3 : target - 1;
  if (weekday === 0) return target === daysInMonth ? target - 2 : target + 1;
  return target;
}

/** Offset (local minus UTC, ms) of a time zone at a UTC instant, from Intl. */
class OffsetCache {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();
  private readonly utc: boolean;

  constructor(timezone: string) {
    this.utc = timezone === 'UTC' || timezone === 'Etc/UTC';
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** First whole minute in (start, end] whose offset differs from the offset at start. */
  changeBetween(start: number, end: number): number {
    const first = this.at(start);
    let low = start; // offset === first
    let high = end; // offset !== first
    while (high - low > MINUTE_MS) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
      if (this.at(middle) === first) low = middle;
      else high = middle;
    }
    return high;
  }

  at(instant: number): number {
    if (this.utc) return 0;
    const cached = this.cache.get(instant);
    if (cached !== undefined) return cached;
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(instant))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const local = Date.UTC(
      parts.year ?? 0,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
      parts.second ?? 0,
    );
    const offset = local - Math.floor(instant / 1000) * 1000;
    this.cache.set(instant, offset);
    return offset;
  }
}

/** Largest gap between consecutive instants of the union of ascending lists; Infinity if < 2 instants. */
function mergedMaxGapMs(lists: readonly Float64Array[]): number {
  const cursors = lists.map((list) => ({ list, at: 0 }));
  let previous: number | undefined;
  let maxGap = 0;
  let count = 0;
  for (;;) {
    // The cursor whose next instant is the earliest (the first such list on a tie).
    let best: { list: Float64Array; at: number } | undefined;
    let instant = 0;
    for (const cursor of cursors) {
      const next = cursor.list[cursor.at];
      if (next !== undefined && (best === undefined || next < instant)) {
        best = cursor;
        instant = next;
      }
    }
    if (best === undefined) break;
    best.at += 1;
    if (previous !== undefined) maxGap = Math.max(maxGap, instant - previous);
    previous = instant;
    count += 1;
  }
  return count < 2 ? Number.POSITIVE_INFINITY : maxGap;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'an unbounded time';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', minutes ? `${minutes} min` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : `${seconds} s`;
}
