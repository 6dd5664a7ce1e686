/**
 * What a results file records about how it was made (command, commit, machine, load), so a figure
 * can be measured again and a noisy run told apart.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { PROJECT_ROOT } from '../local/lambda/bundle';
import { loadAverage } from './proc-stats';

export interface RunNotes {
  command: string;
  commit: string;
  /** Uncommitted changes under lambda/ or lib/: the figures are of a function no commit holds. */
  dirty: boolean;
  node: string;
  cpuModel: string;
  cpus: number;
  loadAtStart: number;
  loadAtEnd: number;
}

function git(args: string[]): string {
  const run = spawnSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : '';
}

/** The notes of a run that started at load average `loadAtStart` and ends now. */
export function runNotes(loadAtStart: number): RunNotes {
  return {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirty: git(['status', '--porcelain', '--', 'lambda', 'lib']) !== '',
    node: process.version,
    cpuModel: os.cpus()[0]?.model ?? '',
    cpus: os.cpus().length,
    loadAtStart,
    loadAtEnd: loadAverage(),
  };
}
