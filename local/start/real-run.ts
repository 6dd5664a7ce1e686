/**
 * A real run (--real): the bundle against the user's real Secrets Manager secret and real Atlas;
 * SNS is the user's topic with --topic-arn, otherwise a local stand-in that captures the messages
 * so they are printed, not published. A dry run unless --take-snapshot.
 */
import { startLocalAws, type LocalAws } from '../aws';
import { LOCAL_TOPIC_NAME } from '../harness';
import { startFunction, type LocalFunction } from '../lambda/runtime';
import { REAL_FUNCTION_NAME, REAL_RETENTION_DAYS, buildRealRun, checkAwsAccess } from '../real';
import {
  accessListAdvice,
  formatCounts,
  formatInvocation,
  formatLogLine,
  formatNotification,
  heading,
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
  return withResource(close, async () => {
    if (options.topicArn === undefined) capture = await startLocalAws({ region, topics: [LOCAL_TOPIC_NAME] });
    const captureEndpoint = capture
      ? { endpoint: capture.endpoint, topicArn: capture.sns.topicArn(LOCAL_TOPIC_NAME) }
      : undefined;
    const { env, event } = buildRealRun(options, io.env, {
      region,
      ...(captureEndpoint ? { capture: captureEndpoint } : {}),
    });
    const counts: RealCounts = { tokenRequests: 0, atlasCalls: 0, publishes: 0 };
    const onLine = (line: string) => {
      if (options.verbose) print(io, row('json', style.dim(line), style));
      countLine(counts, line);
      print(io, formatLogLine(line, { style, atlasRequests: true }));
    };
    fn = await startFunction({ bundlePath, env, functionName: REAL_FUNCTION_NAME, onLine });
    print(io, [
      ...realFacts(options, region, bundleFacts(bundlePath, fn.initMs), style),
      '',
      heading(`console run: event ${JSON.stringify(event)}`, style),
    ]);

    const result = await fn.invoke(event, { timeoutMs: 120_000 });
    const outcomes = outcomesOf(result);
    for (const message of capture?.sns.published ?? [])
      print(io, formatNotification(message, style, { attributes: options.verbose }));
    if (capture) counts.publishes = capture.sns.published.length;
    print(io, formatInvocation(result, style));
    print(io, accessListAdvice(outcomes, style));
    print(io, realModeHints(outcomes, style));
    const failed = hasError([{ label: 'console', ok: result.ok, outcomes }]);
    const code = failed ? 1 : 0;
    print(io, [
      row('counts', `${formatCounts(counts)}${capture ? ' (captured locally)' : ''}`, style),
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
