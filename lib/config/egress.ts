/** `egress`: where the function's calls to Atlas come from (docs/egress.md). */
import { z } from 'zod';
import { isPlainObject, show } from '../../lambda/snapshot/validation';
import { MAX_SECURITY_GROUPS, MAX_SUBNETS, SECURITY_GROUP_ID, SUBNET_ID, VPC_ID } from './limits';
import { unknownFieldMessage } from './suggest';
import type { EgressConfig } from './types';

const EGRESS_FIELDS = { nat: ['mode'], vpc: ['mode', 'vpcId', 'subnetIds', 'securityGroupIds'] } as const;
const EGRESS_SHAPE = '{ "mode": "nat" } or { "mode": "vpc", "vpcId", "subnetIds", "securityGroupIds"? }';

/** Relative problems keyed by their sub-path, in the order found. */
type Found = Array<{ path: PropertyKey[]; message: string }>;

/** A list of distinct EC2 ids of one kind, between min and max entries long. */
function ec2IdList(
  value: unknown,
  pattern: RegExp,
  prefix: string,
  min: number,
  max: number,
  why = '',
): Array<{ path: number[]; message: string }> {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    return [{ path: [], message: ` must be an array of ${min} to ${max} ${prefix}- ids${why}, got ${show(value)}` }];
  }
  const seen = new Set<string>();
  return value.flatMap((id: unknown, i) => {
    if (typeof id !== 'string' || !pattern.test(id)) {
      const message = ` must be a ${prefix}- id (${prefix}- and 8 or 17 lowercase hexadecimal characters), got ${show(id)}`;
      return [{ path: [i], message }];
    }
    if (seen.has(id)) return [{ path: [i], message: ` repeats ${show(id)}: each id can be given once` }];
    seen.add(id);
    return [];
  });
}

function checkVpc(value: Record<string, unknown>): Found {
  const found: Found = [];
  if (typeof value.vpcId !== 'string' || !VPC_ID.test(value.vpcId)) {
    const message = ` must be a VPC id (vpc- and 8 or 17 lowercase hexadecimal characters), got ${show(value.vpcId)}`;
    found.push({ path: ['vpcId'], message });
  }
  for (const p of ec2IdList(value.subnetIds, SUBNET_ID, 'subnet', 1, MAX_SUBNETS)) {
    found.push({ path: ['subnetIds', ...p.path], message: p.message });
  }
  const why = " (Lambda allows 5 security groups per function and the stack adds the function's own)";
  for (const p of ec2IdList(value.securityGroupIds ?? [], SECURITY_GROUP_ID, 'sg', 0, MAX_SECURITY_GROUPS - 1, why)) {
    found.push({ path: ['securityGroupIds', ...p.path], message: p.message });
  }
  return found;
}

/** Problems of an egress value: its shape, then its mode, then the mode's own fields. */
function egressProblems(value: unknown): Found {
  if (!isPlainObject(value)) return [{ path: [], message: ` must be ${EGRESS_SHAPE}, got ${show(value)}` }];
  const { mode } = value;
  if (mode !== 'nat' && mode !== 'vpc') {
    const message =
      ' must be "nat" (the stack creates a VPC whose NAT gateway has an Elastic IP) or "vpc" ' +
      `(an existing VPC named by vpcId and subnetIds), got ${show(mode)}`;
    return [{ path: ['mode'], message }];
  }
  const allowed: readonly string[] = EGRESS_FIELDS[mode];
  const found: Found = Object.keys(value)
    .filter((key) => !allowed.includes(key))
    .map((key) => ({ path: [key], message: unknownFieldMessage('', key, allowed, `for mode "${mode}"`) }));
  return mode === 'vpc' ? [...found, ...checkVpc(value)] : found;
}

function toEgress(value: Record<string, unknown>): EgressConfig {
  if (value.mode === 'nat') return { mode: 'nat' };
  return {
    mode: 'vpc',
    vpcId: value.vpcId as string,
    subnetIds: value.subnetIds as string[],
    securityGroupIds: (value.securityGroupIds ?? []) as string[],
  };
}

export const egressSchema = z.unknown().transform((value, ctx): EgressConfig => {
  const found = egressProblems(value);
  for (const { path, message } of found) ctx.addIssue({ code: 'custom', path, message, input: value });
  return found.length === 0 && isPlainObject(value) ? toEgress(value) : z.NEVER;
});
