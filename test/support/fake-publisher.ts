/**
 * A NotificationPublisher for the handler's tests: records every PublishBatch call, and can refuse
 * entries, fail whole calls or never answer. Plain data, no SNS.
 */
import type { NotificationPublisher, PublishEntry, PublishResult } from '../../lambda/snapshot/types';

export interface BatchCall {
  topicArn: string;
  entries: PublishEntry[];
}

/** What a test scripts for one call: `ok`, refuse some entries, throw, or hang. */
export type CallScript =
  | { kind: 'refuse'; when: (entry: PublishEntry) => boolean; error?: string }
  | { kind: 'throw'; error: Error }
  | { kind: 'hang' };

export class FakePublisher implements NotificationPublisher {
  readonly calls: BatchCall[] = [];
  private readonly scripts: CallScript[] = [];
  private always?: CallScript;
  /** Resolves the pending call of each `gate`d publish (for ordering tests). */
  private waiters: Array<() => void> = [];

  /** The next calls follow these scripts, in order; later ones answer ok. */
  next(...scripts: CallScript[]): this {
    this.scripts.push(...scripts);
    return this;
  }

  /** Every call follows this script. */
  alwaysDo(script: CallScript): this {
    this.always = script;
    return this;
  }

  async publishBatch(topicArn: string, entries: readonly PublishEntry[]): Promise<PublishResult[]> {
    this.calls.push({ topicArn, entries: [...entries] });
    this.waiters.splice(0).forEach((w) => w());
    const script = this.scripts.shift() ?? this.always;
    if (script?.kind === 'throw') throw script.error;
    if (script?.kind === 'hang') return new Promise<never>(() => undefined);
    return entries.map((e) =>
      script?.kind === 'refuse' && script.when(e)
        ? { id: e.id, ok: false, error: script.error ?? 'InvalidParameter: refused' }
        : { id: e.id, ok: true, messageId: `m-${e.id}` },
    );
  }

  /** Resolves when the next call arrives. */
  nextCall(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  entries(topicArn?: string): PublishEntry[] {
    return this.calls.filter((c) => topicArn === undefined || c.topicArn === topicArn).flatMap((c) => c.entries);
  }
}

/** An entry in the shape of SNS's Publish input, so assertions read like the wire. */
export function asPublishInput(topicArn: string, e: PublishEntry) {
  return {
    TopicArn: topicArn,
    Subject: e.subject,
    Message: e.message,
    MessageStructure: e.messageStructure,
    MessageAttributes: Object.fromEntries(
      Object.entries(e.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
    ),
  };
}
