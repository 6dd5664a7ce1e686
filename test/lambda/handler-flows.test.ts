/**
 * The handler's flows with the core, the secret, the publisher and the scheduler as plain fakes:
 * run, follow-up (final and rescheduled), refused events and configuration, the run summary, chat,
 * and a follow-up that could not be scheduled failing the invocation after publishing.
 */
import { CodedError } from '../../lambda/snapshot/errors';
import { createHandler, InvocationFailedError } from '../../lambda/snapshot/handler';
import { LogEvents } from '../../lambda/snapshot/log-events';
import { validateChatMessage } from '../../lambda/snapshot/notify/chat';
import type { FollowUpContext, RunContext } from '../../lambda/snapshot/core-api';
import {
  CHAT_TOPIC,
  CONFIRMATION,
  documents,
  emails,
  flows,
  FUNCTION_ARN,
  followUpOf,
  lambdaContext,
  NOW,
  outcomeFor,
  P1,
  RecordingScheduler,
  requestEach,
  targets,
  TOPIC,
} from '../support/handler-harness';

const followUpEvent = { followUp: followUpOf({ projectId: P1, clusterName: 'Cluster0' }, 'a'.repeat(24)) };

describe('handler: run', () => {
  it('publishes each outcome (stage request), then the run summary (stage summary), and returns the results', async () => {
    const h = flows({ core: { parseInvocation: runOf(targets(2)) } });

    const result = await h.handler({}, lambdaContext());

    expect(result).toEqual({ results: [expect.objectContaining({ clusterName: 'Cluster0' }), expect.anything()] });
    const entries = h.publisher.entries(TOPIC);
    expect(entries.map((e) => [e.attributes.stage, e.attributes.code])).toEqual([
      ['request', 'SNAPSHOT_REQUESTED'],
      ['request', 'SNAPSHOT_REQUESTED'],
      ['summary', 'RUN_SUMMARY'],
    ]);
    expect(entries[2]!.attributes).toEqual({
      status: 'SUCCESS',
      code: 'RUN_SUMMARY',
      trigger: 'schedule',
      stage: 'summary',
    });
    expect(documents(h.publisher)[2]).toMatchObject({
      stage: 'summary',
      counts: { SUCCESS: 2, SKIPPED: 0, ERROR: 0 },
      targets: [{ clusterName: 'Cluster0' }, { clusterName: 'Cluster1' }],
      detail: '2 targets: 2 SUCCESS',
      invocationId: 'req-42',
    });
    expect(emails(h.publisher).every((e) => e.includes('  account: 123456789012'))).toBe(true);
    expect(h.logged().map((l) => l.message)).toEqual(
      expect.arrayContaining([LogEvents.run, LogEvents.outcome, LogEvents.summary, LogEvents.invocationFinished]),
    );
  });

  it('no summary with SUMMARY_ENABLED=false (summaryEnabled false)', async () => {
    const h = flows({ config: { summaryEnabled: false } });

    await h.handler({}, lambdaContext());

    expect(h.publisher.entries().map((e) => e.attributes.stage)).toEqual(['request']);
  });

  it('confirmation on: the core gets the settings and a scheduler for the invoked function', async () => {
    let seen: RunContext | undefined;
    const h = flows({
      config: { confirmation: { ...CONFIRMATION, firstCheckMinutes: 7, maxHours: 6 } },
      core: {
        runTargets: (ctx) => {
          seen = ctx;
          return requestEach(ctx);
        },
      },
    });

    const { results } = await h.handler({}, lambdaContext());

    expect(seen?.confirmation).toMatchObject({ firstCheckMinutes: 7, maxHours: 6 });
    expect(h.schedulerArns).toEqual([`${FUNCTION_ARN}:live`]);
    expect(h.scheduler.calls.map((c) => c.name)).toEqual([`snap-${'0'.padStart(24, 'a')}-1`]);
    expect(results[0]).toMatchObject({ followUpAt: new Date(NOW.getTime() + 7 * 60_000).toISOString() });
  });

  it('a follow-up that cannot be scheduled: SUCCESS with a warning is published, then the invocation fails', async () => {
    const scheduler = new RecordingScheduler();
    scheduler.failWith = new CodedError(
      'UNEXPECTED_ERROR',
      'AccessDeniedException: not authorized to scheduler:CreateSchedule',
    );
    const h = flows({ config: { confirmation: CONFIRMATION }, scheduler });

    const run = h.handler({}, lambdaContext());

    await expect(run).rejects.toBeInstanceOf(InvocationFailedError);
    await expect(run).rejects.toThrow(
      /1 follow-up check\(s\) could not be scheduled, so completion will not be confirmed/,
    );
    const [published] = documents(h.publisher);
    expect(published).toMatchObject({
      status: 'SUCCESS',
      code: 'SNAPSHOT_REQUESTED',
      warnings: [expect.stringContaining('AccessDeniedException')],
    });
    expect(emails(h.publisher)[0]).toContain('Warnings (they did not change the status):');
  });

  it('no invokedFunctionArn (a local run): confirmation cannot be scheduled, warning and failure', async () => {
    const h = flows({ config: { confirmation: CONFIRMATION } });
    const { invokedFunctionArn: _arn, ...local } = lambdaContext();

    await expect(h.handler({}, local)).rejects.toThrow(/could not be scheduled.*no invokedFunctionArn/);

    expect(h.schedulerArns).toEqual([]);
    expect(documents(h.publisher)[0]).toMatchObject({ warnings: [expect.stringContaining('invokedFunctionArn')] });
  });

  it('a dry run never gets the confirmation settings', async () => {
    let seen: RunContext | undefined;
    const h = flows({
      config: { confirmation: CONFIRMATION },
      core: {
        parseInvocation: runOf(targets(1), { dryRun: true }),
        runTargets: async (ctx) => {
          seen = ctx;
          return [outcomeFor(ctx.request.targets[0]!, 'SKIPPED', 'DRY_RUN', { dryRun: true })];
        },
      },
    });

    await h.handler({ dryRun: true }, lambdaContext());

    expect(seen).toBeDefined();
    expect(seen?.confirmation).toBeUndefined();
    expect(documents(h.publisher).at(-1)).toMatchObject({
      stage: 'summary',
      dryRun: true,
      detail: '1 target: 1 SKIPPED (dry run)',
    });
  });

  it('gives every Atlas client of the invocation the same run state and the notice sink of its target', async () => {
    const h = flows({
      core: {
        parseInvocation: runOf(targets(2)),
        runTargets: async (ctx) => {
          const notices: string[] = [];
          for (const t of ctx.request.targets) ctx.atlasFor(t, ctx.logger, (w) => notices.push(w));
          h.factoryCalls.forEach((o) => o.onNotice?.('Deprecation: 2023-01-01'));
          return ctx.request.targets.map((t) => outcomeFor(t, 'SUCCESS', 'SNAPSHOT_REQUESTED', { warnings: notices }));
        },
      },
    });

    await h.handler({}, lambdaContext());

    expect(h.factoryCalls).toHaveLength(2);
    expect(h.factoryCalls[0]!.run).toBeDefined();
    expect(h.factoryCalls[0]!.run).toBe(h.factoryCalls[1]!.run);
    expect(h.factoryCalls[0]!.baseUrl).toBe('https://cloud.mongodb.com');
    expect(documents(h.publisher)[0]).toMatchObject({
      warnings: ['Deprecation: 2023-01-01', 'Deprecation: 2023-01-01'],
    });
  });

  it('refused credentials: the secret is read anew next time', async () => {
    const h = flows({
      core: {
        runTargets: async (ctx) => [
          outcomeFor(ctx.request.targets[0]!, 'ERROR', 'ATLAS_AUTH_FAILED', { httpStatus: 401 }),
        ],
      },
    });
    await expect(h.handler({}, lambdaContext())).rejects.toThrow('ATLAS_AUTH_FAILED');
    expect(h.invalidated).toHaveLength(1);
  });

  it('the chat topic gets the same notices as Amazon Q Developer custom notifications', async () => {
    const h = flows({ config: { chatTopicArn: CHAT_TOPIC } });

    await h.handler({}, lambdaContext());

    const chat = h.publisher.entries(CHAT_TOPIC);
    expect(chat.map((e) => e.attributes)).toEqual(h.publisher.entries(TOPIC).map((e) => e.attributes));
    expect(chat.every((e) => e.messageStructure === undefined && e.subject === undefined)).toBe(true);
    const messages = chat.map((e) => JSON.parse(e.message));
    expect(messages.map((m) => validateChatMessage(m))).toEqual([[], []]);
    expect(messages.map((m) => m.metadata.eventType)).toEqual(['SNAPSHOT_REQUESTED', 'RUN_SUMMARY']);
  });
});

