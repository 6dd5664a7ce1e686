/** Take snapshot is not repeated blindly: what is ambiguous and what is safe to resend. */
import { Codes } from '../../../lambda/snapshot/codes';
import { AmbiguousRequestError } from '../../../lambda/snapshot/errors';
import { atlasErrorReply } from '../../support/loopback-server';
import {
  PROJECT,
  API_KEY,
  snapshot,
  serve,
  fakeAtlas,
  newIssuer,
  clientFor,
  apiRequests,
  sequence,
  ok,
} from './helpers';

describe('take snapshot is not repeated blindly', () => {
  const body = { description: 'nightly', retentionInDays: 7 };

  it('throws AmbiguousRequestError after a 503 and sends exactly one POST', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => atlasErrorReply(503, 'UNEXPECTED_ERROR', 'Service unavailable')),
    );
    const { client, sleeps } = clientFor(server);

    const error = await client.takeSnapshot(PROJECT, 'Cluster0', body).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AmbiguousRequestError);
    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE, httpStatus: 503 });
    expect(apiRequests(server).filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('throws AmbiguousRequestError for a 200 whose body is unreadable (the snapshot probably exists)', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ status: 200, text: '{"id": ' })));
    const { client } = clientFor(server);

    const error = await client.takeSnapshot(PROJECT, 'Cluster0', body).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AmbiguousRequestError);
    expect((error as Error).message).toContain('the take-snapshot answer was unreadable');
    expect(apiRequests(server).filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('throws AmbiguousRequestError after a timeout and sends exactly one POST', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ hang: true })));
    const { client } = clientFor(server, { requestTimeoutMs: 50 });

    await expect(client.takeSnapshot(PROJECT, 'Cluster0', body)).rejects.toBeInstanceOf(AmbiguousRequestError);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('throws AmbiguousRequestError after a dropped connection and sends exactly one POST', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ destroy: true })));
    const { client } = clientFor(server);

    await expect(client.takeSnapshot(PROJECT, 'Cluster0', body)).rejects.toBeInstanceOf(AmbiguousRequestError);
    expect(apiRequests(server)).toHaveLength(1);
  });

  it('retries after a 429 (Atlas did not process it)', async () => {
    const server = await serve(
      fakeAtlas(
        { issuer: newIssuer() },
        sequence(
          atlasErrorReply(429, 'RATE_LIMITED_TOKEN_BUCKET', 'Too many requests'),
          ok({ ...snapshot(9), status: 'queued' }),
        ),
      ),
    );
    const { client, sleeps } = clientFor(server);

    const result = await client.takeSnapshot(PROJECT, 'Cluster0', body);

    expect(result.id).toBe(snapshot(9).id);
    expect(apiRequests(server).filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('retries a refused connection (nothing was sent), never as ambiguous', async () => {
    const server = await serve(() => ok({}));
    await server.close();
    const { client, sleeps } = clientFor(server, { credentials: API_KEY, maxAttempts: 2 });

    const error = await client.takeSnapshot(PROJECT, 'Cluster0', body).catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(AmbiguousRequestError);
    expect(error).toMatchObject({ code: Codes.ATLAS_UNREACHABLE });
    expect(sleeps).toHaveLength(1);
  });

  it('passes UNFINISHED_ON_DEMAND_SNAPSHOT through for the core to handle', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        atlasErrorReply(400, 'UNFINISHED_ON_DEMAND_SNAPSHOT', 'An on-demand snapshot is in progress.'),
      ),
    );
    const { client } = clientFor(server);

    await expect(client.takeSnapshot(PROJECT, 'Cluster0', body)).rejects.toMatchObject({
      code: 'UNFINISHED_ON_DEMAND_SNAPSHOT',
      httpStatus: 400,
    });
    expect(apiRequests(server)).toHaveLength(1);
  });
});
