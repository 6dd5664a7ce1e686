/**
 * What a local `npm start` does (docs/local.md): a scenario is a simulator preset (the Atlas
 * organization and its behaviour) plus the steps to run against it: invocations, each with its
 * event and why a person would send it; the follow-up checks, when the simulated clock moves to
 * the one-time schedules the function created; and for promotion, a run of nights compressed in
 * simulated time. Every preset is a scenario with the default steps (the whole life of a
 * snapshot); scenarios of `npm start` alone (e.g. `dry-run`) reuse a preset with other steps.
 */
import { PRESET_NAMES, atlasPreset, isPresetName, type PresetName } from '../atlas-sim';
import { SCHEDULED_EVENT } from '../harness';
import { ENV } from '../../lambda/snapshot/contract';

/** An invocation with an event. */
export interface InvokeStep {
  kind?: 'invoke';
  /** The summary row's label. */
  label: string;
  /** The section heading (`1. <title>: event {...}`). */
  title: string;
  event: unknown;
  /** One line on who sends this event and why. */
  why: string;
  /** A console test event: `--event` replaces it. */
  console?: boolean;
}

/** EventBridge Scheduler's part: the simulated clock moves to each follow-up schedule, which fires. */
export interface FollowUpStep {
  kind: 'follow-ups';
  label: string;
  title: string;
  why: string;
}

/** `nights` scheduled runs, one a day at `hourUtc`, each with its follow-up checks; a retention table after. */
export interface NightsStep {
  kind: 'nights';
  label: string;
  title: string;
  why: string;
  nights: number;
  hourUtc: number;
}

export type Step = InvokeStep | FollowUpStep | NightsStep;

export interface StartScenario {
  name: string;
  preset: PresetName;
  description: string;
  steps: Step[];
  /** Extra function environment the scenario needs (e.g. SNAPSHOT_PROMOTION). */
  env?: Record<string, string>;
  /** The simulated time the run starts at, from the real time now (default: now). */
  startAt?: (now: number) => number;
}

export const SCHEDULED_STEP: InvokeStep = {
  label: 'scheduled',
  title: 'scheduled run',
  event: SCHEDULED_EVENT,
  why: 'the input the stack\'s EventBridge schedule "nightly" sends',
};

export const CONSOLE_STEP: InvokeStep = {
  label: 'console',
  title: 'console run',
  event: {},
  why: 'someone presses Test in the Lambda console right after: a manual run of the same targets',
  console: true,
};

export const FOLLOW_UP_STEP: FollowUpStep = {
  kind: 'follow-ups',
  label: 'follow-up',
  title: 'the follow-up checks',
  why: 'EventBridge Scheduler invokes the function with each one-time schedule it created, at its time: the simulated clock jumps there',
};

/** The whole life of a snapshot: requested, the console run right after, then confirmed (or not). */
const DEFAULT_STEPS: Step[] = [SCHEDULED_STEP, CONSOLE_STEP, FOLLOW_UP_STEP];

/** The promotion history's periods (first of year 7 years, of month 12 months, of ISO week 4 weeks), in UTC. */
const PROMOTION = { weeks: 4, months: 12, years: 7, timezone: 'UTC' };
const NIGHTLY_HOUR_UTC = 3;
const DAY_MS = 86_400_000;

/** The next 03:00 UTC: where a run of nightly runs starts. */
export function nextNightUtc(now: number, hourUtc: number = NIGHTLY_HOUR_UTC): number {
  const today = Math.floor(now / DAY_MS) * DAY_MS + hourUtc * 3_600_000;
  return today > now ? today : today + DAY_MS;
}

/** Presets whose scenario runs other steps than the default ones. */
const PRESET_STEPS: Partial<Record<PresetName, Pick<StartScenario, 'steps' | 'env' | 'startAt'>>> = {
  promotion: {
    steps: [
      {
        kind: 'nights',
        label: 'nights',
        title: 'a month of nightly runs',
        why: `the nightly schedule (cron(0 ${NIGHTLY_HOUR_UTC} * * ? *)) for 30 nights, with promotion ${JSON.stringify(PROMOTION)}: each snapshot's follow-up decides how long it is kept`,
        nights: 30,
        hourUtc: NIGHTLY_HOUR_UTC,
      },
    ],
    env: { [ENV.promotion]: JSON.stringify(PROMOTION) },
    startAt: (now) => nextNightUtc(now),
  },
};

/** Scenarios of `npm start` beyond the presets, each on a preset's organization. */
const EXTRA_SCENARIOS = {
  'dry-run': {
    preset: 'default',
    description:
      'a console dry run first (SKIPPED DRY_RUN: every check, nothing requested), then the schedule requests the snapshot',
    steps: [
      {
        label: 'dry run',
        title: 'console dry run',
        event: { dryRun: true },
        why: 'someone tries it from the Lambda console first, with {"dryRun": true}: it checks everything and requests nothing',
        console: true,
      },
      {
        ...SCHEDULED_STEP,
        why: 'then the nightly schedule runs: the dry run changed nothing, so this one requests the snapshot',
      },
      FOLLOW_UP_STEP,
    ],
  },
} as const satisfies Record<string, Omit<StartScenario, 'name'>>;

export type ScenarioName = PresetName | keyof typeof EXTRA_SCENARIOS;

export const SCENARIO_NAMES: readonly ScenarioName[] = [
  ...PRESET_NAMES,
  ...(Object.keys(EXTRA_SCENARIOS) as Array<keyof typeof EXTRA_SCENARIOS>),
];

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

export function startScenario(name: ScenarioName): StartScenario {
  if (isPresetName(name)) {
    const own = PRESET_STEPS[name];
    return { name, preset: name, description: atlasPreset(name).description, steps: DEFAULT_STEPS, ...own };
  }
  const extra = EXTRA_SCENARIOS[name];
  return { name, preset: extra.preset, description: extra.description, steps: [...extra.steps] };
}

/** The scenario's steps with `--event` in place of its console step's event. */
export function withConsoleEvent(steps: readonly Step[], event: unknown): Step[] {
  return steps.map((step) =>
    step.kind === undefined || step.kind === 'invoke'
      ? step.console
        ? { ...step, event, why: 'your --event, as a console test event' }
        : step
      : step,
  );
}
