/**
 * Scripted faults shared by the local AWS stand-ins: requests that are read and never answered
 * (a hung endpoint, for timeout tests) and a countdown of scripted failures.
 */

export interface HangOptions {
  /**
   * Handle the request (store the schedule, record the message) before leaving it unanswered:
   * the call took effect but the caller never learns it. Default false: nothing happens.
   */
  afterHandling?: boolean;
}

/** Implemented by every stand-in: the server asks it whether to leave a request unanswered. */
export interface Hangable {
  /** Consumes one scripted hang, if any. */
  takeHang(): HangOptions | undefined;
}

/** The next `count` requests of one service are left unanswered (the socket stays open until close). */
export class HangScript implements Hangable {
  private remaining = 0;
  private options: HangOptions = {};

  hangNext(count: number, options: HangOptions = {}): void {
    this.remaining = count;
    this.options = { ...options };
  }

  takeHang(): HangOptions | undefined {
    if (this.remaining <= 0) return undefined;
    this.remaining -= 1;
    return { ...this.options };
  }
}

/** A failure that the next `remaining` requests answer with (Infinity: until recovered). */
export class FailureScript<F> {
  private script: { remaining: number; failure: F } | undefined;

  failNext(count: number, failure: F): void {
    this.script = { remaining: count, failure };
  }

  failAlways(failure: F): void {
    this.script = { remaining: Number.POSITIVE_INFINITY, failure };
  }

  recover(): void {
    this.script = undefined;
  }

  /** Consumes one scripted failure, if any. */
  take(): F | undefined {
    if (!this.script || this.script.remaining <= 0) return undefined;
    this.script.remaining -= 1;
    return this.script.failure;
  }
}
