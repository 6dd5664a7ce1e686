/**
 * Hostile dependencies, end to end on the cdk.out bundle (docs/design.md, robustness): AWS endpoints
 * that never answer end in outcomes, log lines and a failed invocation before Lambda's timeout;
 * an Atlas answer that is a gzip bomb or never ends is ATLAS_INVALID_RESPONSE for its target only;
 * and no credential form the function sent ever shows in its output, its messages or its error.
 */
import { DEMO_API_KEY, DEMO_PROJECT_ID, DEMO_SERVICE_ACCOUNT } from '../../local/atlas-sim';
import { SCHEDULED_EVENT } from '../../local/harness';
import type { InvokeResult } from '../../local/lambda/runtime';
import { LogEvents } from '../../lambda/snapshot/log-events';
import { ENV } from '../../lambda/snapshot/contract';
import { MINUTE_MS, authorizationRecorder, credentialForms, localRuns, logRecords, results, stage } from './support';

jest.setTimeout(60_000);

const start = localRuns();
/** A short Lambda timeout, so that a dependency that never answers costs the test seconds. */
const TIMEOUT_MS = 4_000;
const THREE = ['Cluster0', 'Cluster1', 'Weekly'].map((clusterName) => ({ projectId: DEMO_PROJECT_ID, clusterName }));

const messagesOf = (invocation: InvokeResult) => logRecords(invocation).map((l) => l.message);

describe('AWS dependencies that never answer', () => {
  it('Secrets Manager hangs: SECRET_UNAVAILABLE for every target, published, and a failed invocation before the timeout', async () => {
    const r = await start({ preset: 'tagged', targets: THREE, timeoutMs: TIMEOUT_MS });
    r.aws.secretsManager.hangNext(10);

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.timedOut).toBeUndefined();
    expect(invocation.durationMs).toBeLessThan(TIMEOUT_MS);
    expect(invocation.ok).toBe(false);
    expect(invocation.error?.errorType).toBe('InvocationFailedError');
    expect(results(invocation).map((o) => [o.clusterName, o.status, o.code])).toEqual(
      THREE.map((t) => [t.clusterName, 'ERROR', 'SECRET_UNAVAILABLE']),
    );
    expect(stage(r, 'request').map((m) => m.attributes.code)).toEqual(Array(3).fill('SECRET_UNAVAILABLE'));
    expect(messagesOf(invocation)).toEqual(
      expect.arrayContaining([LogEvents.secretUnusable, LogEvents.outcome, LogEvents.invocationFinished]),
    );
    expect(r.sim.log.entries()).toEqual([]);
  });

  it('SNS hangs: the outcomes are decided and logged, the publish fails, the invocation fails before the timeout', async () => {
    const r = await start({ preset: 'tagged', targets: THREE, timeoutMs: TIMEOUT_MS });
    r.aws.sns.hangNext(100);

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.timedOut).toBeUndefined();
    expect(invocation.durationMs).toBeLessThan(TIMEOUT_MS);
    expect(invocation.ok).toBe(false);
    expect(invocation.error?.errorMessage).toMatch(/\d+ notification\(s\) could not be published/);
    expect(results(invocation).map((o) => o.code)).toEqual(Array(3).fill('SNAPSHOT_REQUESTED'));
    const lines = logRecords(invocation);
    expect(lines.filter((l) => l.message === LogEvents.outcome)).toHaveLength(3);
    expect(lines.some((l) => l.message === LogEvents.notificationFailed)).toBe(true);
    expect(lines.at(-1)?.message).toBe(LogEvents.invocationFinished);
    expect(r.aws.sns.published).toEqual([]);
  });

  it('Scheduler hangs: the request stays SUCCESS with a warning, and the invocation fails before the timeout', async () => {
    const r = await start({ preset: 'default', timeoutMs: TIMEOUT_MS });
    r.aws.scheduler.hangNext(10);

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.timedOut).toBeUndefined();
    expect(invocation.ok).toBe(false);
    expect(results(invocation)).toEqual([
      expect.objectContaining({
        status: 'SUCCESS',
        code: 'SNAPSHOT_REQUESTED',
        warnings: [expect.stringContaining('completion will not be confirmed')],
      }),
    ]);
    expect(stage(r, 'request')).toHaveLength(1);
  });
});

