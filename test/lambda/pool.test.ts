import { createLimiter, mapInOrder, mapWithConcurrency, roundRobinOrder } from '../../lambda/snapshot/pool';

describe('roundRobinOrder', () => {
  it('takes one item of each group in turn, groups in order of first appearance', () => {
    const items = ['a1', 'a2', 'a3', 'b1', 'c1', 'c2', 'a4'];

    const order = roundRobinOrder(items, (item) => item[0]!);

    expect(order.map((i) => items[i])).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3', 'a4']);
  });

  it('one large group among many small ones: every index once, the large group last', () => {
    const items = [
      ...Array.from({ length: 1000 }, (_, i) => `small${i}`),
      ...Array.from({ length: 5000 }, () => 'big'),
    ];

    const order = roundRobinOrder(items, (item) => item);

    expect(new Set(order).size).toBe(items.length);
    expect(order.slice(0, 1001).filter((i) => items[i] === 'big')).toHaveLength(1);
    expect(order.slice(1001).every((i) => items[i] === 'big')).toBe(true);
  });

  it('no items, no order', () => {
    expect(roundRobinOrder([], () => '')).toEqual([]);
  });
});

describe('bounded concurrency', () => {
  it('mapWithConcurrency keeps the input order with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return n * 10;
    });

    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('mapInOrder starts items in the given order and refuses an index that is not there', async () => {
    const started: string[] = [];
    const results = await mapInOrder(['a', 'b', 'c'], [2, 0, 1], 1, async (item) => {
      started.push(item);
      return item.toUpperCase();
    });

    expect(started).toEqual(['c', 'a', 'b']);
    expect(results).toEqual(['A', 'B', 'C']);
    await expect(mapInOrder(['a'], [3], 1, async (item) => item)).rejects.toThrow('3 is not an index of the 1 items');
  });

  it('createLimiter runs at most `limit` tasks at once, in the order given', async () => {
    const limit = createLimiter(2);
    const log: string[] = [];
    const task = (name: string) =>
      limit(async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setImmediate(resolve));
        log.push(`end ${name}`);
      });

    await Promise.all([task('a'), task('b'), task('c')]);

    expect(log.slice(0, 3)).toEqual(['start a', 'start b', 'end a']);
    expect(log.indexOf('start c')).toBeGreaterThan(log.indexOf('end a'));
  });
});
