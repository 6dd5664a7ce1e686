/**
 * A real run (--real): the bundle against the user's real Secrets Manager secret and real Atlas;
 * SNS is the user's topic with --topic-arn, otherwise a local stand-in that captures the messages
 * so they are printed, not published. A dry run unless --take-snapshot.
 */
import { startLocalAws, type LocalAws } from '../aws';
import { LOCAL_TOPIC_NAME } from '../harness';
import type { FiredFollowUp } from '../lambda/follow-ups';
import { startFunction, type LocalFunction } from '../lambda/runtime';
import {
  REAL_FOLLOW_UP_ROLE_ARN,
  REAL_FUNCTION_NAME,
  REAL_RETENTION_DAYS,
  REAL_SCHEDULE_GROUP,
  REAL_STAND_IN_ACCOUNT,
  buildRealRun,
  checkAwsAccess,
} from '../real';
import {
  accessListAdvice,
  formatCounts,
  formatInvocation,
  formatLogLine,
  formatNotification,
  formatRescheduledCheck,
  heading,
  isReschedule,
  outcomesOf,
  parseLogLine,
  realModeHints,
  row,
  type Counts,
  type Style,
} from '../report';
import { DEFAULT_ATLAS_BASE_URL } from '../../lambda/snapshot/contract';
import { LogEvents } from '../../lambda/snapshot/log-events';
import { bundleFacts, prepareBundle } from './bundle';
import { print, withResource, type Io } from './io';
import type { RealOptions } from './options';
import { confirmInRealTime, confirmationPlan, notConfirmedLines } from './real-confirm';
import { hasError, targetsText } from './summary';

type RealCounts = Required<Pick<Counts, 'tokenRequests' | 'atlasCalls' | 'publishes'>>;

/** The function's own debug lines are the only record of the Atlas calls here: count them. */
function countLine(counts: RealCounts, line: string): void {
  const record = parseLogLine(line);
  if (record?.message === LogEvents.atlasRequest) {
    if (String(record.path).startsWith('/api/oauth/')) counts.tokenRequests += 1;
    else counts.atlasCalls += 1;
  }
  if (record?.message === LogEvents.notificationPublished) counts.publishes += 1;
}

function realFacts(options: RealOptions, region: string, bundle: string, style: Style): string[] {
  const targets = targetsText(options.targets);
  return [
    row('region', region, style),
    row('secret', `${options.secretId} (your Secrets Manager secret, read with your credentials)`, style),
    row('targets', targets, style),
    row('Atlas', options.atlasBaseUrl ?? `${DEFAULT_ATLAS_BASE_URL} (unless the secret has a BaseUrl)`, style),
    row(
      'topic',
      options.topicArn ??
        style.yellow('none: messages are captured locally and printed, not published (--topic-arn to publish)'),
      style,
    ),
    row('bundle', bundle, style),
    options.takeSnapshot
      ? row(
          'CONFIRM',
          style.red(style.bold(`--take-snapshot: this run REQUESTS REAL on-demand snapshots on ${targets}`)),
          style,
          style.red,
        )
      : row(
          'mode',
          style.green(
            'DRY RUN: authenticates, reads each cluster and its snapshots, requests nothing (--take-snapshot to request)',
          ),
          style,
          style.green,
        ),
  ];
}

