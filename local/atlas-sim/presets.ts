/**
 * Named scenarios for the simulator, shared by the CLI, `npm start` and the end-to-end tests.
 * Every preset knows both demo credentials (service account and API key), so the secret a
 * run uses decides the auth kind; `targets` are what to put in ATLAS_TARGETS.
 */
import { DEMO_API_KEY, DEMO_PROJECT_ID, DEMO_SERVICE_ACCOUNT } from './demo';
import type { ClusterSeed, ProjectSeed } from './model';
import {
  LIFECYCLE_SCENARIOS,
  type PresetOptions,
  type PresetTarget,
  ROUND_ONE_SCENARIOS,
  type Scenario,
} from './scenarios';
import { FLEET_SCENARIOS } from './scenarios-fleet';
import type { AtlasSimulatorOptions, SimulatorSeed } from './simulator';

export { DEMO_API_KEY, DEMO_PROJECT_ID, DEMO_SECRET_STRINGS, DEMO_SERVICE_ACCOUNT, UNKNOWN_PROJECT_ID } from './demo';
export type { PresetTarget } from './scenarios';

export interface AtlasPreset {
  name: PresetName;
  description: string;
  seed: SimulatorSeed;
  /** Simulator options the scenario needs besides its seed (rate limit, faults, ...). */
  options: PresetOptions;
  targets: PresetTarget[];
}

export const PRESET_NAMES = [
  'default',
  'pending',
  'sharded',
  'rate-limited',
  'flex',
  'shared',
  'backup-disabled',
  'paused',
  'missing-cluster',
  'missing-project',
  'many-snapshots',
  'race',
  'flaky',
  'compliance',
  'access-list',
  'mixed',
  'many-projects',
  'tagged',
  'snapshot-fails',
  'never-finishes',
  'promotion',
  'deprecated',
  'project-denied',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const SCENARIOS: Record<PresetName, Scenario> = { ...ROUND_ONE_SCENARIOS, ...LIFECYCLE_SCENARIOS, ...FLEET_SCENARIOS };

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

const credentials = (accessList?: string[]): Pick<SimulatorSeed, 'serviceAccounts' | 'apiKeys'> => {
  const restriction = accessList !== undefined ? { accessList } : {};
  return {
    serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT, ...restriction }],
    apiKeys: [{ ...DEMO_API_KEY, ...restriction }],
  };
};

function project(clusters: ClusterSeed[], extra: Partial<ProjectSeed> = {}): ProjectSeed {
  return { id: DEMO_PROJECT_ID, name: 'Local demo', clusters, ...extra };
}

function projectsOf(scenario: Scenario, now: number): ProjectSeed[] {
  if (scenario.projects) return scenario.projects(now);
  return [project(scenario.clusters?.(now) ?? [], scenario.project)];
}

/** The preset's seed and options; `now` dates the snapshot history (use the simulator's clock). */
export function atlasPreset(name: PresetName, now: number = Date.now()): AtlasPreset {
  const scenario = SCENARIOS[name];
  const options = typeof scenario.options === 'function' ? scenario.options(now) : (scenario.options ?? {});
  return {
    name,
    description: scenario.description,
    seed: { ...credentials(scenario.accessList), projects: projectsOf(scenario, now) },
    options,
    targets: scenario.targets.map((target) => ({ ...target, ...(target.tags ? { tags: { ...target.tags } } : {}) })),
  };
}

/**
 * Options for `startAtlasSimulator` that reproduce a preset. Values set in `base` win over the
 * preset's (e.g. a CLI `--rate-limit`; one given as undefined is not set), faults of both apply
 * (the preset's first), deprecations of both apply (`base`'s first, so they win for a version),
 * and the seed is the preset's.
 */
export function presetOptions(
  name: PresetName,
  base: { [K in keyof AtlasSimulatorOptions]?: AtlasSimulatorOptions[K] | undefined } = {},
): AtlasSimulatorOptions {
  const now = (base.clock ?? { now: () => Date.now() }).now();
  const preset = atlasPreset(name, now);
  const defined = Object.fromEntries(Object.entries(base).filter(([, value]) => value !== undefined));
  const deprecations = [...(base.deprecations ?? []), ...(preset.options.deprecations ?? [])];
  return {
    ...preset.options,
    ...defined,
    faults: [...(preset.options.faults ?? []), ...(base.faults ?? [])],
    ...(deprecations.length > 0 ? { deprecations } : {}),
    seed: preset.seed,
  };
}
