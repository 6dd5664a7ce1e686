/**
 * Grandfather-father-son retention (docs/promotion.md), decided from Atlas alone: a snapshot that
 * just completed is kept `years` years when it is the first of its calendar year, else `months`
 * months when the first of its month, else `weeks` weeks when the first of its ISO week; periods in
 * the promotion's time zone. "First" means no other completed on-demand snapshot of the cluster,
 * created in the same period, already expires at least that far out. Pure: no clock, no I/O.
 */
import type { AtlasSnapshot, Promotion, RetentionSetting, RetentionUnit } from '../types';

/** The periods a moment falls in, in one time zone: `2026`, `2026-11`, `2026-W48` (ISO week-year). */
export interface Periods {
  year: string;
  month: string;
  week: string;
}

export type PromotionLevel = keyof Periods;

export type PromotionDecision =
  /** Extend the snapshot's retention to `setting` (PATCH). */
  | { kind: 'promote'; level: PromotionLevel; setting: RetentionSetting }
  /** First of its period, but it already expires at least that far out: nothing to extend. */
  | { kind: 'kept'; level: PromotionLevel; setting: RetentionSetting }
  | { kind: 'none'; reason: string };

const DAY_MS = 86_400_000;
/** Atlas recomputes `expiresAt` when a snapshot completes (a few minutes later): "covers" allows a day. */
const COVER_SLACK_MS = DAY_MS;

const LEVELS: ReadonlyArray<{ level: PromotionLevel; count: keyof Omit<Promotion, 'timezone'>; unit: RetentionUnit }> =
  [
    { level: 'year', count: 'years', unit: 'YEARS' },
    { level: 'month', count: 'months', unit: 'MONTHS' },
    { level: 'week', count: 'weeks', unit: 'WEEKS' },
  ];

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Gregorian calendar, Latin digits, whatever the runtime's default locale. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The calendar date of `date` in `timeZone`. Throws a RangeError for a zone the runtime does not know. */
export function localDate(date: Date, timeZone: string): { year: number; month: number; day: number } {
  const parts = formatterFor(timeZone).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return { year: part('year'), month: part('month'), day: part('day') };
}

/** ISO 8601 week-year and week of a calendar date: weeks start on Monday, week 1 holds the first Thursday. */
export function isoWeek(year: number, month: number, day: number): { weekYear: number; week: number } {
  const date = Date.UTC(year, month - 1, day);
  const weekday = (new Date(date).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  const thursday = date + (3 - weekday) * DAY_MS;
  const weekYear = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(weekYear, 0, 1)) / (7 * DAY_MS));
  return { weekYear, week };
}

export function periodsOf(date: Date, timeZone: string): Periods {
  const { year, month, day } = localDate(date, timeZone);
  const { weekYear, week } = isoWeek(year, month, day);
  const two = (n: number) => String(n).padStart(2, '0');
  return { year: String(year), month: `${year}-${two(month)}`, week: `${weekYear}-W${two(week)}` };
}

/**
 * `date` plus the retention, in UTC; months and years end on the last day of a shorter month
 * (Jan 31 + 1 month = Feb 28/29).
 */
export function addRetention(date: Date, setting: RetentionSetting): Date {
  const n = setting.retentionValue;
  switch (setting.retentionUnit) {
    case 'DAYS':
      return new Date(date.getTime() + n * DAY_MS);
    case 'WEEKS':
      return new Date(date.getTime() + 7 * n * DAY_MS);
    case 'MONTHS':
      return addMonths(date, n);
    case 'YEARS':
      return addMonths(date, 12 * n);
  }
}

function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** A snapshot's time as milliseconds, or undefined when Atlas gave none or an unreadable one. */
function timeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

interface Dated {
  created: Date;
  expires?: number;
}

/**
 * The promotion for `snapshot` (just completed) given the cluster's other snapshots (any list
 * order, any kind: only completed on-demand ones with readable dates count).
 */
export function decidePromotion(
  snapshot: AtlasSnapshot,
  others: readonly AtlasSnapshot[],
  promotion: Promotion,
): PromotionDecision {
  const created = timeOf(snapshot.createdAt);
  if (created === undefined) return { kind: 'none', reason: 'Atlas gave no createdAt for the completed snapshot' };
  const self: Dated = { created: new Date(created), ...expiresOf(snapshot) };
  const rivals = others.flatMap((o): Array<Dated & { periods: Periods }> => {
    const at = timeOf(o.createdAt);
    if (o.id === snapshot.id || o.snapshotType !== 'onDemand' || o.status !== 'completed' || at === undefined) {
      return [];
    }
    const rival = new Date(at);
    return [{ created: rival, ...expiresOf(o), periods: periodsOf(rival, promotion.timezone) }];
  });

  const own = periodsOf(self.created, promotion.timezone);
  for (const { level, count, unit } of LEVELS) {
    const value = promotion[count];
    if (value <= 0) continue;
    const setting: RetentionSetting = { retentionUnit: unit, retentionValue: value };
    const covered = rivals.some((o) => o.periods[level] === own[level] && covers(o, setting));
    if (covered) continue;
    const kept = self.expires !== undefined && self.expires >= addRetention(self.created, setting).getTime();
    return { kind: kept ? 'kept' : 'promote', level, setting };
  }
  return { kind: 'none', reason: 'another on-demand snapshot already covers each of its periods' };
}

function expiresOf(snapshot: AtlasSnapshot): { expires?: number } {
  const expires = timeOf(snapshot.expiresAt);
  return expires === undefined ? {} : { expires };
}

/** O expires at least `setting` after it was created (less a day of slack). */
function covers(other: Dated, setting: RetentionSetting): boolean {
  return (
    other.expires !== undefined && other.expires >= addRetention(other.created, setting).getTime() - COVER_SLACK_MS
  );
}
