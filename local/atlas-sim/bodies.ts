/**
 * Request bodies of the snapshot endpoints, checked in two steps as Atlas does: the deserializer
 * (not JSON: `INVALID_JSON`; unknown attribute or wrong type: `INVALID_ATTRIBUTE`), then value
 * rules (`VALIDATION_ERROR`). Integers are Java ints: beyond int32 the deserializer refuses them.
 */
import { RETENTION_UNITS, type RetentionUnit } from './calendar';
import { atlasErrors } from './errors';
import type { OnDemandRequest, RetentionChange } from './state';

const INT32_MAX = 2_147_483_647;

function parseObject(text: string, attributes: ReadonlySet<string>): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw atlasErrors.invalidJson();
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw atlasErrors.invalidJson();
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!attributes.has(key)) throw atlasErrors.invalidAttribute(key);
  return record;
}

function checkInteger(record: Record<string, unknown>, name: string): void {
  const value = record[name];
  if (value === undefined || value === null) return;
  if (!Number.isInteger(value) || Math.abs(value as number) > INT32_MAX) throw atlasErrors.invalidAttribute(name);
}

function checkString(record: Record<string, unknown>, name: string): void {
  const value = record[name];
  if (value !== undefined && value !== null && typeof value !== 'string') throw atlasErrors.invalidAttribute(name);
}

const TAKE_ATTRIBUTES = new Set(['description', 'retentionInDays']);

/** POST .../backup/snapshots: JSON and attribute types. */
export function parseTakeBody(text: string): Record<string, unknown> {
  const record = parseObject(text, TAKE_ATTRIBUTES);
  checkInteger(record, 'retentionInDays');
  checkString(record, 'description');
  return record;
}

/** Value rules: retention is required and at least one day (no documented maximum). */
export function validateTakeBody(body: Record<string, unknown>): OnDemandRequest {
  const retention = body.retentionInDays;
  if (typeof retention !== 'number') throw atlasErrors.validation('retentionInDays is required');
  if (retention < 1) throw atlasErrors.validation('retentionInDays must be greater than or equal to 1');
  return {
    retentionInDays: retention,
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
  };
}

const PATCH_ATTRIBUTES = new Set(['retentionUnit', 'retentionValue']);

/** PATCH .../backup/snapshots/{id}: JSON and attribute types. */
export function parseRetentionBody(text: string): Record<string, unknown> {
  const record = parseObject(text, PATCH_ATTRIBUTES);
  checkInteger(record, 'retentionValue');
  checkString(record, 'retentionUnit');
  return record;
}

/** Value rules: a unit of DAYS/WEEKS/MONTHS/YEARS and a value of at least 1. */
export function validateRetentionBody(body: Record<string, unknown>): RetentionChange {
  const unit = body.retentionUnit;
  const value = body.retentionValue;
  if (typeof unit !== 'string' || !(RETENTION_UNITS as readonly string[]).includes(unit)) {
    throw atlasErrors.validation(`retentionUnit must be one of ${RETENTION_UNITS.join(', ')}`);
  }
  if (typeof value !== 'number') throw atlasErrors.validation('retentionValue is required');
  if (value < 1) throw atlasErrors.validation('retentionValue must be greater than or equal to 1');
  return { retentionUnit: unit as RetentionUnit, retentionValue: value };
}
