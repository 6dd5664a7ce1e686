/** No credential form in any log line, error or returned document, even from a server that echoes them. */
import { createScrubber, scrubbingLogger } from '../../../lambda/snapshot/atlas/scrub';
import { Codes } from '../../../lambda/snapshot/codes';
import { CodedError } from '../../../lambda/snapshot/errors';
import { atlasErrorReply, DigestServer, type RecordedRequest } from '../../support/loopback-server';
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
  exposeError,
  fakeAtlas,
} from './helpers';

describe('secrets', () => {
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

describe('credential scrubbing by construction', () => {
  /** Every header the server got, as text (what an echoing server puts into its answers). */
  const echo = (request: RecordedRequest): string => JSON.stringify(request.headers);
  const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');

  /** The Digest values the client sent: response, nonce and cnonce of every Authorization header. */
  function digestValues(requests: RecordedRequest[]): string[] {
    return requests.flatMap((r) =>
      [...(r.headers.authorization ?? '').matchAll(/\b(?:response|nonce|cnonce)="([^"]+)"/g)].map((m) => m[1] ?? ''),
    );
  }

  function expectNone(secrets: string[], everything: string): void {
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  }

  it('keeps the client secret and the Basic value out of a token endpoint refusal that echoes the request', async () => {
    const server = await serve((request) =>
      request.path === TOKEN_PATH
        ? { status: 401, json: { error: 'invalid_client', error_description: `refused ${echo(request)}` } }
        : ok(cluster('x')),
    );
    const { client, logger } = clientFor(server);

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: Codes.ATLAS_AUTH_FAILED, httpStatus: 401 });
    expect((error as Error).message).toContain('[REDACTED]');
    expectNone([CLIENT_SECRET, basic], [exposeError(error), ...logger.lines].join('\n'));
  });

  it('scrubs a token endpoint that fails with echoes until the attempts run out', async () => {
    const server = await serve((request) =>
      request.path === TOKEN_PATH
        ? {
            status: 503,
            headers: { 'x-error-code': `E ${basic}` },
            json: { error: echo(request), detail: echo(request) },
          }
        : ok(cluster('x')),
    );
    const { client, logger } = clientFor(server, { maxAttempts: 2 });

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toMatchObject({ httpStatus: 503 });
    expect(logger.lines.some((l) => l.includes('retrying Atlas request'))).toBe(true);
    expectNone([CLIENT_SECRET, basic], [exposeError(error), ...logger.lines].join('\n'));
  });

  it('keeps bearer tokens out of errors, logs and returned documents of an API that echoes them', async () => {
    const issuer = newIssuer();
    const server = await serve(
      fakeAtlas({ issuer }, (request) => {
        const name = request.path.split('/').pop();
        if (name === 'echo-ok') return ok({ ...cluster(echo(request)), description: request.headers.authorization });
        if (name === 'echo-retry') {
          return request.method === 'GET' && apiRetries++ === 0
            ? { status: 503, headers: { 'x-error-code': echo(request) }, json: { detail: echo(request) } }
            : atlasErrorReply(400, 'INVALID_ATTRIBUTE', `bad ${echo(request)}`, { 'x-error-code': 'X' });
        }
        return { status: 418, headers: { 'x-error-code': request.headers.authorization ?? '' }, text: 'no' };
      }),
    );
    let apiRetries = 0;
    const { client, logger } = clientFor(server);

    const returned = await client.getCluster(PROJECT, 'echo-ok');
    const errors = [
      await client.getCluster(PROJECT, 'echo-retry').catch((e: unknown) => e),
      await client.getCluster(PROJECT, 'teapot').catch((e: unknown) => e),
    ];

    expect(returned.name).toContain('[REDACTED]');
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(['INVALID_ATTRIBUTE', 'Bearer [REDACTED]']);
    const everything = [JSON.stringify(returned), ...errors.map(exposeError), ...logger.lines].join('\n');
    expectNone([CLIENT_SECRET, basic, ...issuer.issued], everything);
  });

  it('keeps the Digest response, nonce and cnonce out of errors, logs and returned documents', async () => {
    const digest = new DigestServer({ users: { [PUBLIC_KEY]: PRIVATE_KEY } });
    const server = await serve(
      fakeAtlas({ digest }, (request) =>
        request.path.endsWith('/echo-ok')
          ? ok({ ...cluster('x'), description: request.headers.authorization })
          : atlasErrorReply(400, 'INVALID_ATTRIBUTE', `bad ${echo(request)}`),
      ),
    );
    const { client, logger } = clientFor(server, { credentials: API_KEY });

    const returned = await client.getCluster(PROJECT, 'echo-ok');
    const error = await client.getCluster(PROJECT, 'echo-error').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'INVALID_ATTRIBUTE', httpStatus: 400 });
    expect(JSON.stringify(returned)).toContain('response=\\"[REDACTED]\\"');
    const everything = [JSON.stringify(returned), exposeError(error), ...logger.lines].join('\n');
    expectNone([PRIVATE_KEY, ...digestValues(server.requests)], everything);
  });

  it('hands the caller a logger line with every credential form scrubbed, whatever field carries it', () => {
    const lines: string[] = [];
    const scrub = createScrubber(['s3cr3t-value']);
    const logger = scrubbingLogger(recordingLogger(lines), scrub).child({ note: 'child s3cr3t-value' });

    logger.warn('message s3cr3t-value', { field: 'x s3cr3t-value y', count: 3 });

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('s3cr3t-value');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ count: 3, field: 'x [REDACTED] y', note: 'child [REDACTED]' });
  });
});
