/**
 * What people and machines receive, end to end on the cdk.out bundle: the run summary after the
 * per-target messages (and none with SUMMARY_ENABLED=false), messages batched with PublishBatch,
 * and the chat topic's Amazon Q Developer custom notifications.
 */
import { DEMO_PROJECT_ID } from '../../local/atlas-sim';
import { SCHEDULED_EVENT } from '../../local/harness';
import { localRuns, messages, results, stage } from './support';

jest.setTimeout(60_000);

const start = localRuns();
const CLUSTERS = Array.from({ length: 25 }, (_, i) => `Node${String(i).padStart(2, '0')}`);

async function fleet(env: Record<string, string> = {}) {
  const r = await start({
    preset: 'default',
    targets: [
      ...CLUSTERS.map((clusterName) => ({ projectId: DEMO_PROJECT_ID, clusterName })),
      { projectId: DEMO_PROJECT_ID, clusterName: 'Missing' },
    ],
    env,
  });
  for (const name of CLUSTERS) r.sim.addCluster(DEMO_PROJECT_ID, { name });
  return r;
}

describe('notifications', () => {
  it('the run summary comes after the per-target messages: worst status, counts and one line per target', async () => {
    const r = await fleet();

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);

    expect(invocation.ok).toBe(false);
    const all = messages(r);
    expect(all).toHaveLength(27);
    expect(all.map((m) => m.attributes.stage)).toEqual([...Array(26).fill('request'), 'summary']);
    const summary = all[26]!;
    expect(summary.attributes).toEqual({ status: 'ERROR', code: 'RUN_SUMMARY', trigger: 'schedule', stage: 'summary' });
    expect(summary.doc).toMatchObject({
      status: 'ERROR',
      code: 'RUN_SUMMARY',
      stage: 'summary',
      counts: { SUCCESS: 25, SKIPPED: 0, ERROR: 1 },
      trigger: 'schedule',
      dryRun: false,
      invocationId: invocation.requestId,
    });
    expect(summary.doc.targets).toHaveLength(26);
    expect(summary.doc.targets).toContainEqual({
      projectId: DEMO_PROJECT_ID,
      clusterName: 'Missing',
      status: 'ERROR',
      code: 'CLUSTER_NOT_FOUND',
    });
    expect(summary.subject).toMatch(/^\[ERROR\] Atlas snapshot run: 26 targets/);
    expect(summary.email).toContain('Where to look:');
  });

  it('SUMMARY_ENABLED=false: the per-target messages only', async () => {
    const r = await fleet({ SUMMARY_ENABLED: 'false' });

    await r.fn.invoke(SCHEDULED_EVENT);

    expect(messages(r)).toHaveLength(26);
    expect(stage(r, 'summary')).toEqual([]);
  });

  it('outcomes known at once: 27 messages in at most ceil(27/10) + 1 PublishBatch requests of at most 10 entries', async () => {
    const r = await start({
      preset: 'default',
      secret: 'missing',
      targets: [...CLUSTERS, 'Missing'].map((clusterName) => ({ projectId: DEMO_PROJECT_ID, clusterName })),
    });

    await r.fn.invoke(SCHEDULED_EVENT);

    const attempts = r.aws.sns.attempts;
    expect(messages(r)).toHaveLength(27);
    expect(attempts.every((a) => a.action === 'PublishBatch' && a.status === 200)).toBe(true);
    expect(attempts.length).toBeLessThanOrEqual(Math.ceil(27 / 10) + 1);
    expect(Math.max(...attempts.map((a) => a.entries ?? 0))).toBeLessThanOrEqual(10);
  });

  it('outcomes as targets finish: every message in PublishBatch requests of at most 10 entries, batched', async () => {
    const r = await fleet();

    await r.fn.invoke(SCHEDULED_EVENT);

    const attempts = r.aws.sns.attempts;
    expect(attempts.every((a) => a.action === 'PublishBatch' && a.status === 200)).toBe(true);
    expect(Math.max(...attempts.map((a) => a.entries ?? 0))).toBeLessThanOrEqual(10);
    expect(attempts.reduce((n, a) => n + (a.entries ?? 0), 0)).toBe(27);
    // How many depends on how the outcomes spread in time (a partial batch waits a short linger).
    expect(attempts.length).toBeLessThan(27 / 2);
  });

  it('the chat topic gets Amazon Q Developer custom notifications (version 1.0) with the same attributes', async () => {
    const r = await start({ preset: 'default', chat: true });

    const invocation = await r.fn.invoke(SCHEDULED_EVENT);
    await r.advanceUntilIdle();

    const chat = messages(r, r.chatTopicArn);
    expect(chat.map((m) => m.attributes.stage)).toEqual(['request', 'summary', 'confirmation']);
    const chatMessages = r.aws.sns.published.filter((m) => m.topicArn === r.chatTopicArn);
    expect(chatMessages.every((m) => m.messageStructure === undefined)).toBe(true);
    const [request] = chat;
    expect(request!.doc).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown', title: expect.stringMatching(/SUCCESS.*Cluster0/) },
    });
    expect(request!.attributes).toEqual(stage(r, 'request')[0]!.attributes);
    expect(results(invocation)).toHaveLength(1);
  });
});
