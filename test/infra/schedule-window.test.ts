import { parseScheduleExpression, type CronExpression } from '../../lib/schedule-expression';
import {
  cronFirings,
  formatDuration,
  largestGapSeconds,
  longestAlarmableGapSeconds,
  missedSnapshotWindow,
} from '../../lib/schedule-window';

const HOUR = 3600;
const DAY = 86400;

function gap(...schedules: Array<[string, string?]>): number {
  return largestGapSeconds(schedules.map(([expression, timezone = 'UTC']) => ({ expression, timezone })));
}

function cron(expression: string): CronExpression {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok || parsed.value.kind !== 'cron') throw new Error(expression);
  return parsed.value;
}

function isoFirings(expression: string, timezone: string, count: number): string[] {
  return [...cronFirings(cron(expression), timezone, 'earlier').slice(0, count)].map((ms) =>
    new Date(ms).toISOString(),
  );
}

describe('largestGapSeconds', () => {
  it('is the interval of a rate schedule', () => {
    expect(gap(['rate(6 hours)'])).toBe(6 * HOUR);
  });

  it('is one day for a daily cron in UTC', () => {
    expect(gap(['cron(0 3 * * ? *)'])).toBe(DAY);
  });

  it('takes the union of schedules', () => {
    expect(gap(['cron(0 3 * * ? *)'], ['cron(0 15 * * ? *)'])).toBe(12 * HOUR);
    expect(gap(['cron(0 3 * * ? *)'], ['cron(0 15 * * ? *)', 'America/New_York'])).toBeLessThan(DAY);
  });

  it('is bounded by the shortest rate, whatever its phase against the crons', () => {
    expect(gap(['cron(0 3 * * ? *)'], ['rate(6 hours)'])).toBe(6 * HOUR);
    expect(gap(['cron(0 * * * ? *)'], ['rate(1 day)'])).toBe(HOUR);
  });

  it('spans the weekend of a weekday schedule', () => {
    expect(gap(['cron(0 3 ? * MON-FRI *)'])).toBe(3 * DAY);
  });

  it('sees the skipped hour of spring forward: a daily run at 02:30 in New York misses a day', () => {
    expect(gap(['cron(30 2 * * ? *)', 'America/New_York'])).toBe(2 * DAY - HOUR);
  });

  it('sees the 25-hour day of fall back for a run outside the repeated hour', () => {
    expect(gap(['cron(0 6 * * ? *)', 'Europe/Paris'])).toBe(DAY + HOUR);
  });

  it('keeps the larger gap whichever occurrence of a repeated local time runs', () => {
    // 01:30 happens twice on the fall-back night in New York; either choice leaves 25 h on one side.
    expect(gap(['cron(30 1 * * ? *)', 'America/New_York'])).toBe(DAY + HOUR);
  });

  it('is about a month for a monthly cron and unbounded for a leap-day cron', () => {
    expect(gap(['cron(0 3 1 * ? *)'])).toBe(31 * DAY);
    expect(gap(['cron(0 3 29 2 ? *)'])).toBe(Number.POSITIVE_INFINITY);
  });

  it('ignores the year field (a typical year is assumed)', () => {
    expect(gap(['cron(0 3 * * ? 2030)'])).toBe(DAY);
  });
});

