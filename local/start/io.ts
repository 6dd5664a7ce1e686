/** Where `npm start` writes, and what it must release when the user presses Ctrl-C mid-run. */
import path from 'node:path';
import { useColor } from '../report';

/** Where `npm start` writes; a test passes its own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: useColor(process.stdout.isTTY, process.env),
    env: process.env,
  };
}

export function print(io: Io, lines: string | string[]): void {
  for (const line of Array.isArray(lines) ? lines : [lines]) io.out(`${line}\n`);
}

/** A path as the user would type it from the current directory (absolute when outside it). */
export function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Resources to release when the user presses Ctrl-C mid-run. */
export const openResources = new Set<() => Promise<void>>();

/** Runs `body` with `close` registered for Ctrl-C, and closes it afterwards in any case. */
export async function withResource<T>(close: () => Promise<void>, body: () => Promise<T>): Promise<T> {
  openResources.add(close);
  try {
    return await body();
  } finally {
    openResources.delete(close);
    await close();
  }
}
