/**
 * The invocation event (DESIGN.md section 3): an EventBridge scheduled event, a Scheduler input
 * (`{"schedule": "<name>", ...}`), `{}` or a console event with overrides. Strict: an unknown
 * field or a bad value is refused with the field named, before any Atlas call.
 */
import { EVENT_FIELDS } from './contract';
import type { FunctionConfig } from './config';
import type { Target, Trigger } from './types';
import { checkDescription, checkRetention, checkTargets, isPlainObject, show } from './validation';

export interface RunRequest {
  targets: Target[];
  retentionInDays: number;
  description: string;
  dryRun: boolean;
  trigger: Trigger;
  /** The schedule's name when the run came from a schedule of the stack. */
  schedule?: string;
}

export type EventResult = { ok: true; request: RunRequest } | { ok: false; problems: string[]; trigger: Trigger };

const SCHEDULE_NAME = /^[0-9a-zA-Z._-]{1,64}$/;

/** EventBridge's own envelope for rule-based schedules: `source` aws.events, `detail-type` Scheduled Event. */
export function isEventBridgeScheduledEvent(event: unknown): boolean {
  return isPlainObject(event) && event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event';
}

export function parseEvent(event: unknown, defaults: FunctionConfig): EventResult {
  const base = {
    targets: defaults.targets,
    retentionInDays: defaults.retentionInDays,
    description: defaults.description,
    dryRun: false,
  };
  if (isEventBridgeScheduledEvent(event)) return { ok: true, request: { ...base, trigger: 'schedule' } };
  if (event === undefined || event === null) return { ok: true, request: { ...base, trigger: 'manual' } };
  if (!isPlainObject(event)) {
    return { ok: false, trigger: 'manual', problems: [`event must be a JSON object, got ${show(event)}`] };
  }

  const trigger: Trigger = event.schedule !== undefined ? 'schedule' : 'manual';
  const problems: string[] = [];
  const allowed = EVENT_FIELDS as readonly string[];
  for (const key of Object.keys(event)) {
    if (!allowed.includes(key)) problems.push(`event.${key} is not a known field (allowed: ${allowed.join(', ')})`);
  }
  const { targets, retentionInDays, description, dryRun, schedule } = event;
  if (targets !== undefined) problems.push(...checkTargets(targets, 'event.targets'));
  if (retentionInDays !== undefined) problems.push(...checkRetention(retentionInDays, 'event.retentionInDays'));
  if (description !== undefined) problems.push(...checkDescription(description, 'event.description'));
  if (dryRun !== undefined && typeof dryRun !== 'boolean') {
    problems.push(`event.dryRun must be true or false, got ${show(dryRun)}`);
  }
  if (schedule !== undefined && (typeof schedule !== 'string' || !SCHEDULE_NAME.test(schedule))) {
    problems.push(`event.schedule must be a schedule name ([0-9a-zA-Z._-], at most 64), got ${show(schedule)}`);
  }
  if (problems.length > 0) return { ok: false, problems, trigger };

  return {
    ok: true,
    request: {
      targets: (targets as Target[] | undefined) ?? base.targets,
      retentionInDays: (retentionInDays as number | undefined) ?? base.retentionInDays,
      description: (description as string | undefined) ?? base.description,
      dryRun: (dryRun as boolean | undefined) ?? false,
      trigger,
      ...(typeof schedule === 'string' ? { schedule } : {}),
    },
  };
}
