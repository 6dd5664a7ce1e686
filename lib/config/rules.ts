/**
 * Leaf rules of the configuration (docs/configuration.md) that zod's own checks cannot phrase:
 * each takes a value and returns its problems. Messages are RELATIVE to the field checked: they
 * start with " must ...", or with the sub-path ("[0].name must ...", ".tz is not a known field");
 * the schema puts the field's full path in front (`formatIssue` in schema-helpers.ts). The shared rules
 * of lambda/snapshot/validation.ts are called with the field '' for the same reason.
 */
import type { Promotion } from '../../lambda/snapshot/types';
import {
  checkPromotion,
  checkTargets,
  isPlainObject,
  PROMOTION_FIELDS,
  show,
  TARGET_FIELDS,
  toPromotion,
} from '../../lambda/snapshot/validation';
import { unknownFieldMessage } from './suggest';
import { SECRET_ARN, SECRET_NAME } from './limits';

export type Problems = string[];

/** Problems for the keys of `value` that are not in `allowed`, each with the nearest allowed name. */
export function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], scope = ''): Problems {
  return Object.keys(value)
    .filter((key) => !allowed.includes(key))
    .map((key) => unknownFieldMessage(`.${key}`, key, allowed, scope));
}

/** The entries of `value` whose keys are in `allowed` (what a shared rule should see once unknown keys are reported). */
function knownPart(value: Record<string, unknown>, allowed: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => allowed.includes(key)));
}

export function checkSecretName(value: unknown): Problems {
  const valid =
    typeof value === 'string' && (value.startsWith('arn:') ? SECRET_ARN.test(value) : SECRET_NAME.test(value));
  return valid
    ? []
    : [
        ' must be the name of a Secrets Manager secret (1-512 of A-Z a-z 0-9 / _ + = . @ -) ' +
          `or its complete ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>), got ${show(value)}`,
      ];
}

export function matches(pattern: RegExp, allowed: string): (value: unknown) => Problems {
  return (value) =>
    typeof value === 'string' && pattern.test(value) ? [] : [` must be ${allowed}, got ${show(value)}`];
}

export function integerFrom(min: number, max: number): (value: unknown) => Problems {
  return (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
      ? []
      : [` must be an integer from ${min} to ${max}, got ${show(value)}`];
}

/**
 * Targets and selectors (the shared checkTargets), with unknown keys of each target reported with
 * the nearest valid name first; the shared rule then sees only the known keys.
 */
export function checkTargetList(value: unknown): Problems {
  if (!Array.isArray(value)) return checkTargets(value, '');
  const hints: Problems = [];
  const known = value.map((target: unknown, i) => {
    if (!isPlainObject(target)) return target;
    hints.push(...unknownKeys(target, TARGET_FIELDS).map((m) => `[${i}]${m}`));
    return knownPart(target, TARGET_FIELDS);
  });
  return [...hints, ...checkTargets(known, '')];
}

const PROMOTION_SHAPE = '{ "weeks": <n>, "months": <n>, "years": <n>, "timezone"?: "<IANA zone>" }';

/** `false` (off) or a promotion object (the shared checkPromotion), unknown keys with the nearest name. */
export function checkPromotionOrFalse(value: unknown, off: string): Problems {
  if (value === false) return [];
  if (!isPlainObject(value)) return [` must be false (${off}) or an object ${PROMOTION_SHAPE}, got ${show(value)}`];
  return [...unknownKeys(value, PROMOTION_FIELDS), ...checkPromotion(knownPart(value, PROMOTION_FIELDS), '')];
}

/** The promotion with its defaults applied, or false (call after checkPromotionOrFalse found no problem). */
export function toPromotionOrFalse(value: unknown): Promotion | false {
  return isPlainObject(value) ? toPromotion(value) : false;
}

/** A non-empty list of distinct members of `allowed`. */
export function distinctListOf<T extends string>(allowed: readonly T[]): (value: unknown) => Problems {
  return (value) =>
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => allowed.includes(v as T)) &&
    new Set(value).size === value.length
      ? []
      : [` must be a non-empty list of distinct ${allowed.join(', ')}, got ${show(value)}`];
}
