/**
 * The three bundles of the cold-start comparison:
 * - handler: the deployable bundle, as `cdk synth` writes it (found in the assembly like the
 *   end-to-end tests find it);
 * - floor: bench/floor-entry.ts (the two SDK clients and axios) with the deploy's esbuild options;
 * - naive: the handler entry unminified, AWS SDK bundled in, no mime-types alias.
 * The handler entry is also rebuilt here with the deploy's options: the rebuild must equal the
 * synthesized bundle byte for byte (proof that the floor really got the same options), and its
 * metafile says where the bytes come from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { FUNCTION_ENTRY } from '../lib/constructs/snapshot-function';
import { findHandlerBundle, PROJECT_ROOT, synthesize } from '../local/lambda/bundle';

export const OUT_DIR = path.join(PROJECT_ROOT, 'bench', '.out');

/** lib/constructs/snapshot-function.ts `bundling`, as aws-lambda-nodejs turns it into esbuild arguments. */
export const DEPLOY_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  external: ['@aws-sdk/*'],
  alias: { 'mime-types': './lambda/shims/mime-types.js' },
};

const NAIVE_OPTIONS: BuildOptions = { bundle: true, platform: 'node', target: 'node24', format: 'cjs', minify: false };

export interface BundleInfo {
  name: 'handler' | 'floor' | 'naive';
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface Contributor {
  /** A package name, or `lambda/snapshot` for the function's own code. */
  source: string;
  bytes: number;
}

export interface Bundles {
  handler: BundleInfo;
  floor: BundleInfo;
  naive: BundleInfo;
  /** The deploy-option rebuild of the handler equals the synthesized bundle. */
  rebuildMatchesDeploy: boolean;
  /** Largest contributors to the deployed bundle (esbuild metafile of the rebuild). */
  contributors: Contributor[];
  /**
   * The deploy-option build with an external source map (bench/profile.ts maps profile frames
   * through it); `matchesDeploy`: its JavaScript equals the synthesized bundle byte for byte.
   */
  sourceMap: { file: string; matchesDeploy: boolean };
}

function info(name: BundleInfo['name'], file: string): BundleInfo {
  const content = fs.readFileSync(file);
  return {
    name,
    file: path.relative(PROJECT_ROOT, file),
    bytes: content.length,
    gzipBytes: gzipSync(content, { level: 9 }).length,
  };
}

async function bundle(entry: string, outfile: string, options: BuildOptions): Promise<Metafile> {
  const result = await build({
    ...options,
    entryPoints: [entry],
    outfile,
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** Bytes in the output per package (node_modules/<pkg>) or per project folder. */
export function contributors(metafile: Metafile, top = 8): Contributor[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const source = match?.[1] ?? path.dirname(input);
      totals.set(source, (totals.get(source) ?? 0) + bytesInOutput);
    }
  }
  return [...totals.entries()]
    .map(([source, bytes]) => ({ source, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

/**
 * Synthesizes into bench/.out/cdk.out (not the shared cdk.out, which tests may be reading) and
 * builds the comparison bundles next to it. Everything stays under the project root so the
 * external `@aws-sdk/*` resolve from its node_modules, as the runtime's copy would on Lambda.
 */
export async function prepareBundles(): Promise<Bundles> {
  fs.rmSync(OUT_DIR, { recursive: true, force: true });
  const assembly = path.join(OUT_DIR, 'cdk.out');
  synthesize(assembly);
  const deployed = findHandlerBundle(assembly);

  const file = (name: string) => path.join(OUT_DIR, name, 'index.js');
  const [rebuild] = await Promise.all([
    bundle(FUNCTION_ENTRY, file('rebuild'), DEPLOY_OPTIONS),
    bundle(FUNCTION_ENTRY, file('mapped'), { ...DEPLOY_OPTIONS, sourcemap: 'external' }),
    bundle(path.join(PROJECT_ROOT, 'bench', 'floor-entry.ts'), file('floor'), DEPLOY_OPTIONS),
    bundle(FUNCTION_ENTRY, file('naive'), NAIVE_OPTIONS),
  ]);
  return {
    handler: info('handler', deployed),
    floor: info('floor', file('floor')),
    naive: info('naive', file('naive')),
    rebuildMatchesDeploy: fs.readFileSync(deployed).equals(fs.readFileSync(file('rebuild'))),
    contributors: contributors(rebuild),
    sourceMap: {
      file: path.relative(PROJECT_ROOT, `${file('mapped')}.map`),
      matchesDeploy: fs.readFileSync(deployed).equals(fs.readFileSync(file('mapped'))),
    },
  };
}
