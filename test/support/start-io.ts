/**
 * Helpers of the `npm start` tests (local and e2e): an Io that captures what `main` writes, and one
 * section of its report.
 */
import type { Io } from '../../local/start';

export type CapturedIo = Io & { stdout: string; stderr: string };

/** An Io that keeps what is written to stdout and stderr; no colour unless asked. */
export function capture(color = false): CapturedIo {
  const io = {
    stdout: '',
    stderr: '',
    color,
    env: {},
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  };
  return io;
}

/** The lines of one section (`== N. ...` up to the next `==`); none when no heading matches. */
export function section(stdout: string, title: RegExp): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => title.test(l));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith('=='));
  return lines.slice(start, end < 0 ? undefined : end);
}
