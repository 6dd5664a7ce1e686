/**
 * The handler against hostile conditions: dependencies that never answer (Secrets Manager, SNS,
 * EventBridge Scheduler, Atlas), huge inputs and huge runs. Every case must end in outcomes, the
 * `invocation finished` line and a bounded result or failure, before the invocation's time is up.
 * Times are small real countdowns; the assertions are on behaviour, never on elapsed time.
 */
import { LogEvents, parseFailureMessage } from '../../lambda/snapshot/log-events';
import { SNS_MAX_BYTES } from '../../lambda/snapshot/notify/budget';
import type { ParsedSecret } from '../../lambda/snapshot/credentials';
import type { HandlerResult } from '../../lambda/snapshot/handler';
import type { FollowUpScheduler, Outcome } from '../../lambda/snapshot/types';
import { realCore } from '../support/core-deps';
import {
  CONFIRMATION,
  documents,
  flows,
  lambdaContext,
  outcomeFor,
  P1,
  RecordingScheduler,
  targets,
  TOPIC,
} from '../support/handler-harness';

jest.setTimeout(15_000);

function runOf(n: number) {
  return () => ({
    kind: 'run' as const,
    request: {
      targets: targets(n),
      retentionInDays: 7,
      description: 'nightly',
      dryRun: false,
      trigger: 'schedule' as const,
    },
  });
}

async function failureOf(p: Promise<HandlerResult>): Promise<{ message: string; results: Outcome[] }> {
  const error = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as Error | undefined;
  if (!error) throw new Error('the invocation did not fail');
  return { message: error.message, results: parseFailureMessage(error.message)?.results ?? [] };
}

describe('batching', () => {
  it('25 outcomes known quickly: at most ceil(25/10) + 1 PublishBatch calls, every message sent', async () => {
    const h = flows({ core: { parseInvocation: runOf(25) } });

    await h.handler({}, lambdaContext());

    expect(h.publisher.calls.length).toBeLessThanOrEqual(Math.ceil(25 / 10) + 1);
    expect(h.publisher.calls.every((c) => c.entries.length <= 10)).toBe(true);
    expect(h.publisher.entries(TOPIC)).toHaveLength(26);
  });

  it('early outcomes are published while later targets hang; the run then ends in ATLAS_UNREACHABLE for them', async () => {
    let settled = false;
    const h = flows({
      core: {
        parseInvocation: runOf(5),
        runTargets: (ctx) => {
          ctx.request.targets
            .slice(0, 3)
            .forEach((t) => ctx.onOutcome?.(outcomeFor(t, 'SUCCESS', 'SNAPSHOT_REQUESTED')));
          return new Promise<never>(() => undefined); // Atlas never answers for the other two
        },
      },
    });

    const run = h.handler({}, lambdaContext(1_500));
    void run.then(
      () => (settled = true),
      () => (settled = true),
    );
    await h.publisher.nextCall();

    expect(settled).toBe(false);
    expect(h.publisher.calls[0]!.entries.map((e) => e.attributes.clusterName)).toEqual([
      'Cluster0',
      'Cluster1',
      'Cluster2',
    ]);
    const { message, results } = await failureOf(run);
    expect(message).toContain('the run ran out of time before every target had an outcome');
    expect(results.map((o) => [o.clusterName, o.code])).toEqual([
      ['Cluster0', 'SNAPSHOT_REQUESTED'],
      ['Cluster1', 'SNAPSHOT_REQUESTED'],
      ['Cluster2', 'SNAPSHOT_REQUESTED'],
      ['Cluster3', 'ATLAS_UNREACHABLE'],
      ['Cluster4', 'ATLAS_UNREACHABLE'],
    ]);
    expect(documents(h.publisher).map((d) => d.code)).toEqual(
      expect.arrayContaining(['ATLAS_UNREACHABLE', 'ATLAS_UNREACHABLE', 'RUN_SUMMARY']),
    );
    expect(h.logged().at(-1)).toMatchObject({ message: LogEvents.invocationFinished, unfinished: true });
  });
});

