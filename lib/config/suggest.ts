/**
 * The nearest valid name for a misspelt one (`timezon` -> `timezone`), so that a typo in the
 * configuration is reported with its fix rather than only a list of what is allowed.
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment): insertions, deletions,
 * substitutions and swaps of two neighbouring characters each cost 1.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Names shorter than this are not taken as the start of a longer one (`t` is no hint of `timezone`). */
const MIN_PREFIX_LENGTH = 3;

/**
 * The candidate `name` most likely meant, compared case-insensitively: within a third of the name's
 * length in edits (at least 1, at most 3), or a longer name that starts with it (`retention` ->
 * `retentionInDays`). Undefined when nothing is close enough to be a useful hint.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = name.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance = editDistance(wanted, lower);
    const close = distance <= limit || (wanted.length >= MIN_PREFIX_LENGTH && lower.startsWith(wanted));
    if (close && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/**
 * `<field> is not a known field; did you mean "<name>"? (allowed: ...)`, without the question when
 * no allowed name is close. `scope` qualifies the sentence (`for mode "nat"`).
 */
export function unknownFieldMessage(field: string, key: string, allowed: readonly string[], scope = ''): string {
  const near = nearestName(key, allowed);
  const where = scope ? ` ${scope}` : '';
  const hint = near === undefined ? '' : `; did you mean "${near}"?`;
  return `${field} is not a known field${where}${hint} (allowed: ${allowed.join(', ')})`;
}