describe('hostile Atlas answers', () => {
  async function hostile(kind: 'gzip-bomb' | 'endless-body', endpoint: 'getCluster' | 'listSnapshots') {
    const r = await start({
      preset: 'tagged',
      targets: THREE,
      simulator: { faults: [{ kind, endpoint, path: '/api/atlas/v2/groups/*/clusters/Cluster1**', times: 10 }] },
    });
    const invocation = await r.fn.invoke(SCHEDULED_EVENT);
    return { r, invocation };
  }

  it.each([
    ['gzip-bomb', 'getCluster'],
    ['endless-body', 'listSnapshots'],
  ] as const)('%s on %s: ATLAS_INVALID_RESPONSE for that target, the others requested', async (kind, endpoint) => {
    const { r, invocation } = await hostile(kind, endpoint);

    expect(invocation.ok).toBe(false);
    expect(results(invocation).map((o) => [o.clusterName, o.status, o.code])).toEqual([
      ['Cluster0', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
      ['Cluster1', 'ERROR', 'ATLAS_INVALID_RESPONSE'],
      ['Weekly', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
    ]);
    expect(results(invocation)[1]!.detail).toMatch(/decodes to more than|larger than/);
    // Read once, not retried: an answer too large stays too large.
    expect(r.sim.log.entries((e) => e.endpoint === endpoint && e.fault === kind)).toHaveLength(1);
    const next = await r.fn.invoke({ dryRun: true, targets: [THREE[0]] });
    expect(results(next).map((o) => o.code)).toEqual(['SNAPSHOT_IN_PROGRESS']);
  });
});

describe('credentials', () => {
  it.each(['serviceAccount', 'apiKey'] as const)(
    '%s: no secret, Basic value, bearer token or Digest response/nonce/cnonce in stdout, messages, schedules or errors',
    async (secret) => {
      const recorder = await authorizationRecorder();
      try {
        const r = await start({
          preset: 'tagged',
          secret,
          targets: [...THREE, { projectId: DEMO_PROJECT_ID, clusterName: 'Missing' }],
          env: { LOG_LEVEL: 'debug', [ENV.baseUrl]: recorder.url },
          // A failure answered, one retried, and a check later (a new token or nonce on the way).
          simulator: { faults: [{ kind: 'error', endpoint: 'takeSnapshot', status: 503, times: 1 }] },
        });
        recorder.forwardTo(r.sim.url);

        const run = await r.fn.invoke(SCHEDULED_EVENT);
        const checks = await r.advance(2 * 60 * MINUTE_MS);

        const forms = credentialForms(recorder.headers);
        const secrets = secret === 'serviceAccount' ? [DEMO_SERVICE_ACCOUNT.clientSecret] : [DEMO_API_KEY.privateKey];
        expect(forms.length).toBeGreaterThanOrEqual(secret === 'serviceAccount' ? 3 : 6);
        expect(run.ok).toBe(false);
        expect(checks.length).toBeGreaterThanOrEqual(3);
        const everything = [
          ...run.lines,
          run.error?.errorMessage ?? '',
          ...checks.flatMap((c) => [...(c.result?.lines ?? []), c.result?.error?.errorMessage ?? '']),
          JSON.stringify(r.aws.sns.published),
          JSON.stringify(r.aws.scheduler.schedules()),
        ].join('\n');
        for (const value of [...secrets, ...forms]) expect(everything).not.toContain(value);
      } finally {
        await recorder.close();
      }
    },
  );
});
