/**
 * `npm run build` (run by `npm pack` through prepack): the package's dist/ from scratch
 * (docs/construct.md "How the function's code ships"):
 *   1. dist/lib and dist/lambda/snapshot: JavaScript and declarations of the package entry
 *      (lib/index.ts) and what it imports, by TypeScript with tsconfig.build.json;
 *   2. dist/function/index.js: the function bundled by esbuild with the options NodejsFunction uses
 *      at this repository's synth (FUNCTION_BUNDLE), and nothing else in that directory.
 * The installed construct finds the bundle there (lib/constructs/function-code.ts).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { BUNDLE_FILE, FUNCTION_BUNDLE, FUNCTION_ENTRY } from '../lib/constructs/function-code';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const DIST = path.join(PROJECT_ROOT, 'dist');
/** Where the compiled construct looks for the bundle: PREBUILT_FUNCTION_DIR seen from dist/lib/constructs. */
export const FUNCTION_DIST = path.join(DIST, 'function');

/**
 * FUNCTION_BUNDLE as esbuild's API takes it: what aws-lambda-nodejs passes on esbuild's command line
 * (`--bundle <entry> --target --platform=node --format --minify --external --alias`), run in the
 * project root like it.
 */
export function functionBuildOptions(outfile: string): BuildOptions {
  return {
    entryPoints: [FUNCTION_ENTRY],
    absWorkingDir: PROJECT_ROOT,
    outfile,
    bundle: true,
    platform: 'node',
    target: FUNCTION_BUNDLE.target,
    format: FUNCTION_BUNDLE.format,
    minify: FUNCTION_BUNDLE.minify,
    sourcemap: FUNCTION_BUNDLE.sourceMap,
    external: [...FUNCTION_BUNDLE.external],
    alias: { ...FUNCTION_BUNDLE.alias },
    logLevel: 'warning',
  };
}

/** Bundles the function into `outDir` (emptied first); returns the bundle's path. */
export async function buildFunction(outDir: string = FUNCTION_DIST): Promise<string> {
  rmSync(outDir, { recursive: true, force: true });
  const outfile = path.join(outDir, BUNDLE_FILE);
  await build(functionBuildOptions(outfile));
  const files = readdirSync(outDir);
  if (files.length !== 1 || files[0] !== BUNDLE_FILE) {
    throw new Error(`${outDir} must hold ${BUNDLE_FILE} only, holds ${files.join(', ')}`);
  }
  return outfile;
}

/** TypeScript 6 with tsconfig.build.json: JavaScript and declarations under dist/. */
export function compileLibrary(): void {
  const tsc = require.resolve('typescript/lib/tsc.js', { paths: [PROJECT_ROOT] });
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(PROJECT_ROOT, 'tsconfig.build.json')], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${run.stdout}${run.stderr}`);
}

async function main(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  compileLibrary();
  const bundle = await buildFunction();
  process.stdout.write(`built dist/: the library and ${path.relative(PROJECT_ROOT, bundle)}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
