/** No credential form in any log line or error. */
import { CodedError } from '../../../lambda/snapshot/errors';
import { atlasErrorReply, DigestServer } from '../../support/loopback-server';
import type { AtlasCredentials } from '../../../lambda/snapshot/types';
import {
  PROJECT,
  TOKEN_PATH,
  CLIENT_ID,
  CLIENT_SECRET,
  PUBLIC_KEY,
  PRIVATE_KEY,
  SERVICE_ACCOUNT,
  API_KEY,
  cluster,
  snapshot,
  serve,
  newIssuer,
  recordingLogger,
  clientFor,
  ok,
} from './helpers';

describe('secrets', () => {
  /** Everything about an error that could end up in a log or a notification. */
  function exposeError(e: unknown): string {
    const seen = new WeakSet<object>();
    const walk = (value: unknown, depth: number): unknown => {
      if (typeof value !== 'object' || value === null) return value;
      if (seen.has(value) || depth > 6) return '[seen]';
      seen.add(value);
      const out: Record<string, unknown> = {};
      for (const key of Object.getOwnPropertyNames(value))
        out[key] = walk((value as Record<string, unknown>)[key], depth + 1);
      return out;
    };
    return `${String(e)}\n${e instanceof Error ? e.stack : ''}\n${JSON.stringify(walk(e, 0))}`;
  }

  it('keeps the client secret, private key and bearer tokens out of every log line and error', async () => {
    const issuer = newIssuer();
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: 'another-key' } });
    const server = await serve(async (request) => {
      const mode = request.path.split('/')[7]; // /api/atlas/v2/groups/{id}/clusters/{mode}
      if (mode === 'digest') return digest.check(request) ?? ok(cluster('x'));
      if (request.path === TOKEN_PATH) return issuer.token(request);
      const refusal = issuer.check(request);
      if (refusal) return refusal;
      const token = request.headers.authorization ?? '';
      switch (mode) {
        // A server that echoes what it got: the client must still not repeat it.
        case 'echo':
          return atlasErrorReply(400, 'INVALID_ATTRIBUTE', `bad request with ${token} and ${CLIENT_SECRET}`);
        case 'fail':
          return atlasErrorReply(500, 'UNEXPECTED_ERROR', `boom ${token}`);
        case 'hang':
          return { hang: true };
        case 'drop':
          return { destroy: true };
        default:
          return ok(request.method === 'POST' ? snapshot(1) : cluster('x'));
      }
    });
    const logger = recordingLogger();
    const errors: unknown[] = [];
    const run = async (credentials: AtlasCredentials, clusterName: string, post = false) => {
      const { client } = clientFor(server, { credentials, logger, requestTimeoutMs: 50, maxAttempts: 2 });
      await (
        post
          ? client.takeSnapshot(PROJECT, clusterName, { description: 'd', retentionInDays: 1 })
          : client.getCluster(PROJECT, clusterName)
      ).catch((e: unknown) => errors.push(e));
    };

    for (const mode of ['ok', 'echo', 'fail', 'hang', 'drop']) {
      await run(SERVICE_ACCOUNT, mode);
      await run(SERVICE_ACCOUNT, mode, true);
    }
    await run(API_KEY, 'digest');
    await run({ kind: 'serviceAccount', clientId: CLIENT_ID, clientSecret: `${CLIENT_SECRET}-wrong` }, 'ok');

    const tokens = issuer.issued;
    expect(tokens.length).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThanOrEqual(9);
    expect(logger.lines.length).toBeGreaterThan(10);
    const everything = [...logger.lines, ...errors.map(exposeError)].join('\n');
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    for (const secret of [CLIENT_SECRET, PRIVATE_KEY, ...tokens, basic, 'response=']) {
      expect(everything).not.toContain(secret);
    }
    for (const e of errors) {
      expect(e).toBeInstanceOf(CodedError);
      expect(e).not.toHaveProperty('config');
      expect((e as Error).cause).toBeUndefined();
    }
  });
});
