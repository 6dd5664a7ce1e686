/**
 * The handler with refused input: an invalid follow-up event, a bad environment, a parser that throws,
 * a core that throws. Each ends in outcomes that are published, and a failed invocation.
 */
import { type InvocationFailedError } from '../../lambda/snapshot/handler';
import { parseFailureMessage } from '../../lambda/snapshot/log-events';
import {
  documents,
  flows,
  followUpOf,
  lambdaContext,
  outcomeFor,
  P1,
  targets,
  TOPIC,
} from '../support/handler-harness';

const followUpEvent = { followUp: followUpOf({ projectId: P1, clusterName: 'Cluster0' }, 'a'.repeat(24)) };

describe('handler: refused events and configuration', () => {
  it('an invalid follow-up event: one INVALID_INPUT, stage confirmation, no summary', async () => {
    const h = flows({
      core: {
        parseInvocation: () => ({
          kind: 'invalid',
          problems: ['event.followUp.attempt must be an integer >= 1, got 0'],
          trigger: 'schedule',
          stage: 'confirmation',
        }),
      },
    });

    await expect(h.handler(followUpEvent, lambdaContext())).rejects.toThrow('INVALID_INPUT');

    expect(h.publisher.entries().map((e) => e.attributes)).toEqual([
      { status: 'ERROR', code: 'INVALID_INPUT', trigger: 'schedule', stage: 'confirmation' },
    ]);
    expect(documents(h.publisher)[0]).toMatchObject({
      detail: 'event.followUp.attempt must be an integer >= 1, got 0',
    });
  });

  it('a bad environment on a follow-up event: INVALID_CONFIG with stage confirmation', async () => {
    const h = flows({ configResult: { ok: false, problems: ['CONFIRM_ROLE_ARN must be set'], topicArn: TOPIC } });

    await expect(h.handler(followUpEvent, lambdaContext())).rejects.toThrow('INVALID_CONFIG');

    expect(documents(h.publisher)).toEqual([
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        stage: 'confirmation',
        detail: 'CONFIRM_ROLE_ARN must be set',
      }),
    ]);
  });

  it('a parser that throws on a hostile event still ends in INVALID_INPUT', async () => {
    const h = flows({
      core: {
        parseInvocation: () => {
          throw new RangeError('Maximum call stack size exceeded');
        },
      },
    });

    await expect(h.handler({ targets: [] }, lambdaContext())).rejects.toThrow('INVALID_INPUT');

    expect(documents(h.publisher)[0]).toMatchObject({
      detail: 'the event could not be read: Maximum call stack size exceeded',
      stage: 'request',
    });
  });

  it('a run whose core throws (a bug): an UNEXPECTED_ERROR per target without an outcome, the invocation fails', async () => {
    const h = flows({
      core: {
        parseInvocation: runOf(targets(2)),
        runTargets: async (ctx) => {
          ctx.onOutcome?.(outcomeFor(ctx.request.targets[0]!, 'SUCCESS', 'SNAPSHOT_REQUESTED'));
          throw new TypeError('x is undefined');
        },
      },
    });

    const run = h.handler({}, lambdaContext());

    await expect(run).rejects.toThrow(/1 of 2 target\(s\) ended in ERROR .*Cluster1: UNEXPECTED_ERROR/);
    const error = (await run.catch((e: unknown) => e)) as InvocationFailedError;
    expect(parseFailureMessage(error.message)?.results.map((o) => [o.clusterName, o.code])).toEqual([
      ['Cluster0', 'SNAPSHOT_REQUESTED'],
      ['Cluster1', 'UNEXPECTED_ERROR'],
    ]);
  });
});

function runOf(list: ReturnType<typeof targets>) {
  return () => ({
    kind: 'run' as const,
    request: { targets: list, retentionInDays: 7, description: 'nightly', dryRun: false, trigger: 'schedule' as const },
  });
}
