/**
 * The invocation event (docs/design.md, "Invocation event"): an EventBridge scheduled event, a
 * Scheduler input (`{"schedule": "<name>", ...}`), `{}`, a console event with overrides, or a
 * follow-up check (`{"followUp": {...}}`, docs/design.md "Completion confirmation"). Strict: an
 * unknown field or a bad value is refused with the field named, before any Atlas call. Reading a
 * hostile event (deep nesting, huge arrays) never throws: whatever goes wrong is `invalid`.
 */
import { EVENT_FIELDS, FOLLOW_UP_KEY, FOLLOW_UP_VERSION } from './contract';
import type { FunctionConfig } from './config';
import { describeError } from './errors';
import type { FollowUp, Promotion, Target, Trigger } from './types';
import {
  fieldKey,
  Problems,
  checkDescription,
  checkPromotion,
  checkRetention,
  checkTargets,
  CLUSTER_NAME_PATTERN,
  isPlainObject,
  MAX_CLUSTER_NAME_LENGTH,
  PROJECT_ID_PATTERN,
  show,
  SNAPSHOT_ID_PATTERN,
  toPromotion,
} from './validation';

export interface RunRequest {
  targets: Target[];
  retentionInDays: number;
  description: string;
  dryRun: boolean;
  trigger: Trigger;
  /** The schedule's name when the run came from a schedule of the stack. */
  schedule?: string;
  /** The promotion for the snapshots this run requests (event object, `false` = none, else the default). */
  promotion?: Promotion;
}

export type Invocation =
  | { kind: 'run'; request: RunRequest }
  | { kind: 'followUp'; followUp: FollowUp }
  | { kind: 'invalid'; problems: string[]; trigger: Trigger; stage: 'request' | 'confirmation' };

/** EventBridge Scheduler names: what the stack's schedules and the follow-up schedules are called. */
const SCHEDULE_NAME = /^[0-9a-zA-Z._-]{1,64}$/;
/** The ISO 8601 form `Date.toISOString()` writes (UTC, optional milliseconds). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
/** A follow-up chain far longer than any deadline allows (48 h of hourly checks is under 60). */
const MAX_ATTEMPT = 10_000;
const FOLLOW_UP_FIELDS = [
  'version',
  'projectId',
  'clusterName',
  'snapshotId',
  'sharded',
  'requestedAt',
  'attempt',
  'deadline',
  'trigger',
  'schedule',
  'retentionInDays',
  'description',
  'promotion',
];

/** EventBridge's own envelope for rule-based schedules: `source` aws.events, `detail-type` Scheduled Event. */
export function isEventBridgeScheduledEvent(event: unknown): boolean {
  return isPlainObject(event) && event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event';
}

/** What the event asks for; problems are bounded (docs/design.md: at most 20, then a count). */
export function parseInvocation(event: unknown, config: FunctionConfig): Invocation {
  let followUp = false;
  try {
    followUp = isPlainObject(event) && Object.hasOwn(event, FOLLOW_UP_KEY);
    return followUp ? parseFollowUpEvent(event as Record<string, unknown>) : parseRunEvent(event, config);
  } catch (e: unknown) {
    return {
      kind: 'invalid',
      problems: [`event could not be read: ${describeError(e).slice(0, 200)}`],
      trigger: followUp ? 'schedule' : safeTriggerOf(event),
      stage: followUp ? 'confirmation' : 'request',
    };
  }
}

function safeTriggerOf(event: unknown): Trigger {
  try {
    return triggerOf(event);
  } catch {
    return 'manual';
  }
}

/** `schedule` for EventBridge's envelope and for a schedule's input, `manual` otherwise. */
export function triggerOf(event: unknown): Trigger {
  if (isEventBridgeScheduledEvent(event)) return 'schedule';
  return isPlainObject(event) && event.schedule !== undefined ? 'schedule' : 'manual';
}