describe('cronFirings', () => {
  it('enumerates local times converted to UTC across a DST change', () => {
    // Europe/Paris moves to summer time on 2027-03-28.
    const firings = isoFirings('cron(0 3 27-29 3 ? *)', 'Europe/Paris', 3);

    expect(firings).toEqual(['2027-03-27T02:00:00.000Z', '2027-03-28T01:00:00.000Z', '2027-03-29T01:00:00.000Z']);
  });

  it('follows L, W, nL and n#k', () => {
    expect(isoFirings('cron(0 0 L 2 ? *)', 'UTC', 2)).toEqual(['2027-02-28T00:00:00.000Z', '2028-02-29T00:00:00.000Z']);
    // 2027-05-15 is a Saturday: the nearest weekday is Friday the 14th.
    expect(isoFirings('cron(0 0 15W 5 ? *)', 'UTC', 1)).toEqual(['2027-05-14T00:00:00.000Z']);
    // 2027-05-01 is a Saturday: 1W moves forward to Monday the 3rd (never into April).
    expect(isoFirings('cron(0 0 1W 5 ? *)', 'UTC', 1)).toEqual(['2027-05-03T00:00:00.000Z']);
    // Last Friday of January 2027, second Monday of January 2027.
    expect(isoFirings('cron(0 0 ? 1 6L *)', 'UTC', 1)).toEqual(['2027-01-29T00:00:00.000Z']);
    expect(isoFirings('cron(0 0 ? 1 MON#2 *)', 'UTC', 1)).toEqual(['2027-01-11T00:00:00.000Z']);
  });
});

describe('missedSnapshotWindow', () => {
  it('uses 5-minute periods while the window fits in one day, plus one period for alignment', () => {
    // 12 h + 30 min -> 150 periods of 300 s, + 1.
    expect(missedSnapshotWindow([{ expression: 'rate(12 hours)', timezone: 'UTC' }], 1800)).toEqual({
      ok: true,
      window: {
        maxGapSeconds: 43200,
        graceSeconds: 1800,
        periodSeconds: 300,
        evaluationPeriods: 151,
        windowSeconds: 45300,
      },
    });
  });

  it('moves to 1-hour periods beyond one day (CloudWatch: under one hour, at most 86,400 s in all)', () => {
    expect(missedSnapshotWindow([{ expression: 'rate(1 day)', timezone: 'UTC' }], 1980)).toEqual({
      ok: true,
      window: {
        maxGapSeconds: 86400,
        graceSeconds: 1980,
        periodSeconds: 3600,
        evaluationPeriods: 26,
        windowSeconds: 93600,
      },
    });
  });

  it('accepts a weekly schedule with little grace, up to the 7-day limit', () => {
    const result = missedSnapshotWindow([{ expression: 'rate(6 days)', timezone: 'UTC' }], 12 * HOUR);

    expect(result).toEqual({
      ok: true,
      window: {
        maxGapSeconds: 6 * DAY,
        graceSeconds: 12 * HOUR,
        periodSeconds: 3600,
        evaluationPeriods: 157,
        windowSeconds: 565200,
      },
    });
  });

  it('refuses a window CloudWatch cannot evaluate (more than 7 days), saying why', () => {
    const result = missedSnapshotWindow([{ expression: 'rate(7 days)', timezone: 'UTC' }], 1800);

    expect(result).toEqual({
      ok: false,
      maxGapSeconds: 7 * DAY,
      graceSeconds: 1800,
      reason:
        'the schedules can leave 7 d between runs; with 30 min of grace that is longer than the 7 days a CloudWatch alarm can evaluate (Period x EvaluationPeriods <= 604,800 s)',
    });
  });
});

describe('longestAlarmableGapSeconds', () => {
  it.each([1800, 45180, 260100])('is the largest gap missedSnapshotWindow accepts with %i s of grace', (grace) => {
    const longest = longestAlarmableGapSeconds(grace);
    const rate = (seconds: number) => [{ expression: `rate(${seconds / 60} minutes)`, timezone: 'UTC' }];

    expect(longest % 60).toBe(0);
    expect(missedSnapshotWindow(rate(longest), grace).ok).toBe(true);
    expect(missedSnapshotWindow(rate(longest + 60), grace).ok).toBe(false);
  });

  it('leaves 6 d 10 h 27 min with the default grace of confirmation on (12 h + 180 s + 30 min)', () => {
    expect(formatDuration(longestAlarmableGapSeconds(45180))).toBe('6 d 10 h 27 min');
  });
});

describe('formatDuration', () => {
  it('writes days, hours and minutes', () => {
    expect(formatDuration(93600)).toBe('1 d 2 h');
    expect(formatDuration(1980)).toBe('33 min');
    expect(formatDuration(30)).toBe('30 s');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('an unbounded time');
  });
});
