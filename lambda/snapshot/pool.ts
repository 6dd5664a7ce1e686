/** Maps items with at most `limit` calls in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // One iterator shared by the workers: each takes the next item as soon as it is free.
  const queue = items.entries();
  const worker = async (): Promise<void> => {
    for (const [index, item] of queue) results[index] = await fn(item, index);
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}

/**
 * The order in which to work through `items` so that consecutive items come from different
 * groups where possible (round-robin over the groups, each group keeping its own order).
 * Atlas rate-limits per project, so interleaving projects spreads the requests over their
 * budgets instead of draining one project's budget at a time.
 */
export function roundRobinOrder<T>(items: readonly T[], groupOf: (item: T) => string): number[] {
  const groups = new Map<string, number[]>();
  items.forEach((item, index) => {
    const key = groupOf(item);
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  // Each round takes the next item of every group that still has one; exhausted groups drop out,
  // so one large group among many small ones costs its length, not length x groups.
  let active = [...groups.values()];
  const order: number[] = [];
  for (let round = 0; active.length > 0; round++) {
    const next: number[][] = [];
    for (const queue of active) {
      const index = queue[round];
      if (index !== undefined) order.push(index);
      if (queue.length > round + 1) next.push(queue);
    }
    active = next;
  }
  return order;
}

/** Like mapWithConcurrency, but starts the items in `order`; results keep the input order. */
export async function mapInOrder<T, R>(
  items: readonly T[],
  order: readonly number[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // Pairs, so that an index outside `items` is told apart from an item that is itself undefined.
  const entries = [...items.entries()];
  await mapWithConcurrency(order, limit, async (index) => {
    const entry = entries[index];
    if (entry === undefined) throw new Error(`mapInOrder: ${index} is not an index of the ${items.length} items`);
    results[index] = await fn(entry[1], index);
  });
  return results;
}

/** Runs the tasks given to it with at most `limit` in flight, in the order they were given. */
export function createLimiter(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return async <R>(task: () => Promise<R>): Promise<R> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
