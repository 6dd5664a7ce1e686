/**
 * Where the function's CPU goes: a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file) reduced
 * to self time per function and per module or package. Frames in the minified bundle are mapped
 * back to their source file and name through the source map of a byte-identical build
 * (bench/bundles.ts); the external AWS SDK, Node's own modules and V8's pseudo-frames (GC,
 * "(program)") are named by their URL. Only samples inside the invocation's window count (the
 * profile's clock is CLOCK_MONOTONIC in microseconds, as `process.hrtime` is in every process).
 */
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based. */
  lineNumber: number;
  /** 0-based. */
  columnNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A frame named: what it is (function) and what it belongs to (module or package, and a coarse group). */
export interface ResolvedFrame {
  name: string;
  module: string;
  group: Group;
}

export type Group =
  | "the function's own code"
  | 'axios (and its dependencies)'
  | 'AWS SDK (@aws-sdk, @smithy, ...)'
  | 'Node.js (http, net, streams, timers, ...)'
  | 'JSON (V8 builtins)'
  | 'garbage collector'
  | 'V8 and native (program, builtins, C++ bindings)'
  | 'local runner (not deployed)'
  | 'other';

export interface Row {
  name: string;
  ms: number;
  /** Of the window's non-idle time. */
  share: number;
}

export interface ProfileSummary {
  /** Sampled time inside the window, idle excluded, ms. */
  busyMs: number;
  idleMs: number;
  samples: number;
  byFunction: Row[];
  byModule: Row[];
  byGroup: Row[];
}

const AWS_SDK_PACKAGES =
  /^(@aws-sdk|@smithy|@aws-crypto|@aws)\/|^(tslib|fast-xml-parser|strnum|bowser|uuid|mnemonist)$/;
const AXIOS_PACKAGES =
  /^(axios|follow-redirects|form-data|combined-stream|delayed-stream|asynckit|mime-db|proxy-from-env|get-intrinsic|es-.*|has-.*|function-bind|gopd|hasown|call-bind.*|debug|ms|dunder-proto|math-intrinsics|get-proto|supports-color|has-flag)$/;

/** The package a path inside node_modules belongs to (`@scope/name` or `name`). */
export function packageOf(file: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file.split(path.sep).join('/'));
  return match?.[1];
}

