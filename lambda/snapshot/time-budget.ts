/**
 * The invocation's time (docs/operations.md, "Timeouts"): every call to another service (Secrets
 * Manager, SNS, EventBridge Scheduler) is raced against the time the invocation has left, minus what
 * the steps after it need, so a dependency that never answers still ends in outcomes, notifications
 * where possible, the `invocation finished` line and a failed invocation before Lambda's own timeout.
 */

/** A call did not finish before the invocation's time (less the reserve) ran out. */
export class OutOfTimeError extends Error {
  constructor(
    readonly what: string,
    readonly allowedMs: number,
  ) {
    super(`${what} did not answer within the ${Math.max(0, Math.round(allowedMs))} ms the invocation had left for it`);
    this.name = 'OutOfTimeError';
  }
}

export interface TimeBudget {
  /** Milliseconds the invocation has left. */
  remaining(): number;
  /**
   * Runs `task`, rejecting with OutOfTimeError (and aborting the signal it was given) when less than
   * `reserveMs` would be left.
   */
  run<T>(what: string, reserveMs: number, task: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export function timeBudget(remaining: () => number): TimeBudget {
  return {
    remaining,
    async run<T>(what: string, reserveMs: number, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
      const allowed = remaining() - reserveMs;
      const controller = new AbortController();
      if (allowed <= 0) {
        controller.abort();
        throw new OutOfTimeError(what, allowed);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new OutOfTimeError(what, allowed));
        }, allowed);
        timer.unref?.();
      });
      try {
        return await Promise.race([task(controller.signal), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
