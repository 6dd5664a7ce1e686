/**
 * `npm start` before anything runs (bad command lines, options npm kept, help, real mode without
 * AWS access) and the pieces of a run with your own configuration (--config). The whole run is in
 * test/e2e/start.test.ts (that project synthesizes the bundle once).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PROJECT_ID } from '../../local/atlas-sim';
import { main } from '../../local/start';
import { capture } from '../support/start-io';
import { HELP } from '../../local/start/help';
import { npmSwallowedHint } from '../../local/start/npm-config';

const ROOT = path.resolve(__dirname, '..', '..');

describe('npm start, before anything runs', () => {
  it('exits 2 with the reason and a pointer to --help on a bad command line', async () => {
    const io = capture();

    await expect(main(['--scenario', 'nope'], io)).resolves.toBe(2);

    expect(io.stderr).toContain('unknown scenario "nope"');
    expect(io.stderr).toContain('npm start -- --help');
    expect(io.stdout).toBe('');
  });

  it('prints the help and the scenario list with exit 0', async () => {
    const help = capture();
    const list = capture();

    await expect(main(['--help'], help)).resolves.toBe(0);
    await expect(main(['--list'], list)).resolves.toBe(0);

    expect(help.stdout).toBe(HELP);
    expect(list.stdout).toContain('rate-limited');
  });

  it('an invalid --config stops before the build, naming each problem as cdk synth would; exit 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-main-'));
    const file = path.join(dir, 'cdk.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        context: { atlasSnapshot: { secretName: 's', targets: [], schedules: [], retentionInDays: 0 } },
      }),
    );
    const io = capture();

    try {
      await expect(main(['--config', file], io)).resolves.toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    expect(io.stderr).toContain('npm start failed:');
    expect(io.stderr).toContain('atlasSnapshot.targets must be a non-empty array');
    expect(io.stderr).toContain('atlasSnapshot.retentionInDays must be');
    expect(io.stdout).not.toMatch(/cdk synth: the esbuild bundle/);
  });

  // The CLI as a user runs it, with an environment holding no AWS credentials or region at all.
  const real = [
    '--real',
    '--no-synth',
    '--secret-id',
    'atlas/x',
    '--project-id',
    DEMO_PROJECT_ID,
    '--cluster',
    'Cluster0',
  ];
  const bare = {
    PATH: process.env.PATH ?? '',
    HOME: path.join(ROOT, 'test', 'local', 'no-such-home'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const runCli = (env: Record<string, string>) =>
    spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'local', 'start.ts'), ...real], {
      env,
      encoding: 'utf8',
      cwd: ROOT,
    });

  it('real mode without a region: one clear sentence, exit 1, no stack trace', () => {
    const run = runCli(bare);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm start failed: no AWS region: pass --region, set AWS_REGION');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('real mode without credentials: says how to provide them, exit 1, no stack trace', () => {
    const run = runCli({ ...bare, AWS_REGION: 'eu-west-1' });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm start failed: no usable AWS credentials');
    expect(run.stderr).toContain('AWS_PROFILE');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
  });
});

describe('options npm kept for itself ("npm start --scenario x" without "--")', () => {
  /** What npm 11 exports to every script it runs, none of it ours. */
  const NPM_ENV = {
    npm_lifecycle_event: 'start',
    npm_command: 'start',
    npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
    npm_config_cache: '/root/.npm',
    npm_config_prefix: '/usr',
    npm_config_userconfig: '/root/.npmrc',
    npm_config_globalconfig: '/usr/etc/npmrc',
    npm_config_local_prefix: '/repo',
    npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    npm_config_noproxy: '',
    npm_config_yes: '',
    npm_config_audit: '',
    npm_config_fund: '',
  };
  const HINT_TAIL = '? (npm keeps options before "--" for itself)';

  it.each([
    ['--scenario x', ['x'], { npm_config_scenario: 'true' }, 'npm start -- --scenario x'],
    ['--scenario=pending', [], { npm_config_scenario: 'pending' }, 'npm start -- --scenario pending'],
    [
      '--secret apiKey -- --no-synth',
      ['apiKey', '--no-synth'],
      { npm_config_secret: 'true' },
      'npm start -- --secret apiKey --no-synth',
    ],
    [
      '--no-synth --strict',
      [],
      { npm_config_synth: '', npm_config_strict: 'true' },
      'npm start -- --no-synth --strict',
    ],
    [
      `--event '{"dryRun":true}'`,
      ['{"dryRun":true}'],
      { npm_config_event: 'true' },
      `npm start -- --event '{"dryRun":true}'`,
    ],
    ['--config cdk', ['cdk'], { npm_config_config: 'true' }, 'npm start -- --config cdk'],
    [
      '--real --secret-id atlas/x',
      ['atlas/x'],
      { npm_config_real: 'true', npm_config_secret_id: 'true' },
      'npm start -- --real --secret-id atlas/x',
    ],
  ])('npm start %s: names the command meant', (_typed, argv, env, meant) => {
    expect(npmSwallowedHint(argv, { ...NPM_ENV, ...env })).toBe(`npm start: did you mean "${meant}"${HINT_TAIL}`);
  });

  it('does not guess which loose word belongs to which option when npm lost the values of several', () => {
    const hint = npmSwallowedHint(['pending', 'apiKey'], {
      ...NPM_ENV,
      npm_config_scenario: 'true',
      npm_config_secret: 'true',
    });

    expect(hint).toBe(
      `npm start: did you mean "npm start -- --scenario <value> --secret <value>"${HINT_TAIL}\n` +
        '(npm passed on pending apiKey without saying which option each belongs to)',
    );
  });

  it("says nothing for npm's own settings, or outside an npm script", () => {
    expect(npmSwallowedHint([], NPM_ENV)).toBeUndefined();
    expect(npmSwallowedHint(['--scenario', 'x'], NPM_ENV)).toBeUndefined();
    expect(npmSwallowedHint(['x'], { npm_config_scenario: 'true' })).toBeUndefined();
  });

  it('main prints the hint and exits 2 before anything runs', async () => {
    const io = {
      stdout: '',
      stderr: '',
      color: false,
      env: { ...NPM_ENV, npm_config_scenario: 'true' },
      out: (t: string) => void (io.stdout += t),
      err: (t: string) => void (io.stderr += t),
    };

    await expect(main(['pending'], io)).resolves.toBe(2);

    expect(io.stderr).toBe(`npm start: did you mean "npm start -- --scenario pending"${HINT_TAIL}\n`);
    expect(io.stdout).toBe('');
  });

  it('the real npm: "npm start --scenario pending" gets the hint and exit 2', () => {
    const run = spawnSync('npm', ['start', '--scenario', 'pending'], { cwd: ROOT, encoding: 'utf8' });

    expect(run.stderr).toContain(`npm start: did you mean "npm start -- --scenario pending"${HINT_TAIL}`);
    expect(run.status).toBe(2);
  });
});
