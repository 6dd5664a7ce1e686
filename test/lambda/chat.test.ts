import { buildRunSummary } from '../../lambda/snapshot/core/summary';
import { CHAT_LIMITS, chatMessage, formatChat, validateChatMessage } from '../../lambda/snapshot/notify/chat';
import { whereToLook } from '../../lambda/snapshot/notify/context';
import type { Outcome } from '../../lambda/snapshot/types';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:atlas-snapshots';
const where = whereToLook({ invocationId: 'req-1', invokedFunctionArn: ARN, region: 'eu-west-1' });
const P = '5f1d7a3b2c4e6f8a9b0c1d2e';

function outcome(extra: Partial<Outcome> = {}): Outcome {
  return {
    status: 'SUCCESS',
    code: 'SNAPSHOT_REQUESTED',
    stage: 'request',
    projectId: P,
    clusterName: 'Cluster0',
    snapshotId: '6b0f43b7f86a078cb431bcf0',
    snapshotStatus: 'queued',
    trigger: 'schedule',
    dryRun: false,
    invocationId: 'req-1',
    timestamp: '2026-11-28T03:00:00.000Z',
    ...extra,
  };
}

describe('chat messages (Amazon Q Developer custom notifications, version 1.0)', () => {
  it('a request outcome: the schema, the title names status and cluster, threaded per snapshot', () => {
    const message = chatMessage(outcome({ followUpAt: '2026-11-28T03:05:00.000Z' }), where);

    expect(validateChatMessage(message)).toEqual([]);
    expect(message).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: {
        textType: 'client-markdown',
        title: '[SUCCESS] Atlas snapshot Cluster0: snapshot requested',
        keywords: ['SUCCESS', 'SNAPSHOT_REQUESTED', 'request'],
      },
      metadata: {
        threadId: 'atlas-snapshot-6b0f43b7f86a078cb431bcf0',
        eventType: 'SNAPSHOT_REQUESTED',
        relatedResources: [ARN],
        additionalContext: { projectId: P, clusterName: 'Cluster0', account: '123456789012', region: 'eu-west-1' },
      },
    });
    expect(message.content.description).toContain('*Completion check:* 2026-11-28T03:05:00.000Z');
    expect(message.content.description).toContain(`*Log:* ${where.logUrl}`);
    expect(message.content.nextSteps).toEqual([expect.stringMatching(/^Nothing\./)]);
  });

  it('the confirmation of the same snapshot lands in the same thread, with its size and duration', () => {
    const request = chatMessage(outcome(), where);
    const confirmation = chatMessage(
      outcome({
        code: 'SNAPSHOT_COMPLETED',
        stage: 'confirmation',
        snapshotStatus: 'completed',
        storageSizeBytes: 1_582_854_144,
        durationSeconds: 151,
        promotedTo: { retentionUnit: 'MONTHS', retentionValue: 12 },
      }),
      where,
    );

    expect(validateChatMessage(confirmation)).toEqual([]);
    expect(confirmation.metadata?.threadId).toBe(request.metadata?.threadId);
    expect(confirmation.id).not.toBe(request.id);
    expect(confirmation.content.title).toBe('[SUCCESS] Atlas snapshot Cluster0: completed (1.6 GB)');
    expect(confirmation.content.description).toContain('size 1.6 GB, 2 min 31 s after the request, kept 12 months');
  });

  it('an error without a snapshot is threaded per cluster and carries the advice', () => {
    const { snapshotId: _s, snapshotStatus: _st, ...noSnapshot } = outcome();
    const message = chatMessage(
      { ...noSnapshot, status: 'ERROR', code: 'CLUSTER_PAUSED', detail: 'the cluster is paused' },
      where,
    );
    expect(validateChatMessage(message)).toEqual([]);
    expect(message.metadata?.threadId).toBe(`atlas-cluster-${P}-Cluster0`);
    expect(message.content.nextSteps?.[0]).toMatch(/Resume it in Atlas/);
  });

  it('a run summary: counts, the targets that did not succeed, no thread', () => {
    const summary = buildRunSummary(
      [
        outcome(),
        outcome({ clusterName: 'Other', status: 'ERROR', code: 'CLUSTER_NOT_FOUND' }),
        ...Array.from({ length: 30 }, (_, i) => outcome({ clusterName: `S${i}`, status: 'SKIPPED', code: 'DRY_RUN' })),
      ],
      { trigger: 'manual', dryRun: false, invocationId: 'req-1', timestamp: '2026-11-28T03:00:00.000Z' },
    );

    const message = chatMessage(summary, where);

    expect(validateChatMessage(message)).toEqual([]);
    expect(message.metadata?.threadId).toBeUndefined();
    expect(message.metadata?.eventType).toBe('RUN_SUMMARY');
    expect(message.content.description.split('\n')[0]).toBe('*32 targets: 1 SUCCESS, 30 SKIPPED, 1 ERROR*');
    expect(message.content.description).toContain('• ERROR `CLUSTER_NOT_FOUND` `Other`');
    expect(message.content.description).toContain('• ... and 16 more');
  });

  it('huge fields are cut to the documented limits', () => {
    const message = chatMessage(
      outcome({
        status: 'ERROR',
        code: 'UNEXPECTED_ERROR',
        detail: 'x'.repeat(300_000),
        warnings: ['w'.repeat(5_000)],
      }),
      where,
    );
    expect(validateChatMessage(message)).toEqual([]);
    expect(message.content.description.length).toBeLessThanOrEqual(CHAT_LIMITS.description);
  });

  it('the chat entry is a plain JSON message (no MessageStructure, no subject) with the same attributes', () => {
    const entry = formatChat(outcome(), where);
    expect(entry.messageStructure).toBeUndefined();
    expect(entry.subject).toBeUndefined();
    expect(entry.attributes).toEqual({
      status: 'SUCCESS',
      code: 'SNAPSHOT_REQUESTED',
      projectId: P,
      clusterName: 'Cluster0',
      trigger: 'schedule',
      stage: 'request',
    });
    expect(validateChatMessage(JSON.parse(entry.message))).toEqual([]);
  });

  it('the validator names what is wrong', () => {
    expect(validateChatMessage('text')).toEqual(['the message must be a JSON object']);
    expect(
      validateChatMessage({
        version: '2.0',
        source: 'aws',
        extra: 1,
        content: { textType: 'markdown', title: 't'.repeat(300), nextSteps: 'do it', keywords: [1] },
        metadata: { threadId: '', relatedResources: ['a'], additionalContext: { k: 2 } },
      }),
    ).toEqual([
      'extra is not a field of the schema',
      'version must be "1.0"',
      'source must be "custom"',
      'content.textType must be "client-markdown" (the only type supported)',
      `content.title is 300 characters (at most ${CHAT_LIMITS.title})`,
      'content.description must be a non-empty string',
      'content.nextSteps must be an array of strings',
      'content.keywords[0] must be a non-empty string',
      'metadata.threadId must be a non-empty string',
      'metadata.additionalContext.k must be a non-empty string',
    ]);
    expect(validateChatMessage({ version: '1.0', source: 'custom', content: { description: 'd' } })).toEqual([]);
  });
});
