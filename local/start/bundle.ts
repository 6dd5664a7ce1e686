/** The bundle `cdk deploy` would upload: synthesized now, or the one already in cdk.out. */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, findHandlerBundle, synthesize } from '../lambda/bundle';
import { SetupError } from '../real';
import { continuation, row, type Style } from '../report';
import { print, relative, type Io } from './io';

export function prepareBundle(synth: boolean, io: Io, style: Style): string {
  const outdir = path.join(PROJECT_ROOT, 'cdk.out');
  if (synth) {
    print(io, row('build', 'cdk synth: the esbuild bundle cdk deploy would upload ...', style));
    const started = performance.now();
    try {
      synthesize(outdir);
    } catch (e: unknown) {
      throw new SetupError(e instanceof Error ? e.message : String(e));
    }
    print(io, continuation(style.dim(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)));
  } else if (!fs.existsSync(outdir)) {
    throw new SetupError(
      `--no-synth: ${relative(outdir)} does not exist; run without --no-synth (or "npx cdk synth") first`,
    );
  }
  try {
    return findHandlerBundle(outdir);
  } catch (e: unknown) {
    throw new SetupError(e instanceof Error ? e.message : String(e));
  }
}

/** e.g. `cdk.out/asset.8adf6f1b.../index.js (176 KB, cold start 162 ms)`. */
export function bundleFacts(bundlePath: string, initMs: number): string {
  const kb = Math.round(fs.statSync(bundlePath).size / 1024);
  const shown = relative(bundlePath).replace(/asset\.([0-9a-f]{8})[0-9a-f]{56}/, 'asset.$1...');
  return `${shown} (${kb} KB, cold start ${Math.round(initMs)} ms)`;
}
