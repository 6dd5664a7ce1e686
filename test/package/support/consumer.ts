/**
 * The steps of the consumer test (test/package/consumer.test.ts): copy the project as a clean clone
 * would have it, `npm pack` it (prepack builds dist/), install the tarball into a fresh CDK app
 * from the npm cache only, and run that app's scripts with nothing on PATH but node.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../infra/helpers';
import { consumerLockfile, type ConsumerManifest, type LockEntry } from './lockfile';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

const REPO = readManifest(PROJECT_ROOT);
const pinned = (name: string): string => {
  const version = REPO.devDependencies?.[name];
  if (version === undefined) throw new Error(`${name} is not a devDependency of this repository`);
  return version;
};

/** What a consumer app has besides the package: the peers, at the versions this repository pins. */
export const CONSUMER_DEPENDENCIES: Record<string, string> = {
  'aws-cdk-lib': pinned('aws-cdk-lib'),
  constructs: pinned('constructs'),
};
/** Only to run cdk-nag's checks in the consumer (it is in the cache: this repository uses it). */
export const CONSUMER_DEV_DEPENDENCIES: Record<string, string> = { 'cdk-nag': pinned('cdk-nag') };

/** Not in a clean clone: installed or built here, or repository metadata. */
const NOT_IN_A_CLEAN_CLONE = new Set(['node_modules', '.git', 'cdk.out', 'dist', 'coverage', '.bench-tmp', '.out']);

/**
 * The project as a clean clone after `npm ci` has it: every file but what is installed, built or
 * git's, and node_modules linked to this repository's (the devDependencies the build needs).
 */
export function copyProject(destination: string): void {
  cpSync(PROJECT_ROOT, destination, {
    recursive: true,
    filter: (source) => {
      const name = path.basename(source);
      return !NOT_IN_A_CLEAN_CLONE.has(name) && !name.endsWith('.tgz') && !name.endsWith('.log');
    },
  });
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(destination, 'node_modules'), 'dir');
}

/**
 * The environment for npm and the consumer's scripts: this process's, without the npm_* variables
 * an outer `npm test` sets (the project's prefix, lifecycle and package fields), keeping where the
 * cache, the registry and the user's npmrc are.
 */
export function cleanEnvironment(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const kept = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || kept.has(name.toLowerCase())),
  );
  delete env.INIT_CWD;
  return { ...env, ...overrides };
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command; throws with its output, under `what`, when it fails. */
export function run(what: string, command: string, args: readonly string[], options: SpawnSyncOptions): RunResult {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  if (result.error !== undefined || result.status !== 0) {
    const reason = result.error !== undefined ? result.error.message : `exit ${String(result.status)}`;
    throw new Error(`${what} failed (${reason}):\n${stdout}\n${stderr}`.trimEnd());
  }
  return { stdout, stderr };
}

/** `npm pack` in `projectCopy` (prepack runs the build); returns the tarball's path in `packDir`. */
export function packProject(projectCopy: string, packDir: string): string {
  mkdirSync(packDir, { recursive: true });
  run('npm pack', 'npm', ['pack', '--pack-destination', packDir], { cwd: projectCopy, env: cleanEnvironment() });
  const tarballs = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack wrote ${tarballs.length} tarballs to ${packDir}`);
  return path.join(packDir, tarballs[0]!);
}

/** Subresource integrity of a file, as npm writes it in a lockfile. */
export function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/**
 * A fresh consumer app in `dir` depending on the tarball and the peers; installed with `npm ci
 * --offline` from a lockfile cut from this repository's, so every tarball comes from the npm cache
 * the repository's `npm ci` filled. A package missing from the cache fails here, naming it.
 */
export function installConsumer(dir: string, tarball: string, packedManifest: Manifest): void {
  const spec = `file:${path.relative(dir, tarball)}`;
  const manifest: ConsumerManifest & { private: true } = {
    name: 'consumer-app',
    private: true,
    dependencies: { [packedManifest.name]: spec, ...CONSUMER_DEPENDENCIES },
    devDependencies: CONSUMER_DEV_DEPENDENCIES,
  };
  const repoLock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const tarballEntry: LockEntry = {
    version: packedManifest.version,
    resolved: spec,
    integrity: integrityOf(tarball),
    ...(packedManifest.dependencies !== undefined ? { dependencies: packedManifest.dependencies } : {}),
    ...(packedManifest.peerDependencies !== undefined ? { peerDependencies: packedManifest.peerDependencies } : {}),
  };
  const lock = consumerLockfile(manifest, repoLock.packages, { [`node_modules/${packedManifest.name}`]: tarballEntry });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  try {
    run(
      'npm ci --offline in the consumer app',
      'npm',
      ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      {
        cwd: dir,
        env: cleanEnvironment(),
      },
    );
  } catch (e: unknown) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(
      `Installing the consumer app from the npm cache alone failed. A package it needs is not in the cache: run ` +
        `\`npm ci\` in this repository first (it fills the cache); this test never downloads.\n${message}`,
      { cause: e },
    );
  }
}

/** A directory whose only command is node: no docker, no esbuild, no npm. */
export function nodeOnlyBin(dir: string): string {
  mkdirSync(dir, { recursive: true });
  symlinkSync(process.execPath, path.join(dir, 'node'));
  return dir;
}
