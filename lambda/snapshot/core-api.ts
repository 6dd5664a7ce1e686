/**
 * The core's API as the handler calls it (docs/design.md, "Layers"): parse the invocation, run the
 * targets, confirm a snapshot. The handler receives the three functions as dependencies (index.ts
 * wires the real ones), so its tests drive it with plain fakes.
 *
 * MERGE NOTE (r2-handler): these types mirror the round-2 core (r2-core: core/run.ts, core/confirm.ts,
 * event.ts, config.ts). When both branches are merged, replace the declarations below with
 *   export type { RunContext, ConfirmationContext } from './core/run';
 *   export type { FollowUpContext, FollowUpResult } from './core/confirm';
 *   export type { Invocation, RunRequest } from './event';
 *   export type { FunctionConfig as HandlerConfig, ConfigResult as HandlerConfigResult } from './config';
 */
import type { FunctionConfig } from './config';
import type { RunRequest as Round1Request } from './event';
import type {
  AtlasApi,
  ClusterRef,
  FollowUp,
  FollowUpScheduler,
  Logger,
  NoticeSink,
  Outcome,
  Promotion,
  Trigger,
} from './types';

/** A run's request: round 1's fields plus the promotion that applies to its snapshots. */
export type RunRequest = Round1Request & { promotion?: Promotion };

export interface ConfirmationSettings {
  scheduleGroup: string;
  roleArn: string;
  firstCheckMinutes: number;
  maxHours: number;
  deadLetterArn?: string;
}

/** The function's configuration as the handler reads it (round 2 adds the last four fields). */
export type HandlerConfig = FunctionConfig & {
  confirmation?: ConfirmationSettings;
  promotion?: Promotion;
  summaryEnabled?: boolean;
  chatTopicArn?: string;
};

export type HandlerConfigResult =
  { ok: true; config: HandlerConfig } | { ok: false; problems: string[]; topicArn?: string };

export type AtlasFor = (target: ClusterRef, logger: Logger, notices: NoticeSink) => AtlasApi;

export interface ConfirmationContext {
  scheduler: FollowUpScheduler;
  firstCheckMinutes: number;
  maxHours: number;
}

export interface RunContext {
  request: RunRequest;
  invocationId: string;
  now: () => Date;
  logger: Logger;
  concurrency: number;
  atlasFor: AtlasFor;
  /** Told about each outcome as soon as it is known. */
  onOutcome?: (outcome: Outcome) => void;
  /** Absent = confirmation off (dry runs never schedule either). */
  confirmation?: ConfirmationContext;
}

export interface FollowUpContext {
  followUp: FollowUp;
  invocationId: string;
  now: () => Date;
  logger: Logger;
  atlasFor: AtlasFor;
  confirmation: ConfirmationContext;
}

export type FollowUpResult =
  | { kind: 'final'; outcome: Outcome }
  | { kind: 'rescheduled'; snapshotId: string; snapshotStatus: string; attempt: number; nextCheckAt: string };

export type Invocation =
  | { kind: 'run'; request: RunRequest }
  | { kind: 'followUp'; followUp: FollowUp }
  | { kind: 'invalid'; problems: string[]; trigger: Trigger; stage: 'request' | 'confirmation' };

/** The core functions the handler calls. */
export interface CoreApi {
  parseInvocation: (event: unknown, config: HandlerConfig) => Invocation;
  runTargets: (ctx: RunContext) => Promise<Outcome[]>;
  confirmSnapshot: (ctx: FollowUpContext) => Promise<FollowUpResult>;
}
