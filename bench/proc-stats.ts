/**
 * Peak memory and CPU time of the function process without touching the runner: the harness
 * forks local/lambda/runner.cjs as a child of this process, and Linux keeps each process's RSS
 * high-water mark in /proc/<pid>/status (`VmHWM`, the figure `process.resourceUsage().maxRSS`
 * gives inside it) and its CPU time in /proc/<pid>/stat (utime + stime, in clock ticks).
 * Read while the process is alive (after an invocation, before close()). Undefined off Linux.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const run = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const value = Number(run.stdout?.trim());
    ticksPerSecond = run.status === 0 && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** Fields after `pid (comm)`: comm may contain spaces, so split after the last ')'. */
function statFields(pid: string): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The pid of this process's (single) live child running the runner. */
function runnerPid(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const pids: string[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(entry)[1]) !== process.pid) continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('runner.cjs')) pids.push(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return pids.length === 1 ? pids[0] : undefined;
}

export interface FunctionProcessStats {
  /** RSS high-water mark, bytes. */
  peakRssBytes: number;
  /** User + system CPU time so far, ms (clock-tick resolution, usually 10 ms). */
  cpuMs: number;
}

export function functionProcessStats(): FunctionProcessStats | undefined {
  const pid = runnerPid();
  if (pid === undefined) return undefined;
  try {
    const hwm = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    const fields = statFields(pid);
    // utime and stime are fields 14 and 15 of stat; index 11 and 12 after the comm.
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (!hwm) return undefined;
    return { peakRssBytes: Number(hwm[1]) * 1024, cpuMs: (ticks / clockTicks()) * 1000 };
  } catch {
    return undefined;
  }
}
