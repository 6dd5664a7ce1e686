/**
 * `npx tsx bench/ab.ts <rev-a> <rev-b> [--rounds N] [--targets N] [--no-free] [--no-share]`:
 * before/after figures of a function change. Builds the function at two git revisions (`.` = the
 * working tree) with the deploy's esbuild options, then runs the CPU-share scenario (500 targets,
 * 50 ms per Atlas answer, confirmation on) for both in turns, round by round (the first rotated),
 * on a free core and at the default memory's share, and reports the medians and the per-round
 * ratios b/a of CPU time and wall time. Paired rounds keep a noisy machine's drift out of the ratio.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { MEMORY_MB } from '../lib/constructs/snapshot-function';
import { PROJECT_ROOT } from '../local/lambda/bundle';
import { DEPLOY_OPTIONS, OUT_DIR } from './bundles';
import { createCpuGroup, lambdaCpuQuota, type CpuGroup } from './cgroup';
import { table } from './report';
import { startBenchRun } from './runs';
import { LATENCY_MS } from './scenarios';
import { kb, ms, summarize } from './stats';

const ENTRY = path.join('lambda', 'snapshot', 'index.ts');

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
  return value;
}

/** The function's bundle at `rev` (`.`: the working tree). */
async function bundleAt(rev: string): Promise<{ file: string; label: string }> {
  const dir = path.join(OUT_DIR, 'ab', rev === '.' ? 'worktree' : rev.replace(/[^\w.-]/g, '_'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let root = PROJECT_ROOT;
  let label = 'working tree';
  if (rev !== '.') {
    const sha = execFileSync('git', ['rev-parse', '--short', rev], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    const archive = execFileSync('git', ['archive', '--format=tar', sha, 'lambda', 'package.json'], {
      cwd: PROJECT_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const src = path.join(dir, 'src');
    fs.mkdirSync(src);
    execFileSync('tar', ['-x', '-C', src], { input: archive });
    root = src; // below the project root: node_modules resolve from there, as they do for the real build
    label = `${rev} (${sha})`;
  }
  const file = path.join(dir, 'bundle', 'index.js');
  await build({
    ...DEPLOY_OPTIONS,
    entryPoints: [path.join(root, ENTRY)],
    outfile: file,
    absWorkingDir: root,
    logLevel: 'silent',
  });
  return { file, label };
}

interface Sample {
  cpuMs: number;
  wallMs: number;
  snsRequests: number;
  otherCores: number;
}

async function sample(bundlePath: string, targets: number, group: CpuGroup | undefined): Promise<Sample> {
  const bench = await startBenchRun({
    bundlePath,
    targets,
    perProject: 10,
    simulator: { latencyMs: LATENCY_MS },
    confirmation: true,
    ...(group ? { cpuGroup: group } : {}),
  });
  try {
    const inv = await bench.invoke();
    if (inv.statuses.ERROR > 0 || !inv.ok) throw new Error(`a run failed: ${inv.errorMessage ?? 'ERROR outcomes'}`);
    return {
      cpuMs: inv.cpuMs ?? Number.NaN,
      wallMs: inv.durationMs,
      snsRequests: inv.counts.snsRequests,
      otherCores: (inv.otherCpuMs ?? 0) / inv.durationMs,
    };
  } finally {
    await bench.close();
  }
}

async function main(): Promise<void> {
  const [revA, revB] = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  if (revA === undefined || revB === undefined) throw new Error('usage: bench/ab.ts <rev-a> <rev-b> [--rounds N]');
  const rounds = option('rounds', 3);
  const targets = option('targets', 500);
  const modes: Array<'free' | 'share'> = [
    ...(process.argv.includes('--no-free') ? [] : (['free'] as const)),
    ...(process.argv.includes('--no-share') ? [] : (['share'] as const)),
  ];
  const [a, b] = [await bundleAt(revA), await bundleAt(revB)];
  const made = createCpuGroup(lambdaCpuQuota(MEMORY_MB), `atlas-bench-${process.pid}-ab`);
  const group = made.ok ? made.group : undefined;
  if (!made.ok) process.stderr.write(`no CPU quota (${made.reason}): the share runs run unthrottled\n`);
  const samples = new Map<string, Sample[]>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) {
        const order = round % 2 === 0 ? [a, b] : [b, a];
        for (const v of order) {
          process.stderr.write(`round ${round + 1}/${rounds} ${mode}: ${v.label} ...\n`);
          const key = `${mode}|${v.label}`;
          samples.set(key, [
            ...(samples.get(key) ?? []),
            await sample(v.file, targets, mode === 'share' ? group : undefined),
          ]);
        }
      }
    }
  } finally {
    group?.remove();
  }
  const rows: string[][] = [];
  for (const mode of modes) {
    const sa = samples.get(`${mode}|${a.label}`) ?? [];
    const sb = samples.get(`${mode}|${b.label}`) ?? [];
    const cpuRatios = sb.map((s, i) => s.cpuMs / (sa[i]?.cpuMs ?? Number.NaN));
    const wallRatios = sb.map((s, i) => s.wallMs / (sa[i]?.wallMs ?? Number.NaN));
    for (const [v, list] of [
      [a, sa],
      [b, sb],
    ] as const) {
      rows.push([
        mode === 'free' ? 'free core' : `${MEMORY_MB} MB share`,
        v.label,
        kb(fs.statSync(v.file).size),
        ms(summarize(list.map((s) => s.cpuMs)).median),
        `${(summarize(list.map((s) => s.cpuMs)).median / targets).toFixed(2)} ms`,
        list.map((s) => Math.round(s.cpuMs)).join(', '),
        ms(summarize(list.map((s) => s.wallMs)).median),
        String(Math.max(...list.map((s) => s.snsRequests))),
        Math.max(...list.map((s) => s.otherCores)).toFixed(2),
        v === b
          ? `CPU ${summarize(cpuRatios).median.toFixed(3)} (${cpuRatios.map((r) => r.toFixed(2)).join(', ')}); wall ${summarize(wallRatios).median.toFixed(3)}`
          : '',
      ]);
    }
  }
  process.stdout.write(
    `${table(['CPU', 'revision', 'bundle', 'CPU (median)', 'CPU / target', 'CPU per run', 'wall (median)', 'SNS requests (max)', 'other load (max cores)', 'b / a (median of pairs)'], rows)}\n` +
      `${targets} targets in ${targets / 10} projects, ${LATENCY_MS} ms per Atlas answer, confirmation on, ${rounds} round(s); ` +
      `command: npx tsx bench/ab.ts ${process.argv.slice(2).join(' ')}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/ab.ts failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
