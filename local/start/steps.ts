/**
 * The steps of a local run (docs/local.md), each printed as it happens: an invocation with its
 * Atlas calls, decisions, messages, result and counts; the follow-up checks, as the simulated clock
 * moves to each schedule the function created (a check that only reschedules is one line); and a
 * run of nightly runs, the first shown in full and the rest summed up in a retention table.
 */
import { SCHEDULED_EVENT, type LocalRun } from '../harness';
import type { FiredFollowUp } from '../lambda/follow-ups';
import type { InvokeResult } from '../lambda/runtime';
import {
  accessListAdvice,
  continuation,
  formatClockLine,
  formatCounts,
  formatInvocation,
  formatNotification,
  formatRescheduledCheck,
  formatRetentionTable,
  formatUndelivered,
  heading,
  instant,
  isReschedule,
  notificationKind,
  outcomesOf,
  plural,
  retentionTally,
  row,
  subtractCounts,
  type Counts,
  type Night,
  type Style,
} from '../report';
import type { Outcome } from '../../lambda/snapshot/types';
import { print, type Io } from './io';
import type { FollowUpStep, InvokeStep, NightsStep, Step } from './scenarios';
import type { StepResult } from './summary';

/** Where the live lines (Atlas calls, the function's decisions) go: printed, or held back for now. */
export class LiveOutput {
  private held: string[] | undefined;

  constructor(private readonly io: Io) {}

  write(lines: string[]): void {
    if (this.held) this.held.push(...lines);
    else print(this.io, lines);
  }

  hold(): void {
    this.held = [];
  }

  /** The lines held since `hold()`; live printing resumes. */
  release(): string[] {
    const lines = this.held ?? [];
    this.held = undefined;
    return lines;
  }
}

export interface StepContext {
  run: LocalRun;
  io: Io;
  style: Style;
  verbose: boolean;
  out: LiveOutput;
  /** The run's counts so far. */
  counts(): Counts;
  /** Kinds of message (stage and code) whose e-mail body was printed once already. */
  bodiesShown: Set<string>;
  adviceShown: boolean;
}

const DAY_MS = 86_400_000;

export function runStep(ctx: StepContext, step: Step, number: number): Promise<StepResult> {
  switch (step.kind) {
    case 'follow-ups':
      return runFollowUps(ctx, step, number);
    case 'nights':
      return runNights(ctx, step, number);
    default:
      return runInvocation(ctx, step, number);
  }
}

/** The messages published since `from`, each with its body the first time its kind shows up. */
function notifications(ctx: StepContext, from: number): string[] {
  const published = ctx.run.aws.sns.published.slice(from);
  const lines = published
    .filter((message) => message.topicArn === ctx.run.topicArn)
    .flatMap((message) => {
      const kind = notificationKind(message);
      const body = ctx.verbose || !ctx.bodiesShown.has(kind);
      ctx.bodiesShown.add(kind);
      return formatNotification(message, ctx.style, { attributes: ctx.verbose, body });
    });
  const chat = published.filter((message) => message.topicArn === ctx.run.chatTopicArn).length;
  if (chat > 0)
    lines.push(
      row('chat', `${plural(chat, 'message')} to the chat topic (Amazon Q Developer custom notifications)`, ctx.style),
    );
  return lines;
}

/** The step's counts, and what a warm container reused from the step before. */
function countsSince(ctx: StepContext, before: Counts): string {
  const delta = subtractCounts(ctx.counts(), before);
  const reused = [
    ...(delta.secretReads === 0 && before.secretReads ? ['secret'] : []),
    ...(delta.tokenRequests === 0 && before.tokenRequests ? ['token'] : []),
  ];
  const warm = reused.length > 0 ? ctx.style.dim(`  (warm container: cached ${reused.join(' and ')} reused)`) : '';
  return `${formatCounts(delta)}${warm}`;
}

/** What follows an invocation's live lines: its messages, its result, advice once, its counts. */
function afterInvocation(ctx: StepContext, result: InvokeResult, published: number, before: Counts): string[] {
  const lines = [...notifications(ctx, published), ...formatInvocation(result, ctx.style)];
  if (!ctx.adviceShown) {
    const advice = accessListAdvice(outcomesOf(result), ctx.style, {
      note: "(simulated: the simulator sees this machine's loopback address)",
    });
    lines.push(...advice);
    ctx.adviceShown = advice.length > 0;
  }
  lines.push(row('counts', countsSince(ctx, before), ctx.style));
  return lines;
}

async function runInvocation(ctx: StepContext, step: InvokeStep, number: number): Promise<StepResult> {
  print(ctx.io, [
    '',
    heading(`${number}. ${step.title}: event ${JSON.stringify(step.event)}`, ctx.style),
    continuation(ctx.style.dim(step.why)),
  ]);
  const before = ctx.counts();
  const published = ctx.run.aws.sns.published.length;
  const result = await ctx.run.fn.invoke(step.event);
  print(ctx.io, afterInvocation(ctx, result, published, before));
  return { label: step.label, ok: result.ok, outcomes: outcomesOf(result) };
}

