/**
 * The contracts `npm start` reads, and nothing else: the function's log lines by the LogEvents
 * constants its log calls use (every event has a renderer or is listed as not shown, so an event the
 * function adds or renames cannot silently fall through to the generic line), and a failed
 * invocation's outcomes through the function's own parser. That the function writes no message
 * outside LogEvents is checked on the bundle's real output in test/e2e/start.test.ts.
 */
import {
  LOG_RENDERERS,
  NOT_RENDERED,
  failureSummary,
  formatLogLine,
  formatUnknownRecord,
  outcomesOf,
  parseLogLine,
} from '../../local/report';
import { LogEvents, formatFailureMessage, type LogEvent } from '../../lambda/snapshot/log-events';
import type { Outcome } from '../../lambda/snapshot/types';

/** A line of `event` with the fields the renderers read. */
const line = (event: string, level = 'INFO') =>
  JSON.stringify({
    level,
    message: event,
    timestamp: '2026-01-01T00:00:00.000Z',
    invocationId: 'req-1',
    clusterName: 'Cluster0',
    method: 'GET',
    path: '/api/atlas/v2/groups/65a1b2c3d4e5f60718293a4b/clusters/Cluster0',
    status: 200,
    code: 'SOME_CODE',
    error: { message: 'why' },
    outcome: { status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED' },
    problems: ['a problem'],
  });

describe('the log events npm start renders', () => {
  it('has an entry for every LogEvents value and none for anything else', () => {
    expect(Object.keys(LOG_RENDERERS).sort()).toEqual(Object.values(LogEvents).sort());
  });

  it('does not show exactly the start/finish markers and the publish confirmation', () => {
    expect(NOT_RENDERED.sort()).toEqual(
      [LogEvents.invocationStarted, LogEvents.invocationFinished, LogEvents.notificationPublished].sort(),
    );
    for (const event of NOT_RENDERED) expect(formatLogLine(line(event))).toEqual([]);
  });

  it.each(Object.values(LogEvents).filter((event) => !NOT_RENDERED.includes(event)))(
    '%s has its own rendering, not the generic line',
    (event: LogEvent) => {
      const text = line(event);

      const rendered = formatLogLine(text, { atlasRequests: true });

      expect(rendered.length).toBeGreaterThan(0);
      expect(rendered).not.toEqual(formatUnknownRecord(parseLogLine(text)!));
    },
  );

  it('shows a message that is no LogEvents value by its level and text', () => {
    const text = line('a message the function does not declare', 'WARN');

    expect(formatLogLine(text)).toEqual(['  warn      Cluster0: a message the function does not declare: why']);
  });
});

describe('the outcomes of a failed invocation', () => {
  const outcome: Outcome = {
    status: 'ERROR',
    code: 'CLUSTER_NOT_FOUND',
    stage: 'request',
    projectId: '65a1b2c3d4e5f60718293a4b',
    clusterName: 'Gone',
    // A detail that itself holds the marker text must not confuse the reader.
    detail: 'No cluster named Gone. Results: none',
    trigger: 'manual',
    dryRun: false,
    invocationId: 'req-1',
    timestamp: '2026-01-01T00:00:00.000Z',
  };

  it('are read from the message the function builds, and the summary shown without them', () => {
    const errorMessage = formatFailureMessage('1 of 1 target(s) ended in ERROR (p/Gone: CLUSTER_NOT_FOUND)', [outcome]);

    const invocation = { ok: false, error: { errorType: 'InvocationFailedError', errorMessage } };

    expect(outcomesOf(invocation)).toEqual([outcome]);
    expect(failureSummary(errorMessage)).toBe('1 of 1 target(s) ended in ERROR (p/Gone: CLUSTER_NOT_FOUND)');
  });

  it('are none for an error that carries no results (a crash, a timeout), whose message is shown whole', () => {
    const invocation = { ok: false, error: { errorType: 'Error', errorMessage: 'Task timed out after 60.00 seconds' } };

    expect(outcomesOf(invocation)).toEqual([]);
    expect(failureSummary('Task timed out after 60.00 seconds')).toBe('Task timed out after 60.00 seconds');
  });
});
