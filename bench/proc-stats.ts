/**
 * Peak memory and CPU time of the function process, and how busy the rest of the machine was,
 * from Linux's /proc: each process's RSS high-water mark is in /proc/<pid>/status (`VmHWM`, the
 * figure `process.resourceUsage().maxRSS` gives inside it), its CPU time in /proc/<pid>/stat
 * (utime + stime, in clock ticks), and the whole machine's busy time in /proc/stat. Read while the
 * process is alive (after an invocation, before close()). Undefined off Linux.
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
function statFields(pid: number): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

export interface FunctionProcessStats {
  /** RSS high-water mark, bytes. */
  peakRssBytes: number;
  /** User + system CPU time so far, ms (clock-tick resolution, usually 10 ms). */
  cpuMs: number;
}

export function functionProcessStats(pid: number): FunctionProcessStats | undefined {
  if (process.platform !== 'linux' || !(pid > 0)) return undefined;
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

/** Busy CPU time of the whole machine so far (every core; user, nice, system, irq, softirq, steal), ms. */
export function machineBusyMs(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
    return (ticks / clockTicks()) * 1000;
  } catch {
    return undefined;
  }
}

/** This (bench) process's own CPU time so far, ms: it runs the simulator and the AWS stand-ins. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The 1-minute load average (0 off Linux). */
export function loadAverage(): number {
  try {
    return Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}
