/**
 * `npm start`'s report: the pure functions that turn what a run observed (request log, log lines,
 * SNS messages, the invocation's result) into the printed account. The whole run is in
 * test/e2e/start.test.ts (that project synthesizes the bundle once).
 */
import type { RequestLogEntry } from '../../local/atlas-sim';
import { DEMO_PROJECT_ID } from '../../local/atlas-sim';
import {
  ANSI,
  PLAIN,
  accessListAdvice,
  callFromLogEntry,
  extractCallerIp,
  failureSummary,
  formatAtlasCall,
  formatCounts,
  formatInvocation,
  formatLogLine,
  formatNotification,
  outcomesOf,
  shortPath,
  stripAnsi,
  useColor,
} from '../../local/report';
import { LogEvents } from '../../lambda/snapshot/log-events';
import type { Outcome } from '../../lambda/snapshot/types';

const GROUP = `/api/atlas/v2/groups/${DEMO_PROJECT_ID}`;

function entry(extra: Partial<RequestLogEntry>): RequestLogEntry {
  return {
    seq: 1,
    method: 'GET',
    path: `${GROUP}/clusters/Cluster0`,
    query: {},
    endpoint: 'getCluster',
    auth: 'bearer',
    timestamp: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

const outcome = (extra: Partial<Outcome>): Outcome => ({
  status: 'SUCCESS',
  code: 'SNAPSHOT_REQUESTED',
  stage: 'request',
  projectId: DEMO_PROJECT_ID,
  clusterName: 'Cluster0',
  trigger: 'schedule',
  dryRun: false,
  invocationId: 'req-1',
  timestamp: '2026-01-01T00:00:00.000Z',
  ...extra,
});

const logLine = (fields: Record<string, unknown>) =>
  JSON.stringify({
    level: 'INFO',
    timestamp: '2026-01-01T00:00:00.000Z',
    service: 'atlas-snapshot-scheduler',
    invocationId: 'req-1',
    ...fields,
  });

describe('formatting a request-log entry', () => {
  it('shows status, method, endpoint, auth kind and a short path', () => {
    const line = formatAtlasCall(callFromLogEntry(entry({ status: 200 })));

    expect(line).toBe('  atlas     200  GET    getCluster            bearer  /groups/65a1...3a4b/clusters/Cluster0');
  });

  it('appends the errorCode, and the page of a paged list', () => {
    const line = formatAtlasCall(
      callFromLogEntry(
        entry({
          method: 'POST',
          path: `${GROUP}/clusters/Cluster0/backup/snapshots`,
          endpoint: 'takeSnapshot',
          status: 429,
          errorCode: 'RATE_LIMITED_TOKEN_BUCKET',
        }),
      ),
    );
    const paged = formatAtlasCall(
      callFromLogEntry(
        entry({
          endpoint: 'listSnapshots',
          path: `${GROUP}/clusters/C/backup/snapshots`,
          query: { itemsPerPage: '500', pageNum: '2' },
          status: 200,
        }),
      ),
    );

    expect(line).toMatch(
      /429 {2}POST {3}takeSnapshot .*\/clusters\/Cluster0\/backup\/snapshots {2}RATE_LIMITED_TOKEN_BUCKET$/,
    );
    expect(paged).toContain('/groups/65a1...3a4b/clusters/C/backup/snapshots (page 2)');
  });

  it('says when no answer came (a reset or hang fault)', () => {
    const line = formatAtlasCall(callFromLogEntry(entry({ fault: 'reset' })));

    expect(line).toMatch(/atlas {5}--- .* no answer \(reset\)$/);
  });

  it('labels the unauthenticated first request of Digest as the challenge', () => {
    const line = formatAtlasCall(callFromLogEntry(entry({ auth: 'none', status: 401, errorCode: 'UNEXPECTED_ERROR' })));

    expect(line).toContain('UNEXPECTED_ERROR');
    expect(line).toContain('Digest challenge');
  });

  it('never carries credentials: the entry has none, and the token endpoint shows only its path', () => {
    const line = formatAtlasCall(
      callFromLogEntry(
        entry({ method: 'POST', path: '/api/oauth/token', endpoint: 'token', auth: 'basic', status: 200 }),
      ),
    );

    expect(line).toBe('  atlas     200  POST   token                 basic   /api/oauth/token');
  });

  it('shortPath keeps unknown project ids distinguishable and leaves other paths alone', () => {
    expect(shortPath('/api/atlas/v2/groups/65a1b2c3d4e5f60718293aff/clusters')).toBe('/groups/65a1...3aff/clusters');
    expect(shortPath('/api/oauth/token')).toBe('/api/oauth/token');
    expect(shortPath(`${GROUP}/clusters/C0/backup/snapshots?itemsPerPage=500&pageNum=3`)).toBe(
      '/groups/65a1...3a4b/clusters/C0/backup/snapshots (page 3)',
    );
  });
});

describe('formatting the function log lines', () => {
  it('prints the decisions tersely, with the cluster they are about', () => {
    const lines = [
      logLine({
        message: LogEvents.snapshotRequested,
        clusterName: 'Cluster0',
        snapshotId: 'snap1',
        snapshotStatus: 'queued',
      }),
      logLine({
        message: LogEvents.snapshotPending,
        clusterName: 'Busy',
        snapshotId: 'snap2',
        snapshotStatus: 'inProgress',
      }),
      logLine({
        message: LogEvents.outcome,
        level: 'ERROR',
        clusterName: 'Gone',
        outcome: outcome({ status: 'ERROR', code: 'CLUSTER_NOT_FOUND' }),
      }),
      logLine({
        message: LogEvents.atlasRetry,
        clusterName: 'Cluster0',
        request: `GET ${GROUP}/clusters/Cluster0`,
        delayMs: 2000,
        reason: 'HTTP 429 RATE_LIMITED_TOKEN_BUCKET',
      }),
      logLine({
        message: LogEvents.secretUnusable,
        level: 'ERROR',
        code: 'SECRET_INVALID',
        error: { name: 'CodedError', message: 'keys found: publicKey' },
      }),
    ].flatMap((line) => formatLogLine(line));

    expect(lines).toEqual([
      '  decide    Cluster0: snapshot requested: snap1 (queued)',
      '  decide    Busy: on-demand snapshot snap2 is still inProgress: skipping (Atlas allows one at a time)',
      '  outcome   Gone: ERROR CLUSTER_NOT_FOUND',
      '  retry     Cluster0: HTTP 429 RATE_LIMITED_TOKEN_BUCKET: waiting 2.0 s, then GET /groups/65a1...3a4b/clusters/Cluster0',
      '  decide    secret: SECRET_INVALID: keys found: publicKey',
    ]);
  });

  it('summarizes the run line and drops start/finish markers, EMF records and debug lines', () => {
    const run = logLine({
      message: LogEvents.run,
      trigger: 'manual',
      dryRun: true,
      targets: 2,
      retentionInDays: 7,
      authentication: 'apiKey',
    });
    const dropped = [
      logLine({ message: LogEvents.invocationStarted, event: {} }),
      logLine({ message: LogEvents.invocationFinished, targets: 1 }),
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"SnapshotSecured":1}',
      logLine({ level: 'DEBUG', message: 'something internal' }),
      logLine({ level: 'DEBUG', message: LogEvents.atlasRequest, method: 'GET', path: '/x', status: 200 }),
    ];

    expect(formatLogLine(run)).toEqual([
      '  run       trigger manual, 2 targets, retention 7 days, auth apiKey, DRY RUN',
    ]);
    expect(dropped.flatMap((line) => formatLogLine(line))).toEqual([]);
  });

  it("renders the client's Atlas request lines as calls when asked (real mode)", () => {
    const line = logLine({
      level: 'DEBUG',
      message: LogEvents.atlasRequest,
      method: 'GET',
      path: `${GROUP}/clusters/Cluster0`,
      attempt: 2,
      status: 403,
    });

    expect(formatLogLine(line, { atlasRequests: true })).toEqual([
      '  atlas     403  GET    /groups/65a1...3a4b/clusters/Cluster0  attempt 2',
    ]);
  });

  it('shows the round-2 events: paused, version notices, follow-up checks, promotion', () => {
    const lines = [
      logLine({ message: LogEvents.clusterPaused, clusterName: 'Paused' }),
      logLine({
        level: 'WARN',
        message: LogEvents.atlasVersionNotice,
        clusterName: 'Cluster0',
        version: '2024-08-05',
        sunset: '2027-01-01',
      }),
      logLine({
        message: LogEvents.followUpScheduled,
        clusterName: 'Cluster0',
        name: 'snap-s1-1',
        at: '2026-01-01T00:05:00Z',
      }),
      logLine({
        message: LogEvents.snapshotPromoted,
        clusterName: 'Cluster0',
        snapshotId: 's1',
        promotedTo: { retentionUnit: 'MONTHS', retentionValue: 12 },
        expiresAt: '2027-01-01T00:00:00Z',
      }),
      logLine({
        level: 'WARN',
        message: LogEvents.promotionRefused,
        clusterName: 'Cluster0',
        code: 'CANNOT_MODIFY_SNAPSHOT',
        error: { message: 'the role may not' },
      }),
    ].flatMap((line) => formatLogLine(line));

    expect(lines).toEqual([
      '  decide    Paused: paused: Atlas takes no backups of a paused cluster: skipping',
      '  notice    Cluster0: Atlas API version notice: version 2024-08-05, sunset 2027-01-01',
      '  confirm   Cluster0: follow-up check scheduled: name snap-s1-1, at 2026-01-01T00:05:00Z',
      '  promote   Cluster0: snapshot s1 kept 12 months (expires 2027-01-01T00:00:00Z)',
      '  promote   Cluster0: promotion refused: CANNOT_MODIFY_SNAPSHOT: the role may not',
    ]);
  });

  it('shows anything else: unknown warnings by message, non-JSON output as it is', () => {
    expect(formatLogLine(logLine({ level: 'WARN', message: 'something odd', clusterName: 'C' }))).toEqual([
      '  warn      C: something odd',
    ]);
    expect(formatLogLine('plain text')).toEqual(['  stdout    plain text']);
    expect(formatLogLine('')).toEqual([]);
  });
});

describe('formatting a notification', () => {
  const message = {
    subject: '[SUCCESS] Atlas snapshot Cluster0: snapshot requested',
    message: '{}',
    bodies: { default: '{}', email: 'An on-demand snapshot was requested.\n\nWhat to do: Nothing.' },
    messageAttributes: { status: { stringValue: 'SUCCESS' }, code: { stringValue: 'SNAPSHOT_REQUESTED' } },
  };

  it('prints the subject, then the e-mail body line by line', () => {
    expect(formatNotification(message)).toEqual([
      '  notify    [SUCCESS] Atlas snapshot Cluster0: snapshot requested',
      '            | An on-demand snapshot was requested.',
      '            |',
      '            | What to do: Nothing.',
    ]);
  });

  it('adds the message attributes when verbose, and colours by status on a terminal', () => {
    const lines = formatNotification(message, ANSI, { attributes: true });

    expect(lines[0]).toContain('\u001b[32m');
    expect(stripAnsi(lines[1]!)).toContain('attributes: status=SUCCESS code=SNAPSHOT_REQUESTED');
  });
});

describe('results, counts and colour', () => {
  it('reads the outcomes of a failed invocation from its message and shows the message without them', () => {
    const results = [
      outcome({ status: 'ERROR', code: 'CLUSTER_NOT_FOUND', httpStatus: 404, detail: 'No cluster named X' }),
    ];
    const invocation = {
      requestId: 'r',
      ok: false,
      durationMs: 12.4,
      lines: [],
      error: {
        errorType: 'InvocationFailedError',
        errorMessage: `1 of 1 target(s) ended in ERROR (p/X: CLUSTER_NOT_FOUND). Results: ${JSON.stringify(results)}`,
      },
    };

    expect(outcomesOf(invocation)).toEqual(results);
    expect(failureSummary(invocation.error.errorMessage)).toBe(
      '1 of 1 target(s) ended in ERROR (p/X: CLUSTER_NOT_FOUND)',
    );
    const lines = formatInvocation(invocation);
    expect(lines[0]).toBe(
      '  result    invocation FAILED after 12 ms: InvocationFailedError: 1 of 1 target(s) ended in ERROR (p/X: CLUSTER_NOT_FOUND)',
    );
    expect(lines.at(-1)).toMatch(/ERROR {4}CLUSTER_NOT_FOUND +Cluster0 +HTTP 404: No cluster named X$/);
  });

  it('shows a returned result with the snapshot it requested', () => {
    const lines = formatInvocation({
      requestId: 'r',
      ok: true,
      durationMs: 5,
      lines: [],
      result: { results: [outcome({ snapshotId: 's1', snapshotStatus: 'queued', retentionInDays: 7 })] },
    });

    expect(lines).toEqual([
      '  result    returned { "results": [1 outcome] } in 5 ms',
      expect.stringMatching(/SUCCESS {2}SNAPSHOT_REQUESTED +Cluster0 +snapshot s1 queued, kept 7 days$/),
    ]);
  });

  it('counts in words', () => {
    expect(formatCounts({ tokenRequests: 1, atlasCalls: 3, secretReads: 0, publishes: 2 })).toBe(
      '1 token request, 3 Atlas API calls, 0 secret reads, 2 SNS publishes',
    );
    expect(formatCounts({ publishes: 1 })).toBe('1 SNS publish');
  });

  it('uses colour only on a terminal without NO_COLOR', () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(undefined, {})).toBe(false);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(true, { NO_COLOR: '' })).toBe(true);
    expect(stripAnsi(ANSI.red('x'))).toBe(PLAIN.red('x'));
  });
});

