/**
 * The function's log contract: the `message` of every structured log line that something else reads
 * (`npm start`'s account of a run, the tests, Logs Insights queries in docs/operations.md), and the
 * marker that carries the outcomes in a failed invocation's error message. Producers and readers
 * import these constants; nothing matches on free text.
 */
import type { Outcome } from './types';

export const LogEvents = {
  invocationStarted: 'invocation started',
  invocationFinished: 'invocation finished',
  invalidConfig: 'invalid function configuration',
  invalidInput: 'invalid input event',
  secretUnusable: 'cannot use the Atlas credentials secret',
  run: 'run',
  /** A selector was expanded into clusters (fields: `clusters`, `projects`). */
  expanded: 'expanded "*"',
  listingFailed: "cannot list the project's clusters",
  projectsListingFailed: 'cannot list the projects',
  clusterUnsupported: 'cluster cannot take on-demand snapshots',
  clusterPaused: 'cluster is paused: skipping',
  snapshotPending: 'on-demand snapshot still pending: skipping',
  dryRun: 'dry run: no pending on-demand snapshot, would request one',
  snapshotRequested: 'snapshot requested',
  raceLost: 'Atlas reports an unfinished on-demand snapshot: skipping',
  takeUnanswered: 'take-snapshot request unanswered; re-reading the snapshot list',
  rereadFailed: 'cannot re-read snapshots to name the pending one',
  targetFailed: 'target failed',
  atlasRequest: 'Atlas request',
  atlasRetry: 'retrying Atlas request',
  /** An Atlas answer announced the deprecation or sunset of an API version the function uses. */
  atlasVersionNotice: 'Atlas API version notice',
  followUpScheduled: 'follow-up scheduled',
  followUpNotScheduled: 'follow-up could not be scheduled',
  followUpCheck: 'follow-up check',
  snapshotPromoted: 'snapshot retention promoted',
  promotionRefused: 'snapshot retention promotion refused',
  outcome: 'outcome',
  summary: 'run summary',
  notificationPublished: 'notification published',
  notificationFailed: 'notification could not be published',
} as const;

export type LogEvent = (typeof LogEvents)[keyof typeof LogEvents];

/** Separates a failed invocation's message from the outcomes appended to it as JSON. */
export const RESULTS_MARKER = ' Results: ';

/** `<summary>. Results: [<outcomes as JSON>]`: what a failed invocation throws. */
export function formatFailureMessage(summary: string, results: readonly Outcome[]): string {
  return `${summary}.${RESULTS_MARKER}${JSON.stringify(results)}`;
}

/** The outcomes carried by a failed invocation's message, or undefined when it carries none. */
export function parseFailureMessage(message: string): { summary: string; results: Outcome[] } | undefined {
  const at = message.indexOf(RESULTS_MARKER); // the summary before it is ours and never holds it
  if (at < 0) return undefined;
  try {
    const results = JSON.parse(message.slice(at + RESULTS_MARKER.length)) as unknown;
    if (!Array.isArray(results)) return undefined;
    return { summary: message.slice(0, at).replace(/\.$/, ''), results: results as Outcome[] };
  } catch {
    return undefined;
  }
}
