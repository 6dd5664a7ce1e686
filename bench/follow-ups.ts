/**
 * The calls of completion confirmation (issue 10): a run with confirmation on (one CreateSchedule
 * per requested snapshot), then follow-up invocations built from the schedules it created, as
 * EventBridge Scheduler would send them: one while the snapshot is still pending (1 Atlas GET and 1
 * CreateSchedule for the next check, nothing published), one once it completed (1 Atlas GET and 1
 * publish), both warm; and a follow-up that is the first invocation of a new process (cold: the
 * token request and the secret read come on top).
 */
import type { LocalRun } from '../local/harness';
import type { FollowUpEvent } from '../lambda/snapshot/types';
import { startBenchRun, type Counts, type StatusCounts } from './runs';

export interface FollowUpCalls {
  name: string;
  counts: Counts;
  /** What the invocation returned in short: the published outcome's code, or the next check. */
  result: string;
  ok: boolean;
}

export interface FollowUpResult {
  run: { targets: number; counts: Counts; statuses: StatusCounts; requested: number };
  followUps: FollowUpCalls[];
}

/** The follow-up event the schedule `name` would send. */
function scheduledEvent(run: LocalRun, name: string): FollowUpEvent {
  const group = run.confirmation?.scheduleGroup;
  const record = group !== undefined ? run.aws.scheduler.schedule(name, group) : undefined;
  const input = record?.target.input;
  if (input === undefined) throw new Error(`the run created no schedule ${name}`);
  return JSON.parse(input) as FollowUpEvent;
}

function describeResult(run: LocalRun, published: number, result: unknown): string {
  const doc = run.aws.sns.documents().slice(published)[0] as { status?: string; code?: string } | undefined;
  if (doc) return `${doc.status ?? '?'} ${doc.code ?? '?'} published`;
  const next = (result as { followUp?: { attempt?: number; nextCheckAt?: string } } | undefined)?.followUp;
  return next ? `check ${next.attempt ?? '?'} scheduled (nothing published)` : 'nothing published';
}

export async function measureFollowUps(bundlePath: string, targets = 10): Promise<FollowUpResult> {
  const warm = await startBenchRun({ bundlePath, targets, perProject: 5, confirmation: true });
  let first: FollowUpEvent;
  const followUps: FollowUpCalls[] = [];
  let runPart: FollowUpResult['run'];
  try {
    const run = await warm.invoke();
    const requested = warm.run.aws.scheduler.schedules().filter((s) => s.name.endsWith('-1'));
    runPart = { targets, counts: run.counts, statuses: run.statuses, requested: requested.length };
    const firstName = requested[0]?.name;
    if (firstName === undefined) throw new Error('the run with confirmation scheduled no follow-up');
    first = scheduledEvent(warm.run, firstName);

    const step = async (name: string, event: FollowUpEvent): Promise<void> => {
      const published = warm.run.aws.sns.documents().length;
      const inv = await warm.invoke(event);
      followUps.push({ name, counts: inv.counts, ok: inv.ok, result: describeResult(warm.run, published, inv.result) });
    };
    // Still queued (the simulator keeps a snapshot pending for minutes): reschedule.
    await step('warm, snapshot pending', first);
    warm.run.sim.setSnapshotStatus(first.followUp.snapshotId, 'completed');
    await step('warm, snapshot completed', scheduledEvent(warm.run, `snap-${first.followUp.snapshotId}-2`));
  } finally {
    await warm.close();
  }

  // Cold: a new process (and simulator) whose first invocation is a follow-up of a completed snapshot.
  const cold = await startBenchRun({ bundlePath, targets: 1, perProject: 1, confirmation: true });
  try {
    const target = cold.fleet.targets[0]!;
    const snapshot = cold.run.sim.addSnapshot(target.projectId, target.clusterName, {
      snapshotType: 'onDemand',
      status: 'completed',
      ...(first.followUp.description !== undefined ? { description: first.followUp.description } : {}),
    });
    const event: FollowUpEvent = {
      followUp: {
        ...first.followUp,
        projectId: target.projectId,
        clusterName: target.clusterName,
        snapshotId: snapshot.id,
      },
    };
    const published = cold.run.aws.sns.documents().length;
    const inv = await cold.invoke(event);
    followUps.push({
      name: 'cold, snapshot completed',
      counts: inv.counts,
      ok: inv.ok,
      result: describeResult(cold.run, published, inv.result),
    });
  } finally {
    await cold.close();
  }
  return { run: runPart, followUps };
}
