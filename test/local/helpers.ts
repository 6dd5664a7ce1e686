/**
 * Plain-HTTP helpers for the simulator tests: requests are made with fetch (or node:http where
 * the connection itself matters), and Digest is answered with the simulator's client helper.
 */
import {
  type AtlasSimulator,
  type AtlasSimulatorOptions,
  DEMO_API_KEY,
  DEMO_PROJECT_ID,
  DEMO_SERVICE_ACCOUNT,
  ManualClock,
  buildDigestAuthorization,
  startAtlasSimulator,
} from '../../local/atlas-sim';

export const CLUSTERS_V = 'application/vnd.atlas.2024-08-05+json';
export const SNAPSHOTS_V = 'application/vnd.atlas.2023-01-01+json';
export const PROJECT = DEMO_PROJECT_ID;

export const clusterPath = (cluster?: string, projectId: string = PROJECT): string =>
  `/api/atlas/v2/groups/${projectId}/clusters${cluster === undefined ? '' : `/${cluster}`}`;
export const snapshotsPath = (cluster: string, projectId: string = PROJECT): string =>
  `${clusterPath(cluster, projectId)}/backup/snapshots`;

export interface Reply {
  status: number;
  headers: Headers;
  // Tests read arbitrary fields of the JSON answers.
  json: any;
  text: string;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Starts a simulator on a ManualClock with the demo credentials and one project. */
export async function startTestSimulator(
  options: AtlasSimulatorOptions = {},
): Promise<AtlasSimulator & { manual: ManualClock }> {
  const manual = options.clock instanceof ManualClock ? options.clock : new ManualClock();
  const sim = await startAtlasSimulator({
    seed: {
      serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT }],
      apiKeys: [{ ...DEMO_API_KEY }],
      projects: [{ id: PROJECT, clusters: [{ name: 'Cluster0' }] }],
    },
    ...options,
    clock: manual,
  });
  return Object.assign(sim, { manual });
}

export async function requestToken(
  sim: AtlasSimulator,
  clientId: string = DEMO_SERVICE_ACCOUNT.clientId,
  clientSecret: string = DEMO_SERVICE_ACCOUNT.clientSecret,
): Promise<Reply> {
  return reply(
    await fetch(`${sim.url}/api/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
    }),
  );
}

export async function bearerToken(sim: AtlasSimulator): Promise<string> {
  const answer = await requestToken(sim);
  if (answer.status !== 200) throw new Error(`token request failed: ${answer.status}`);
  return answer.json.access_token as string;
}

export interface CallOptions {
  method?: string;
  accept?: string | null;
  /** Undefined (or absent): no Authorization header. */
  authorization?: string | undefined;
  body?: unknown;
  contentType?: string | undefined;
}

/** One request to the simulator; `accept: null` sends no Atlas media type. */
export async function call(sim: AtlasSimulator, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.accept !== null) headers.Accept = options.accept ?? SNAPSHOTS_V;
  if (options.authorization) headers.Authorization = options.authorization;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] = options.contentType ?? SNAPSHOTS_V;
  }
  return reply(
    await fetch(`${sim.url}${path}`, {
      method: options.method ?? 'GET',
      headers,
      ...(body !== undefined ? { body } : {}),
    }),
  );
}

export async function bearerCall(sim: AtlasSimulator, path: string, options: CallOptions = {}): Promise<Reply> {
  return call(sim, path, { ...options, authorization: `Bearer ${await bearerToken(sim)}` });
}

export interface DigestKey {
  publicKey: string;
  privateKey: string;
}

/** Challenge round trip then the authenticated request, as a Digest client does. */
export async function digestCall(
  sim: AtlasSimulator,
  path: string,
  options: CallOptions = {},
  key: DigestKey = DEMO_API_KEY,
): Promise<Reply> {
  const challenge = await call(sim, path, { ...options, authorization: undefined });
  const header = challenge.headers.get('www-authenticate');
  if (challenge.status !== 401 || !header) throw new Error(`expected a Digest challenge, got ${challenge.status}`);
  const authorization = buildDigestAuthorization({
    username: key.publicKey,
    password: key.privateKey,
    method: options.method ?? 'GET',
    uri: path,
    challenge: header,
  });
  return call(sim, path, { ...options, authorization });
}

/** Where a `{ href, rel }` link list points for `rel`. */
export function linkOf(body: { links?: Array<{ href: string; rel: string }> }, rel: string): string | undefined {
  return body.links?.find((link) => link.rel === rel)?.href;
}
