/**
 * `npm start -- --config cdk`: the user's own `atlasSnapshot` configuration (cdk.json context),
 * validated by the same `parseConfig` that `cdk synth` uses, run against simulated clusters. The
 * simulator is seeded from the targets: one healthy M10 replica set per named cluster, and a small
 * set of clusters (tagged and untagged) for each selector to choose from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseConfig, type SchedulerConfig } from '../../lib/config';
import { scheduleInput } from '../../lib/constructs/schedules';
import { environmentValues, functionEnvironment, type FunctionEnvironment } from '../../lib/function-environment';
import {
  DEMO_API_KEY,
  DEMO_PROJECT_ID,
  DEMO_SERVICE_ACCOUNT,
  snapshotHistory,
  type ClusterSeed,
  type SimulatorSeed,
} from '../atlas-sim';
import { PROJECT_ROOT } from '../lambda/bundle';
import { SetupError } from '../real';
import { ENV } from '../../lambda/snapshot/contract';
import type { Target } from '../../lambda/snapshot/types';
import { ALL_CLUSTERS, ALL_PROJECTS } from '../../lambda/snapshot/validation';
import { relative } from './io';
import { CONSOLE_STEP, FOLLOW_UP_STEP, type Step } from './scenarios';

/** `--config cdk`: this project's own cdk.json. */
export const PROJECT_CONFIG = 'cdk';

export interface OwnConfig {
  /** The file read, as the user would type it. */
  file: string;
  config: SchedulerConfig;
}

/** The cdk.json a `--config` value names: `cdk` for this project's, else the path given. */
export function configPath(value: string, root: string = PROJECT_ROOT): string {
  return value === PROJECT_CONFIG ? path.join(root, 'cdk.json') : path.resolve(value);
}

