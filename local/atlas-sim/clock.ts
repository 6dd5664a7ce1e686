/**
 * Time source of the simulator. Everything time-based (token expiry, nonce expiry, snapshot
 * progress, rate-limit refill) reads it, so tests drive time with `ManualClock` instead of
 * sleeping. Added latency is real time on purpose: it exists to slow real clients down.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  private current: number;

  constructor(start: number | string | Date = '2025-01-15T03:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(time: number | string | Date): void {
    this.current = new Date(time).getTime();
  }
}
