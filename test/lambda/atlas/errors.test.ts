/** Atlas errors: Atlas's codes verbatim, answers that are not the promised document. */
import { Codes } from '../../../lambda/snapshot/codes';
import { AtlasApiError } from '../../../lambda/snapshot/errors';
import { atlasErrorReply } from '../../support/loopback-server';
import { PROJECT, serve, fakeAtlas, newIssuer, clientFor, apiRequests, ok } from './helpers';

describe('Atlas errors', () => {
  it('passes 404 CLUSTER_NOT_FOUND through with its HTTP status, without retrying', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        atlasErrorReply(404, 'CLUSTER_NOT_FOUND', 'No cluster named Nope exists in group x.'),
      ),
    );
    const { client, sleeps } = clientFor(server);

    const error = await client.getCluster(PROJECT, 'Nope').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({
      code: 'CLUSTER_NOT_FOUND',
      httpStatus: 404,
      message: 'No cluster named Nope exists in group x.',
    });
    expect(apiRequests(server)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('takes the code of a non-JSON error from X-Error-Code, else UNEXPECTED_ERROR', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) =>
        r.path.endsWith('/A')
          ? { status: 403, headers: { 'x-error-code': 'IP_ADDRESS_NOT_ON_ACCESS_LIST' }, text: '<html>denied</html>' }
          : { status: 418, text: 'teapot' },
      ),
    );
    const { client } = clientFor(server);

    await expect(client.getCluster(PROJECT, 'A')).rejects.toMatchObject({
      code: 'IP_ADDRESS_NOT_ON_ACCESS_LIST',
      httpStatus: 403,
    });
    await expect(client.getCluster(PROJECT, 'B')).rejects.toMatchObject({
      code: Codes.UNEXPECTED_ERROR,
      httpStatus: 418,
    });
  });

  it('reports a 2xx answer that is not JSON as ATLAS_INVALID_RESPONSE', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ({ status: 200, text: '{"name": "Clus' })));
    const { client } = clientFor(server);

    await expect(client.getCluster(PROJECT, 'Cluster0')).rejects.toMatchObject({
      code: Codes.ATLAS_INVALID_RESPONSE,
      httpStatus: 200,
    });
  });

  it('reports a 2xx JSON answer of the wrong shape as ATLAS_INVALID_RESPONSE', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok({ results: 'nope' })));
    const { client } = clientFor(server);

    await expect(client.listSnapshots(PROJECT, 'Cluster0', false)).rejects.toMatchObject({
      code: Codes.ATLAS_INVALID_RESPONSE,
    });
    await expect(client.getCluster(PROJECT, 'Cluster0')).rejects.toMatchObject({ code: Codes.ATLAS_INVALID_RESPONSE });
  });

  it('bounds a hostile error document: a 1 MB detail, a long code, control characters', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        atlasErrorReply(400, `CODE_${'X'.repeat(500)}`, `first line\nsecond line ${'d'.repeat(1_000_000)}`),
      ),
    );
    const { client, logger } = clientFor(server);

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    const { code, message } = error as AtlasApiError;
    expect(code.length).toBeLessThan(150);
    expect(message.length).toBeLessThan(2_100);
    expect(message).toMatch(/^first line second line d+\.\.\. \(\d+ more characters\)$/);
    expect(Math.max(...logger.lines.map((l) => l.length))).toBeLessThan(4_000);
  });
});
