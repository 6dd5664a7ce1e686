import { addRetention, decidePromotion, isoWeek, periodsOf } from '../../lambda/snapshot/core/promote';
import type { AtlasSnapshot, Promotion } from '../../lambda/snapshot/types';

const at = (iso: string) => new Date(iso);

describe('periodsOf: calendar year, month and ISO week in a time zone', () => {
  it.each([
    ['2026-11-28T03:00:00Z', 'UTC', { year: '2026', month: '2026-11', week: '2026-W48' }],
    // ISO week-year edges: the week of a late-December or early-January day may belong to the other year.
    ['2024-12-30T12:00:00Z', 'UTC', { year: '2024', month: '2024-12', week: '2025-W01' }],
    ['2021-01-03T12:00:00Z', 'UTC', { year: '2021', month: '2021-01', week: '2020-W53' }],
    ['2026-01-01T12:00:00Z', 'UTC', { year: '2026', month: '2026-01', week: '2026-W01' }],
    ['2027-01-01T12:00:00Z', 'UTC', { year: '2027', month: '2027-01', week: '2026-W53' }],
    ['2025-12-29T00:30:00Z', 'UTC', { year: '2025', month: '2025-12', week: '2026-W01' }],
    // Near midnight far from UTC: +14 is already tomorrow, -11 still yesterday.
    ['2026-12-31T10:30:00Z', 'Pacific/Kiritimati', { year: '2027', month: '2027-01', week: '2026-W53' }],
    ['2026-12-31T10:30:00Z', 'Pacific/Pago_Pago', { year: '2026', month: '2026-12', week: '2026-W53' }],
    ['2026-12-31T10:30:00Z', 'UTC', { year: '2026', month: '2026-12', week: '2026-W53' }],
    ['2026-12-28T05:00:00Z', 'Pacific/Pago_Pago', { year: '2026', month: '2026-12', week: '2026-W52' }],
    ['2025-12-29T00:30:00Z', 'Pacific/Pago_Pago', { year: '2025', month: '2025-12', week: '2025-W52' }],
    ['2026-11-30T18:45:00Z', 'Asia/Kolkata', { year: '2026', month: '2026-12', week: '2026-W49' }],
    ['2026-10-31T23:30:00Z', 'Europe/Kyiv', { year: '2026', month: '2026-11', week: '2026-W44' }],
    ['2026-10-31T23:30:00Z', 'Etc/UTC', { year: '2026', month: '2026-10', week: '2026-W44' }],
  ])('%s in %s', (iso, zone, periods) => {
    expect(periodsOf(at(iso), zone)).toEqual(periods);
  });

  it('isoWeek agrees with a full year of days (weeks run Monday to Sunday, 52 or 53 of them)', () => {
    const weeks = new Map<string, number>();
    for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += 86_400_000) {
      const date = new Date(day);
      const { weekYear, week } = isoWeek(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
      const key = `${weekYear}-${week}`;
      weeks.set(key, (weeks.get(key) ?? 0) + 1);
      if (date.getUTCDay() === 1) expect(weeks.get(key)).toBe(1); // a Monday starts a week
    }
    expect(weeks.size).toBe(53);
    expect(weeks.get('2026-1')).toBe(4); // 2026-01-01 is a Thursday
    expect(weeks.get('2026-53')).toBe(4); // Mon 28 to Thu 31 December
  });
});

describe('addRetention', () => {
  it.each([
    ['2026-11-28T03:00:00Z', 'DAYS', 7, '2026-12-05T03:00:00.000Z'],
    ['2026-11-28T03:00:00Z', 'WEEKS', 8, '2027-01-23T03:00:00.000Z'],
    ['2026-01-31T03:00:00Z', 'MONTHS', 1, '2026-02-28T03:00:00.000Z'],
    ['2028-01-31T03:00:00Z', 'MONTHS', 1, '2028-02-29T03:00:00.000Z'],
    ['2026-11-28T03:00:00Z', 'MONTHS', 12, '2027-11-28T03:00:00.000Z'],
    ['2028-02-29T03:00:00Z', 'YEARS', 1, '2029-02-28T03:00:00.000Z'],
    ['2026-11-28T03:00:00Z', 'YEARS', 7, '2033-11-28T03:00:00.000Z'],
  ] as const)('%s + %s %i = %s', (from, unit, value, expected) => {
    expect(addRetention(at(from), { retentionUnit: unit, retentionValue: value }).toISOString()).toBe(expected);
  });
});

