/**
 * What the end-to-end suites share: the bundle `cdk synth` wrote (the global setup synthesized it),
 * a local run per test closed after it, and readers of what crossed the wire (outcomes returned or
 * carried by a failed invocation, the messages the SNS stand-in received, the simulator's log).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalRun, type LocalRun, type LocalRunOptions } from '../../local/harness';
import { findHandlerBundle } from '../../local/lambda/bundle';
import type { InvokeResult } from '../../local/lambda/runtime';
import { parseFailureMessage } from '../../lambda/snapshot/log-events';
import type { Outcome, RunSummary } from '../../lambda/snapshot/types';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

let bundle: string | undefined;
/** The snapshot function's index.js in cdk.out (read once per test file). */
export function bundlePath(): string {
  bundle ??= findHandlerBundle();
  return bundle;
}

/** Starts local runs (on the cdk.out bundle unless told) for the tests of one file, closing each after its test. */
export function localRuns(): (options?: Partial<LocalRunOptions>) => Promise<LocalRun> {
  const open: LocalRun[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
  });
  return async (options = {}) => {
    const run = await startLocalRun({ bundlePath: bundlePath(), ...options });
    open.push(run);
    return run;
  };
}

export function results(invocation: Pick<InvokeResult, 'ok' | 'result' | 'error'> | undefined): Outcome[] {
  if (!invocation) return [];
  if (invocation.ok) return (invocation.result as { results: Outcome[] }).results;
  return parseFailureMessage(invocation.error?.errorMessage ?? '')?.results ?? [];
}

export interface Message {
  subject?: string | undefined;
  /** The `default` body (the JSON document) of a MessageStructure json message, or the plain message. */
  doc: Outcome & Partial<Omit<RunSummary, 'stage' | 'code' | 'status'>>;
  /** The `email` body, when there is one. */
  email: string;
  attributes: Record<string, string>;
}

export function messages(r: LocalRun, topicArn = r.topicArn): Message[] {
  return r.aws.sns.published
    .filter((m) => m.topicArn === topicArn)
    .map((m) => ({
      subject: m.subject,
      doc: JSON.parse(m.bodies?.default ?? m.message) as Message['doc'],
      email: m.bodies?.email ?? '',
      attributes: Object.fromEntries(Object.entries(m.messageAttributes).map(([k, v]) => [k, v.stringValue ?? ''])),
    }));
}

/** The messages of one stage (`request`, `confirmation` or `summary`). */
export function stage(r: LocalRun, name: 'request' | 'confirmation' | 'summary'): Message[] {
  return messages(r).filter((m) => m.attributes.stage === name);
}

/** `METHOD endpoint status` of every Admin API call (token requests left out). */
export function apiCalls(r: LocalRun): string[] {
  return r.sim.log
    .entries()
    .filter((e) => e.endpoint !== 'token')
    .map((e) => `${e.method} ${e.endpoint} ${e.status ?? '---'}`);
}

/** The function's JSON log lines of one invocation. */
export function logRecords(invocation: InvokeResult): Array<Record<string, unknown>> {
  return invocation.lines
    .filter((l) => l.startsWith('{') && !l.startsWith('{"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The follow-up a schedule carries (its Input). */
export function followUpOf(input: string | undefined): Record<string, unknown> {
  return (JSON.parse(input ?? '{}') as { followUp: Record<string, unknown> }).followUp;
}

/**
 * A loopback proxy that records every Authorization header the function sends before forwarding
 * the request to the simulator (`forwardTo`, set once the run has started), so a test can look for
 * those exact values anywhere the function writes. The simulator's own log never holds them. The
 * Host header is kept, so the links Atlas answers point back at the proxy.
 */
export async function authorizationRecorder(): Promise<{
  url: string;
  headers: string[];
  forwardTo(target: string): void;
  close(): Promise<void>;
}> {
  const headers: string[] = [];
  let target: string | undefined;
  const server = http.createServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth !== undefined) headers.push(auth);
    if (target === undefined) return void res.writeHead(503).end();
    const upstream = http.request(
      `${target}${req.url ?? '/'}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    headers,
    forwardTo: (url) => {
      target = url;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Every credential form inside recorded Authorization headers: Basic values (and the secret they
 * decode to), bearer tokens, and Digest `response`, `nonce` and `cnonce` values.
 */
export function credentialForms(headers: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const header of headers) {
    const [scheme, rest = ''] = header.split(/ (.*)/s, 2) as [string, string?];
    if (/^basic$/i.test(scheme)) {
      forms.add(rest);
      const decoded = Buffer.from(rest, 'base64').toString('utf8');
      forms.add(decoded);
      forms.add(decoded.slice(decoded.indexOf(':') + 1)); // the secret (the id before it is not one)
    } else if (/^bearer$/i.test(scheme)) {
      forms.add(rest);
    } else if (/^digest$/i.test(scheme)) {
      for (const [, name, value] of rest.matchAll(/(\w+)="?([^",]*)"?/g)) {
        if (name === 'response' || name === 'nonce' || name === 'cnonce') forms.add(value!);
      }
    }
  }
  return [...forms].filter((f) => f.length >= 8);
}
