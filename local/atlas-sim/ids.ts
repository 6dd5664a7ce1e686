/** Identifiers shaped like Atlas's (MongoDB ObjectIds: 24 lower-case hex digits). */
import { createHash, randomBytes } from 'node:crypto';

let counter = randomBytes(3).readUIntBE(0, 3);

/** A fresh ObjectId: 4-byte seconds timestamp, 5 random bytes, 3-byte counter. */
export function objectId(nowMs: number = Date.now()): string {
  counter = (counter + 1) % 0xffffff;
  const time = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return time + randomBytes(5).toString('hex') + counter.toString(16).padStart(6, '0');
}

export const OBJECT_ID = /^[a-f0-9]{24}$/;

/**
 * A stable sort key unrelated to creation time. Lists are ordered by it so that clients
 * cannot rely on "newest first" (Atlas documents no order for snapshot lists).
 */
export function scrambledKey(id: string): string {
  return createHash('md5').update(id).digest('hex');
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
