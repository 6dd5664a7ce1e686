#!/usr/bin/env node
/**
 * CDK app entry: reads and validates the configuration once, builds the stack, and runs cdk-nag's
 * AwsSolutions checks on every synthesis (a new finding fails `cdk synth`).
 *
 * The stack is environment-agnostic on purpose: no account or region at synth time, no lookups, so
 * `cdk synth` needs no credentials and no network; `cdk deploy` takes them from the AWS profile.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AtlasSnapshotStack } from '../lib/atlas-snapshot-stack';
import { ConfigError, loadConfig } from '../lib/config';

const app = new App();
try {
  const config = loadConfig(app);
  new AtlasSnapshotStack(app, 'AtlasSnapshotScheduler', {
    config,
    description: 'Scheduled MongoDB Atlas on-demand snapshots with SNS notifications (atlas-snapshot-scheduler)',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
} catch (e: unknown) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}
