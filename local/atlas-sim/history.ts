/** Seeded snapshot histories: enough scheduled snapshots for paging, and an on-demand GFS history. */
import { DAY_MS, addRetention } from './calendar';
import type { SnapshotSeed } from './model';

export interface HistoryOptions {
  /** Newest snapshot time (default: the clock's now minus one hour). */
  newest?: number;
  /** Hours between two snapshots (default 6). */
  intervalHours?: number;
  /** Every n-th one is a `fallback` snapshot (default 7; 0 = none). */
  fallbackEvery?: number;
}

/** `count` completed scheduled/fallback snapshots, enough to make lists span several pages. */
export function snapshotHistory(count: number, now: number, options: HistoryOptions = {}): SnapshotSeed[] {
  const newest = options.newest ?? now - 3_600_000;
  const interval = (options.intervalHours ?? 6) * 3_600_000;
  const fallbackEvery = options.fallbackEvery ?? 7;
  return Array.from({ length: count }, (_, i) => ({
    snapshotType: fallbackEvery > 0 && i % fallbackEvery === fallbackEvery - 1 ? 'fallback' : 'scheduled',
    status: 'completed',
    createdAt: newest - i * interval,
    retentionInDays: 30,
    frequencyType: i % 4 === 0 ? 'hourly' : 'daily',
  }));
}

/** Monday 00:00 UTC of the ISO week holding `ms`. */
export function isoWeekStartUtc(ms: number): number {
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return day - weekday * DAY_MS;
}

export interface PromotionHistoryOptions {
  /** How far back the nightly snapshots go (default 400 days). */
  days?: number;
  /** Retention of an unpromoted snapshot (default 7 days). */
  retentionInDays?: number;
  weeks?: number;
  months?: number;
  years?: number;
}

/**
 * A cluster's nightly on-demand snapshots (12:00 UTC, so the day is the same from UTC-11 to
 * UTC+11) kept grandfather-father-son in UTC: the first of each year `years` years, of each month
 * `months` months, of each ISO week `weeks` weeks, the others `retentionInDays` days; only those
 * not yet expired remain (Atlas deletes expired snapshots). The snapshots of the current ISO week
 * were never promoted, so the next completed snapshot is a promotion candidate.
 */
export function promotionHistory(now: number, options: PromotionHistoryOptions = {}): SnapshotSeed[] {
  const days = options.days ?? 400;
  const retentionInDays = options.retentionInDays ?? 7;
  const thisWeek = isoWeekStartUtc(now);
  const seeds: SnapshotSeed[] = [];
  let previous: Date | undefined;
  for (let at = Math.floor((now - days * DAY_MS) / DAY_MS) * DAY_MS + DAY_MS / 2; at < now - 3_600_000; at += DAY_MS) {
    const date = new Date(at);
    const newYear = previous === undefined || previous.getUTCFullYear() !== date.getUTCFullYear();
    const newMonth = newYear || previous?.getUTCMonth() !== date.getUTCMonth();
    const newWeek = previous === undefined || isoWeekStartUtc(previous.getTime()) !== isoWeekStartUtc(at);
    previous = date;
    let expiresAt = at + retentionInDays * DAY_MS;
    if (at < thisWeek) {
      if (newYear) expiresAt = addRetention(at, 'YEARS', options.years ?? 7);
      else if (newMonth) expiresAt = addRetention(at, 'MONTHS', options.months ?? 12);
      else if (newWeek) expiresAt = addRetention(at, 'WEEKS', options.weeks ?? 4);
    }
    if (expiresAt <= now) continue;
    seeds.push({
      snapshotType: 'onDemand',
      status: 'completed',
      createdAt: at,
      retentionInDays,
      expiresAt,
      description: 'nightly on-demand snapshot',
    });
  }
  return seeds;
}
