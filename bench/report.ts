/** Plain-text (Markdown) tables for the terminal and the README draft. */

export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

export const verdict = (pass: boolean): string => (pass ? 'PASS' : 'MISS');
