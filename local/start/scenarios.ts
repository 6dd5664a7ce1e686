/**
 * What a local `npm start` does: a scenario is a simulator preset (the Atlas organization and its
 * behaviour) plus the steps to run against it, each an invocation with its event and why a person
 * would send it. Every preset is a scenario with the default steps; scenarios of `npm start` alone
 * (e.g. `dry-run`) reuse a preset with other steps. Later scenarios add steps (clock advances,
 * follow-up checks) to this list.
 */
import { PRESET_NAMES, atlasPreset, isPresetName, type PresetName } from '../atlas-sim';
import { SCHEDULED_EVENT } from '../harness';

export interface Step {
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

export interface StartScenario {
  name: string;
  preset: PresetName;
  description: string;
  steps: Step[];
}

export const SCHEDULED_STEP: Step = {
  label: 'scheduled',
  title: 'scheduled run',
  event: SCHEDULED_EVENT,
  why: 'the input the stack\'s EventBridge schedule "nightly" sends',
};

export const CONSOLE_STEP: Step = {
  label: 'console',
  title: 'console run',
  event: {},
  why: 'someone presses Test in the Lambda console right after: a manual run of the same targets',
  console: true,
};

const DEFAULT_STEPS: Step[] = [SCHEDULED_STEP, CONSOLE_STEP];

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
    return { name, preset: name, description: atlasPreset(name).description, steps: DEFAULT_STEPS };
  }
  const extra = EXTRA_SCENARIOS[name];
  return { name, preset: extra.preset, description: extra.description, steps: [...extra.steps] };
}

/** The scenario's steps with `--event` in place of its console step's event. */
export function withConsoleEvent(steps: readonly Step[], event: unknown): Step[] {
  return steps.map((step) => (step.console ? { ...step, event, why: 'your --event, as a console test event' } : step));
}
