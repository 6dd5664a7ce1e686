/**
 * Finds the function's bundle in a cloud assembly (cdk.out): the same file `cdk deploy`
 * uploads. `synthesize()` runs the project's own `cdk synth`, so the bundle is built with exactly
 * the deploy's esbuild settings.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export function synthesize(outdir = path.join(PROJECT_ROOT, 'cdk.out')): void {
  const cdk = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  const run = spawnSync(cdk, ['synth', '-q', '--output', outdir], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`cdk synth failed (exit ${run.status}):\n${run.stderr || run.stdout}`);
  }
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties?: { Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
}

/** The snapshot function's `index.js` in the assembly: the Lambda whose environment names the secret. */
export function findHandlerBundle(outdir = path.join(PROJECT_ROOT, 'cdk.out')): string {
  const templates = fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
  for (const file of templates) {
    const template = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')) as {
      Resources?: Record<string, TemplateResource>;
    };
    for (const resource of Object.values(template.Resources ?? {})) {
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const variables = resource.Properties?.Environment?.Variables ?? {};
      if (
        resource.Type === 'AWS::Lambda::Function' &&
        typeof assetPath === 'string' &&
        'ATLAS_SECRET_ID' in variables
      ) {
        const bundle = path.join(outdir, assetPath, 'index.js');
        if (fs.existsSync(bundle)) return bundle;
      }
    }
  }
  throw new Error(`no snapshot function bundle found in ${outdir}: run "npx cdk synth" first`);
}