/** Reads the `context` of a cdk.json and validates its `atlasSnapshot` block as `cdk synth` would. */
export function loadOwnConfig(value: string, root: string = PROJECT_ROOT): OwnConfig {
  const file = configPath(value, root);
  const shown = relative(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new SetupError(`--config: cannot read ${shown}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e: unknown) {
    throw new SetupError(`--config: ${shown} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const context = (json as { context?: unknown } | null)?.context;
  if (typeof context !== 'object' || context === null || !('atlasSnapshot' in context)) {
    throw new SetupError(`--config: ${shown} has no "context": { "atlasSnapshot": { ... } } block`);
  }
  try {
    return { file: shown, config: parseConfig(context) };
  } catch (e: unknown) {
    if (e instanceof ConfigError)
      throw new SetupError(`${shown}: ${e.message}\n(cdk synth stops on the same problems)`);
    throw e;
  }
}

/** The variables whose values only exist at deploy (what the stack creates): tokens in a template. */
const DEPLOY_TIME = [
  ENV.topicArn,
  ENV.chatTopicArn,
  ENV.confirmScheduleGroup,
  ENV.confirmRoleArn,
  ENV.confirmDeadLetterArn,
] as const;

/**
 * The function's variables for a configuration, built by the stack's own rules
 * (lib/function-environment.ts: confirmation, promotion, summary, chat, the targets file when the
 * targets do not fit), with what only exists at deploy left as tokens for the local run to fill
 * in, and the secret under the name the local run stores it.
 */
export function configEnvironment(
  config: SchedulerConfig,
  secretName: string,
): { variables: Record<string, unknown>; targetsFile?: FunctionEnvironment['targetsFile'] } {
  const placeholder = (kind: string) => `arn:aws:${kind}:us-east-1:123456789012:deploy-time`;
  const values = environmentValues(config, {
    topicArn: placeholder('sns'),
    confirmation: {
      scheduleGroupName: 'deploy-time',
      roleArn: 'arn:aws:iam::123456789012:role/deploy-time',
      deadLetterArn: placeholder('sqs'),
    },
    chatTopicArn: placeholder('sns'),
  });
  const { variables, targetsFile } = functionEnvironment(values);
  const withTokens: Record<string, unknown> = { ...variables, [ENV.secretId]: secretName };
  for (const name of DEPLOY_TIME) if (name in withTokens) withTokens[name] = { Ref: name };
  return { variables: withTokens, ...(targetsFile !== undefined ? { targetsFile } : {}) };
}

/** The steps of a config run: what the first configured schedule sends, a console run, the follow-ups. */
export function configSteps(config: SchedulerConfig): Step[] {
  const [first, ...others] = config.schedules;
  if (first === undefined) return [CONSOLE_STEP, FOLLOW_UP_STEP];
  const also = others.length > 0 ? ` (${others.length} more schedule(s) send their own overrides)` : '';
  return [
    {
      label: 'scheduled',
      title: 'scheduled run',
      event: scheduleInput(first),
      why: `the input your schedule "${first.name}" (${first.expression}, ${first.timezone}) sends${also}`,
    },
    CONSOLE_STEP,
    FOLLOW_UP_STEP,
  ];
}

// ---------------------------------------------------------------------------------------------
// The simulated organization

/** A cluster seed with the tags a selector looks for (the simulator renders them as `[{key, value}]`). */
type TaggedClusterSeed = ClusterSeed & { tags?: Record<string, string> };

export interface ConfigSeed {
  seed: SimulatorSeed;
  /** One line per simulated project: its id and its clusters. */
  projects: string[];
}

/** A project for `projectId: "*"` selectors: one the configuration does not name. */
function extraProjectId(named: ReadonlySet<string>): string {
  if (!named.has(DEMO_PROJECT_ID)) return DEMO_PROJECT_ID;
  for (let i = 1; ; i++) {
    const id = `${DEMO_PROJECT_ID.slice(0, 18)}${i.toString(16).padStart(6, '0')}`;
    if (!named.has(id)) return id;
  }
}

class Organization {
  private readonly projects = new Map<string, Map<string, TaggedClusterSeed>>();

  constructor(private readonly now: number) {}

  project(id: string): Map<string, TaggedClusterSeed> {
    const existing = this.projects.get(id);
    if (existing) return existing;
    const created = new Map<string, TaggedClusterSeed>();
    this.projects.set(id, created);
    return created;
  }

  add(projectId: string, name: string, tags?: Record<string, string>): void {
    const clusters = this.project(projectId);
    if (clusters.has(name)) return;
    clusters.set(name, { name, snapshots: snapshotHistory(12, this.now), ...(tags ? { tags } : {}) });
  }

  /** `ClusterN` with the smallest N not taken in the project. */
  freeName(projectId: string): string {
    const clusters = this.project(projectId);
    for (let i = 0; ; i++) if (!clusters.has(`Cluster${i}`)) return `Cluster${i}`;
  }

  /** What a selector can choose from: two clusters, or with tags one carrying them and one not. */
  addForSelector(projectId: string, tags: Record<string, string> | undefined): void {
    this.add(projectId, this.freeName(projectId), tags);
    this.add(projectId, this.freeName(projectId));
  }

  seed(): ConfigSeed {
    const projects = [...this.projects].map(([id, clusters]) => ({
      id,
      name: 'Simulated project',
      clusters: [...clusters.values()],
    }));
    return {
      seed: { serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT }], apiKeys: [{ ...DEMO_API_KEY }], projects },
      projects: projects.map(
        (p) =>
          `${p.id}: ${p.clusters.map((c: TaggedClusterSeed) => (c.tags ? `${c.name} tags ${JSON.stringify(c.tags)}` : c.name)).join(', ')}`,
      ),
    };
  }
}

/**
 * The simulated organization for a configuration's targets: every named cluster exists (a healthy
 * M10 replica set with backup on and 12 completed scheduled snapshots); each `"clusterName": "*"`
 * selector finds two more clusters in its project (with tags: one carrying them, one not); a
 * `"projectId": "*"` selector finds one more project with such clusters.
 */
export function seedForTargets(targets: readonly Target[], now: number = Date.now()): ConfigSeed {
  const org = new Organization(now);
  const named = new Set(targets.filter((t) => t.projectId !== ALL_PROJECTS).map((t) => t.projectId));
  for (const t of targets)
    if (t.projectId !== ALL_PROJECTS && t.clusterName !== ALL_CLUSTERS) org.add(t.projectId, t.clusterName);
  for (const t of targets) {
    if (t.clusterName !== ALL_CLUSTERS) continue;
    const projectId = t.projectId === ALL_PROJECTS ? extraProjectId(named) : t.projectId;
    org.addForSelector(projectId, t.tags);
  }
  return org.seed();
}
