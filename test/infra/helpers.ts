/** Builders shared by the infrastructure tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { AtlasSnapshotStack } from '../../lib/atlas-snapshot-stack';
import { ConfigError, CONTEXT_KEY, parseConfig, validateConfig, type SchedulerConfig } from '../../lib/config';

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

/** The problems a refused configuration reports (fails the test when `read` accepts it). */
export function refusal(read: () => unknown): readonly string[] {
  try {
    read();
  } catch (e: unknown) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected the configuration to be refused');
}

/** The problems reported for a whole context map. */
export function contextProblems(context: Record<string, unknown>): readonly string[] {
  return refusal(() => parseConfig(context));
}

/** The problems reported for the minimal configuration with `overrides` applied. */
export function problemsWith(overrides: Record<string, unknown>): readonly string[] {
  return contextProblems({ [CONTEXT_KEY]: rawConfig(overrides) });
}

/** The problems `validateConfig` reports for construct props under `prefix`. */
export function propsProblems(props: unknown, prefix = 'props'): readonly string[] {
  return refusal(() => validateConfig(props, prefix));
}

/** `count` distinct named targets in one project. */
export function namedTargets(count: number): Array<{ projectId: string; clusterName: string }> {
  return Array.from({ length: count }, (_, i) => ({ projectId: PROJECT_ID, clusterName: `Cluster-${i}` }));
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

/** The messages of every synth warning recorded in the tree under `root` (acknowledged ones are gone). */
export function warningsOf(root: IConstruct): string[] {
  return root.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
}

/** The project root (cdk.json, package.json). */
export const PROJECT_ROOT = join(__dirname, '..', '..');

/** The context of cdk.json, as the CDK CLI gives it to the app. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

type StatementDoc = { Properties: { PolicyDocument: { Statement: unknown[] } } };

/** The statements of one AWS::IAM::Policy resource of the template. */
export function policyStatements(template: Template, policyId: string): unknown[] {
  const policy = template.findResources('AWS::IAM::Policy')[policyId] as StatementDoc | undefined;
  if (policy === undefined) throw new Error(`no policy ${policyId}`);
  return policy.Properties.PolicyDocument.Statement;
}

export function ref(id: string): { Ref: string } {
  return { Ref: id };
}

export function arnOf(id: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [id, 'Arn'] };
}
