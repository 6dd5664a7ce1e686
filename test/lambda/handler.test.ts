/**
 * The handler with the real core over FakeAtlas, the real SecretSource over a mocked Secrets Manager
 * client, and a fake NotificationPublisher: the run flow end to end inside one process.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { readFunctionConfig } from '../../lambda/snapshot/config';
import { SecretSource } from '../../lambda/snapshot/credentials';
import { AtlasApiError } from '../../lambda/snapshot/errors';
import { createHandler, InvocationFailedError } from '../../lambda/snapshot/handler';
import type { AtlasClientFactoryOptions } from '../../lambda/snapshot/types';
import { createLogger } from '../../lambda/snapshot/logger';
import type { Outcome } from '../../lambda/snapshot/types';
import { realCore } from '../support/core-deps';
import { FakeAtlas, replicaSet, snapshot } from '../support/fake-atlas';
import { asPublishInput, FakePublisher } from '../support/fake-publisher';

const P1 = '5f1d7a3b2c4e6f8a9b0c1d2e';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:atlas-snapshots';
const CLIENT_SECRET = 'mdb_sa_sk_VERY-SECRET-VALUE-123';
const NOW = new Date('2026-11-28T03:00:00.000Z');
const env = {
  ATLAS_SECRET_ID: 'atlas/snapshots',
  SNS_TOPIC_ARN: TOPIC,
  ATLAS_TARGETS: JSON.stringify([
    { projectId: P1, clusterName: 'Cluster0' },
    { projectId: P1, clusterName: 'Busy' },
  ]),
  SNAPSHOT_RETENTION_DAYS: '7',
  SNAPSHOT_DESCRIPTION: 'nightly',
};
const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const lambdaContext = {
  awsRequestId: 'req-42',
  functionName: 'atlas-snapshots',
  getRemainingTimeInMillis: () => 60_000,
};

const sm = mockClient(SecretsManagerClient);
let sns: FakePublisher;

interface Harness {
  handler: ReturnType<typeof createHandler>;
  atlas: FakeAtlas;
  lines: string[];
  metrics: Array<Record<string, unknown>>;
  factoryCalls: AtlasClientFactoryOptions[];
}

function harness(environment: Record<string, string> = env): Harness {
  const atlas = new FakeAtlas()
    .addCluster(P1, replicaSet('Cluster0'))
    .addCluster(P1, replicaSet('Busy'), [snapshot({ snapshotType: 'onDemand', status: 'inProgress' })]);
  const lines: string[] = [];
  const metrics: Array<Record<string, unknown>> = [];
  const factoryCalls: AtlasClientFactoryOptions[] = [];
  const config = readFunctionConfig(environment);
  const handler = createHandler({
    config,
    core: realCore,
    logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }),
    secrets: new SecretSource({
      client: new SecretsManagerClient({ region: 'eu-west-1' }),
      secretId: 'atlas/snapshots',
      ttlMs: 300_000,
    }),
    publisher: sns,
    createAtlas: (options) => {
      factoryCalls.push(options);
      options.logger.info('atlas client created', { authorization: `Bearer ${CLIENT_SECRET}` });
      return atlas;
    },
    writeMetric: (r) => metrics.push(r),
    now: () => NOW,
    publishing: { lingerMs: 20 },
  });
  return { handler, atlas, lines, metrics, factoryCalls };
}

/** The per-target messages to the outcome topic (the run summary is left out), in the shape of Publish. */
function published() {
  return sns
    .entries(TOPIC)
    .filter((e) => e.attributes.stage !== 'summary')
    .map((e) => asPublishInput(TOPIC, e));
}

beforeEach(() => {
  sm.reset();
  sns = new FakePublisher();
  sm.on(GetSecretValueCommand).resolves({
    SecretString: JSON.stringify({ clientId: 'mdb_sa_id_1', clientSecret: CLIENT_SECRET }),
  });
});

