/** Builders shared by the infrastructure tests. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AtlasSnapshotStack } from '../../lib/atlas-snapshot-stack';
import { CONTEXT_KEY, parseConfig, type SchedulerConfig } from '../../lib/config';

export const PROJECT_ID = '5f1d7a3b2c4e6f8a9b0c1d2e';

/** A minimal valid `atlasSnapshot` context value; override fields per test. */
export function rawConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    secretName: 'atlas/snapshot-scheduler',
    targets: [{ projectId: PROJECT_ID, clusterName: 'Cluster0' }],
    schedules: [{ name: 'nightly', expression: 'cron(0 3 * * ? *)' }],
    ...overrides,
  };
}

export function config(overrides: Record<string, unknown> = {}): SchedulerConfig {
  return parseConfig({ [CONTEXT_KEY]: rawConfig(overrides) });
}

/**
 * An App; `bundle: false` skips the esbuild bundling of the function (about 1-2 s per stack) where
 * the bundle is not what a test looks at.
 */
export function testApp(options: { bundle: boolean }): App {
  return new App(options.bundle ? {} : { context: { 'aws:cdk:bundling-stacks': [] } });
}

/** The stack on a plain App (no nag plugin: Template.fromStack re-synthesizes). */
export function synthStack(
  overrides: Record<string, unknown> = {},
  options: { bundle: boolean } = { bundle: false },
): { app: App; stack: AtlasSnapshotStack; template: Template } {
  const app = testApp(options);
  const stack = new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', { config: config(overrides) });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The one resource of a type whose logical id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0]!;
}
