/**
 * Confirmation in a real run (docs/local.md, "Check your real setup before deploying"): the
 * function's follow-up schedules went to a local Scheduler stand-in, not to the user's account;
 * they fire here in real time, each invoking the bundle in this process, for at most the minutes
 * the user allows. Whatever is still pending then is said plainly, with where to look instead.
 */
import type { ScheduleRecord, SchedulerStandIn } from '../aws';
import { fireDue, type FiredFollowUp } from '../lambda/follow-ups';
import type { LocalFunction } from '../lambda/runtime';
import { REAL_FIRST_CHECK_MINUTES } from '../real';
import { continuation, followUpOf, formatSpan, instant, row, type Style } from '../report';

export interface RealConfirmation {
  scheduler: SchedulerStandIn;
  fn: Pick<LocalFunction, 'invoke' | 'functionArn'>;
  roleArn: string;
  /** Waiting ends this long after `from` (0: no waiting), plus a minute for the checks' own drift. */
  minutes: number;
  /** When the run started (epoch ms): the checks are counted from the requests it made. */
  from: number;
  /** Real time by default; tests pass their own. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const MINUTE_MS = 60_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The checks a wait of `minutes` covers: 1, 3, 7, 15 ... minutes after the request (the delay doubling). */
export function checkMinutes(minutes: number): number[] {
  const at: number[] = [];
  for (let delay = REAL_FIRST_CHECK_MINUTES, t = delay; t <= minutes; delay = Math.min(60, delay * 2), t += delay)
    at.push(t);
  return at;
}

/** What a real run says about confirmation before it starts. */
export function confirmationPlan(takeSnapshot: boolean, minutes: number, style: Style): string {
  if (!takeSnapshot)
    return row('confirm', 'none: a dry run requests no snapshot, so there is nothing to confirm', style);
  if (minutes === 0) {
    return row(
      'confirm',
      'skipped (--confirm-minutes 0): no follow-up check runs, and npm start creates no schedule in your account',
      style,
    );
  }
  const checks = checkMinutes(minutes);
  return row(
    'confirm',
    `in this process, for at most ${minutes} min: the follow-up schedules go to a local Scheduler stand-in (none in your account) and the checks run here, ${checks.length > 0 ? `${checks.join(', ')} min after the request` : 'none within that time'} (a deployed stack checks at 5, 15, 35, ... min until 12 h)`,
    style,
  );
}

/**
 * Runs the follow-up checks as they come due, in real time, until `minutes` after the run
 * started; `show` prints each. Returns what fired and what was still scheduled when the waiting ended.
 */
export async function confirmInRealTime(
  c: RealConfirmation,
  show: (lines: string[]) => void,
  render: (fired: FiredFollowUp) => string[],
  style: Style,
): Promise<{ fired: FiredFollowUp[]; pending: ScheduleRecord[] }> {
  const now = c.now ?? Date.now;
  const sleep = c.sleep ?? realSleep;
  // Each check runs a second or so after its time and counts the next from then: allow a minute.
  const until = c.from + (c.minutes + 1) * MINUTE_MS;
  const fired = await fireDue(
    {
      scheduler: c.scheduler,
      fn: c.fn,
      roleArn: c.roleArn,
      now,
      waitUntil: async (at) => {
        if (at > now()) {
          show([
            row(
              'wait',
              style.dim(`until ${instant(at)} (${formatSpan(at - now())}) for the next check; Ctrl-C stops`),
              style,
            ),
          ]);
          await sleep(at - now());
        }
      },
    },
    until,
    { afterFire: (f) => show(render(f)) },
  );
  return { fired, pending: c.scheduler.schedules() };
}

/** Said when the waiting ended with checks still scheduled: the snapshot is not confirmed by this run. */
export function notConfirmedLines(pending: readonly ScheduleRecord[], minutes: number, style: Style): string[] {
  return pending.flatMap((schedule) => {
    const followUp = followUpOf({ event: parseInput(schedule.target.input) });
    if (!followUp) return [];
    return [
      row(
        'confirm',
        style.yellow(
          `stopped waiting after ${minutes} min: snapshot ${followUp.snapshotId} of ${followUp.clusterName} is not confirmed by this run (check ${followUp.attempt} would run at ${schedule.fireAt !== undefined ? instant(schedule.fireAt) : '?'})`,
        ),
        style,
        style.yellow,
      ),
      continuation(
        'look at it in Atlas (the cluster > Backup > Snapshots), or run again with a larger --confirm-minutes; a deployed stack keeps checking until 12 h',
      ),
    ];
  });
}

function parseInput(input: string | undefined): unknown {
  try {
    return input === undefined ? undefined : (JSON.parse(input) as unknown);
  } catch {
    return undefined;
  }
}
