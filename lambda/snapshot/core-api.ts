/**
 * The core's API as the handler calls it (docs/design.md, "Layers"): parse the invocation, run the
 * targets, confirm a snapshot. The handler receives the three functions as dependencies (index.ts
 * wires the real ones), so its tests drive it with plain fakes.
 */
import type { ConfirmationContext, FollowUpContext, FollowUpResult } from './core/confirm';
import type { RunContext } from './core/run';
import type { ConfigResult, FunctionConfig } from './config';
import type { Invocation } from './event';
import type { AtlasApi, ClusterRef, Logger, NoticeSink, Outcome } from './types';

export type { ConfirmationContext, FollowUpContext, FollowUpResult, Invocation, RunContext };
export type { RunRequest } from './event';
export type HandlerConfig = FunctionConfig;
export type HandlerConfigResult = ConfigResult;

export type AtlasFor = (target: ClusterRef, logger: Logger, notices: NoticeSink) => AtlasApi;

/** The core functions the handler calls. */
export interface CoreApi {
  parseInvocation: (event: unknown, config: HandlerConfig) => Invocation;
  runTargets: (ctx: RunContext) => Promise<Outcome[]>;
  confirmSnapshot: (ctx: FollowUpContext) => Promise<FollowUpResult>;
}
