import { LogEvents } from '../../lambda/snapshot/log-events';
import { createLogger } from '../../lambda/snapshot/logger';
import { createOutbox, type OutboxItem, type OutboxOptions } from '../../lambda/snapshot/notify/outbox';
import { OutOfTimeError } from '../../lambda/snapshot/time-budget';
import type { NotificationPublisher, PublishEntry, PublishResult } from '../../lambda/snapshot/types';
import { FakePublisher } from '../support/fake-publisher';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:atlas-snapshots';

function item(n: number, bytes = 1_000): OutboxItem {
  return {
    entry: { subject: `s${n}`, message: `m${n}`, messageStructure: 'json', attributes: { code: 'C' }, bytes },
    label: { code: 'SNAPSHOT_REQUESTED', stage: 'request', projectId: 'p', clusterName: `c${n}` },
  };
}

function outbox(publisher: NotificationPublisher, extra: Partial<OutboxOptions> = {}) {
  const lines: string[] = [];
  const box = createOutbox({
    publisher,
    topicArn: TOPIC,
    logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }),
    call: (task) => task(new AbortController().signal),
    lingerMs: 200,
    maxInFlight: 4,
    ...extra,
  });
  const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { box, logged };
}

afterEach(() => jest.useRealTimers());

describe('outbox', () => {
  it('sends 23 entries known at once as 3 PublishBatch requests of at most 10, in order', async () => {
    const sns = new FakePublisher();
    const { box } = outbox(sns);

    for (let i = 0; i < 23; i++) box.add(item(i));
    const failures = await box.close();

    expect(failures).toEqual([]);
    expect(sns.calls.map((c) => c.entries.length)).toEqual([10, 10, 3]);
    expect(sns.entries().map((e) => e.subject)).toEqual(Array.from({ length: 23 }, (_, i) => `s${i}`));
    expect(sns.calls.every((c) => c.topicArn === TOPIC)).toBe(true);
    expect(new Set(sns.calls[0]!.entries.map((e) => e.id)).size).toBe(10);
    expect(box.stats()).toEqual({ requests: 3, published: 23, failed: 0 });
  });

  it('a full batch goes at once; a partial one after the linger, before close', async () => {
    jest.useFakeTimers();
    const sns = new FakePublisher();
    const { box } = outbox(sns);

    for (let i = 0; i < 12; i++) box.add(item(i));
    expect(sns.calls.map((c) => c.entries.length)).toEqual([10]);

    await jest.advanceTimersByTimeAsync(199);
    expect(sns.calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(sns.calls.map((c) => c.entries.length)).toEqual([10, 2]);

    await box.close();
    expect(sns.calls).toHaveLength(2);
  });

  it('keeps every request within 256 KB', async () => {
    const sns = new FakePublisher();
    const { box } = outbox(sns);

    for (let i = 0; i < 5; i++) box.add(item(i, 100_000));
    await box.close();

    expect(sns.calls.map((c) => c.entries.length)).toEqual([2, 2, 1]);
  });

  it('an entry SNS refuses is sent once more, and then published', async () => {
    const sns = new FakePublisher().next({ kind: 'refuse', when: (e) => e.subject === 's1' });
    const { box, logged } = outbox(sns);

    [0, 1, 2].forEach((i) => box.add(item(i)));
    const failures = await box.close();

    expect(failures).toEqual([]);
    expect(sns.calls.map((c) => c.entries.map((e) => e.subject))).toEqual([['s0', 's1', 's2'], ['s1']]);
    expect(logged().filter((l) => l.message === LogEvents.notificationPublished)).toHaveLength(3);
  });

  it('refused twice: reported like a failed Publish (logged with the cluster, returned by close)', async () => {
    const sns = new FakePublisher().alwaysDo({
      kind: 'refuse',
      when: (e) => e.subject === 's1',
      error: 'KMSAccessDenied',
    });
    const { box, logged } = outbox(sns);

    [0, 1].forEach((i) => box.add(item(i)));
    const failures = await box.close();

    expect(failures).toEqual([{ label: item(1).label, error: 'KMSAccessDenied' }]);
    expect(logged().filter((l) => l.message === LogEvents.notificationFailed)).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        clusterName: 'c1',
        attempt: 2,
        error: 'KMSAccessDenied',
        topicArn: TOPIC,
      }),
    ]);
    expect(box.stats()).toEqual({ requests: 2, published: 1, failed: 1 });
  });

  it('a failed request is sent once more as a whole', async () => {
    const sns = new FakePublisher().next({ kind: 'throw', error: new Error('socket hang up') });
    const { box } = outbox(sns);

    [0, 1].forEach((i) => box.add(item(i)));

    await expect(box.close()).resolves.toEqual([]);
    expect(sns.calls).toHaveLength(2);
  });

  it('out of time: no retry, every entry of the request fails', async () => {
    const sns = new FakePublisher();
    const { box } = outbox(sns, {
      call: () => Promise.reject(new OutOfTimeError('SNS PublishBatch', 100)),
    });

    [0, 1].forEach((i) => box.add(item(i)));
    const failures = await box.close();

    expect(failures.map((f) => f.label.clusterName)).toEqual(['c0', 'c1']);
    expect(failures[0]!.error).toMatch(/SNS PublishBatch did not answer within the 100 ms/);
    expect(box.stats().requests).toBe(1);
  });

  it('at most maxInFlight requests at once', async () => {
    let active = 0;
    let peak = 0;
    const slow: NotificationPublisher = {
      async publishBatch(_topic: string, entries: readonly PublishEntry[]): Promise<PublishResult[]> {
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        active--;
        return entries.map((e) => ({ id: e.id, ok: true }));
      },
    };
    const { box } = outbox(slow, { maxInFlight: 2 });

    for (let i = 0; i < 60; i++) box.add(item(i));
    await box.close();

    expect(peak).toBe(2);
  });
});
