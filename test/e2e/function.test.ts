/**
 * End to end: the bundle from cdk.out (the artifact that deploys), loaded in a Lambda-like
 * child process, against the Atlas simulator and the local Secrets Manager / SNS endpoints.
 * Assertions are on what crossed the wire: the simulator's request log and the messages the
 * SNS endpoint received.
 */
import { DEMO_API_KEY, DEMO_PROJECT_ID, DEMO_SERVICE_ACCOUNT, UNKNOWN_PROJECT_ID } from '../../local/atlas-sim';
import { SCHEDULED_EVENT, startLocalRun, type LocalRun, type LocalRunOptions } from '../../local/harness';
import { findHandlerBundle } from '../../local/lambda/bundle';
import type { InvokeResult } from '../../local/lambda/runtime';
import { parseFailureMessage } from '../../lambda/snapshot/log-events';
import type { Outcome } from '../../lambda/snapshot/types';

jest.setTimeout(30_000);

const bundlePath = findHandlerBundle();
let run: LocalRun | undefined;

async function start(options: Omit<LocalRunOptions, 'bundlePath'> = {}): Promise<LocalRun> {
  run = await startLocalRun({ bundlePath, ...options });
  return run;
}

afterEach(async () => {
  await run?.close();
  run = undefined;
});

function results(invocation: InvokeResult): Outcome[] {
  if (invocation.ok) return (invocation.result as { results: Outcome[] }).results;
  return parseFailureMessage(invocation.error?.errorMessage ?? '')?.results ?? [];
}

function messages(
  r: LocalRun,
): Array<{ subject?: string | undefined; doc: Outcome; email: string; attributes: Record<string, string> }> {
  return r.aws.sns.published.map((m) => ({
    subject: m.subject,
    doc: JSON.parse(m.bodies!.default!) as Outcome,
    email: m.bodies!.email!,
    attributes: Object.fromEntries(Object.entries(m.messageAttributes).map(([k, v]) => [k, v.stringValue ?? ''])),
  }));
}

/** The per-target messages (a run's summary message, stage `summary`, is left out). */
function published(r: LocalRun): ReturnType<typeof messages> {
  return messages(r).filter((m) => m.attributes.stage !== 'summary');
}

function apiCalls(r: LocalRun): string[] {
  return r.sim.log
    .entries()
    .filter((e) => e.endpoint !== 'token')
    .map((e) => `${e.method} ${e.endpoint} ${e.status}`);
}

