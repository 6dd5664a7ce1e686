/**
 * Builds the deployable artifact once for the end-to-end project: `cdk synth` writes the
 * function's bundle into cdk.out exactly as `cdk deploy` would upload it.
 */
import { synthesize } from '../../local/lambda/bundle';

export default function globalSetup(): void {
  synthesize();
}
