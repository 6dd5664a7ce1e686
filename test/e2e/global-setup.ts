/**
 * Builds the deployable artifacts once for the end-to-end project, both at once: `cdk synth`
 * writes the function's bundle into cdk.out exactly as `cdk deploy` would upload it, and a second
 * configuration into its own outdir (test/e2e/configs.ts).
 */
import path from 'node:path';
import { PROJECT_ROOT, synthesizeAsync } from '../../local/lambda/bundle';
import { SECOND_CONFIG, SECOND_OUTDIR } from './configs';

export default async function globalSetup(): Promise<void> {
  await Promise.all([
    synthesizeAsync(path.join(PROJECT_ROOT, 'cdk.out')),
    synthesizeAsync(SECOND_OUTDIR, { atlasSnapshot: SECOND_CONFIG }),
  ]);
}
