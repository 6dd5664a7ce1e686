/**
 * The targets file (docs/design.md "Selecting clusters"): a target list too large for Lambda's 4 KB
 * of environment travels in the function's bundle as a JSON file at its code root, named by
 * ATLAS_TARGETS_FILE.
 *
 * The file is written at synth into the cloud assembly directory (content-addressed, so repeated
 * synths write the same file), and NodejsFunction's `afterBundling` hook copies it next to
 * index.js. The JSON never passes through a shell, only two paths do: quoted exactly for bash (the
 * shell CDK runs hooks with on Linux and macOS), refused on Windows when cmd.exe would read a
 * character inside double quotes. The asset hash is computed from the bundle's output, so it
 * changes whenever the targets do. Local bundling only (esbuild is a devDependency): in CDK's
 * Docker fallback the assembly directory is not mounted and the copy fails, stopping synth rather
 * than deploying a function without its targets.
 *
 * With the prebuilt bundle of the installed package (lib/constructs/function-code.ts) nothing is
 * bundled: the bundle and the file are copied into one content-addressed directory of the
 * assembly, and that directory is the function's asset.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stage } from 'aws-cdk-lib';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IConstruct } from 'constructs';
import type { TargetsFile } from '../function-environment';

/** The assembly directory of `scope`'s stage. */
function assemblyDirectory(scope: IConstruct): string {
  const stage = Stage.of(scope);
  if (stage === undefined) throw new Error('the targets file needs a CDK App or Stage to write it into');
  return stage.outdir;
}

/** Writes the file into the assembly directory of `scope`'s stage; returns its path. */
export function stageTargetsFile(scope: IConstruct, file: TargetsFile): string {
  const hash = createHash('sha256').update(file.json).digest('hex').slice(0, 16);
  const dir = path.join(assemblyDirectory(scope), `atlas-snapshot-targets.${hash}`);
  mkdirSync(dir, { recursive: true });
  const source = path.join(dir, file.name);
  writeFileSync(source, file.json, 'utf8');
  return source;
}

/**
 * The prebuilt bundle's files and the staged targets file together in a directory of the assembly,
 * named by a hash of all of them (repeated synths write the same directory; new targets or a new
 * bundle, a new directory and asset hash). Returns the directory: the function's asset.
 */
export function stagePrebuiltBundle(
  scope: IConstruct,
  bundleFiles: readonly string[],
  targetsFile: { name: string; source: string },
): string {
  const files = [...bundleFiles.map((source) => ({ name: path.basename(source), source })), targetsFile];
  const hash = createHash('sha256');
  for (const { name, source } of files) hash.update(name).update('\0').update(readFileSync(source)).update('\0');
  const dir = path.join(assemblyDirectory(scope), `atlas-snapshot-code-${hash.digest('hex').slice(0, 16)}`);
  mkdirSync(dir, { recursive: true });
  for (const { name, source } of files) copyFileSync(source, path.join(dir, name));
  return dir;
}

/** `'...'` for bash: every character literal, a single quote written as '\''. */
export function posixQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Characters cmd.exe interprets inside double quotes (variables, the quote itself, delayed expansion). */
const CMD_UNSAFE = /["%!\r\n]/;

/** The command that copies `source` to `destination` in the shell CDK uses on `platform`. */
export function copyCommand(source: string, destination: string, platform: NodeJS.Platform = os.platform()): string {
  if (platform !== 'win32') return `cp ${posixQuote(source)} ${posixQuote(destination)}`;
  for (const p of [source, destination]) {
    if (CMD_UNSAFE.test(p)) {
      throw new Error(`cannot copy the targets file with cmd.exe: the path ${p} holds " % ! or a line break`);
    }
  }
  return `copy /Y "${source}" "${destination}"`;
}

/** Bundling hooks that put the staged file at the bundle's root under `name`. */
export function copyIntoBundle(source: string, name: string): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir: string, outputDir: string) => [copyCommand(source, path.join(outputDir, name))],
  };
}
