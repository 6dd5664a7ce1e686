/**
 * The handler with every dependency a plain fake: a core whose functions the test scripts, a secret
 * source, a FakePublisher and a recording scheduler. For the handler's flow and robustness tests.
 */
import { readFunctionConfig } from '../../lambda/snapshot/config';
import type {
  CoreApi,
  FollowUpResult,
  HandlerConfig,
  HandlerConfigResult,
  RunContext,
} from '../../lambda/snapshot/core-api';
import type { ParsedSecret } from '../../lambda/snapshot/credentials';
import { createHandler, type HandlerDeps, type InvocationContext } from '../../lambda/snapshot/handler';
import { createLogger } from '../../lambda/snapshot/logger';
import type {
  AtlasClientFactoryOptions,
  FollowUp,
  FollowUpEvent,
  FollowUpScheduler,
  Outcome,
  Status,
  Target,
} from '../../lambda/snapshot/types';
import { FakeAtlas } from './fake-atlas';
import { FakePublisher } from './fake-publisher';

export const P1 = '5f1d7a3b2c4e6f8a9b0c1d2e';
export const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:atlas-snapshots';
export const CHAT_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:atlas-snapshots-chat';
export const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:atlas-snapshots';
export const NOW = new Date('2026-11-28T03:00:00.000Z');
export const SECRET: ParsedSecret = {
  credentials: { kind: 'serviceAccount', clientId: 'mdb_sa_id_1', clientSecret: 'mdb_sa_sk_SECRET-123' },
};

export const ENV = {
  ATLAS_SECRET_ID: 'atlas/snapshots',
  SNS_TOPIC_ARN: TOPIC,
  ATLAS_TARGETS: JSON.stringify([{ projectId: P1, clusterName: 'Cluster0' }]),
  SNAPSHOT_RETENTION_DAYS: '7',
  SNAPSHOT_DESCRIPTION: 'nightly',
};

export const CONFIRMATION = {
  scheduleGroup: 'atlas-snapshot-follow-ups',
  roleArn: 'arn:aws:iam::123456789012:role/follow-up',
  firstCheckMinutes: 5,
  maxHours: 12,
};

/** A context whose remaining time counts down for real from `ms` (for the tests of hanging dependencies). */
export function lambdaContext(ms = 60_000, extra: Partial<InvocationContext> = {}): InvocationContext {
  const end = Date.now() + ms;
  return {
    awsRequestId: 'req-42',
    functionName: 'atlas-snapshots',
    invokedFunctionArn: `${FUNCTION_ARN}:live`,
    getRemainingTimeInMillis: () => end - Date.now(),
    ...extra,
  };
}

export function targets(n: number, projectId = P1): Target[] {
  return Array.from({ length: n }, (_, i) => ({ projectId, clusterName: `Cluster${i}` }));
}

export function outcomeFor(t: Partial<Target>, status: Status, code: string, extra: Partial<Outcome> = {}): Outcome {
  return {
    status,
    code,
    stage: 'request',
    ...(t.projectId !== undefined ? { projectId: t.projectId } : {}),
    ...(t.clusterName !== undefined ? { clusterName: t.clusterName } : {}),
    trigger: 'schedule',
    dryRun: false,
    invocationId: 'req-42',
    timestamp: NOW.toISOString(),
    ...extra,
  };
}

/**
 * A run the way the round-2 core does it, reduced to what the handler sees: one SNAPSHOT_REQUESTED per
 * target (told to onOutcome as it is known), the first follow-up scheduled through the port, a
 * warning when that fails.
 */
