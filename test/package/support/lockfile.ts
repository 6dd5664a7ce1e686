/**
 * A package-lock.json for the consumer app, cut from this repository's lockfile: the consumer's
 * dependencies and everything they need, at exactly the versions and integrity hashes `npm ci`
 * installed here, so `npm ci --offline` in the consumer reads every tarball from the npm cache that
 * `npm ci` just filled (npm 11 resolves a plain `npm install` from full registry documents, which
 * `npm ci` never stores, so an offline `npm install` cannot work from that cache).
 */

/** One `packages` entry of a lockfile (v3). */
export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}

export interface Lockfile {
  name: string;
  lockfileVersion: 3;
  requires: true;
  packages: Record<string, LockEntry>;
}

export interface ConsumerManifest {
  name: string;
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Where `name` is found from the package at `from`, as Node looks it up (nearest node_modules first). */
export function locate(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let dir = from; ;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (dir === '') return undefined;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent < 0 ? '' : dir.slice(0, parent);
  }
}

/** The names `entry` needs installed: dependencies and non-optional peers (optional ones when present). */
function needs(packages: Record<string, LockEntry>, key: string): Array<{ name: string; optional: boolean }> {
  const entry = packages[key]!;
  const peers = Object.keys(entry.peerDependencies ?? {}).map((name) => ({
    name,
    optional: entry.peerDependenciesMeta?.[name]?.optional === true,
  }));
  return [
    ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...peers,
  ];
}

/** Install flags of the repository's tree (dev, peer, ...): npm computes the consumer's own. */
const TREE_FLAGS = ['dev', 'devOptional', 'optional', 'peer'];

/**
 * The consumer's lockfile: `manifest`'s dependencies located in `packages` (the repository's
 * lockfile entries, plus `extra` such as the packed tarball) and, transitively, what they need.
 * Throws naming the package when something needed is not in the lockfile.
 */
export function consumerLockfile(
  manifest: ConsumerManifest,
  packages: Record<string, LockEntry>,
  extra: Record<string, LockEntry> = {},
): Lockfile {
  const all = { ...packages, ...extra };
  const taken = new Map<string, LockEntry>();
  const visit = (key: string): void => {
    if (taken.has(key)) return;
    const entry = { ...all[key]! };
    for (const flag of TREE_FLAGS) delete entry[flag];
    taken.set(key, entry);
    for (const { name, optional } of needs(all, key)) {
      const found = locate(all, key, name);
      if (found !== undefined) visit(found);
      else if (!optional) throw new Error(`${name}, needed by ${key}, is not in the lockfile`);
    }
  };
  const roots = { ...manifest.dependencies, ...manifest.devDependencies };
  for (const [name, spec] of Object.entries(roots)) {
    const found = locate(all, '', name);
    if (found === undefined) throw new Error(`${name}, a dependency of ${manifest.name}, is not in the lockfile`);
    const version = all[found]!.version;
    if (/^\d/.test(spec) && spec !== version) {
      throw new Error(`${manifest.name} asks for ${name}@${spec}, the lockfile has ${name}@${String(version)}`);
    }
    visit(found);
  }
  const root: LockEntry = {
    name: manifest.name,
    dependencies: manifest.dependencies,
    ...(manifest.devDependencies !== undefined ? { devDependencies: manifest.devDependencies } : {}),
  };
  const sorted = [...taken.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    name: manifest.name,
    lockfileVersion: 3,
    requires: true,
    packages: { '': root, ...Object.fromEntries(sorted) },
  };
}
