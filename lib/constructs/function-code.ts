/**
 * Where the snapshot function's code comes from (docs/construct.md "How the function's code ships"):
 *
 * - in this repository the TypeScript entry exists: NodejsFunction bundles it with esbuild at synth,
 *   as `cdk synth` always has;
 * - installed from the package (dist/lib/constructs/ beside dist/function/index.js, no lambda/
 *   sources): the bundle built at pack time with the same esbuild options (scripts/build.ts) is a
 *   plain asset, so the consumer's synth runs neither esbuild nor Docker.
 *
 * Both paths are relative to this module, so the same code finds the source from lib/constructs/
 * and the prebuilt bundle from dist/lib/constructs/.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The function's TypeScript entry: present in the repository, absent from the package. */
export const FUNCTION_ENTRY = path.join(__dirname, '..', '..', 'lambda', 'snapshot', 'index.ts');
/** The prebuilt bundle's directory: dist/function beside the compiled dist/lib. */
export const PREBUILT_FUNCTION_DIR = path.join(__dirname, '..', '..', 'function');
/** The one file of the bundle (NodejsFunction's name for it, too). */
export const BUNDLE_FILE = 'index.js';
/** The exported handler function of the bundle. */
export const HANDLER_EXPORT = 'handler';
/** Lambda's handler setting in both modes (NodejsFunction turns `handler` into `index.handler`). */
export const HANDLER = `${path.parse(BUNDLE_FILE).name}.${HANDLER_EXPORT}`;

/**
 * The bundle's esbuild options: NodejsFunction's `bundling` (lib/constructs/snapshot-function.ts)
 * and the pack-time build (scripts/build.ts) are both made from these, so the package ships the
 * bundle this repository's synth builds.
 */
export const FUNCTION_BUNDLE = {
  target: 'node24',
  format: 'cjs',
  minify: true,
  sourceMap: false,
  /** The Node.js 24 runtime provides AWS SDK v3. */
  external: ['@aws-sdk/*'],
  /**
   * axios's form-data pulls in the 133 KB mime database only to name uploaded files' types; the
   * function uploads none. Relative to the project root (esbuild's working directory).
   */
  alias: { 'mime-types': './lambda/shims/mime-types.js' },
} as const;

export type FunctionCode = { kind: 'source'; entry: string } | { kind: 'prebuilt'; directory: string };

export interface FunctionCodePaths {
  entry: string;
  prebuiltDirectory: string;
}

/**
 * The source entry when it exists (this repository: keep bundling from source), otherwise the
 * prebuilt bundle (the installed package). Throws when neither is there, naming both paths.
 */
export function locateFunctionCode(
  paths: FunctionCodePaths = { entry: FUNCTION_ENTRY, prebuiltDirectory: PREBUILT_FUNCTION_DIR },
  exists: (file: string) => boolean = existsSync,
): FunctionCode {
  if (exists(paths.entry)) return { kind: 'source', entry: paths.entry };
  const bundle = path.join(paths.prebuiltDirectory, BUNDLE_FILE);
  if (exists(bundle)) return { kind: 'prebuilt', directory: paths.prebuiltDirectory };
  throw new Error(
    `The snapshot function's code is missing: neither the prebuilt bundle ${bundle} nor the source entry ` +
      `${paths.entry} exists. A package must be packed with \`npm pack\` (its prepack script builds the bundle).`,
  );
}
