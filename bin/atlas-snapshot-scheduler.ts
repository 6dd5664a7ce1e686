#!/usr/bin/env node
/**
 * CDK app entry: builds the app (lib/app.ts: configuration, stack, cdk-nag) and turns a bad
 * configuration into its message and exit code 1.
 *
 * The stack is environment-agnostic on purpose: no account or region at synth time, no lookups, so
 * `cdk synth` needs no credentials and no network; `cdk deploy` takes them from the AWS profile.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { ConfigError } from '../lib/config';

const app = new App();
try {
  buildApp(app);
} catch (e: unknown) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}