describe('the deployable bundle, end to end', () => {
  it('service account, scheduled run: one token, cluster + list + take, one SUCCESS message per DESIGN section 6', async () => {
    const r = await start({ preset: 'default', secret: 'serviceAccount' });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT, { requestId: 'e2e-req-1' });

    expect(invocation.ok).toBe(true);
    expect(r.sim.log.tokenRequests()).toBe(1);
    expect(apiCalls(r)).toEqual(['GET getCluster 200', 'GET listSnapshots 200', 'POST takeSnapshot 200']);
    const calls = r.sim.log.entries();
    expect(
      calls
        .filter((e) => e.endpoint !== 'token')
        .every((e) => e.auth === 'bearer' && e.principal === DEMO_SERVICE_ACCOUNT.clientId),
    ).toBe(true);
    expect(calls.find((e) => e.endpoint === 'getCluster')?.accept).toBe('application/vnd.atlas.2024-08-05+json');
    expect(calls.find((e) => e.endpoint === 'takeSnapshot')).toMatchObject({
      accept: 'application/vnd.atlas.2023-01-01+json',
      body: { description: 'Scheduled on-demand snapshot (atlas-snapshot-scheduler)', retentionInDays: 7 },
    });
    const pending = r.sim.pendingOnDemand(DEMO_PROJECT_ID, 'Cluster0');
    expect(pending).toHaveLength(1);

    const [message, ...more] = published(r);
    expect(more).toHaveLength(0);
    expect(message!.subject).toBe('[SUCCESS] Atlas snapshot Cluster0: snapshot requested');
    expect(message!.attributes).toEqual({
      status: 'SUCCESS',
      code: 'SNAPSHOT_REQUESTED',
      projectId: DEMO_PROJECT_ID,
      clusterName: 'Cluster0',
      trigger: 'schedule',
      stage: 'request',
    });
    expect(message!.doc).toMatchObject({
      status: 'SUCCESS',
      code: 'SNAPSHOT_REQUESTED',
      projectId: DEMO_PROJECT_ID,
      clusterName: 'Cluster0',
      snapshotId: pending[0]!.id,
      snapshotStatus: 'queued',
      retentionInDays: 7,
      trigger: 'schedule',
      dryRun: false,
      invocationId: 'e2e-req-1',
    });
    expect(message!.doc).toEqual(results(invocation)[0]);
    expect(message!.email).toContain('An on-demand snapshot was requested for cluster Cluster0');
    expect(messages(r).filter((m) => m.attributes.stage === 'summary')).toEqual([
      expect.objectContaining({
        attributes: { status: 'SUCCESS', code: 'RUN_SUMMARY', trigger: 'schedule', stage: 'summary' },
        doc: expect.objectContaining({ counts: { SUCCESS: 1, SKIPPED: 0, ERROR: 0 }, detail: '1 target: 1 SUCCESS' }),
      }),
    ]);

    const emf = invocation.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => '_aws' in l);
    expect(emf).toEqual([
      expect.objectContaining({ SnapshotSecured: 1, TargetErrors: 0, FunctionName: 'AtlasSnapshotScheduler-local' }),
    ]);
  });

  it('a second warm invocation reuses the token and the secret; it skips the snapshot the first one requested', async () => {
    const r = await start({ preset: 'default' });

    await r.fn.invoke(SCHEDULED_EVENT);
    const second = await r.fn.invoke(SCHEDULED_EVENT);

    expect(results(second).map((o) => o.code)).toEqual(['SNAPSHOT_IN_PROGRESS']);
    expect(r.sim.log.tokenRequests()).toBe(1);
    expect(r.aws.secretsManager.reads(r.env.ATLAS_SECRET_ID)).toBe(1);
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot' })).toHaveLength(1);
  });

  it.each(['apiKey', 'cfnProfile'] as const)('%s secret: HTTP Digest, verified by the simulator', async (secret) => {
    const r = await start({ preset: 'default', secret });

    const invocation = await r.fn.invoke({});

    expect(invocation.ok).toBe(true);
    expect(r.sim.log.tokenRequests()).toBe(0);
    const authenticated = r.sim.log.entries().filter((e) => e.status === 200);
    expect(authenticated.map((e) => [e.auth, e.principal])).toEqual(Array(3).fill(['digest', DEMO_API_KEY.publicKey]));
    expect(published(r).map((m) => m.attributes.trigger)).toEqual(['manual']);
  });

  it('pending on-demand snapshot: SKIPPED with its id, no take-snapshot call', async () => {
    const r = await start({ preset: 'pending' });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    const [pending] = r.sim.pendingOnDemand(DEMO_PROJECT_ID, 'Cluster0');
    expect(results(invocation)).toEqual([
      expect.objectContaining({ status: 'SKIPPED', code: 'SNAPSHOT_IN_PROGRESS', snapshotId: pending!.id }),
    ]);
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot' })).toHaveLength(0);
    expect(published(r)[0]!.subject).toBe('[SKIPPED] Atlas snapshot Cluster0: snapshot already in progress');
  });

  it('pending snapshot on a later page of 260: every page is read', async () => {
    const r = await start({ preset: 'many-snapshots' });
    const invocation = await r.fn.invoke(SCHEDULED_EVENT);
    expect(results(invocation).map((o) => o.code)).toEqual(['SNAPSHOT_IN_PROGRESS']);
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot' })).toHaveLength(0);
  });

  it('sharded and geosharded clusters use the sharded snapshot list', async () => {
    const r = await start({ preset: 'sharded' });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(results(invocation).map((o) => [o.clusterName, o.code])).toEqual(
      r.env.ATLAS_TARGETS
        ? JSON.parse(r.env.ATLAS_TARGETS).map((t: { clusterName: string }) => [t.clusterName, 'SNAPSHOT_REQUESTED'])
        : [],
    );
    expect(r.sim.log.entries({ endpoint: 'listShardedSnapshots' }).length).toBeGreaterThanOrEqual(2);
    expect(r.sim.log.entries({ endpoint: 'listSnapshots' })).toHaveLength(0);
  });

  it('the race: Atlas answers UNFINISHED_ON_DEMAND_SNAPSHOT, the outcome is SKIPPED, the invocation succeeds', async () => {
    const r = await start({ preset: 'race' });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(true);
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot', errorCode: 'UNFINISHED_ON_DEMAND_SNAPSHOT' })).toHaveLength(1);
    expect(results(invocation)).toEqual([
      expect.objectContaining({ status: 'SKIPPED', code: 'SNAPSHOT_IN_PROGRESS', httpStatus: 400 }),
    ]);
  });

  it('rate limited: 429s are waited out (Retry-After) and the snapshot is still requested', async () => {
    const r = await start({ preset: 'rate-limited' });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(r.sim.log.entries({ status: 429 }).length).toBeGreaterThanOrEqual(1);
    expect(results(invocation).map((o) => o.code)).toEqual(['SNAPSHOT_REQUESTED']);
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot', status: 200 })).toHaveLength(1);
  });

  it('a take-snapshot that Atlas committed but answered 503: re-read, SUCCESS, exactly one POST', async () => {
    const r = await start({
      preset: 'default',
      simulator: { faults: [{ kind: 'commit-then-503', endpoint: 'takeSnapshot', times: 1 }] },
    });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(r.sim.log.entries({ endpoint: 'takeSnapshot' })).toHaveLength(1);
    expect(r.sim.pendingOnDemand(DEMO_PROJECT_ID, 'Cluster0')).toHaveLength(1);
    expect(results(invocation)).toEqual([expect.objectContaining({ status: 'SUCCESS', code: 'SNAPSHOT_REQUESTED' })]);
  });

  it('Atlas 4xx: CLUSTER_NOT_FOUND is published with httpStatus, and the invocation fails after publishing', async () => {
    const r = await start({ preset: 'missing-cluster' });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(false);
    expect(invocation.error?.errorMessage).toContain('CLUSTER_NOT_FOUND');
    const [message] = published(r);
    expect(message!.doc).toMatchObject({ status: 'ERROR', code: 'CLUSTER_NOT_FOUND', httpStatus: 404 });
    expect(message!.subject).toMatch(/^\[ERROR\] Atlas snapshot \S+: CLUSTER_NOT_FOUND$/);
  });

  it.each([
    ['missing', 'SECRET_UNAVAILABLE'],
    ['malformed', 'SECRET_INVALID'],
    ['binary', 'SECRET_INVALID'],
  ] as const)('secret %s: %s for each target, no Atlas call, value never published or logged', async (secret, code) => {
    const r = await start({ preset: 'default', secret });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(false);
    expect(r.sim.log.entries()).toHaveLength(0);
    expect(published(r).map((m) => m.doc.code)).toEqual([code]);
    const everything =
      JSON.stringify(r.aws.sns.published) + invocation.lines.join('\n') + invocation.error?.errorMessage;
    expect(everything).not.toContain('only-half-of-a-key');
  });

  it('SNS failing: the outcome is computed, the publish fails, the invocation fails', async () => {
    const r = await start({ preset: 'default' });
    r.aws.sns.failAlways();

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(false);
    // The outcome and the run summary.
    expect(invocation.error?.errorMessage).toContain('2 notification(s) could not be published');
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot', status: 200 })).toHaveLength(1);
  });

  it('several targets with mixed outcomes are independent; one message each', async () => {
    const r = await start({
      preset: 'default',
      targets: [
        { projectId: DEMO_PROJECT_ID, clusterName: 'Cluster0' },
        { projectId: DEMO_PROJECT_ID, clusterName: 'NoSuchCluster' },
        { projectId: UNKNOWN_PROJECT_ID, clusterName: 'Cluster0' },
      ],
    });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(false);
    expect(results(invocation).map((o) => [o.clusterName, o.status, o.code])).toEqual([
      ['Cluster0', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
      ['NoSuchCluster', 'ERROR', 'CLUSTER_NOT_FOUND'],
      ['Cluster0', 'ERROR', 'GROUP_NOT_FOUND'],
    ]);
    expect(
      published(r)
        .map((m) => m.doc.code)
        .sort(),
    ).toEqual(['CLUSTER_NOT_FOUND', 'GROUP_NOT_FOUND', 'SNAPSHOT_REQUESTED']);
  });

  it('"*" over every kind of cluster: supported ones requested, the others SKIPPED', async () => {
    const r = await start({ preset: 'mixed' });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    const outcomes = results(invocation);
    expect(outcomes.length).toBeGreaterThanOrEqual(4);
    expect(outcomes.some((o) => o.code === 'SNAPSHOT_REQUESTED')).toBe(true);
    expect(outcomes.filter((o) => o.code === 'UNSUPPORTED_CLUSTER').every((o) => o.status === 'SKIPPED')).toBe(true);
    expect(published(r)).toHaveLength(outcomes.length);
  });

  it('a console dry run with a bad field: INVALID_INPUT, no Atlas call; a good one: DRY_RUN, no POST', async () => {
    const r = await start({ preset: 'default' });

    const bad = await r.fn.invoke({ dryRun: 'yes' });
    const good = await r.fn.invoke({ dryRun: true });

    expect(bad.ok).toBe(false);
    expect(published(r)[0]!.doc).toMatchObject({
      code: 'INVALID_INPUT',
      detail: expect.stringContaining('event.dryRun'),
    });
    expect(results(good)).toEqual([expect.objectContaining({ status: 'SKIPPED', code: 'DRY_RUN', trigger: 'manual' })]);
    expect(r.sim.log.entries({ endpoint: 'takeSnapshot' })).toHaveLength(0);
  });

  it('no secret, private key or bearer token in any log line or message', async () => {
    const r = await start({ preset: 'default', env: { LOG_LEVEL: 'debug' } });
    const first = await r.fn.invoke(SCHEDULED_EVENT);
    r.aws.secretsManager.putSecret({
      name: r.env.ATLAS_SECRET_ID!,
      secretString: JSON.stringify({ publicKey: DEMO_API_KEY.publicKey, privateKey: DEMO_API_KEY.privateKey }),
    });

    const everything = [...first.lines, JSON.stringify(r.aws.sns.published)].join('\n');

    expect(first.lines.length).toBeGreaterThan(5);
    expect(everything).not.toContain(DEMO_SERVICE_ACCOUNT.clientSecret);
    expect(everything).not.toContain(DEMO_API_KEY.privateKey);
    expect(everything).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
    expect(everything).not.toMatch(/authorization"\s*:\s*"(?!\[REDACTED\])/i);
  });
});
