/**
 * The CPU floor of the 500-target run: bench/floor-client.cjs makes the same HTTP exchanges as the
 * function (token, 3 Atlas requests per target, CreateSchedule per target with confirmation, one
 * PublishBatch per 10 targets), against the same simulator and AWS stand-ins, and nothing else. With
 * node:http it is what any client must spend; with the function's axios settings, what axios adds.
 * The function's CPU minus the axios floor is what the function itself does (logic, logging,
 * formatting, retries, bookkeeping).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { DEMO_SECRET_STRINGS } from '../local/atlas-sim';
import { PROJECT_ROOT } from '../local/lambda/bundle';
import { scenarioRunOptions, startBenchRun } from './runs';

const CLIENT = path.join(PROJECT_ROOT, 'bench', 'floor-client.cjs');

export type FloorClient = 'http' | 'axios';

export interface FloorSample {
  client: FloorClient;
  cpuMs: number;
  wallMs: number;
}

export async function measureFloor(
  bundlePath: string,
  scenario: { targets: number; perProject: number; latencyMs: number; confirmation: boolean },
  client: FloorClient,
): Promise<FloorSample> {
  // The same world as the function's run (its process stays idle).
  const bench = await startBenchRun({
    bundlePath,
    ...scenarioRunOptions(scenario),
  });
  try {
    const child = fork(CLIENT, [], {
      cwd: PROJECT_ROOT,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: {
        ...bench.run.env,
        FLOOR_SECRET: DEMO_SECRET_STRINGS.serviceAccount,
        FLOOR_CLIENT: client,
        FLOOR_CONFIRMATION: scenario.confirmation ? '1' : '0',
      },
    });
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the floor client exited ${code}`);
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { cpuMs?: number; wallMs?: number };
    if (typeof result.cpuMs !== 'number' || typeof result.wallMs !== 'number') {
      throw new Error(`the floor client printed no figures: ${out.slice(0, 200)}`);
    }
    return { client, cpuMs: result.cpuMs, wallMs: result.wallMs };
  } finally {
    await bench.close();
  }
}
