import { baseOf, makeOutcome, uncoveredTargets } from '../../lambda/snapshot/invocation';
import { handlerResult } from '../../lambda/snapshot/invocation-result';
import { outcomeFor, P1 } from '../support/handler-harness';

const P2 = 'aaaaaaaaaaaaaaaaaaaaaaaa';

describe('invocation helpers', () => {
  it('a target is covered by an outcome of its cluster; a selector by any outcome it could have produced', () => {
    const reported = [outcomeFor({ projectId: P1, clusterName: 'A' }, 'SUCCESS', 'SNAPSHOT_REQUESTED')];
    expect(
      uncoveredTargets(
        [
          { projectId: P1, clusterName: 'A' },
          { projectId: P1, clusterName: 'B' },
          { projectId: P1, clusterName: '*' },
          { projectId: P2, clusterName: '*', tags: { env: 'prod' } },
          { projectId: '*', clusterName: '*' },
        ],
        reported,
      ),
    ).toEqual([
      { projectId: P1, clusterName: 'B' },
      { projectId: P2, clusterName: '*', tags: { env: 'prod' } },
    ]);
  });

  it('reads stage and trigger of events the parser did not read', () => {
    expect(baseOf({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toMatchObject({
      stage: 'request',
      trigger: 'schedule',
    });
    expect(baseOf({ followUp: { trigger: 'schedule' } })).toMatchObject({ stage: 'confirmation', trigger: 'schedule' });
    expect(baseOf({ followUp: { trigger: 'nonsense' } })).toMatchObject({ stage: 'confirmation', trigger: 'manual' });
    expect(baseOf({ schedule: 'nightly' })).toMatchObject({ stage: 'request', trigger: 'schedule' });
    expect(baseOf('text')).toMatchObject({ stage: 'request', trigger: 'manual' });
  });

  it('builds outcomes without the fields that do not apply', () => {
    const o = makeOutcome(
      { id: 'req-1', now: () => new Date(0) },
      { stage: 'confirmation', trigger: 'schedule', dryRun: false, fields: { attempt: 2 } },
      'ERROR',
      'SECRET_INVALID',
      { code: 'ignored', detail: 'd' },
      { projectId: P1 },
    );
    expect(o).toEqual({
      status: 'ERROR',
      code: 'SECRET_INVALID',
      stage: 'confirmation',
      projectId: P1,
      attempt: 2,
      detail: 'd',
      trigger: 'schedule',
      dryRun: false,
      invocationId: 'req-1',
      timestamp: '1970-01-01T00:00:00.000Z',
    });
  });

  it('the result is { results } up to 100 outcomes, then the first 100 with counts', () => {
    const few = [outcomeFor({ projectId: P1, clusterName: 'A' }, 'SUCCESS', 'SNAPSHOT_REQUESTED')];
    expect(handlerResult(few)).toEqual({ results: few });
    const many = Array.from({ length: 101 }, () => few[0]!);
    expect(handlerResult(many)).toMatchObject({ counts: { SUCCESS: 101 }, omittedResults: 1 });
    expect(handlerResult(many).results).toHaveLength(100);
  });
});
