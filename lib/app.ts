/**
 * The app bin/ runs, built in one place so that tests synthesize exactly what `cdk synth` does:
 * the configuration read and validated once from context, the stack named by `stackName`, and
 * cdk-nag's AwsSolutions checks on every synthesis (a new finding fails `cdk synth`).
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AtlasSnapshotStack } from './atlas-snapshot-stack';
import { loadConfig } from './config';

export const STACK_DESCRIPTION =
  'Scheduled MongoDB Atlas on-demand snapshots with SNS notifications (atlas-snapshot-scheduler)';

/**
 * Adds the stack to `app`; throws ConfigError for a bad configuration. The stack's construct id is
 * its name too, so two stacks of different names also get different generated resource names.
 */
export function buildApp(app: App): AtlasSnapshotStack {
  const config = loadConfig(app);
  const stack = new AtlasSnapshotStack(app, config.stackName, {
    config,
    stackName: config.stackName,
    description: STACK_DESCRIPTION,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
