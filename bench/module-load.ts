/**
 * Module load time: each sample is a fresh `node` process running bench/load-probe.cjs on one
 * bundle. The variants take turns (round-robin, starting variant rotated every round) so that
 * machine noise lands on all of them alike; warm-up rounds (disk cache, CPU frequency) are
 * dropped.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../local/lambda/bundle';
import { summarize, type Summary } from './stats';

const PROBE = path.join(PROJECT_ROOT, 'bench', 'load-probe.cjs');

export interface LoadSample {
  ms: number;
  maxRssKb: number;
}

export interface LoadResult {
  name: string;
  ms: Summary;
  /** Peak RSS of the process right after the load (median over the runs), in KB. */
  maxRssKbMedian: number;
}

function probe(file: string, env: Record<string, string>): LoadSample {
  const run = spawnSync(process.execPath, [PROBE, path.resolve(PROJECT_ROOT, file)], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`loading ${file} failed (exit ${run.status}):\n${run.stderr}`);
  const sample = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as LoadSample & { handler?: string };
  if (sample.handler !== 'function') throw new Error(`${file} exports no handler function`);
  return { ms: sample.ms, maxRssKb: sample.maxRssKb };
}

export function measureModuleLoad(
  variants: ReadonlyArray<{ name: string; file: string }>,
  options: { runs: number; warmup: number; env: Record<string, string>; onRound?: (round: number) => void },
): LoadResult[] {
  const samples = new Map<string, LoadSample[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < options.warmup + options.runs; round++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(round + k) % variants.length];
      if (variant === undefined) throw new Error('unreachable: the index is taken modulo the number of variants');
      const sample = probe(variant.file, options.env);
      if (round >= options.warmup) samples.get(variant.name)!.push(sample);
    }
    options.onRound?.(round - options.warmup + 1);
  }
  return variants.map(({ name }) => {
    const list = samples.get(name)!;
    return {
      name,
      ms: summarize(list.map((s) => s.ms)),
      maxRssKbMedian: summarize(list.map((s) => s.maxRssKb)).median,
    };
  });
}