describe('hanging dependencies', () => {
  it('Secrets Manager never answers: SECRET_UNAVAILABLE for every target, published, the read aborted, the invocation fails', async () => {
    let signal: AbortSignal | undefined;
    const h = flows({
      core: { parseInvocation: runOf(2) },
      secret: (options) => {
        signal = options?.abortSignal;
        return new Promise<ParsedSecret>(() => undefined);
      },
    });

    const { message, results } = await failureOf(h.handler({}, lambdaContext(1_000)));

    expect(results.map((o) => [o.clusterName, o.code])).toEqual([
      ['Cluster0', 'SECRET_UNAVAILABLE'],
      ['Cluster1', 'SECRET_UNAVAILABLE'],
    ]);
    expect(results[0]!.detail).toMatch(/Secrets Manager did not answer within the \d+ ms the invocation had left/);
    expect(message).toContain('2 of 2 target(s) ended in ERROR');
    expect(signal?.aborted).toBe(true);
    expect(documents(h.publisher).map((d) => d.code)).toEqual([
      'SECRET_UNAVAILABLE',
      'SECRET_UNAVAILABLE',
      'RUN_SUMMARY',
    ]);
    expect(h.logged().at(-1)).toMatchObject({ message: LogEvents.invocationFinished, errors: 2 });
  });

  it('SNS never answers: the invocation still finishes, fails, and carries the outcomes', async () => {
    const h = flows();
    h.publisher.alwaysDo({ kind: 'hang' });

    const { message, results } = await failureOf(h.handler({}, lambdaContext(1_000)));

    expect(message).toMatch(/2 notification\(s\) could not be published \(SNS PublishBatch did not answer within/);
    expect(results.map((o) => o.code)).toEqual(['SNAPSHOT_REQUESTED']);
    expect(h.logged().filter((l) => l.message === LogEvents.notificationFailed)).toHaveLength(2);
    expect(h.logged().at(-1)).toMatchObject({ message: LogEvents.invocationFinished, publishFailures: 2 });
  });

  it('EventBridge Scheduler never answers: the outcome stays SUCCESS with a warning, the invocation fails', async () => {
    const hanging: FollowUpScheduler & RecordingScheduler = Object.assign(new RecordingScheduler(), {
      schedule: () => new Promise<never>(() => undefined),
    });
    const h = flows({ config: { confirmation: CONFIRMATION }, scheduler: hanging });

    const { message, results } = await failureOf(h.handler({}, lambdaContext(1_500)));

    expect(message).toMatch(/1 follow-up check\(s\) could not be scheduled.*EventBridge Scheduler did not answer/);
    expect(results).toEqual([
      expect.objectContaining({
        status: 'SUCCESS',
        warnings: [expect.stringContaining('EventBridge Scheduler did not answer')],
      }),
    ]);
  });
});

describe('huge inputs and runs', () => {
  it('10,000 INVALID_INPUT problems: one bounded message and log line', async () => {
    const problems = Array.from(
      { length: 10_000 },
      (_, i) => `event.targets[${i}].projectId must be 24 hex characters`,
    );
    const h = flows({
      core: { parseInvocation: () => ({ kind: 'invalid', problems, trigger: 'manual', stage: 'request' }) },
    });

    const { results } = await failureOf(h.handler({}, lambdaContext()));

    const [entry] = h.publisher.entries();
    expect(h.publisher.entries()).toHaveLength(1);
    expect(Buffer.byteLength(entry!.message)).toBeLessThan(SNS_MAX_BYTES);
    expect(results[0]!.detail).toMatch(/; \.\.\. and 9980 more$/);
    const logged = h.logged().find((l) => l.message === LogEvents.invalidInput);
    expect((logged!.problems as string[]).length).toBe(21);
  });

  it('a 5,000-deep event through the real parser: logged as a truncated shape, INVALID_INPUT, no RangeError', async () => {
    const event: Record<string, unknown> = {};
    let node = event;
    for (let i = 0; i < 5_000; i++) {
      const next: Record<string, unknown> = {};
      node.nested = next;
      node = next;
    }
    const h = flows({ core: { parseInvocation: realCore.parseInvocation } });

    await expect(h.handler(event, lambdaContext())).rejects.toThrow('INVALID_INPUT');

    const started = h.lines.find((l) => l.includes(LogEvents.invocationStarted))!;
    expect(started.length).toBeLessThan(2_000);
    expect(started).toContain('[Truncated]');
    expect(documents(h.publisher)[0]).toMatchObject({
      code: 'INVALID_INPUT',
      detail: expect.stringContaining('event.nested'),
    });
  });

  it('10,000 outcomes: a bounded return value, at most ceil(n/10) + 1 publish calls, 100 EMF records', async () => {
    const h = flows({ core: { parseInvocation: runOf(10_000) } });

    const result = await h.handler({}, lambdaContext());

    expect(result.results).toHaveLength(100);
    expect(result.counts).toEqual({ SUCCESS: 10_000, SKIPPED: 0, ERROR: 0 });
    expect(result.omittedResults).toBe(9_900);
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThan(1_000_000);
    expect(h.publisher.calls.length).toBeLessThanOrEqual(Math.ceil(10_000 / 10) + 1);
    expect(h.publisher.entries(TOPIC)).toHaveLength(10_001);
    expect(h.metrics).toHaveLength(100);
    expect(h.logged().filter((l) => l.message === LogEvents.outcome)).toHaveLength(10_000);
  });

  it('10,000 outcomes with errors: the failure message is bounded and carries the errors first', async () => {
    const h = flows({
      core: {
        parseInvocation: runOf(10_000),
        runTargets: async (ctx) =>
          ctx.request.targets.map((t, i) =>
            i % 1_000 === 999
              ? outcomeFor(t, 'ERROR', 'CLUSTER_NOT_FOUND', { httpStatus: 404 })
              : outcomeFor(t, 'SUCCESS', 'SNAPSHOT_REQUESTED'),
          ),
      },
    });

    const { message, results } = await failureOf(h.handler({}, lambdaContext()));

    expect(message.length).toBeLessThan(70_000);
    expect(message).toContain('10 of 10000 target(s) ended in ERROR');
    expect(message).toContain('20 of 10000 results below, every outcome is in the log');
    expect(results.filter((o) => o.status === 'ERROR')).toHaveLength(10);
    expect(results[0]).toMatchObject({ projectId: P1, clusterName: 'Cluster0' });
  });
});