/** `node:internal/streams/readable` -> `node:streams`, `node:_http_client` -> `node:http`. */
export function nodeModuleOf(url: string): string {
  let rest = url.slice('node:'.length).replace(/^internal\//, '');
  rest = rest.replace(/^deps\//, '');
  const first = (rest.split('/')[0] ?? rest).replace(/\.js$/, '');
  const name = first
    .replace(/^_stream_.*/, 'streams')
    .replace(/^_http_.*/, 'http')
    .replace(/^_/, '');
  return `node:${name}`;
}

function groupOfPackage(pkg: string): Group {
  if (AWS_SDK_PACKAGES.test(pkg)) return 'AWS SDK (@aws-sdk, @smithy, ...)';
  if (AXIOS_PACKAGES.test(pkg)) return 'axios (and its dependencies)';
  return 'other';
}

/** Frames that are not in a script: V8's pseudo-frames, builtins, C++ bindings. */
function nativeFrame(frame: CallFrame): ResolvedFrame {
  const fn = frame.functionName;
  if (fn === '(garbage collector)') return { name: fn, module: 'GC', group: 'garbage collector' };
  if (fn === '(program)' || fn === '(root)')
    return { name: fn, module: 'V8 (program)', group: 'V8 and native (program, builtins, C++ bindings)' };
  if (fn === 'stringify' || fn === 'parse') return { name: `JSON.${fn}`, module: 'JSON', group: 'JSON (V8 builtins)' };
  return {
    name: `${fn || '(anonymous)'} [native]`,
    module: 'V8 builtins / C++ bindings',
    group: 'V8 and native (program, builtins, C++ bindings)',
  };
}

export interface BundleMap {
  /** The bundle file the profile's frames point at (absolute). */
  bundleFile: string;
  map: SourceMap;
  /** Where the map's relative `sources` start from. */
  mapDir: string;
  /** The map's `sources`, absolute. */
  sources: string[];
  sourcesContent: Array<string | null>;
}

export function loadBundleMap(bundleFile: string, mapFile: string): BundleMap {
  const payload = JSON.parse(fs.readFileSync(mapFile, 'utf8')) as {
    sources: string[];
    sourcesContent?: Array<string | null>;
  };
  const dir = path.dirname(mapFile);
  return {
    bundleFile: path.resolve(bundleFile),
    map: new SourceMap(payload as ConstructorParameters<typeof SourceMap>[0]),
    mapDir: dir,
    sources: payload.sources.map((s) => path.resolve(dir, s)),
    sourcesContent: payload.sourcesContent ?? [],
  };
}

/**
 * The original name at a function's position: the source map's name when it has one, else what
 * the source line says there (`function name`, `name(`, `name = (...) =>`, `name: (...) =>`).
 */
export function nameAt(line: string, column: number): string | undefined {
  const after = line.slice(column);
  const before = line.slice(0, column);
  const declared = /^(?:export\s+)?(?:async\s+)?function\s*\*?\s*([\w$]+)/.exec(after);
  if (declared) return declared[1];
  const assigned = /([\w$]+)\s*(?:=|:)\s*(?:async\s*)?(?:function\s*)?\(?\s*$/.exec(before);
  if (assigned) return assigned[1];
  const method = /^(?:async\s+)?(?:get\s+|set\s+)?([\w$]+)\s*\(/.exec(after);
  if (method) return method[1];
  const inner = /(?:function\s*\*?\s*|\b)([\w$]+)\s*\($/.exec(before);
  return inner?.[1];
}

/** A resolver of frames: bundle frames through the map, the rest by URL. */
export function frameResolver(projectRoot: string, bundle?: BundleMap): (frame: CallFrame) => ResolvedFrame {
  const cache = new Map<string, ResolvedFrame>();
  const relative = (file: string) => path.relative(projectRoot, file).split(path.sep).join('/');
  const resolveScript = (frame: CallFrame, file: string): ResolvedFrame => {
    const fn = frame.functionName || '(anonymous)';
    if (bundle && path.resolve(file) === bundle.bundleFile) {
      const entry = bundle.map.findEntry(frame.lineNumber, frame.columnNumber) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
        name?: string;
      };
      if (entry.originalSource !== undefined && entry.originalLine !== undefined) {
        const source = path.resolve(bundle.mapDir, entry.originalSource);
        const index = bundle.sources.indexOf(source);
        const content = index >= 0 ? bundle.sourcesContent[index] : undefined;
        const text = content?.split('\n')[entry.originalLine] ?? '';
        const name = entry.name ?? nameAt(text, entry.originalColumn ?? 0) ?? fn;
        const pkg = packageOf(source);
        const module = pkg ?? relative(source);
        const group: Group = pkg ? groupOfPackage(pkg) : "the function's own code";
        return {
          name: `${name} (${pkg ? `${pkg}/` : ''}${path.basename(source)}:${entry.originalLine + 1})`,
          module,
          group,
        };
      }
      return {
        name: `${fn} (bundle:${frame.lineNumber + 1}:${frame.columnNumber + 1})`,
        module: 'bundle (unmapped)',
        group: 'other',
      };
    }
    const pkg = packageOf(file);
    if (pkg)
      return {
        name: `${fn} (${pkg}/${path.basename(file)}:${frame.lineNumber + 1})`,
        module: pkg,
        group: groupOfPackage(pkg),
      };
    if (file.endsWith('runner.cjs'))
      return { name: `${fn} (runner.cjs)`, module: 'local/lambda/runner.cjs', group: 'local runner (not deployed)' };
    return { name: `${fn} (${relative(file)}:${frame.lineNumber + 1})`, module: relative(file), group: 'other' };
  };
  return (frame) => {
    const key = `${frame.url}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`;
    const known = cache.get(key);
    if (known) return known;
    let resolved: ResolvedFrame;
    if (frame.url === '') resolved = nativeFrame(frame);
    else if (frame.url.startsWith('node:')) {
      const module = nodeModuleOf(frame.url);
      resolved = {
        name: `${frame.functionName || '(anonymous)'} (${frame.url.slice(5)}:${frame.lineNumber + 1})`,
        module,
        group: 'Node.js (http, net, streams, timers, ...)',
      };
    } else if (frame.url.startsWith('file://')) resolved = resolveScript(frame, fileURLToPath(frame.url));
    else resolved = resolveScript(frame, frame.url);
    cache.set(key, resolved);
    return resolved;
  };
}

/**
 * Self time per node (µs) of the samples taken within [fromUs, toUs]: sample i lasts until sample
 * i + 1 (the last one until the profile's end).
 */
export function selfTimes(
  profile: CpuProfile,
  window?: { fromUs: number; toUs: number },
): { self: Map<number, number>; samples: number } {
  const self = new Map<number, number>();
  let samples = 0;
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((d) => (at += d));
  for (let i = 0; i < profile.samples.length; i++) {
    const start = stamps[i] ?? profile.endTime;
    const end = stamps[i + 1] ?? profile.endTime;
    if (window && (start < window.fromUs || start > window.toUs)) continue;
    const id = profile.samples[i]!;
    samples++;
    self.set(id, (self.get(id) ?? 0) + Math.max(0, end - start));
  }
  return { self, samples };
}

function rows(totals: Map<string, number>, busyUs: number, top: number): Row[] {
  return [...totals.entries()]
    .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

export function summarizeProfile(
  profile: CpuProfile,
  resolve: (frame: CallFrame) => ResolvedFrame,
  options: { window?: { fromUs: number; toUs: number }; top?: number } = {},
): ProfileSummary {
  const top = options.top ?? 12;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const { self, samples } = selfTimes(profile, options.window);
  const fns = new Map<string, number>();
  const modules = new Map<string, number>();
  const groups = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const frame = resolve(node.callFrame);
    fns.set(frame.name, (fns.get(frame.name) ?? 0) + us);
    modules.set(frame.module, (modules.get(frame.module) ?? 0) + us);
    groups.set(frame.group, (groups.get(frame.group) ?? 0) + us);
  }
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    samples,
    byFunction: rows(fns, busyUs, top),
    byModule: rows(modules, busyUs, top),
    byGroup: rows(groups, busyUs, 100),
  };
}

/** The one .cpuprofile a process wrote into `dir`. */
export function readProfile(dir: string): CpuProfile {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length !== 1) throw new Error(`expected one .cpuprofile in ${dir}, found ${files.length}`);
  return JSON.parse(fs.readFileSync(path.join(dir, files[0]!), 'utf8')) as CpuProfile;
}