/** What a run of follow-up checks came to: the final outcomes, and how many only rescheduled. */
function followUpResult(label: string, fired: readonly FiredFollowUp[]): StepResult {
  const rescheduled = fired.filter(isReschedule).length;
  const final = fired.filter((f) => !isReschedule(f));
  const note = `(${plural(fired.length, 'check')}${rescheduled > 0 ? `, ${rescheduled} rescheduled` : ''})`;
  return {
    label,
    ok: final.every((f) => f.result?.ok === true),
    outcomes: final.flatMap((f) => (f.result ? outcomesOf(f.result) : [])),
    note,
  };
}

/**
 * Fires every follow-up schedule in time order (advanceUntilIdle), printing each: the clock line
 * and the whole account of a final check, one line for a check that rescheduled.
 */
async function fireAndShow(ctx: StepContext): Promise<FiredFollowUp[]> {
  let from = ctx.run.clock.now();
  let before: Counts = {};
  let published = 0;
  let first = true;
  return ctx.run.advanceUntilIdle({
    beforeFire: () => {
      before = ctx.counts();
      published = ctx.run.aws.sns.published.length;
      ctx.out.hold();
    },
    afterFire: (fired) => {
      const live = ctx.out.release();
      const clock = formatClockLine(from, fired, ctx.style);
      if (fired.undelivered !== undefined) print(ctx.io, [clock, ...formatUndelivered(fired, ctx.style)]);
      else if (isReschedule(fired))
        print(ctx.io, [...(first ? [clock] : []), formatRescheduledCheck(fired, ctx.style)]);
      else if (fired.result) print(ctx.io, [clock, ...live, ...afterInvocation(ctx, fired.result, published, before)]);
      from = fired.firedAt;
      first = false;
    },
  });
}

async function runFollowUps(ctx: StepContext, step: FollowUpStep, number: number): Promise<StepResult> {
  print(ctx.io, ['', heading(`${number}. ${step.title}`, ctx.style), continuation(ctx.style.dim(step.why))]);
  if (!ctx.run.confirmation) {
    print(
      ctx.io,
      row('confirm', 'confirmation is off in this configuration: no follow-up check is scheduled', ctx.style),
    );
    return { label: step.label, ok: true, outcomes: [], note: '(confirmation off)' };
  }
  const scheduled = ctx.run.aws.scheduler.schedules();
  if (scheduled.length === 0) {
    print(ctx.io, row('confirm', 'no follow-up check is scheduled: no snapshot was requested', ctx.style));
    return { label: step.label, ok: true, outcomes: [], note: '(nothing to check)' };
  }
  const fired = await fireAndShow(ctx);
  return followUpResult(step.label, fired);
}

/** The confirmation outcome of each check that was not a reschedule. */
const confirmations = (fired: readonly FiredFollowUp[]): Outcome[] =>
  fired.filter((f) => !isReschedule(f)).flatMap((f) => (f.result ? outcomesOf(f.result) : []));

async function runNights(ctx: StepContext, step: NightsStep, number: number): Promise<StepResult> {
  const { run, io, style } = ctx;
  print(io, ['', heading(`${number}. ${step.title}`, style), continuation(style.dim(step.why))]);
  const start = run.clock.now();
  const nights: Night[] = [];
  const outcomes: Outcome[] = [];
  let ok = true;
  for (let i = 0; i < step.nights; i++) {
    const at = start + i * DAY_MS;
    await run.setTime(at);
    const shown = i === 0;
    if (shown)
      print(io, row('night 1', `${instant(at)}: the scheduled run, then its follow-up checks, in full`, style));
    else ctx.out.hold();
    const published = run.aws.sns.published.length;
    const before = ctx.counts();
    const result = await run.fn.invoke(SCHEDULED_EVENT);
    if (shown) print(io, afterInvocation(ctx, result, published, before));
    const fired = shown ? await fireAndShow(ctx) : await run.advanceUntilIdle();
    if (!shown) ctx.out.release();
    const night = followUpResult(step.label, fired);
    ok &&= result.ok && night.ok;
    outcomes.push(...outcomesOf(result), ...night.outcomes);
    nights.push({ at, confirmations: confirmations(fired) });
  }
  print(io, [
    row(
      'nights',
      `nights 2 to ${step.nights} ran the same way, one simulated day apart (not shown); which snapshot was kept how long:`,
      style,
    ),
    ...formatRetentionTable(nights, style),
    row('tally', 'kept:', style),
    ...retentionTally(nights),
  ]);
  return { label: step.label, ok, outcomes, note: `(${step.nights} nights)` };
}
