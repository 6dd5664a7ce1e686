/**
 * The simulated time of a local run (docs/local.md): the real time plus an offset. Time flows as
 * usual (rate-limit refills and `Retry-After` waits need it to), and moving the clock forward is
 * a bigger offset: the Atlas simulator, the Scheduler stand-in and the function process (whose
 * `Date` the runner shifts by the same offset) all read it, so "5 minutes later" happens at once.
 * Implements the simulator's `Clock`.
 */
export class VirtualClock {
  private offset: number;

  /** Starts at `start` (default: the real time now, offset 0). */
  constructor(
    start?: number | string | Date,
    private readonly realNow: () => number = Date.now,
  ) {
    this.offset = start === undefined ? 0 : new Date(start).getTime() - realNow();
    if (!Number.isFinite(this.offset)) throw new RangeError(`VirtualClock: invalid start ${String(start)}`);
  }

  now(): number {
    return this.realNow() + this.offset;
  }

  /** How far the simulated time is ahead of the real time (ms). */
  get offsetMs(): number {
    return this.offset;
  }

  /** Moves the time to `at` (epoch ms) if that is later than now; never backwards. */
  moveTo(at: number): void {
    const ahead = at - this.now();
    if (ahead > 0) this.offset += ahead;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`VirtualClock: cannot advance by ${ms} ms`);
    this.offset += ms;
  }
}