describe('handler: follow-up', () => {
  it('a completed snapshot: published once (stage confirmation), no summary, returned', async () => {
    let seen: FollowUpContext | undefined;
    const completed = outcomeFor({ projectId: P1, clusterName: 'Cluster0' }, 'SUCCESS', 'SNAPSHOT_COMPLETED', {
      stage: 'confirmation',
      snapshotId: 'a'.repeat(24),
      storageSizeBytes: 1_582_854_144,
      durationSeconds: 151,
    });
    const h = flows({
      config: { confirmation: CONFIRMATION },
      core: {
        parseInvocation: () => ({ kind: 'followUp', followUp: followUpEvent.followUp }),
        confirmSnapshot: async (ctx) => ((seen = ctx), { kind: 'final', outcome: completed }),
      },
    });

    const result = await h.handler(followUpEvent, lambdaContext());

    expect(result).toEqual({ results: [completed] });
    expect(seen).toMatchObject({ followUp: followUpEvent.followUp, invocationId: 'req-42' });
    expect(seen?.confirmation).toMatchObject({ firstCheckMinutes: 5, maxHours: 12 });
    expect(h.publisher.entries().map((e) => [e.attributes.stage, e.subject])).toEqual([
      ['confirmation', '[SUCCESS] Atlas snapshot Cluster0: completed (1.6 GB)'],
    ]);
    expect(h.metrics[0]).toMatchObject({
      SnapshotCompleted: 1,
      SnapshotDurationSeconds: 151,
      SnapshotSizeBytes: 1_582_854_144,
    });
  });

  it('a failed snapshot: published, then the invocation fails', async () => {
    const failed = outcomeFor({ projectId: P1, clusterName: 'Cluster0' }, 'ERROR', 'SNAPSHOT_FAILED', {
      stage: 'confirmation',
    });
    const h = flows({
      core: {
        parseInvocation: () => ({ kind: 'followUp', followUp: followUpEvent.followUp }),
        confirmSnapshot: async () => ({ kind: 'final', outcome: failed }),
      },
    });

    await expect(h.handler(followUpEvent, lambdaContext())).rejects.toThrow('SNAPSHOT_FAILED');

    expect(h.publisher.entries().map((e) => e.attributes.code)).toEqual(['SNAPSHOT_FAILED']);
  });

  it('still pending: the next check is scheduled, nothing is published, the result says when', async () => {
    const h = flows({
      config: { confirmation: CONFIRMATION },
      core: {
        parseInvocation: () => ({ kind: 'followUp', followUp: followUpEvent.followUp }),
        confirmSnapshot: async () => ({
          kind: 'rescheduled',
          snapshotId: 'a'.repeat(24),
          snapshotStatus: 'inProgress',
          attempt: 2,
          nextCheckAt: '2026-11-28T03:10:00.000Z',
        }),
      },
    });

    const result = await h.handler(followUpEvent, lambdaContext());

    expect(result).toEqual({
      results: [],
      followUp: { snapshotId: 'a'.repeat(24), attempt: 2, nextCheckAt: '2026-11-28T03:10:00.000Z' },
    });
    expect(h.publisher.calls).toHaveLength(0);
    expect(h.logged().find((l) => l.message === LogEvents.invocationFinished)).toMatchObject({
      followUp: { attempt: 2 },
    });
  });

  it('the secret cannot be read: one ERROR for the snapshot, stage confirmation', async () => {
    const h = flows({
      secret: () =>
        Promise.reject(new CodedError('SECRET_UNAVAILABLE', 'cannot read secret atlas/snapshots: AccessDenied')),
      core: { parseInvocation: () => ({ kind: 'followUp', followUp: followUpEvent.followUp }) },
    });

    await expect(h.handler(followUpEvent, lambdaContext())).rejects.toThrow('SECRET_UNAVAILABLE');

    expect(documents(h.publisher)).toEqual([
      expect.objectContaining({
        status: 'ERROR',
        code: 'SECRET_UNAVAILABLE',
        stage: 'confirmation',
        projectId: P1,
        clusterName: 'Cluster0',
        snapshotId: 'a'.repeat(24),
        attempt: 1,
        requestedAt: NOW.toISOString(),
      }),
    ]);
  });

  it('a reschedule with confirmation switched off since: the scheduler refuses with the reason', async () => {
    let reason = '';
    const h = flows({
      core: {
        parseInvocation: () => ({ kind: 'followUp', followUp: followUpEvent.followUp }),
        confirmSnapshot: async (ctx) => {
          await ctx.confirmation.scheduler
            .schedule('snap-x-2', NOW, followUpEvent)
            .catch((e: Error) => void (reason = e.message));
          return {
            kind: 'final',
            outcome: outcomeFor(ctx.followUp, 'ERROR', 'SNAPSHOT_NOT_CONFIRMED', {
              stage: 'confirmation',
              detail: reason,
            }),
          };
        },
      },
    });

    await expect(h.handler(followUpEvent, lambdaContext())).rejects.toThrow(
      /SNAPSHOT_NOT_CONFIRMED.*could not be scheduled/,
    );
    expect(reason).toMatch(/confirmation is off in this deployment/);
  });
});

