/**
 * Writing the targets file: staged content-addressed in the assembly directory, and copied into
 * the bundle by a command whose paths are quoted exactly for bash (run here through a real bash,
 * as CDK runs hooks) or refused where cmd.exe would read them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { copyCommand, copyIntoBundle, posixQuote, stageTargetsFile } from '../../lib/constructs/targets-file';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-targets-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const TRICKY = [`it's`, 'two  spaces', '$HOME and `date`', '"quoted" \\ back', 'semi;colon && more', '*?[glob]'];

describe('posixQuote', () => {
  it.each(TRICKY)('gives bash exactly %j back', (value) => {
    const echoed = execFileSync('bash', ['-c', `printf %s ${posixQuote(value)}`], { encoding: 'utf8' });

    expect(echoed).toBe(value);
  });
});

describe('copyCommand', () => {
  it('copies a file between paths full of shell syntax when bash runs it', () => {
    const root = join(tempDir(), `dir with 'quote' and $VAR`);
    mkdirSync(join(root, 'out `x`'), { recursive: true });
    const source = join(root, 'targets.json');
    writeFileSync(source, '[{"projectId":"5f1d7a3b2c4e6f8a9b0c1d2e","clusterName":"Cluster0"}]');
    const destination = join(root, 'out `x`', 'targets.json');

    execFileSync('bash', ['-c', copyCommand(source, destination, 'linux')]);

    expect(readFileSync(destination, 'utf8')).toBe(readFileSync(source, 'utf8'));
  });

  it('writes a copy /Y with double-quoted paths for cmd.exe', () => {
    expect(copyCommand('C:\\out\\t.json', 'C:\\bundle\\targets.json', 'win32')).toBe(
      'copy /Y "C:\\out\\t.json" "C:\\bundle\\targets.json"',
    );
  });

  it.each(['C:\\100%\\t.json', 'C:\\a"b\\t.json', 'C:\\wow!\\t.json'])(
    'refuses %j for cmd.exe rather than let it expand the path',
    (source) => {
      expect(() => copyCommand(source, 'C:\\bundle\\targets.json', 'win32')).toThrow(
        /cannot copy the targets file with cmd\.exe/,
      );
    },
  );
});

describe('copyIntoBundle', () => {
  it('adds only an afterBundling command that copies the file to the bundle root under its name', () => {
    const hooks = copyIntoBundle('/assembly/atlas-snapshot-targets.0/targets.json', 'targets.json');

    expect(hooks.beforeBundling('/in', '/out')).toEqual([]);
    expect(hooks.beforeInstall('/in', '/out')).toEqual([]);
    expect(hooks.afterBundling('/in', '/out')).toEqual([
      copyCommand('/assembly/atlas-snapshot-targets.0/targets.json', '/out/targets.json'),
    ]);
  });
});

describe('stageTargetsFile', () => {
  it('writes the JSON into the assembly directory, at a path that depends on the content only', () => {
    const outdir = tempDir();
    const stack = new Stack(new App({ outdir }), 'Stack');
    const file = { name: 'targets.json', json: '[{"projectId":"*","clusterName":"*"}]' };

    const first = stageTargetsFile(stack, file);
    const again = stageTargetsFile(stack, file);
    const other = stageTargetsFile(stack, { ...file, json: '[]' });

    expect(first.startsWith(outdir)).toBe(true);
    expect(readFileSync(first, 'utf8')).toBe(file.json);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });
});
