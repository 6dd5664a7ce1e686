/**
 * Shared pieces of the core's tests: project ids, a fixed clock, a run request, a RunContext over
 * a FakeAtlas (each target's client tells the target's notice sink), and a fake FollowUpScheduler.
 */
import type { RunContext } from '../../lambda/snapshot/core/run';
import type { RunRequest } from '../../lambda/snapshot/event';
import { silentLogger } from '../../lambda/snapshot/logger';
import type { FollowUpEvent, FollowUpScheduler, Target } from '../../lambda/snapshot/types';
import type { FakeAtlas } from './fake-atlas';

export const P1 = 'aaaaaaaaaaaaaaaaaaaaaaaa';
export const P2 = 'bbbbbbbbbbbbbbbbbbbbbbbb';
export const P3 = 'cccccccccccccccccccccccc';
export const NOW = new Date('2026-11-28T03:00:00.000Z');

export function request(targets: Target[], extra: Partial<RunRequest> = {}): RunRequest {
  return { targets, retentionInDays: 7, description: 'nightly', dryRun: false, trigger: 'schedule', ...extra };
}

export function context(atlas: FakeAtlas, req: RunRequest, concurrency = 8): RunContext {
  return {
    request: req,
    invocationId: 'req-1',
    now: () => NOW,
    logger: silentLogger,
    concurrency,
    atlasFor: (_target, _logger, notices) => atlas.withNotices(notices),
  };
}

/** Short names for the test projects in assertions. */
export function projectName(projectId: string | undefined): string {
  return { [P1]: 'P1', [P2]: 'P2', [P3]: 'P3' }[projectId ?? ''] ?? String(projectId);
}

export interface ScheduledCall {
  name: string;
  at: Date;
  event: FollowUpEvent;
}

/** A FollowUpScheduler that records each schedule; names already used answer `exists`. */
export class FakeScheduler implements FollowUpScheduler {
  readonly calls: ScheduledCall[] = [];
  readonly existing = new Set<string>();
  private readonly failures: Error[] = [];

  failNext(error: Error): this {
    this.failures.push(error);
    return this;
  }

  async schedule(name: string, at: Date, event: FollowUpEvent): Promise<'created' | 'exists'> {
    this.calls.push({ name, at, event: structuredClone(event) });
    await new Promise((resolve) => setImmediate(resolve));
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (this.existing.has(name)) return 'exists';
    this.existing.add(name);
    return 'created';
  }
}
