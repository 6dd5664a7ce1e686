/**
 * Building outcome documents (docs/notifications.md): the fields every outcome carries, Atlas errors
 * as outcome fields, and the warnings collected for one target.
 */
import { Codes } from '../codes';
import { describeError, isCodedError } from '../errors';
import type { AtlasSnapshot, Outcome, Stage, Status, Trigger } from '../types';

/** What every outcome of one run (or one follow-up check) shares. */
export interface OutcomeBase {
  request: { trigger: Trigger; dryRun: boolean };
  invocationId: string;
  now: () => Date;
  /** `request` (a run) unless told otherwise. */
  stage?: Exclude<Stage, 'summary'>;
}

export type MakeOutcome = (
  target: { projectId?: string; clusterName?: string },
  status: Status,
  code: string,
  extra?: Partial<Outcome>,
) => Outcome;

export function outcomeFactory(base: OutcomeBase): MakeOutcome {
  return (target, status, code, extra = {}) => {
    const outcome: Outcome = {
      status,
      code,
      stage: base.stage ?? 'request',
      ...(target.projectId !== undefined ? { projectId: target.projectId } : {}),
      ...(target.clusterName !== undefined ? { clusterName: target.clusterName } : {}),
      ...extra,
      trigger: base.request.trigger,
      dryRun: base.request.dryRun,
      invocationId: base.invocationId,
      timestamp: base.now().toISOString(),
    };
    return dropUndefined(outcome);
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The error as an ERROR outcome: Atlas's code verbatim with its HTTP status, or our own code. */
export function errorExtra(e: unknown): Partial<Outcome> & { code: string; detail: string } {
  if (isCodedError(e)) {
    return { code: e.code, detail: e.message, ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}) };
  }
  return { code: Codes.UNEXPECTED_ERROR, detail: `unexpected failure: ${describeError(e)}` };
}

/** The snapshot fields an outcome reports, as Atlas answered them. */
export function snapshotFields(s: AtlasSnapshot): Partial<Outcome> {
  return {
    snapshotId: s.id,
    ...(s.status !== undefined ? { snapshotStatus: s.status } : {}),
    ...(s.expiresAt !== undefined ? { expiresAt: s.expiresAt } : {}),
  };
}

/** At most this many distinct warnings per outcome (each is a short line). */
export const MAX_WARNINGS = 10;

/**
 * Collects one target's warnings (Atlas version notices through `sink`, and the procedure's own),
 * without repeats, and adds them to its outcome.
 */
export function warningCollector(initial: readonly string[] = []) {
  const warnings = new Set<string>();
  const add = (warning: string): void => {
    if (warnings.size < MAX_WARNINGS) warnings.add(warning);
  };
  initial.forEach(add);
  return {
    sink: add,
    add,
    /** The outcome with these warnings after its own (if any); the same object when there are none. */
    addTo(outcome: Outcome): Outcome {
      if (warnings.size === 0) return outcome;
      const all = [...new Set([...(outcome.warnings ?? []), ...warnings])].slice(0, MAX_WARNINGS);
      return { ...outcome, warnings: all };
    },
  };
}
