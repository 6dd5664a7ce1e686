/**
 * Finds the function's bundle in a cloud assembly (cdk.out): the same file `cdk deploy`
 * uploads. `synthesize()` runs the project's own `cdk synth`, so the bundle is built with exactly
 * the deploy's esbuild settings; `readSynthesizedFunction()` also reads the environment and the
 * schedule inputs the template gives the function, for runs with exactly what would deploy.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const CDK = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');

function synthArgs(outdir: string, context: Readonly<Record<string, unknown>>): string[] {
  const contextArgs = Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${JSON.stringify(value)}`]);
  return ['synth', '-q', '--output', outdir, ...contextArgs];
}

/**
 * `cdk synth` into `outdir`; `context` entries are passed as `-c key=<JSON>` (e.g. another
 * `atlasSnapshot` configuration, synthesized into its own outdir).
 */
export function synthesize(
  outdir = path.join(PROJECT_ROOT, 'cdk.out'),
  context: Readonly<Record<string, unknown>> = {},
): void {
  const run = spawnSync(CDK, synthArgs(outdir, context), { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`cdk synth failed (exit ${run.status}):\n${run.stderr || run.stdout}`);
  }
}

/** `synthesize` without blocking, so that several assemblies build at once. */
export function synthesizeAsync(outdir: string, context: Readonly<Record<string, unknown>> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(CDK, synthArgs(outdir, context), { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`cdk synth ${outdir} failed (exit ${code}):\n${output}`)),
    );
  });
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, unknown>;
  Properties?: {
    Handler?: string;
    Environment?: { Variables?: Record<string, unknown> };
    Target?: { Input?: unknown };
    Name?: unknown;
  };
}

/** The snapshot function as synthesized: its bundle, its variables (tokens left as they are), its schedules' inputs. */
export interface SynthesizedFunction {
  bundlePath: string;
  variables: Record<string, unknown>;
  /** The Input of every EventBridge Scheduler schedule of the template, as written there. */
  scheduleInputs: string[];
}

function templates(outdir: string): Array<Record<string, TemplateResource>> {
  return fs
    .readdirSync(outdir)
    .filter((f) => f.endsWith('.template.json'))
    .map(
      (file) =>
        (
          JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8')) as {
            Resources?: Record<string, TemplateResource>;
          }
        ).Resources ?? {},
    );
}

/** The snapshot function in a cloud assembly: the Lambda whose environment names the secret. */
export function readSynthesizedFunction(outdir = path.join(PROJECT_ROOT, 'cdk.out')): SynthesizedFunction {
  for (const resources of templates(outdir)) {
    for (const resource of Object.values(resources)) {
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const variables = resource.Properties?.Environment?.Variables ?? {};
      if (
        resource.Type !== 'AWS::Lambda::Function' ||
        typeof assetPath !== 'string' ||
        !('ATLAS_SECRET_ID' in variables)
      )
        continue;
      const bundlePath = path.join(outdir, assetPath, 'index.js');
      if (!fs.existsSync(bundlePath)) continue;
      const scheduleInputs = Object.values(resources)
        .filter((r) => r.Type === 'AWS::Scheduler::Schedule' && typeof r.Properties?.Target?.Input === 'string')
        .map((r) => r.Properties?.Target?.Input as string);
      return { bundlePath, variables, scheduleInputs };
    }
  }
  throw new Error(`no snapshot function bundle found in ${outdir}: run "npx cdk synth" first`);
}

/** The snapshot function's `index.js` in the assembly. */
export function findHandlerBundle(outdir = path.join(PROJECT_ROOT, 'cdk.out')): string {
  return readSynthesizedFunction(outdir).bundlePath;
}