describe('handler: publishing in batches', () => {
  afterEach(() => jest.useRealTimers());

  it('with the default linger, outcomes 150 ms apart go out in full batches: ceil(targets / 10) + 1 SNS calls at most', async () => {
    // Arrange: 25 outcomes, one every 150 ms (slower than the deployed function's pace at 256 MB).
    jest.useFakeTimers();
    const h = flows({
      core: {
        parseInvocation: runOf(targets(25)),
        runTargets: async (ctx: RunContext) => {
          const outcomes = [];
          for (const t of ctx.request.targets) {
            await new Promise((resolve) => setTimeout(resolve, 150));
            const outcome = outcomeFor(t, 'SUCCESS', 'SNAPSHOT_REQUESTED');
            ctx.onOutcome?.(outcome);
            outcomes.push(outcome);
          }
          return outcomes;
        },
      },
    });
    const { publishing: _short, ...deployed } = h.deps;
    const handler = createHandler(deployed);

    // Act
    const done = handler({}, lambdaContext());
    await jest.advanceTimersByTimeAsync(25 * 150 + 5_000);
    await done;

    // Assert: 10, 10, then the last 5 with the summary at the end.
    expect(h.publisher.calls.map((c) => c.entries.length)).toEqual([10, 10, 6]);
  });
});

function runOf(list: ReturnType<typeof targets>, extra: { dryRun?: boolean } = {}) {
  return () => ({
    kind: 'run' as const,
    request: {
      targets: list,
      retentionInDays: 7,
      description: 'nightly',
      dryRun: extra.dryRun ?? false,
      trigger: 'schedule' as const,
    },
  });
}
