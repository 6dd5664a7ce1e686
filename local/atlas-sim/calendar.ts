/**
 * Retention arithmetic as Atlas applies it to a snapshot's `createdAt` (docs/atlas-api.md, Round 2
 * endpoints): days and weeks are fixed lengths, months and years are calendar steps in UTC. A day
 * that does not exist in the target month is clamped to its last day (Jan 31 + 1 month = Feb 28 or
 * 29; Feb 29 + 1 year = Feb 28), as Java's `plusMonths`/`plusYears` do.
 */

export type RetentionUnit = 'DAYS' | 'WEEKS' | 'MONTHS' | 'YEARS';
export const RETENTION_UNITS: readonly RetentionUnit[] = ['DAYS', 'WEEKS', 'MONTHS', 'YEARS'];

export const DAY_MS = 86_400_000;

function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const day = date.getUTCDate();
  const shifted = new Date(ms);
  shifted.setUTCDate(1);
  shifted.setUTCMonth(shifted.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, 0)).getUTCDate();
  shifted.setUTCDate(Math.min(day, lastDay));
  return shifted.getTime();
}

/**
 * `from` plus `value` units; NaN when the result is beyond what a date can represent (a value
 * near int32's maximum in years), which callers refuse.
 */
export function addRetention(from: number, unit: RetentionUnit, value: number): number {
  switch (unit) {
    case 'DAYS':
      return from + value * DAY_MS;
    case 'WEEKS':
      return from + value * 7 * DAY_MS;
    case 'MONTHS':
      return value > 12 * 300_000 ? Number.NaN : addMonths(from, value);
    case 'YEARS':
      return value > 300_000 ? Number.NaN : addMonths(from, value * 12);
  }
}

/** True when `ms` can be written as an ISO date (JavaScript's range is +-8.64e15 ms). */
export function representable(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
}