describe('decidePromotion', () => {
  const GFS: Promotion = { weeks: 8, months: 12, years: 7, timezone: 'UTC' };
  let next = 1;
  const onDemand = (createdAt: string, expiresAt: string, extra: Partial<AtlasSnapshot> = {}): AtlasSnapshot => ({
    id: (next++).toString(16).padStart(24, '0'),
    snapshotType: 'onDemand',
    status: 'completed',
    createdAt,
    expiresAt,
    ...extra,
  });
  const justCompleted = onDemand('2026-11-28T03:02:10Z', '2026-12-05T03:02:10Z');

  it('the first on-demand snapshot of the year is kept `years` years', () => {
    expect(decidePromotion(justCompleted, [], GFS)).toEqual({
      kind: 'promote',
      level: 'year',
      setting: { retentionUnit: 'YEARS', retentionValue: 7 },
    });
  });

  it('a level whose count is 0 is skipped', () => {
    expect(decidePromotion(justCompleted, [], { ...GFS, years: 0 })).toMatchObject({
      kind: 'promote',
      setting: { retentionUnit: 'MONTHS', retentionValue: 12 },
    });
    expect(decidePromotion(justCompleted, [], { weeks: 8, months: 0, years: 0, timezone: 'UTC' })).toMatchObject({
      setting: { retentionUnit: 'WEEKS', retentionValue: 8 },
    });
  });

  it('a year already covered: first of the month; month covered too: first of the week; all: none', () => {
    const yearly = onDemand('2026-01-05T03:00:00Z', '2033-01-05T03:00:00Z');
    const monthly = onDemand('2026-11-02T03:00:00Z', '2027-11-02T03:00:00Z');
    const weekly = onDemand('2026-11-23T03:00:00Z', '2027-01-18T03:00:00Z');

    expect(decidePromotion(justCompleted, [yearly], GFS)).toMatchObject({ kind: 'promote', level: 'month' });
    expect(decidePromotion(justCompleted, [yearly, monthly], GFS)).toMatchObject({ kind: 'promote', level: 'week' });
    expect(decidePromotion(justCompleted, [yearly, monthly, weekly], GFS)).toEqual({
      kind: 'none',
      reason: 'another on-demand snapshot already covers each of its periods',
    });
  });

  it('a snapshot of the same period that expires too soon does not cover it', () => {
    const daily = onDemand('2026-03-01T03:00:00Z', '2026-03-08T03:00:00Z');
    expect(decidePromotion(justCompleted, [daily], GFS)).toMatchObject({ kind: 'promote', level: 'year' });
  });

  it('"covers" allows a day for Atlas recomputing expiresAt, not more', () => {
    const almost = onDemand('2026-01-05T03:00:00Z', '2033-01-04T15:00:00Z'); // 12 h short of 7 years
    const short = onDemand('2026-01-05T03:00:00Z', '2033-01-03T03:00:00Z'); // 2 days short

    expect(decidePromotion(justCompleted, [almost], GFS)).toMatchObject({ level: 'month' });
    expect(decidePromotion(justCompleted, [short], GFS)).toMatchObject({ level: 'year' });
  });

  it('only completed on-demand snapshots with dates count, and never the snapshot itself', () => {
    const long = (extra: Partial<AtlasSnapshot>) => onDemand('2026-01-05T03:00:00Z', '2033-01-05T03:00:00Z', extra);
    const ignored = [
      long({ snapshotType: 'scheduled' }),
      long({ status: 'failed' }),
      long({ status: 'inProgress' }),
      long({ createdAt: 'not a date' }),
      { ...justCompleted, expiresAt: '2040-01-01T00:00:00Z' },
    ];
    const noCreatedAt: AtlasSnapshot = { id: 'f'.repeat(24), snapshotType: 'onDemand', status: 'completed' };

    expect(decidePromotion(justCompleted, [...ignored, noCreatedAt], GFS)).toMatchObject({ level: 'year' });
  });

  it('periods are taken in the promotion time zone (+14 is already next year, UTC is not)', () => {
    const s = onDemand('2026-12-31T10:30:00Z', '2027-01-07T10:30:00Z');
    const earlier = onDemand('2026-12-31T09:00:00Z', '2033-12-31T09:00:00Z'); // 23:00 on Dec 31 in Kiritimati

    expect(decidePromotion(s, [earlier], { ...GFS, timezone: 'Pacific/Kiritimati' })).toMatchObject({
      level: 'year',
    });
    // In UTC and at -11 both fall in the same year, month and week: the earlier one covers them all.
    expect(decidePromotion(s, [earlier], { ...GFS, timezone: 'UTC' })).toMatchObject({ kind: 'none' });
    expect(decidePromotion(s, [earlier], { ...GFS, timezone: 'Pacific/Pago_Pago' })).toMatchObject({
      kind: 'none',
    });
  });

  it('weeks follow the ISO week-year: 31 December and 1 January 2027 share week 2026-W53', () => {
    const weeksOnly: Promotion = { weeks: 8, months: 0, years: 0, timezone: 'UTC' };
    const thursday = onDemand('2026-12-31T03:00:00Z', '2027-02-25T03:00:00Z');
    const friday = onDemand('2027-01-01T03:00:00Z', '2027-01-08T03:00:00Z');
    const monday = onDemand('2027-01-04T03:00:00Z', '2027-01-11T03:00:00Z');

    expect(decidePromotion(friday, [thursday], weeksOnly)).toMatchObject({ kind: 'none' });
    expect(decidePromotion(monday, [thursday], weeksOnly)).toMatchObject({ kind: 'promote', level: 'week' });
  });

  it('a snapshot that already expires far enough out needs no PATCH', () => {
    const long = onDemand('2026-11-28T03:02:10Z', '2033-11-28T03:02:10Z');
    expect(decidePromotion(long, [], GFS)).toEqual({
      kind: 'kept',
      level: 'year',
      setting: { retentionUnit: 'YEARS', retentionValue: 7 },
    });
  });

  it('without createdAt nothing can be decided', () => {
    const { createdAt: _c, ...undated } = justCompleted;
    expect(decidePromotion(undated, [], GFS)).toEqual({
      kind: 'none',
      reason: 'Atlas gave no createdAt for the completed snapshot',
    });
  });
});