describe('handler', () => {
  it('runs every target, publishes one message each per DESIGN section 6, and returns the results', async () => {
    const h = harness();

    const { results } = await h.handler(scheduled, lambdaContext);

    expect(results.map((r) => [r.clusterName, r.status, r.code])).toEqual([
      ['Cluster0', 'SUCCESS', 'SNAPSHOT_REQUESTED'],
      ['Busy', 'SKIPPED', 'SNAPSHOT_IN_PROGRESS'],
    ]);
    const messages = published();
    expect(messages).toHaveLength(2);
    const first = messages.find((m) => m.MessageAttributes?.clusterName?.StringValue === 'Cluster0')!;
    expect(first.TopicArn).toBe(TOPIC);
    expect(first.MessageStructure).toBe('json');
    expect(first.Subject).toBe('[SUCCESS] Atlas snapshot Cluster0: snapshot requested');
    expect(first.MessageAttributes).toEqual({
      status: { DataType: 'String', StringValue: 'SUCCESS' },
      code: { DataType: 'String', StringValue: 'SNAPSHOT_REQUESTED' },
      projectId: { DataType: 'String', StringValue: P1 },
      clusterName: { DataType: 'String', StringValue: 'Cluster0' },
      trigger: { DataType: 'String', StringValue: 'schedule' },
      stage: { DataType: 'String', StringValue: 'request' },
    });
    const body = JSON.parse(first.Message) as { default: string; email: string };
    const doc = JSON.parse(body.default) as Outcome;
    expect(doc).toEqual(results[0]);
    expect(Object.keys(doc).sort()).toEqual(
      [
        'clusterName',
        'code',
        'stage',
        'description',
        'dryRun',
        'expiresAt',
        'invocationId',
        'projectId',
        'retentionInDays',
        'snapshotId',
        'snapshotStatus',
        'status',
        'timestamp',
        'trigger',
      ].sort(),
    );
    expect(doc).toMatchObject({
      invocationId: 'req-42',
      timestamp: NOW.toISOString(),
      trigger: 'schedule',
      dryRun: false,
    });
    expect(body.email).toContain(
      'An on-demand snapshot was requested for cluster Cluster0 (project 5f1d7a3b2c4e6f8a9b0c1d2e).',
    );
    expect(body.email).toContain('What to do: Nothing.');
  });

  it('emits one EMF record per invocation with a value per target; only requested or in-progress count as secured', async () => {
    const h = harness();
    await h.handler(scheduled, lambdaContext);
    // One data point per target, so the alarms' Sum is what one record per target would give.
    expect(h.metrics).toHaveLength(1);
    expect(h.metrics[0]).toMatchObject({
      FunctionName: 'atlas-snapshots',
      SnapshotSecured: [1, 1],
      TargetErrors: [0, 0],
      SnapshotCompleted: [0, 0],
      outcomes: 2,
    });
    expect(h.metrics[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'AtlasSnapshotScheduler', Dimensions: [['FunctionName']] }] },
    });
  });

  it('publishes each outcome as soon as its target is done, while a slower target is still running', async () => {
    const h = harness();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const list = h.atlas.listSnapshots.bind(h.atlas);
    h.atlas.listSnapshots = async (projectId, clusterName, sharded) => {
      if (clusterName === 'Busy') await gate;
      return list(projectId, clusterName, sharded);
    };

    const run = h.handler(scheduled, lambdaContext);
    for (let i = 0; i < 100 && published().length === 0; i++) await new Promise((r) => setTimeout(r, 5));

    expect(published().map((m) => m.MessageAttributes?.clusterName?.StringValue)).toEqual(['Cluster0']);
    release();
    await run;
    expect(published().map((m) => m.MessageAttributes?.clusterName?.StringValue)).toEqual(['Cluster0', 'Busy']);
  });

  it('an Atlas error on one target: both published, then the invocation fails naming it', async () => {
    const h = harness();
    h.atlas.failNext('getCluster', new AtlasApiError('CLUSTER_NOT_FOUND', 'No cluster named Cluster0 exists.', 404));

    const run = h.handler(scheduled, lambdaContext);

    await expect(run).rejects.toBeInstanceOf(InvocationFailedError);
    await expect(run).rejects.toThrow(
      /1 of 2 target\(s\) ended in ERROR \(5f1d7a3b2c4e6f8a9b0c1d2e\/Cluster0: CLUSTER_NOT_FOUND\)/,
    );
    const error = published().find((m) => m.MessageAttributes?.status?.StringValue === 'ERROR')!;
    expect(error.Subject).toBe('[ERROR] Atlas snapshot Cluster0: CLUSTER_NOT_FOUND');
    const doc = JSON.parse(JSON.parse(error.Message).default) as Outcome;
    expect(doc).toMatchObject({
      status: 'ERROR',
      code: 'CLUSTER_NOT_FOUND',
      httpStatus: 404,
      detail: 'No cluster named Cluster0 exists.',
    });
    expect(JSON.parse(error.Message).email).toContain('renamed or deleted');
    expect(published()).toHaveLength(2);
  });

  it('a bad console event: one INVALID_INPUT message naming the field, no Atlas call, invocation fails', async () => {
    const h = harness();

    await expect(h.handler({ retentionInDays: -1 }, lambdaContext)).rejects.toThrow('INVALID_INPUT');

    expect(h.atlas.calls).toHaveLength(0);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    const [message] = published();
    expect(message!.MessageAttributes).toEqual({
      status: { DataType: 'String', StringValue: 'ERROR' },
      code: { DataType: 'String', StringValue: 'INVALID_INPUT' },
      trigger: { DataType: 'String', StringValue: 'manual' },
      stage: { DataType: 'String', StringValue: 'request' },
    });
    expect(sns.entries()).toHaveLength(1); // no run summary for a refused event
    expect(JSON.parse(JSON.parse(message!.Message).default).detail).toContain(
      'event.retentionInDays must be an integer >= 1, got -1',
    );
  });

  it('a bad environment: INVALID_CONFIG is published on each invocation instead of crashing the container', async () => {
    const h = harness({ ...env, SNAPSHOT_RETENTION_DAYS: 'seven' });

    await expect(h.handler({}, lambdaContext)).rejects.toThrow('INVALID_CONFIG');

    const doc = JSON.parse(JSON.parse(published()[0]!.Message).default) as Outcome;
    expect(doc).toMatchObject({
      status: 'ERROR',
      code: 'INVALID_CONFIG',
      detail: expect.stringContaining('SNAPSHOT_RETENTION_DAYS'),
    });
  });

  it('a malformed secret: SECRET_INVALID for every target, no Atlas call, value never published or logged', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: `{"publicKey": "${CLIENT_SECRET}"}` });
    const h = harness();

    await expect(h.handler(scheduled, lambdaContext)).rejects.toThrow('SECRET_INVALID');

    expect(h.atlas.calls).toHaveLength(0);
    expect(published().map((m) => m.MessageAttributes?.code?.StringValue)).toEqual([
      'SECRET_INVALID',
      'SECRET_INVALID',
    ]);
    expect(JSON.stringify(published())).not.toContain(CLIENT_SECRET);
    expect(h.lines.join('\n')).not.toContain(CLIENT_SECRET);
  });

  it('a failed publish fails the invocation even when every target succeeded', async () => {
    sns.alwaysDo({ kind: 'throw', error: new Error('SNS is down') });
    const h = harness();

    // Two targets and the run summary, each tried twice.
    await expect(h.handler(scheduled, lambdaContext)).rejects.toThrow(
      '3 notification(s) could not be published (SNS is down)',
    );
  });

  it('dry run from the console: SKIPPED DRY_RUN, trigger manual, no snapshot, metric not secured', async () => {
    const h = harness();

    const { results } = await h.handler(
      { dryRun: true, targets: [{ projectId: P1, clusterName: 'Cluster0' }] },
      lambdaContext,
    );

    expect(results).toEqual([
      expect.objectContaining({ status: 'SKIPPED', code: 'DRY_RUN', trigger: 'manual', dryRun: true }),
    ]);
    expect(h.atlas.callsOf('takeSnapshot')).toHaveLength(0);
    expect(h.metrics[0]).toMatchObject({ SnapshotSecured: 0 });
    expect(sns.entries(TOPIC).map((e) => e.attributes.stage)).toEqual(['request', 'summary']);
  });

  it("gives the Atlas client the secret's credentials, the default base URL and a deadline short of the Lambda timeout", async () => {
    const h = harness();
    await h.handler(scheduled, lambdaContext);
    const options = h.factoryCalls[0];
    expect(options!.baseUrl).toBe('https://cloud.mongodb.com');
    expect(options!.credentials).toEqual({
      kind: 'serviceAccount',
      clientId: 'mdb_sa_id_1',
      clientSecret: CLIENT_SECRET,
    });
    expect(options!.deadline.remainingMs()).toBeLessThan(60_000);
    expect(options!.deadline.remainingMs()).toBeGreaterThan(50_000);
  });

  it('never writes the client secret or an Authorization value into a log line; lines are JSON tagged with the target', async () => {
    const h = harness();
    await h.handler(scheduled, lambdaContext);
    expect(h.lines.length).toBeGreaterThan(4);
    const entries = h.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(h.lines.join('\n')).not.toContain(CLIENT_SECRET);
    expect(
      entries.filter((e) => e.message === 'atlas client created').every((e) => e.authorization === '[REDACTED]'),
    ).toBe(true);
    expect(entries.find((e) => e.message === 'snapshot requested')).toMatchObject({
      level: 'INFO',
      invocationId: 'req-42',
      projectId: P1,
      clusterName: 'Cluster0',
    });
  });

  it('reads the secret again on the next run when Atlas refused the credentials', async () => {
    const h = harness();
    h.atlas.failNext('getCluster', new AtlasApiError('ATLAS_AUTH_FAILED', 'invalid_client', 401));
    await expect(h.handler(scheduled, lambdaContext)).rejects.toThrow('ATLAS_AUTH_FAILED');
    await h.handler(scheduled, lambdaContext);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
