/**
 * Starts a seeded Atlas simulator from the command line:
 *   npx tsx local/atlas-sim/cli.ts [--preset default] [--port 0] [--latency-ms 50] [--rate-limit 10/2] ...
 * Prints its URL, the demo credentials and targets, then one line per request until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import type { RateLimitOptions } from './rate-limit';
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

const HELP = `Atlas Admin API simulator (loopback only)

Usage: npx tsx local/atlas-sim/cli.ts [options]

  --preset NAME              scenario to seed (default: default); --list-presets shows them
  --port N                   port to listen on (default: 0 = any free port)
  --host ADDRESS             address to bind (default: 127.0.0.1)
  --latency-ms N             delay added to every answer (default: 0)
  --rate-limit CAP/REFILL[/SCOPE]
                             Admin API token bucket: CAP requests, REFILL per second,
                             SCOPE project|credential|global (default project); e.g. 10/2
  --token-rate-limit CAP/REFILL
                             token endpoint limit per client and IP (Atlas: 50/0.833)
  --token-expires-in S       expires_in of access tokens (default: 3600)
  --queued-seconds S         time a new snapshot stays queued (default: 30)
  --in-progress-seconds S    then time it stays inProgress (default: 120)
  --quiet                    don't print one line per request
  --list-presets             print the presets and exit
  --help                     print this help and exit
`;

class UsageError extends Error {}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new UsageError(`--${name} must be a number >= 0, got "${value}"`);
  return parsed;
}

export function parseRateLimit(value: string | undefined, name = 'rate-limit'): RateLimitOptions | undefined {
  if (value === undefined) return undefined;
  const [capacity, refill, scope] = value.split('/');
  const limit: RateLimitOptions = { capacity: Number(capacity), refillPerSecond: Number(refill) };
  if (!(limit.capacity >= 1) || !(limit.refillPerSecond > 0)) {
    throw new UsageError(`--${name} must look like CAPACITY/REFILL_PER_SECOND (e.g. 10/2), got "${value}"`);
  }
  if (scope !== undefined) {
    if (scope !== 'project' && scope !== 'credential' && scope !== 'global') {
      throw new UsageError(`--${name} scope must be project, credential or global, got "${scope}"`);
    }
    limit.scope = scope;
  }
  return limit;
}

function parseCli(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      preset: { type: 'string', default: 'default' },
      port: { type: 'string' },
      host: { type: 'string' },
      'latency-ms': { type: 'string' },
      'rate-limit': { type: 'string' },
      'token-rate-limit': { type: 'string' },
      'token-expires-in': { type: 'string' },
      'queued-seconds': { type: 'string' },
      'in-progress-seconds': { type: 'string' },
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

function simulatorOptions(values: ReturnType<typeof parseCli>['values']): AtlasSimulatorOptions {
  const queued = numberOption(values['queued-seconds'], 'queued-seconds');
  const inProgress = numberOption(values['in-progress-seconds'], 'in-progress-seconds');
  const snapshotTiming = {
    ...(queued === undefined ? {} : { queuedMs: queued * 1000 }),
    ...(inProgress === undefined ? {} : { inProgressMs: inProgress * 1000 }),
  };
  const port = numberOption(values.port, 'port');
  const latencyMs = numberOption(values['latency-ms'], 'latency-ms');
  const rateLimit = parseRateLimit(values['rate-limit']);
  const tokenRateLimit = parseRateLimit(values['token-rate-limit'], 'token-rate-limit');
  const tokenExpiresInSeconds = numberOption(values['token-expires-in'], 'token-expires-in');
  return {
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    ...(tokenRateLimit !== undefined ? { tokenRateLimit } : {}),
    ...(tokenExpiresInSeconds !== undefined ? { tokenExpiresInSeconds } : {}),
    ...(Object.keys(snapshotTiming).length > 0 ? { snapshotTiming } : {}),
  };
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

function banner(url: string, preset: PresetName): string {
  const details = atlasPreset(preset);
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
    `       curl -s --digest -u '${DEMO_API_KEY.publicKey}:${DEMO_API_KEY.privateKey}' -H 'Accept: application/vnd.atlas.2024-08-05+json' \\`,
    `            ${url}/api/atlas/v2/groups/${details.targets[0]?.projectId}/clusters`,
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
    options = simulatorOptions(parsed.values);
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
