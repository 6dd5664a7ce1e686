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
import { main, type Io } from '../../local/start';
import { HELP } from '../../local/start/help';

const ROOT = path.resolve(__dirname, '..', '..');

describe('npm start, before anything runs', () => {
  function capture(): Io & { stdout: string; stderr: string } {
    const io = {
      stdout: '',
      stderr: '',
      color: false,
      env: {},
      out: (t: string) => void (io.stdout += t),
      err: (t: string) => void (io.stderr += t),
    };
    return io;
  }

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