function parseRunEvent(event: unknown, config: FunctionConfig): Invocation {
  const base = {
    targets: config.targets,
    retentionInDays: config.retentionInDays,
    description: config.description,
    dryRun: false,
    ...(config.promotion !== undefined ? { promotion: config.promotion } : {}),
  };
  if (isEventBridgeScheduledEvent(event)) return { kind: 'run', request: { ...base, trigger: 'schedule' } };
  if (event === undefined || event === null) return { kind: 'run', request: { ...base, trigger: 'manual' } };
  const trigger = triggerOf(event);
  if (!isPlainObject(event)) {
    return {
      kind: 'invalid',
      problems: [`event must be a JSON object, got ${show(event)}`],
      trigger,
      stage: 'request',
    };
  }

  const problems = new Problems();
  const allowed: readonly string[] = EVENT_FIELDS;
  for (const key of Object.keys(event)) {
    if (!allowed.includes(key))
      problems.add(`event.${fieldKey(key)} is not a known field (allowed: ${allowed.join(', ')})`);
  }
  const { targets, retentionInDays, description, dryRun, schedule, promotion } = event;
  if (targets !== undefined) problems.addAll(checkTargets(targets, 'event.targets'));
  if (retentionInDays !== undefined) problems.addAll(checkRetention(retentionInDays, 'event.retentionInDays'));
  if (description !== undefined) problems.addAll(checkDescription(description, 'event.description'));
  if (dryRun !== undefined && typeof dryRun !== 'boolean') {
    problems.add(`event.dryRun must be true or false, got ${show(dryRun)}`);
  }
  problems.addAll(checkScheduleName(schedule, 'event.schedule'));
  if (isPlainObject(promotion)) problems.addAll(checkPromotion(promotion, 'event.promotion'));
  else if (promotion !== undefined && promotion !== false) {
    problems.add(
      `event.promotion must be an object { "weeks", "months", "years", "timezone"? } or false (no promotion for this run), got ${show(promotion)}`,
    );
  }
  if (problems.count > 0) return invalidRun(problems, trigger);

  const { promotion: defaultPromotion, ...rest } = base;
  const resolved =
    promotion === false ? undefined : isPlainObject(promotion) ? toPromotion(promotion) : defaultPromotion;
  return {
    kind: 'run',
    request: {
      ...rest,
      ...(targets !== undefined ? { targets: targets as Target[] } : {}),
      ...(typeof retentionInDays === 'number' ? { retentionInDays } : {}),
      ...(typeof description === 'string' ? { description } : {}),
      dryRun: dryRun === true,
      trigger,
      ...(typeof schedule === 'string' ? { schedule } : {}),
      ...(resolved !== undefined ? { promotion: resolved } : {}),
    },
  };
}

function invalidRun(problems: Problems, trigger: Trigger): Invocation {
  return { kind: 'invalid', problems: problems.list(), trigger, stage: 'request' };
}

function checkScheduleName(value: unknown, field: string): string[] {
  if (value === undefined || (typeof value === 'string' && SCHEDULE_NAME.test(value))) return [];
  return [`${field} must be a schedule name ([0-9a-zA-Z._-], at most 64), got ${show(value)}`];
}

/**
 * `{ "followUp": { ... } }` as the function itself wrote it for a one-time schedule: every field of
 * FollowUp checked, no other key at either level, no run override beside it.
 */
function parseFollowUpEvent(event: Record<string, unknown>): Invocation {
  const problems = new Problems();
  for (const key of Object.keys(event)) {
    if (key !== FOLLOW_UP_KEY) {
      problems.add(`event.${fieldKey(key)} is not allowed in a follow-up event (it carries only "${FOLLOW_UP_KEY}")`);
    }
  }
  const value = event[FOLLOW_UP_KEY];
  const trigger: Trigger = isPlainObject(value) && value.trigger === 'manual' ? 'manual' : 'schedule';
  if (!isPlainObject(value)) {
    problems.add(`event.${FOLLOW_UP_KEY} must be an object, got ${show(value)}`);
  } else {
    problems.addAll(checkFollowUp(value, `event.${FOLLOW_UP_KEY}`));
  }
  if (problems.count > 0) return { kind: 'invalid', problems: problems.list(), trigger, stage: 'confirmation' };
  return { kind: 'followUp', followUp: toFollowUp(value as Record<string, unknown>) };
}

