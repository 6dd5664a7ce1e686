/**
 * Starts a seeded Atlas simulator from the command line:
 *   npx tsx local/atlas-sim/cli.ts [--preset default] [--port 0] [--latency-ms 50] [--rate-limit 10/2] ...
 * Prints its URL, the demo credentials and targets, then one line per request until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { UsageError, simulatorOptions } from './cli-options';
import type { RequestLogEntry } from './request-log';
import { startAtlasSimulator, type AtlasSimulatorOptions } from './server';
import {
  DEMO_API_KEY,
  DEMO_SERVICE_ACCOUNT,
  PRESET_NAMES,
  type PresetName,
  atlasPreset,
  isPresetName,
  presetOptions,
} from './presets';

export { parseDeprecation, parseEndpointRateLimit, parseRateLimit, simulatorOptions } from './cli-options';

const HELP = `Atlas Admin API simulator (loopback only)

Usage: npx tsx local/atlas-sim/cli.ts [options]

  --preset NAME              scenario to seed (default: default); --list-presets shows them
  --port N                   port to listen on (default: 0 = any free port)
  --host ADDRESS             address to bind (default: 127.0.0.1)
  --latency-ms N             delay added to every answer (default: 0)
  --rate-limit CAP/REFILL[/SCOPE]
                             Admin API token bucket: CAP requests, REFILL per second,
                             SCOPE project|credential|global (default project); e.g. 10/2
  --endpoint-rate-limit SET=CAP/REFILL[/SCOPE]
                             a bucket of its own for one endpoint set (projects, clusters,
                             backup); repeatable; e.g. backup=20/0.33
  --recorded-rate-limits     the limits seen on real answers: backup 1200/minute,
                             clusters 10000/minute, per project
  --token-rate-limit CAP/REFILL
                             token endpoint limit per client and IP (Atlas: 50/0.833)
  --token-expires-in S       expires_in of access tokens (default: 3600)
  --queued-seconds S         time a new snapshot stays queued (default: 30)
  --in-progress-seconds S    then time it stays inProgress (default: 120)
  --snapshot-outcome END     how taken snapshots end: completed (default), failed, or never
                             (they stay inProgress)
  --deprecate [SET:]VERSION=SUNSET
                             answers in VERSION carry Deprecation (now) and Sunset, 410 from
                             SUNSET on; repeatable; e.g. clusters:2024-08-05=2027-01-01
  --quiet                    don't print one line per request
  --list-presets             print the presets and exit
  --help                     print this help and exit
`;

function parseCli(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string', default: 'default' },
      port: { type: 'string' },
      host: { type: 'string' },
      'latency-ms': { type: 'string' },
      'rate-limit': { type: 'string' },
      'endpoint-rate-limit': { type: 'string', multiple: true },
      'recorded-rate-limits': { type: 'boolean', default: false },
      'token-rate-limit': { type: 'string' },
      'token-expires-in': { type: 'string' },
      'queued-seconds': { type: 'string' },
      'in-progress-seconds': { type: 'string' },
      'snapshot-outcome': { type: 'string' },
      deprecate: { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
      'list-presets': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!isPresetName(values.preset))
    throw new UsageError(`unknown preset "${values.preset}"; one of: ${PRESET_NAMES.join(', ')}`);
  return { values, preset: values.preset };
}

function formatEntry(entry: RequestLogEntry): string {
  const query = new URLSearchParams(entry.query).toString();
  const outcome =
    entry.status === undefined
      ? `no answer (${entry.fault})`
      : `${entry.status}${entry.errorCode ? ` ${entry.errorCode}` : ''}`;
  const fault = entry.fault && entry.status !== undefined ? ` [fault: ${entry.fault}]` : '';
  return `${entry.timestamp} ${entry.method} ${entry.path}${query ? `?${query}` : ''} (${entry.auth}) -> ${outcome}${fault}\n`;
}

/** The projects list needs version 2023-01-01, a project's cluster list 2024-08-05. */
function tryMediaType(projectId: string | undefined): string {
  return `application/vnd.atlas.${projectId === undefined ? '2023-01-01' : '2024-08-05'}+json`;
}

function banner(url: string, preset: PresetName): string {
  const details = atlasPreset(preset);
  const first = details.targets[0]?.projectId;
  const projectId = first === undefined || first === '*' ? undefined : first;
  return [
    `Atlas simulator listening on ${url}  (preset: ${preset})`,
    `  ${details.description}`,
    '',
    `  ATLAS_BASE_URL=${url}`,
    `  ATLAS_TARGETS='${JSON.stringify(details.targets)}'`,
    `  service account: clientId=${DEMO_SERVICE_ACCOUNT.clientId} clientSecret=${DEMO_SERVICE_ACCOUNT.clientSecret}`,
    `  API key (Digest): publicKey=${DEMO_API_KEY.publicKey} privateKey=${DEMO_API_KEY.privateKey}`,
    '  (demo credentials, valid only against this simulator)',
    '',
    `  try: curl -s -u '${DEMO_SERVICE_ACCOUNT.clientId}:${DEMO_SERVICE_ACCOUNT.clientSecret}' -d grant_type=client_credentials ${url}/api/oauth/token`,
    `       curl -s --digest -u '${DEMO_API_KEY.publicKey}:${DEMO_API_KEY.privateKey}' -H 'Accept: ${tryMediaType(projectId)}' \\`,
    `            ${url}/api/atlas/v2/groups${projectId === undefined ? '' : `/${projectId}/clusters`}`,
    '',
  ].join('\n');
}

function listPresets(): string {
  return PRESET_NAMES.map((name) => `  ${name.padEnd(16)} ${atlasPreset(name).description}`).join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCli>;
  let options: AtlasSimulatorOptions;
  try {
    parsed = parseCli(argv);
    options = simulatorOptions(parsed.values, Date.now());
  } catch (error: unknown) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (parsed.values.help || parsed.values['list-presets']) {
    process.stdout.write(parsed.values.help ? HELP : listPresets());
    return 0;
  }
  const quiet = parsed.values.quiet;
  const sim = await startAtlasSimulator({
    ...presetOptions(parsed.preset, options),
    ...(quiet ? {} : { onRequest: (entry: RequestLogEntry) => process.stdout.write(formatEntry(entry)) }),
  });
  process.stdout.write(banner(sim.url, parsed.preset));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
