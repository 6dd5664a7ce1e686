/**
 * The pack-time bundle (scripts/build.ts) is the bundle this repository's synth deploys: built
 * from FUNCTION_BUNDLE, it equals byte for byte what NodejsFunction writes into the assembly, and
 * its directory holds index.js alone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENV } from '../../lambda/snapshot/contract';
import { BUNDLE_FILE } from '../../lib/constructs/function-code';
import { buildFunction } from '../../scripts/build';
import { synthStack } from '../infra/helpers';

/** A synth with esbuild bundling, loading aws-cdk-lib first. */
jest.setTimeout(60_000);

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'atlas-build-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

type FunctionResource = { Properties: { Code: { S3Key: string }; Environment: { Variables: object } } };

describe('buildFunction', () => {
  it("writes the bundle NodejsFunction builds at this repository's synth, byte for byte", async () => {
    const { app, template } = synthStack({}, { bundle: true });
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
      (r) => ENV.secretId in (r as FunctionResource).Properties.Environment.Variables,
    ) as FunctionResource;
    const synthesized = join(app.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`, BUNDLE_FILE);

    const built = await buildFunction(join(work, 'function'));

    expect(readFileSync(built).equals(readFileSync(synthesized))).toBe(true);
  });

  it('empties its directory first and leaves index.js alone in it', async () => {
    const dir = join(work, 'stale');
    await buildFunction(dir);
    writeFileSync(join(dir, 'index.js.map'), '{}');

    await buildFunction(dir);

    expect(readdirSync(dir)).toEqual([BUNDLE_FILE]);
  });
});