export function checkFollowUp(value: Record<string, unknown>, field: string): string[] {
  const problems = new Problems();
  for (const key of Object.keys(value)) {
    if (!FOLLOW_UP_FIELDS.includes(key)) {
      problems.add(`${field}.${fieldKey(key)} is not a known field (allowed: ${FOLLOW_UP_FIELDS.join(', ')})`);
    }
  }
  const v = value;
  if (v.version !== FOLLOW_UP_VERSION) {
    problems.add(`${field}.version must be ${FOLLOW_UP_VERSION}, got ${show(v.version)}`);
  }
  if (typeof v.projectId !== 'string' || !PROJECT_ID_PATTERN.test(v.projectId)) {
    problems.add(`${field}.projectId must be 24 lowercase hex characters, got ${show(v.projectId)}`);
  }
  if (
    typeof v.clusterName !== 'string' ||
    !CLUSTER_NAME_PATTERN.test(v.clusterName) ||
    v.clusterName.length > MAX_CLUSTER_NAME_LENGTH
  ) {
    problems.add(
      `${field}.clusterName must be a cluster name (^[a-zA-Z0-9][a-zA-Z0-9-]*$), got ${show(v.clusterName)}`,
    );
  }
  if (typeof v.snapshotId !== 'string' || !SNAPSHOT_ID_PATTERN.test(v.snapshotId)) {
    problems.add(`${field}.snapshotId must be 24 lowercase hex characters, got ${show(v.snapshotId)}`);
  }
  if (typeof v.sharded !== 'boolean') problems.add(`${field}.sharded must be true or false, got ${show(v.sharded)}`);
  const requestedAt = checkInstant(v.requestedAt, `${field}.requestedAt`, problems);
  const deadline = checkInstant(v.deadline, `${field}.deadline`, problems);
  if (requestedAt !== undefined && deadline !== undefined && deadline < requestedAt) {
    problems.add(`${field}.deadline must not be before ${field}.requestedAt, got ${show(v.deadline)}`);
  }
  if (typeof v.attempt !== 'number' || !Number.isSafeInteger(v.attempt) || v.attempt < 1 || v.attempt > MAX_ATTEMPT) {
    problems.add(`${field}.attempt must be an integer from 1 to ${MAX_ATTEMPT}, got ${show(v.attempt)}`);
  }
  if (v.trigger !== 'schedule' && v.trigger !== 'manual') {
    problems.add(`${field}.trigger must be "schedule" or "manual", got ${show(v.trigger)}`);
  }
  problems.addAll(checkScheduleName(v.schedule, `${field}.schedule`));
  if (v.retentionInDays !== undefined) problems.addAll(checkRetention(v.retentionInDays, `${field}.retentionInDays`));
  if (v.description !== undefined) problems.addAll(checkDescription(v.description, `${field}.description`));
  if (v.promotion !== undefined) problems.addAll(checkPromotion(v.promotion, `${field}.promotion`));
  return problems.list();
}

/** The instant in milliseconds, or undefined with a problem when the value is not an ISO 8601 UTC instant. */
function checkInstant(value: unknown, field: string, problems: Problems): number | undefined {
  const ms = typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  // Date.parse accepts 2026-02-30; the round trip does not.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== (value as string).slice(0, 19)) {
    problems.add(`${field} must be an ISO 8601 UTC time such as 2026-11-28T03:00:00.000Z, got ${show(value)}`);
    return undefined;
  }
  return ms;
}

/** A checked follow-up (call after checkFollowUp found no problem). */
function toFollowUp(v: Record<string, unknown>): FollowUp {
  const text = (x: unknown) => x as string;
  return {
    version: FOLLOW_UP_VERSION,
    projectId: text(v.projectId),
    clusterName: text(v.clusterName),
    snapshotId: text(v.snapshotId),
    sharded: v.sharded === true,
    requestedAt: text(v.requestedAt),
    attempt: v.attempt as number,
    deadline: text(v.deadline),
    trigger: v.trigger === 'manual' ? 'manual' : 'schedule',
    ...(typeof v.schedule === 'string' ? { schedule: v.schedule } : {}),
    ...(typeof v.retentionInDays === 'number' ? { retentionInDays: v.retentionInDays } : {}),
    ...(typeof v.description === 'string' ? { description: v.description } : {}),
    ...(isPlainObject(v.promotion) ? { promotion: toPromotion(v.promotion) } : {}),
  };
}