export async function runReal(options: RealOptions, io: Io, style: Style): Promise<number> {
  print(io, [
    style.bold('atlas-snapshot-scheduler: the deployable function against REAL AWS and Atlas'),
    `configuration: your command line (--secret-id, the targets), retention ${REAL_RETENTION_DAYS} days unless --event sets retentionInDays; your cdk.json is not used`,
  ]);
  // The SDK's notice about Node 20's end of support would only clutter the account.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { region } = await checkAwsAccess(options.region);
  const bundlePath = prepareBundle(options.synth, io, style);

  let capture: LocalAws | undefined;
  let fn: LocalFunction | undefined;
  const close = async () => {
    await fn?.close();
    await capture?.close();
  };
  const confirmMinutes = options.takeSnapshot ? options.confirmMinutes : 0;
  return withResource(close, async () => {
    if (options.topicArn === undefined || confirmMinutes > 0) {
      capture = await startLocalAws({
        region,
        accountId: REAL_STAND_IN_ACCOUNT,
        topics: [LOCAL_TOPIC_NAME],
        scheduleGroups: [REAL_SCHEDULE_GROUP],
      });
    }
    const captureEndpoint =
      capture && options.topicArn === undefined
        ? { endpoint: capture.endpoint, topicArn: capture.sns.topicArn(LOCAL_TOPIC_NAME) }
        : undefined;
    const { env, event } = buildRealRun(options, io.env, {
      region,
      ...(captureEndpoint ? { capture: captureEndpoint } : {}),
      ...(capture && confirmMinutes > 0 ? { scheduler: { endpoint: capture.endpoint } } : {}),
    });
    const counts: RealCounts = { tokenRequests: 0, atlasCalls: 0, publishes: 0 };
    const onLine = (line: string) => {
      if (options.verbose) print(io, row('json', style.dim(line), style));
      countLine(counts, line);
      print(io, formatLogLine(line, { style, atlasRequests: true }));
    };
    fn = await startFunction({
      bundlePath,
      env,
      functionName: REAL_FUNCTION_NAME,
      region,
      accountId: REAL_STAND_IN_ACCOUNT,
      onLine,
    });
    const started = Date.now();
    print(io, [
      ...realFacts(options, region, bundleFacts(bundlePath, fn.initMs), style),
      row(
        'function',
        `this process stands in for ${fn.functionArn} (not deployed: the e-mails below name that stand-in account)`,
        style,
      ),
      confirmationPlan(options.takeSnapshot, confirmMinutes, style),
      '',
      heading(`console run: event ${JSON.stringify(event)}`, style),
    ]);

    const result = await fn.invoke(event, { timeoutMs: 120_000 });
    const outcomes = outcomesOf(result);
    const shown = { messages: 0 };
    const newMessages = () => {
      const published = captureEndpoint ? (capture?.sns.published ?? []) : [];
      const lines = published
        .slice(shown.messages)
        .flatMap((message) => formatNotification(message, style, { attributes: options.verbose }));
      shown.messages = published.length;
      return lines;
    };
    print(io, newMessages());
    print(io, formatInvocation(result, style));
    print(io, accessListAdvice(outcomes, style));
    print(io, realModeHints(outcomes, style));
    const confirmed = await confirm(capture, fn, confirmMinutes, started, io, style, (fired) =>
      isReschedule(fired)
        ? [formatRescheduledCheck(fired, style)]
        : [
            row('check', `follow-up check ${fired.schedule.name}`, style),
            ...newMessages(),
            ...(fired.result ? formatInvocation(fired.result, style) : []),
          ],
    );
    if (captureEndpoint) counts.publishes = capture?.sns.published.length ?? 0;
    const failed = hasError([
      { label: 'console', ok: result.ok, outcomes },
      ...confirmed.map((f) => ({
        label: 'check',
        ok: f.result?.ok ?? false,
        outcomes: f.result ? outcomesOf(f.result) : [],
      })),
    ]);
    const code = failed ? 1 : 0;
    print(io, [
      row('counts', `${formatCounts(counts)}${captureEndpoint ? ' (captured locally)' : ''}`, style),
      row(
        `exit ${code}`,
        failed ? 'an outcome was ERROR or the invocation failed' : 'every target checked out',
        style,
        code === 0 ? style.green : style.red,
      ),
    ]);
    return code;
  });
}

/** The follow-up checks of the snapshots this run requested, in real time, for at most `minutes`. */
async function confirm(
  local: LocalAws | undefined,
  fn: LocalFunction,
  minutes: number,
  from: number,
  io: Io,
  style: Style,
  render: (fired: FiredFollowUp) => string[],
): Promise<FiredFollowUp[]> {
  if (!local || minutes === 0 || local.scheduler.schedules().length === 0) return [];
  print(io, ['', heading(`follow-up checks, in this process, for at most ${minutes} min`, style)]);
  const { fired, pending } = await confirmInRealTime(
    { scheduler: local.scheduler, fn, roleArn: REAL_FOLLOW_UP_ROLE_ARN, minutes, from },
    (lines) => print(io, lines),
    render,
    style,
  );
  print(io, notConfirmedLines(pending, minutes, style));
  return fired;
}