export async function requestEach(ctx: RunContext): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const [i, t] of ctx.request.targets.entries()) {
    const snapshotId = `${i}`.padStart(24, 'a');
    let outcome = outcomeFor(t, 'SUCCESS', 'SNAPSHOT_REQUESTED', {
      snapshotId,
      trigger: ctx.request.trigger,
      dryRun: ctx.request.dryRun,
    });
    if (ctx.confirmation) {
      const at = new Date(NOW.getTime() + ctx.confirmation.firstCheckMinutes * 60_000);
      try {
        await ctx.confirmation.scheduler.schedule(`snap-${snapshotId}-1`, at, { followUp: followUpOf(t, snapshotId) });
        outcome = { ...outcome, followUpAt: at.toISOString() };
      } catch (e: unknown) {
        const reason = e instanceof Error ? e.message : String(e);
        outcome = {
          ...outcome,
          warnings: [`completion will not be confirmed: the follow-up check could not be scheduled (${reason})`],
        };
      }
    }
    ctx.onOutcome?.(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

export function followUpOf(t: Partial<Target>, snapshotId: string, attempt = 1): FollowUp {
  return {
    version: 1,
    projectId: t.projectId ?? P1,
    clusterName: t.clusterName ?? 'Cluster0',
    snapshotId,
    sharded: false,
    requestedAt: NOW.toISOString(),
    attempt,
    deadline: new Date(NOW.getTime() + 12 * 3_600_000).toISOString(),
    trigger: 'schedule',
  };
}

export class RecordingScheduler implements FollowUpScheduler {
  readonly calls: Array<{ name: string; at: Date; event: FollowUpEvent }> = [];
  failWith?: Error;
  async schedule(name: string, at: Date, event: FollowUpEvent): Promise<'created' | 'exists'> {
    this.calls.push({ name, at, event });
    if (this.failWith) throw this.failWith;
    return 'created';
  }
}

export interface FlowOptions {
  core?: Partial<CoreApi>;
  config?: Partial<HandlerConfig>;
  configResult?: HandlerConfigResult;
  env?: Record<string, string>;
  secret?: (options?: { abortSignal?: AbortSignal }) => Promise<ParsedSecret>;
  scheduler?: RecordingScheduler;
  lingerMs?: number;
}

export function flows(options: FlowOptions = {}) {
  const lines: string[] = [];
  const metrics: Array<Record<string, unknown>> = [];
  const publisher = new FakePublisher();
  const scheduler = options.scheduler ?? new RecordingScheduler();
  const schedulerArns: string[] = [];
  const factoryCalls: AtlasClientFactoryOptions[] = [];
  const invalidated: number[] = [];
  const read = readFunctionConfig({ ...ENV, ...options.env });
  const config: HandlerConfigResult =
    options.configResult ?? (read.ok ? { ok: true, config: { ...read.config, ...options.config } } : read);
  const core: CoreApi = {
    parseInvocation: (_event, cfg) => ({
      kind: 'run',
      request: {
        targets: cfg.targets,
        retentionInDays: cfg.retentionInDays,
        description: cfg.description,
        dryRun: false,
        trigger: 'schedule',
      },
    }),
    runTargets: requestEach,
    confirmSnapshot: (): Promise<FollowUpResult> => Promise.reject(new Error('not scripted')),
    ...options.core,
  };
  const deps: HandlerDeps = {
    config,
    core,
    logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }),
    secrets: { get: options.secret ?? (async () => SECRET), invalidate: () => void invalidated.push(1) },
    publisher,
    createScheduler: (arn) => {
      schedulerArns.push(arn);
      return scheduler;
    },
    createAtlas: (o) => {
      factoryCalls.push(o);
      return new FakeAtlas();
    },
    writeMetric: (r) => void metrics.push(r),
    runtime: { region: 'eu-west-1' },
    now: () => NOW,
    publishing: { lingerMs: options.lingerMs ?? 10 },
  };
  const handler = createHandler(deps);
  const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { handler, publisher, scheduler, schedulerArns, factoryCalls, invalidated, lines, logged, metrics, deps };
}

/** The `default` documents the outcome topic received, in publish order. */
export function documents(publisher: FakePublisher, topicArn = TOPIC): Array<Record<string, unknown>> {
  return publisher
    .entries(topicArn)
    .map((e) => JSON.parse((JSON.parse(e.message) as { default: string }).default) as Record<string, unknown>);
}

export function emails(publisher: FakePublisher, topicArn = TOPIC): string[] {
  return publisher.entries(topicArn).map((e) => (JSON.parse(e.message) as { email: string }).email);
}
