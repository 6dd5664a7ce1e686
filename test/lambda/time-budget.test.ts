import { OutOfTimeError, timeBudget } from '../../lambda/snapshot/time-budget';

afterEach(() => jest.useRealTimers());

describe('time budget', () => {
  it('a call that answers in time resolves with its value and is not aborted', async () => {
    let signal: AbortSignal | undefined;
    const budget = timeBudget(() => 10_000);

    const value = await budget.run('Secrets Manager', 1_000, async (s) => {
      signal = s;
      return 42;
    });

    expect(value).toBe(42);
    expect(signal?.aborted).toBe(false);
  });

  it('a call that never answers is rejected and aborted when only the reserve would be left', async () => {
    jest.useFakeTimers();
    let signal: AbortSignal | undefined;
    const budget = timeBudget(() => 1_500);

    const call = budget.run('SNS PublishBatch', 500, (s) => {
      signal = s;
      return new Promise<never>(() => undefined);
    });
    const settled = expect(call).rejects.toBeInstanceOf(OutOfTimeError);
    await jest.advanceTimersByTimeAsync(999);
    expect(signal?.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);

    await settled;
    await expect(call).rejects.toThrow(
      'SNS PublishBatch did not answer within the 1000 ms the invocation had left for it',
    );
    expect(signal?.aborted).toBe(true);
  });

  it('no time left: rejected at once, the task never starts', async () => {
    const task = jest.fn(async () => 1);
    await expect(timeBudget(() => 100).run('EventBridge Scheduler', 200, task)).rejects.toBeInstanceOf(OutOfTimeError);
    expect(task).not.toHaveBeenCalled();
  });

  it("the task's own failure passes through", async () => {
    await expect(timeBudget(() => 10_000).run('x', 0, () => Promise.reject(new Error('AccessDenied')))).rejects.toThrow(
      'AccessDenied',
    );
  });
});