describe('the caller IP when Atlas refuses it', () => {
  it('extracts the IP Atlas names in its detail', () => {
    expect(extractCallerIp('IP address 203.0.113.10 is not allowed to access this resource.')).toBe('203.0.113.10');
    expect(extractCallerIp('IP address 2001:db8::7 is not allowed to access this resource.')).toBe('2001:db8::7');
    expect(extractCallerIp('Request from 198.51.100.4 refused')).toBe('198.51.100.4');
    expect(extractCallerIp('You are not authorized for this resource.')).toBeUndefined();
    expect(extractCallerIp(undefined)).toBeUndefined();
  });

  it('tells what to add to the access list, and that the deployed function has another IP', () => {
    const refused = outcome({
      status: 'ERROR',
      code: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
      httpStatus: 403,
      detail: 'IP address 203.0.113.10 is not allowed to access this resource.',
    });

    const text = accessListAdvice([refused, { ...refused, clusterName: 'Other' }]).join('\n');

    expect(text).toContain('coming from 203.0.113.10');
    expect(text).toContain('add 203.0.113.10 to the API access list');
    expect(text).toContain('`egress` NAT option');
    expect(text.match(/203\.0\.113\.10/g)).toHaveLength(2);
    expect(accessListAdvice([outcome({})])).toEqual([]);
  });
});
