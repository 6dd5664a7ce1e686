/**
 * Building blocks of the configuration schema (schema.ts). Every message is RELATIVE to the field
 * it is about: " must be ..." or a sub-path first ("[0].name must ...", ".tz is not a known
 * field"); `formatIssue` puts the field's full path in front.
 */
import { z } from 'zod';
import { isPlainObject, show } from '../../lambda/snapshot/validation';
import { integerFrom, type Problems } from './rules';
import { unknownFieldMessage } from './suggest';

export type Rule = (value: unknown) => Problems;

/** A field checked by `rule`; typed `T` once the rule found nothing (the rule is what makes it a T). */
export function checked<T>(rule: Rule): z.ZodType<T> {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      for (const message of rule(value)) ctx.addIssue({ code: 'custom', message, input: value });
    })
    .transform((value) => value as T);
}

/**
 * An object of the fields in `shape`; any other key is a problem naming the nearest valid field.
 * The unknown-key check runs even when a known field has problems, so all are reported together.
 */
export function strictObject<S extends z.ZodRawShape>(shape: S, notAnObject: (input: unknown) => string) {
  const allowed = Object.keys(shape);
  return z.looseObject(shape, { error: (issue) => notAnObject(issue.input) }).superRefine(
    (value, ctx) => {
      for (const key of Object.keys(value)) {
        if (allowed.includes(key)) continue;
        ctx.addIssue({
          code: 'custom',
          path: [key],
          input: value[key],
          message: unknownFieldMessage('', key, allowed),
        });
      }
    },
    { when: (payload) => isPlainObject(payload.value) },
  );
}

export const integer = (min: number, max: number): z.ZodType<number> => checked<number>(integerFrom(min, max));

export const boolean = z.boolean({ error: (issue) => ` must be true or false, got ${show(issue.input)}` });

/** `atlasSnapshot.targets[2].clusterName` from the prefix and a zod path. */
export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${String(part)}`),
    prefix,
  );
}

/** The problem text of a zod issue: the field's full path, then the relative message. */
export function formatIssue(prefix: string, issue: { path: readonly PropertyKey[]; message: string }): string {
  const field = fieldPath(prefix, issue.path);
  // Every schema part words its own messages; a message of zod's own (none is expected) still names the field.
  return /^[ .[]/.test(issue.message) ? `${field}${issue.message}` : `${field} is not valid: ${issue.message}`;
}
