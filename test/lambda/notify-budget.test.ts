import {
  boundOutcome,
  capList,
  capText,
  entryBytes,
  packBatches,
  SNS_MAX_BYTES,
} from '../../lambda/snapshot/notify/budget';
import type { Outcome } from '../../lambda/snapshot/types';

const base: Outcome = {
  status: 'ERROR',
  code: 'UNEXPECTED_ERROR',
  stage: 'request',
  trigger: 'manual',
  dryRun: false,
  invocationId: 'req-1',
  timestamp: '2026-11-28T03:00:00.000Z',
};

describe('size budgets', () => {
  it('caps text and lists with a note of what was left out', () => {
    expect(capText('abc', 3)).toBe('abc');
    expect(capText('abcdef', 3)).toBe('abc... (3 more characters)');
    expect(capList(['a', 'b'], 2)).toEqual(['a', 'b']);
    expect(capList(['a', 'b', 'c', 'd'], 2)).toEqual(['a', 'b', '... and 2 more']);
  });

  it('bounds an outcome: detail at 4,000 characters, 20 warnings of 500; a small one is returned as it is', () => {
    const small = { ...base, detail: 'short', warnings: ['w'] };
    expect(boundOutcome(small)).toBe(small);

    const big = boundOutcome({
      ...base,
      detail: 'x'.repeat(300_000),
      warnings: Array.from({ length: 30 }, () => 'w'.repeat(600)),
    });

    expect(big.detail).toBe(`${'x'.repeat(4_000)}... (296000 more characters)`);
    expect(big.warnings).toHaveLength(21);
    expect(big.warnings![20]).toBe('... and 10 more');
    expect(big.warnings![0]).toMatch(/^w{500}\.\.\. \(100 more characters\)$/);
  });

  it('counts message, subject and every attribute in UTF-8 bytes', () => {
    expect(entryBytes({ message: 'é', subject: 'ab', attributes: { k: 'v' } })).toBe(2 + 2 + 1 + 6 + 1);
  });

  it('packs entries in order into batches of at most 10 entries and 256 KB', () => {
    const small = Array.from({ length: 23 }, (_, i) => ({ i, bytes: 1_000 }));
    expect(packBatches(small).map((b) => b.length)).toEqual([10, 10, 3]);

    const large = Array.from({ length: 5 }, (_, i) => ({ i, bytes: 100_000 }));
    const batches = packBatches(large);
    expect(batches.map((b) => b.map((x) => x.i))).toEqual([[0, 1], [2, 3], [4]]);
    expect(batches.every((b) => b.reduce((s, x) => s + x.bytes, 0) <= SNS_MAX_BYTES)).toBe(true);
    expect(packBatches([])).toEqual([]);
  });
});
