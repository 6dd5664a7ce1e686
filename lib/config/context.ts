/**
 * Reading the configuration from CDK context (docs/configuration.md): the only reader of context.
 *
 * Sources, later ones winning per field:
 *   1. context key `atlasSnapshot`: an object (cdk.json) or a JSON string (`-c atlasSnapshot='{...}'`);
 *   2. per-field keys `atlasSnapshot.<field>` (`-c atlasSnapshot.retentionInDays=14`); values given
 *      as strings are read by the field's kind: integers, booleans (`true`/`false`) or JSON.
 * A context key that looks like a misspelt `atlasSnapshot` is a problem too (it would be ignored).
 */
import type { Construct } from 'constructs';
import { isPlainObject, show } from '../../lambda/snapshot/validation';
import { ConfigError } from './config-error';
import { CONTEXT_KEY } from './limits';
import { checkConfig, FIELD_NAMES } from './schema';
import { editDistance, unknownFieldMessage } from './suggest';
import type { AtlasSnapshotConfig, SchedulerConfig } from './types';

type FieldKind = 'string' | 'integer' | 'boolean' | 'json';

/** How a per-field `-c` string is read, for every field of the input type. */
const FIELD_KINDS: Record<keyof AtlasSnapshotConfig, FieldKind> = {
  secretName: 'string',
  secretKmsKeyArn: 'string',
  targets: 'json',
  schedules: 'json',
  retentionInDays: 'integer',
  description: 'string',
  notificationEmails: 'json',
  existingTopicArn: 'string',
  existingTopicKmsKeyArn: 'string',
  atlasBaseUrl: 'string',
  timeoutSeconds: 'integer',
  logRetentionInDays: 'integer',
  alarmGraceMinutes: 'integer',
  egress: 'json',
  confirmation: 'json',
  promotion: 'json',
  summary: 'boolean',
  memorySize: 'integer',
  concurrency: 'integer',
  stackName: 'string',
  chat: 'boolean',
};

/** Context keys of CDK itself and its CLI, never taken for a misspelt `atlasSnapshot`. */
const CDK_KEY = /^(?:aws:cdk:|aws-cdk:|@aws-cdk|cdk[-:]|cli-)/;
/** Edits (case-insensitive) within which a context key is taken for a misspelt `atlasSnapshot`. */
const MISSPELT_KEY_DISTANCE = 2;

/** Reads and validates the configuration from the construct tree's context. */
export function loadConfig(scope: Construct): SchedulerConfig {
  return parseConfig(scope.node.getAllContext() as Record<string, unknown>);
}

/** Validates the configuration from a context map; throws `ConfigError` listing every problem. */
export function parseConfig(context: Record<string, unknown>): SchedulerConfig {
  const problems = misspeltKeys(context);
  const input = mergeContext(context, problems);
  if (input === undefined) throw new ConfigError(problems);
  const result = checkConfig(input, CONTEXT_KEY);
  if (!result.ok) throw new ConfigError([...problems, ...result.problems]);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.config;
}

/** `atlasSnapshots`, `atlassnapshot`, `atlasSnapshot_`, `atlasSnapshots.retentionInDays`: read by nobody. */
function misspeltKeys(context: Record<string, unknown>): string[] {
  return Object.keys(context).flatMap((key) => {
    const dot = key.indexOf('.');
    const head = dot < 0 ? key : key.slice(0, dot);
    if (head === CONTEXT_KEY || CDK_KEY.test(key)) return [];
    if (editDistance(head.toLowerCase(), CONTEXT_KEY.toLowerCase()) > MISSPELT_KEY_DISTANCE) return [];
    const meant = `${CONTEXT_KEY}${dot < 0 ? '' : key.slice(dot)}`;
    return [`context key "${key}" is not read; did you mean "${meant}"?`];
  });
}

/** The `atlasSnapshot` object with the per-field keys applied; undefined when there is no object to start from. */
function mergeContext(context: Record<string, unknown>, problems: string[]): Record<string, unknown> | undefined {
  let base: unknown = context[CONTEXT_KEY] ?? {};
  if (typeof base === 'string') {
    try {
      base = JSON.parse(base) as unknown;
    } catch {
      problems.push(`${CONTEXT_KEY} given as a string must be a JSON object, got ${show(base)}`);
      return undefined;
    }
  }
  if (!isPlainObject(base)) {
    problems.push(`${CONTEXT_KEY} must be an object (cdk.json) or a JSON object string (-c), got ${show(base)}`);
    return undefined;
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(context)) {
    if (!key.startsWith(`${CONTEXT_KEY}.`)) continue;
    const field = key.slice(CONTEXT_KEY.length + 1);
    if (!isField(field)) {
      problems.push(unknownPerFieldKey(key, field));
      continue;
    }
    const read = readPerField(FIELD_KINDS[field], value);
    if (read.ok) merged[field] = read.value;
    else problems.push(`${key} must be JSON when given with -c, got ${show(value)}`);
  }
  return merged;
}

function isField(name: string): name is keyof AtlasSnapshotConfig {
  return (FIELD_NAMES as readonly string[]).includes(name);
}

/** `atlasSnapshot.confirmation.maxHours`: -c sets whole fields, so say how to set this one. */
function unknownPerFieldKey(key: string, field: string): string {
  const parent = field.slice(0, field.indexOf('.'));
  if (isField(parent) && FIELD_KINDS[parent] === 'json') {
    return (
      `${key} is not read: -c sets whole fields, give ${CONTEXT_KEY}.${parent} as JSON ` +
      `(for example -c ${CONTEXT_KEY}.${parent}='{"${field.slice(parent.length + 1)}": ...}')`
    );
  }
  return unknownFieldMessage(key, field, FIELD_NAMES);
}

/**
 * A per-field value: strings are read by the field's kind (a string that is not an integer or a
 * boolean is kept as it is, so the schema's message shows the text given); other values as they are.
 */
function readPerField(kind: FieldKind, value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== 'string' || kind === 'string') return { ok: true, value };
  const text = value.trim();
  if (kind === 'integer') return { ok: true, value: /^-?\d+$/.test(text) ? Number(text) : value };
  if (kind === 'boolean') return { ok: true, value: text === 'true' ? true : text === 'false' ? false : value };
  try {
    return { ok: true, value: JSON.parse(value) as unknown };
  } catch {
    return { ok: false };
  }
}
