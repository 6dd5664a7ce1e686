/**
 * A CPU quota like Lambda's for the function process. Lambda gives a function CPU in proportion to
 * its memory: one vCPU at 1,769 MB, so 256 MB gets 256/1769 of one (AWS Lambda Developer Guide,
 * "Configuring Lambda function memory"). Here that becomes a CFS bandwidth quota: a child cgroup
 * whose `cpu.cfs_quota_us` / `cpu.cfs_period_us` (cgroup v1 `cpu` controller) or `cpu.max`
 * (cgroup v2) is that share of one CPU, and the function process's pid written to its
 * `cgroup.procs` (every thread of the process moves with it: JS, GC helpers, libuv's pool).
 *
 * Where no writable controller exists the caller is told why and runs unthrottled.
 */
import fs from 'node:fs';
import path from 'node:path';

/** AWS: a function has the equivalent of one vCPU at 1,769 MB of memory. */
export const LAMBDA_MB_PER_VCPU = 1769;
export const CFS_PERIOD_US = 100_000;
/** The kernel refuses a quota below 1 ms. */
const MIN_QUOTA_US = 1_000;

export interface CpuQuota {
  memoryMb: number;
  periodUs: number;
  quotaUs: number;
  /** quotaUs / periodUs: the share of one CPU. */
  share: number;
}

/** The CFS quota of a function with `memoryMb`, rounded up to whole us (256 MB -> 14472 us per 100000 us). */
export function lambdaCpuQuota(memoryMb: number, periodUs: number = CFS_PERIOD_US): CpuQuota {
  if (!(memoryMb > 0)) throw new Error(`memory must be positive (${memoryMb} MB)`);
  const quotaUs = Math.max(MIN_QUOTA_US, Math.ceil((memoryMb / LAMBDA_MB_PER_VCPU) * periodUs));
  return { memoryMb, periodUs, quotaUs, share: quotaUs / periodUs };
}

export interface ThrottleStats {
  /** CFS periods in which the group ran. */
  periods: number;
  /** Of those, periods in which it had used its quota and was stopped. */
  throttledPeriods: number;
  /** Total time the group's threads were stopped, ms. */
  throttledMs: number;
}

export interface CpuGroup {
  kind: 'cgroup v1' | 'cgroup v2';
  /** The group's directory. */
  dir: string;
  quota: CpuQuota;
  /** Moves the process (all its threads) into the group. */
  add(pid: number): void;
  stats(): ThrottleStats;
  /** Moves what is left back to the parent group and removes the group. */
  remove(): void;
}

export type CpuGroupResult = { ok: true; group: CpuGroup } | { ok: false; reason: string };

/** Where the controllers live; tests and other machines may point elsewhere. */
export interface CgroupRoots {
  v1Cpu: string;
  v2: string[];
}

export const DEFAULT_ROOTS: CgroupRoots = {
  v1Cpu: '/sys/fs/cgroup/cpu',
  v2: ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'],
};

const live = new Set<CpuGroup>();
let cleanupRegistered = false;

/** Groups left by a bench that is interrupted are removed on the way out. */
function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.once('exit', () => {
    for (const group of [...live]) group.remove();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const group of [...live]) group.remove();
      process.exit(130);
    });
  }
}

/** A new group with the quota, named `name` (unique per bench process), or why there cannot be one. */
export function createCpuGroup(quota: CpuQuota, name: string, roots: CgroupRoots = DEFAULT_ROOTS): CpuGroupResult {
  const reasons: string[] = [];
  const v1 = tryV1(quota, name, roots.v1Cpu, reasons);
  if (v1) return track(v1);
  for (const root of roots.v2) {
    const v2 = tryV2(quota, name, root, reasons);
    if (v2) return track(v2);
  }
  return { ok: false, reason: reasons.join('; ') || 'no cgroup cpu controller found' };
}

function track(group: CpuGroup): CpuGroupResult {
  registerCleanup();
  live.add(group);
  const remove = group.remove.bind(group);
  group.remove = () => {
    live.delete(group);
    remove();
  };
  return { ok: true, group };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function tryV1(quota: CpuQuota, name: string, root: string, reasons: string[]): CpuGroup | undefined {
  if (!fs.existsSync(path.join(root, 'cpu.cfs_quota_us'))) {
    reasons.push(`no cgroup v1 cpu controller at ${root}`);
    return undefined;
  }
  const dir = path.join(root, name);
  try {
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(quota.periodUs));
    fs.writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(quota.quotaUs));
  } catch (e: unknown) {
    reasons.push(`cgroup v1 at ${root} is not writable (${errorText(e)})`);
    removeDir(dir, root);
    return undefined;
  }
  // v1: throttled_time in ns.
  return cpuGroup('cgroup v1', dir, root, quota, (s) => (s.throttled_time ?? 0) / 1e6);
}

function tryV2(quota: CpuQuota, name: string, root: string, reasons: string[]): CpuGroup | undefined {
  const controllers = readText(path.join(root, 'cgroup.controllers'));
  if (controllers === undefined || !controllers.split(/\s+/).includes('cpu')) {
    reasons.push(`no cgroup v2 cpu controller at ${root}`);
    return undefined;
  }
  const dir = path.join(root, name);
  try {
    const subtree = readText(path.join(root, 'cgroup.subtree_control')) ?? '';
    if (!subtree.split(/\s+/).includes('cpu')) fs.writeFileSync(path.join(root, 'cgroup.subtree_control'), '+cpu');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'cpu.max'), `${quota.quotaUs} ${quota.periodUs}`);
  } catch (e: unknown) {
    reasons.push(`cgroup v2 at ${root} is not writable (${errorText(e)})`);
    removeDir(dir, root);
    return undefined;
  }
  // v2: throttled_usec in us.
  return cpuGroup('cgroup v2', dir, root, quota, (s) => (s.throttled_usec ?? 0) / 1e3);
}

/** Moves any process still in `dir` to `parent`, then removes `dir` (a cgroup directory rmdir's only when empty). */
function removeDir(dir: string, parent: string): void {
  if (!fs.existsSync(dir)) return;
  const procs = readText(path.join(dir, 'cgroup.procs')) ?? '';
  for (const pid of procs.split('\n').filter((p) => p !== '')) {
    try {
      fs.writeFileSync(path.join(parent, 'cgroup.procs'), pid);
    } catch {
      // It exited meanwhile.
    }
  }
  try {
    fs.rmdirSync(dir);
  } catch {
    // Still busy (a process exiting): the kernel lets it go soon; nothing else can be done here.
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** `key value` lines (cpu.stat) as numbers. */
export function parseKeyValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) out[key] = Number(value);
  }
  return out;
}

function readKeyValues(file: string): Record<string, number> {
  return parseKeyValues(readText(file) ?? '');
}

/** A created group: both versions take pids in cgroup.procs and count periods in cpu.stat alike. */
function cpuGroup(
  kind: CpuGroup['kind'],
  dir: string,
  root: string,
  quota: CpuQuota,
  throttledMs: (stat: Record<string, number>) => number,
): CpuGroup {
  return {
    kind,
    dir,
    quota,
    add: (pid) => fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid)),
    stats: () => {
      const s = readKeyValues(path.join(dir, 'cpu.stat'));
      return { periods: s.nr_periods ?? 0, throttledPeriods: s.nr_throttled ?? 0, throttledMs: throttledMs(s) };
    },
    remove: () => removeDir(dir, root),
  };
}
