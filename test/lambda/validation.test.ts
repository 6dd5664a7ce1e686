import { boundProblems, fieldKey, Problems, show } from '../../lambda/snapshot/validation';

describe('show', () => {
  const samples: unknown[] = [
    0,
    -0,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    'x',
    '',
    'a"b\n',
    true,
    null,
    [],
    {},
    [1, undefined, () => 1],
    { a: undefined, b: 1, c: () => 2, d: Symbol('s') },
    { d: new Date(0) },
    [[[[]]]],
    { 'k"': { z: [1, 2, { y: null }] } },
    'x'.repeat(200),
    Array.from({ length: 100 }, (_, i) => i),
    { a: 'é😀'.repeat(50) },
    new String('s'),
    [, 1], // eslint-disable-line no-sparse-arrays -- a hole renders as null, as JSON.stringify does
    { toJSON: () => undefined },
    Symbol('x'),
    () => 1,
    BigInt(1),
    { n: BigInt(1) },
  ];

  it.each(samples.map((v) => [v]))('renders %p as JSON.stringify does, cut at 80 characters', (value) => {
    let text: string;
    try {
      text = JSON.stringify(value) ?? typeof value;
    } catch {
      text = typeof value;
    }

    expect(show(value)).toBe(text.length > 80 ? `${text.slice(0, 77)}...` : text);
  });

  it('renders undefined as undefined', () => {
    expect(show(undefined)).toBe('undefined');
  });

  it('renders only what it shows: deep nesting, huge arrays and cycles stay short', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;

    expect(show(deep)).toBe(`${'['.repeat(77)}...`);
    expect(show(Array.from({ length: 1_000_000 }, () => 0))).toHaveLength(80);
    expect(show(cycle)).toMatch(/^\{"a":1,"self":\{"a":1,"self":.*\.\.\.$/);
  });
});

describe('bounded problem lists', () => {
  it('keeps the first 20, then counts the rest', () => {
    const problems = Array.from({ length: 25 }, (_, i) => `p${i}`);

    expect(boundProblems(problems)).toEqual([...problems.slice(0, 20), '... and 5 more']);
    expect(boundProblems(problems.slice(0, 20))).toEqual(problems.slice(0, 20));
  });

  it('a bounded list added to another keeps its count', () => {
    const inner = boundProblems(Array.from({ length: 30 }, (_, i) => `inner${i}`));
    const outer = new Problems();

    outer.add('first');
    outer.addAll(inner);

    expect(outer.count).toBe(31);
    expect(outer.list()).toEqual(['first', ...inner.slice(0, 19), '... and 11 more']);
  });

  it('fieldKey keeps a field-like name and cuts anything else short', () => {
    expect(fieldKey('retention_days')).toBe('retention_days');
    expect(fieldKey('a b')).toBe('"a b"');
    expect(fieldKey('k'.repeat(10_000))).toHaveLength(80);
  });
});
