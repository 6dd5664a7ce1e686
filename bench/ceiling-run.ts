/**
 * `npm run bench -- --ceiling`: the ceiling of one invocation (bench/ceiling.ts) at the stack's
 * default memory's CPU share. For each concurrency (default 8, the stack's default, then 16 and
 * 32) three sizes are measured and a line fitted; then one run at the size predicted for the
 * default concurrency confirms it (about 12 minutes). Writes bench/results-ceiling.json.
 *
 * Options: --concurrency 8,16,32; --sizes a,b,c (for concurrency 8; scaled with the concurrency);
 * --aws-latency MS (default 50); --no-confirm-run; --confirm-at N (skip the fit's prediction).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONCURRENCY } from '../lambda/snapshot/contract';
import { MEMORY_MB } from '../lib/constructs/snapshot-function';
import { PROJECT_ROOT } from '../local/lambda/bundle';
import { prepareBundles } from './bundles';
import {
  CEILING_LATENCY_MS,
  fitCeiling,
  measureCeilingPoint,
  type CeilingPoint,
  type CeilingSettings,
} from './ceiling';
import { createCpuGroup, lambdaCpuQuota } from './cgroup';
import { loadAverage } from './proc-stats';
import { runNotes } from './run-notes';
import { ceilingSection, remeasureSection } from './sections';

function list(name: string, fallback: number[]): number[] {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const values = (process.argv[at + 1] ?? '').split(',').map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`--${name} needs positive integers separated by commas`);
  }
  return values;
}

export async function runCeiling(progress: (message: string) => void): Promise<void> {
  const loadAtStart = loadAverage();
  const concurrencies = list('concurrency', [DEFAULT_CONCURRENCY, 16, 32]);
  const baseSizes = list('sizes', [300, 600, 1200]);
  const [awsLatencyMs = 50] = list('aws-latency', [50]);
  const confirmAt = process.argv.includes('--confirm-at') ? list('confirm-at', [0])[0] : undefined;
  const confirmRun = !process.argv.includes('--no-confirm-run');

  progress('cdk synth (the deployable bundle) ...');
  const bundles = await prepareBundles();
  const bundlePath = path.join(PROJECT_ROOT, bundles.handler.file);
  const quota = lambdaCpuQuota(MEMORY_MB);
  const made = createCpuGroup(quota, `atlas-bench-${process.pid}-ceiling`);
  const group = made.ok ? made.group : undefined;
  const settings: CeilingSettings = {
    latencyMs: CEILING_LATENCY_MS,
    awsLatencyMs,
    confirmation: true,
    cpu: made.ok
      ? `${MEMORY_MB} MB share (${made.group.kind}: cfs_quota_us ${quota.quotaUs} / cfs_period_us ${quota.periodUs})`
      : `UNTHROTTLED (${made.reason})`,
  };
  const points: CeilingPoint[] = [];
  let confirm: CeilingPoint | undefined;
  try {
    for (const concurrency of concurrencies) {
      for (const base of baseSizes) {
        const clusters = Math.round((base * concurrency) / DEFAULT_CONCURRENCY);
        progress(`ceiling: ${clusters} clusters at concurrency ${concurrency} ...`);
        points.push(await measureCeilingPoint(bundlePath, clusters, concurrency, settings, group));
      }
    }
    const fits = concurrencies.map((c) => fitCeiling(points.filter((p) => p.concurrency === c)));
    const predicted = confirmAt ?? fits[0]?.predicted ?? 0;
    if (confirmRun && predicted > 0) {
      const concurrency = concurrencies[0] ?? DEFAULT_CONCURRENCY;
      progress(`ceiling: confirm run, ${predicted} clusters at concurrency ${concurrency} (about 12 minutes) ...`);
      confirm = await measureCeilingPoint(bundlePath, predicted, concurrency, settings, group);
    }
    const notes = {
      ...runNotes(loadAtStart),
      maxOtherCores: Math.max(...[...points, ...(confirm ? [confirm] : [])].map((p) => p.otherCores ?? 0)),
    };
    process.stdout.write(
      `${[...ceilingSection(settings, points, fits, confirm), ...remeasureSection(notes)].join('\n')}\n`,
    );
    const record = {
      generatedAt: new Date().toISOString(),
      commit: notes.commit,
      functionSourcesModified: notes.dirty,
      notes,
      settings: { ...settings, concurrencies, baseSizes, memoryMb: MEMORY_MB, quota },
      points,
      fits,
      ...(confirm ? { confirm } : {}),
    };
    fs.writeFileSync(path.join(PROJECT_ROOT, 'bench', 'results-ceiling.json'), `${JSON.stringify(record, null, 2)}\n`);
    progress('done: bench/results-ceiling.json written');
  } finally {
    group?.remove();
  }
}
