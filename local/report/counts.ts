/** The call counts of an invocation or a whole run, in words. */
import { plural } from './style';

export interface Counts {
  tokenRequests?: number;
  atlasCalls?: number;
  secretReads?: number;
  publishes?: number;
  /** One-time follow-up schedules the function created (CreateSchedule answered 200). */
  schedulesCreated?: number;
  /** Follow-up checks that fired (invocations by a schedule). */
  followUpChecks?: number;
}

export function formatCounts(counts: Counts): string {
  const parts: string[] = [];
  if (counts.tokenRequests !== undefined) parts.push(plural(counts.tokenRequests, 'token request'));
  if (counts.atlasCalls !== undefined) parts.push(plural(counts.atlasCalls, 'Atlas API call'));
  if (counts.secretReads !== undefined) parts.push(plural(counts.secretReads, 'secret read'));
  if (counts.publishes !== undefined)
    parts.push(plural(counts.publishes, 'SNS publish').replace(/publishs$/, 'publishes'));
  if (counts.schedulesCreated !== undefined) parts.push(`${plural(counts.schedulesCreated, 'schedule')} created`);
  if (counts.followUpChecks !== undefined) parts.push(plural(counts.followUpChecks, 'follow-up check'));
  return parts.join(', ');
}

export function subtractCounts(after: Counts, before: Counts): Counts {
  const out: Counts = {};
  for (const key of Object.keys(after) as Array<keyof Counts>) {
    const a = after[key];
    if (a !== undefined) out[key] = a - (before[key] ?? 0);
  }
  return out;
}
