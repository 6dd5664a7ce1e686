import { parseScheduleExpression, type CronExpression } from '../../lib/schedule-expression';

function cron(expression: string): CronExpression {
  const result = parseScheduleExpression(expression);
  if (!result.ok) throw new Error(result.problem);
  if (result.value.kind !== 'cron') throw new Error('not a cron');
  return result.value;
}

function problem(expression: string): string {
  const result = parseScheduleExpression(expression);
  if (result.ok) throw new Error(`${expression} was accepted`);
  return result.problem;
}

describe('parseScheduleExpression: rate', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(15 minutes)', 900],
    ['rate(1 hour)', 3600],
    ['rate(12 hours)', 43200],
    ['rate(1 day)', 86400],
    ['rate(7 days)', 604800],
  ])('%s runs every %i s', (expression, seconds) => {
    expect(parseScheduleExpression(expression)).toEqual({ ok: true, value: { kind: 'rate', seconds } });
  });

  it.each([
    'rate(0 minutes)',
    'rate(-1 hours)',
    'rate(1.5 hours)',
    'rate(1 week)',
    'rate(5)',
    'rate(1  day)',
    'rate()',
  ])('refuses %s', (expression) => {
    expect(problem(expression)).toMatch(/^must be rate\(<positive integer> minute\|minutes\|hour\|hours\|day\|days\)$/);
  });

  it.each(['rate(1 minutes)', 'rate(2 hour)'])('refuses the unit of %s not agreeing with the value', (expression) => {
    expect(problem(expression)).toMatch(/singular unit for 1 and the plural otherwise/);
  });
});

describe('parseScheduleExpression: cron', () => {
  it('reads minutes, hours, month names and day-of-week ranges', () => {
    const parsed = cron('cron(0,30 8-9 ? JAN-MAR MON-FRI *)');

    expect(parsed.timesOfDay).toEqual([480, 510, 540, 570]);
    expect([...parsed.months]).toEqual([1, 2, 3]);
    expect(parsed.dayOfMonth).toEqual({ kind: 'any' });
    expect(parsed.dayOfWeek).toEqual({ kind: 'days', days: new Set([2, 3, 4, 5, 6]) });
    expect(parsed.years).toBe('any');
  });

  it('reads steps from a value and from *', () => {
    expect(cron('cron(0/15 * * * ? *)').timesOfDay.slice(0, 5)).toEqual([0, 15, 30, 45, 60]);
    expect(cron('cron(*/20 0 * * ? *)').timesOfDay).toEqual([0, 20, 40]);
    expect(cron('cron(0 0 1-10/3 * ? *)').dayOfMonth).toEqual({ kind: 'days', days: new Set([1, 4, 7, 10]) });
  });

  it('reads L, nW, nL and n#k', () => {
    expect(cron('cron(0 3 L * ? *)').dayOfMonth).toEqual({ kind: 'last' });
    expect(cron('cron(0 3 15W * ? *)').dayOfMonth).toEqual({ kind: 'nearestWeekday', day: 15 });
    expect(cron('cron(0 3 ? * 6L *)').dayOfWeek).toEqual({ kind: 'lastOfMonth', weekday: 6 });
    expect(cron('cron(0 3 ? * MON#1 *)').dayOfWeek).toEqual({ kind: 'nthOfMonth', weekday: 2, nth: 1 });
    expect(cron('cron(0 3 ? * L *)').dayOfWeek).toEqual({ kind: 'days', days: new Set([7]) });
  });

  it('reads a year list', () => {
    expect(cron('cron(0 3 * * ? 2026,2028-2029)').years).toEqual(new Set([2026, 2028, 2029]));
  });

  it.each([
    [
      'cron(0 3 * * ?)',
      'must have 6 fields: cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) (found 5)',
    ],
    ['cron()', 'must have 6 fields: cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) (found 0)'],
    [
      'cron(0 3 * * * *)',
      'exactly one of day-of-month and day-of-week must be ? (for example cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *))',
    ],
    [
      'cron(0 3 ? * ? *)',
      'exactly one of day-of-month and day-of-week must be ? (for example cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *))',
    ],
    ['cron(60 3 * * ? *)', 'minutes value 60 is out of range: allowed 0-59 with , - * /'],
    ['cron(0 3 32 * ? *)', 'day-of-month value 32 is out of range: allowed 1-31 with , - * /'],
    ['cron(0 3 * 13 ? *)', 'month value 13 is out of range: allowed 1-12 or JAN-DEC with , - * /'],
    ['cron(0 3 ? * 8 *)', 'day-of-week value 8 is out of range: allowed 1-7 or SUN-SAT with , - * /'],
    ['cron(0 3 * * ? 1969)', 'year value 1969 is out of range: allowed 1970-2199 with , - * /'],
    ['cron(0 3 ? * FRI-MON *)', 'day-of-week field "FRI-MON": range FRI-MON runs backwards'],
    ['cron(0 3 * FOO ? *)', 'month value "FOO" is not valid: allowed 1-12 or JAN-DEC with , - * /'],
    ['cron(0/0 3 * * ? *)', 'minutes field "0/0": the step after / must be at least 1'],
    ['cron(0 3 1,L * ? *)', 'day-of-month 1,L: L and W stand alone (L, or nW such as 15W)'],
    ['cron(0 3 32W * ? *)', 'day-of-month 32W: nW needs n from 1 to 31'],
    ['cron(0 3 ? * MON#6 *)', 'day-of-week MON#6: in n#k, k must be from 1 to 5'],
    ['cron(0 3 ? * 1L,2 *)', 'day-of-week 1L,2: L and # stand alone (L, nL such as 6L, or n#k such as MON#1)'],
    ['cron(0 ? * * ? *)', 'hours field "?" is not valid: allowed 0-23 with , - * /'],
    [
      'every day',
      'must be rate(<positive integer> minute|minutes|hour|hours|day|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)',
    ],
  ])('refuses %s', (expression, message) => {
    expect(problem(expression)).toBe(message);
  });
});
