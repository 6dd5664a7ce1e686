/**
 * The consumer's lockfile cut from this repository's: Node's lookup order (nearest node_modules
 * first), dependencies and peers followed, the repository's install flags dropped, a clear error
 * for anything missing or at another version. Also: every package the consumer test installs is in
 * this repository's lockfile, so the cache `npm ci` filled has it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../infra/helpers';
import { consumerLockfile, locate, type LockEntry } from './support/lockfile';
import { CONSUMER_DEPENDENCIES, CONSUMER_DEV_DEPENDENCIES } from './support/consumer';

const PACKAGES: Record<string, LockEntry> = {
  '': { name: 'repo' },
  'node_modules/app-lib': { version: '2.0.0', integrity: 'sha512-a', dev: true, dependencies: { util: '^1.0.0' } },
  'node_modules/app-lib/node_modules/util': { version: '1.5.0', integrity: 'sha512-b', inBundle: true },
  'node_modules/util': { version: '3.0.0', integrity: 'sha512-c' },
  'node_modules/plugin': {
    version: '1.0.0',
    integrity: 'sha512-d',
    peer: true,
    peerDependencies: { 'app-lib': '^2.0.0', absent: '*' },
    peerDependenciesMeta: { absent: { optional: true } },
  },
  'node_modules/@scope/unused': { version: '1.0.0', integrity: 'sha512-e' },
};

describe('locate', () => {
  it('finds the nearest copy first, then the hoisted one', () => {
    expect(locate(PACKAGES, 'node_modules/app-lib', 'util')).toBe('node_modules/app-lib/node_modules/util');
    expect(locate(PACKAGES, 'node_modules/plugin', 'util')).toBe('node_modules/util');
    expect(locate(PACKAGES, '', '@scope/unused')).toBe('node_modules/@scope/unused');
    expect(locate(PACKAGES, '', 'nowhere')).toBeUndefined();
  });
});

describe('consumerLockfile', () => {
  it('takes the dependencies and what they need, without the repository flags or unrelated packages', () => {
    const lock = consumerLockfile(
      { name: 'consumer', dependencies: { 'app-lib': '2.0.0' }, devDependencies: { plugin: '1.0.0' } },
      PACKAGES,
    );

    expect(lock).toEqual({
      name: 'consumer',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'consumer', dependencies: { 'app-lib': '2.0.0' }, devDependencies: { plugin: '1.0.0' } },
        'node_modules/app-lib': { version: '2.0.0', integrity: 'sha512-a', dependencies: { util: '^1.0.0' } },
        'node_modules/app-lib/node_modules/util': { version: '1.5.0', integrity: 'sha512-b', inBundle: true },
        'node_modules/plugin': {
          version: '1.0.0',
          integrity: 'sha512-d',
          peerDependencies: { 'app-lib': '^2.0.0', absent: '*' },
          peerDependenciesMeta: { absent: { optional: true } },
        },
      },
    });
  });

  it('adds extra entries such as the packed tarball, and follows their dependencies', () => {
    const tarball = {
      version: '0.2.0',
      resolved: 'file:../pack/p.tgz',
      integrity: 'sha512-p',
      dependencies: { util: '^3' },
    };

    const lock = consumerLockfile({ name: 'consumer', dependencies: { p: 'file:../pack/p.tgz' } }, PACKAGES, {
      'node_modules/p': tarball,
    });

    expect(Object.keys(lock.packages)).toEqual(['', 'node_modules/p', 'node_modules/util']);
    expect(lock.packages['node_modules/p']).toEqual(tarball);
  });

  it('names a dependency the lockfile lacks', () => {
    expect(() => consumerLockfile({ name: 'consumer', dependencies: { nowhere: '1.0.0' } }, PACKAGES)).toThrow(
      'nowhere, a dependency of consumer, is not in the lockfile',
    );
  });

  it('names a package needed further down that the lockfile lacks', () => {
    const broken = { ...PACKAGES, 'node_modules/util': { version: '3.0.0', dependencies: { gone: '1' } } };

    expect(() => consumerLockfile({ name: 'consumer', dependencies: { util: '3.0.0' } }, broken)).toThrow(
      'gone, needed by node_modules/util, is not in the lockfile',
    );
  });

  it('refuses a pinned version the lockfile does not have', () => {
    expect(() => consumerLockfile({ name: 'consumer', dependencies: { 'app-lib': '2.1.0' } }, PACKAGES)).toThrow(
      'consumer asks for app-lib@2.1.0, the lockfile has app-lib@2.0.0',
    );
  });

  it("cuts the consumer's lockfile from this repository's: everything it installs is in the cache npm ci filled", () => {
    const repo = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockEntry>;
    };

    const lock = consumerLockfile(
      { name: 'consumer', dependencies: CONSUMER_DEPENDENCIES, devDependencies: CONSUMER_DEV_DEPENDENCIES },
      repo.packages,
    );

    expect(Object.keys(lock.packages)).toEqual(
      expect.arrayContaining(['node_modules/aws-cdk-lib', 'node_modules/constructs', 'node_modules/cdk-nag']),
    );
    expect(Object.keys(lock.packages)).not.toContain('node_modules/esbuild');
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (key !== '' && entry.inBundle !== true)
        expect({ key, integrity: entry.integrity }).toEqual({ key, integrity: expect.any(String) });
    }
  });
});
