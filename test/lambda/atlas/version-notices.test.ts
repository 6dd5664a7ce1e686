/** Version notices: Deprecation/Sunset headers -> one WARN line and one warning per notice per client; 410 VERSION_GONE. */
import { AtlasCodes } from '../../../lambda/snapshot/codes';
import { AtlasApiError } from '../../../lambda/snapshot/errors';
import { LogEvents } from '../../../lambda/snapshot/log-events';
import { atlasErrorReply, type Reply } from '../../support/loopback-server';
import {
  apiRequests,
  clientFor,
  cluster,
  fakeAtlas,
  GROUP,
  newIssuer,
  ok,
  PROJECT,
  recordingLogger,
  serve,
  snapshot,
  TOKEN_PATH,
} from './helpers';

const DEPRECATED = { deprecation: '@1782864000', sunset: 'Thu, 01 Jul 2027 00:00:00 GMT' };
const withHeaders = (reply: Reply, headers: Record<string, string>): Reply => ({
  ...reply,
  headers: { ...('headers' in reply ? reply.headers : {}), ...headers },
});

function noticeLines(lines: string[]): Array<Record<string, unknown>> {
  return lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.message === LogEvents.atlasVersionNotice);
}

describe('version notices', () => {
  it('turns Deprecation and Sunset headers into one warning and one WARN line', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => withHeaders(ok(cluster('Cluster0')), DEPRECATED)),
    );
    const notices: string[] = [];
    const { client, logger } = clientFor(server, { onNotice: (text) => notices.push(text) });

    const result = await client.getCluster(PROJECT, 'Cluster0');

    expect(result.name).toBe('Cluster0');
    expect(notices).toEqual([
      'Atlas API version 2024-08-05 (clusters) is deprecated (Deprecation: @1782864000); sunset 2027-07-01: ' +
        'upgrade atlas-snapshot-scheduler',
    ]);
    expect(noticeLines(logger.lines)).toEqual([
      expect.objectContaining({
        level: 'warn',
        path: `${GROUP}/clusters/Cluster0`,
        mediaType: 'application/vnd.atlas.2024-08-05+json',
        version: '2024-08-05',
        resource: 'clusters',
        deprecation: '@1782864000',
        sunset: 'Thu, 01 Jul 2027 00:00:00 GMT',
      }),
    ]);
  });

  it('reports the same notice once per client, and again for another client', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => withHeaders(ok(cluster('Cluster0')), DEPRECATED)),
    );
    const notices: string[] = [];
    const lines: string[] = [];
    const harness = () => clientFor(server, { onNotice: (text) => notices.push(text), logger: recordingLogger(lines) });
    const first = harness().client;

    await first.getCluster(PROJECT, 'Cluster0');
    await first.getCluster(PROJECT, 'Cluster0');
    await first.getCluster(PROJECT, 'Cluster0');
    await harness().client.getCluster(PROJECT, 'Cluster0');

    expect(notices).toHaveLength(2);
    expect(noticeLines(lines)).toHaveLength(2);
  });

  it('reports each distinct version and header value once', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) =>
        r.path.endsWith('/snapshots')
          ? withHeaders(ok({ results: [snapshot(1)] }), { sunset: 'Fri, 01 Jan 2027 00:00:00 GMT' })
          : withHeaders(ok(cluster('Cluster0')), DEPRECATED),
      ),
    );
    const notices: string[] = [];
    const { client } = clientFor(server, { onNotice: (text) => notices.push(text) });

    await client.getCluster(PROJECT, 'Cluster0');
    await client.listSnapshots(PROJECT, 'Cluster0', false);
    await client.listSnapshots(PROJECT, 'Cluster0', false);

    expect(notices).toEqual([
      expect.stringContaining('version 2024-08-05 (clusters)'),
      'Atlas API version 2023-01-01 (cloud backup snapshots) will be sunset on 2027-01-01: upgrade atlas-snapshot-scheduler',
    ]);
  });

  it('notices the headers on an error answer too, and keeps the error', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        withHeaders(atlasErrorReply(404, 'CLUSTER_NOT_FOUND', 'No cluster named Nope.'), { deprecation: 'true' }),
      ),
    );
    const notices: string[] = [];
    const { client } = clientFor(server, { onNotice: (text) => notices.push(text) });

    await expect(client.getCluster(PROJECT, 'Nope')).rejects.toMatchObject({ code: 'CLUSTER_NOT_FOUND' });
    expect(notices).toEqual([
      'Atlas API version 2024-08-05 (clusters) is deprecated (Deprecation: true): upgrade atlas-snapshot-scheduler',
    ]);
  });

  it('names the token endpoint when the notice comes from there', async () => {
    const issuer = newIssuer();
    const server = await serve((r) =>
      r.path === TOKEN_PATH
        ? withHeaders(issuer.token(r), { deprecation: '@1782864000' })
        : (issuer.check(r) ?? ok(cluster('Cluster0'))),
    );
    const notices: string[] = [];
    const { client } = clientFor(server, { onNotice: (text) => notices.push(text) });

    await client.getCluster(PROJECT, 'Cluster0');

    expect(notices).toEqual([
      'Atlas API (token endpoint) is deprecated (Deprecation: @1782864000): upgrade atlas-snapshot-scheduler',
    ]);
  });

  it('keeps a sunset value that is not a date as sent, clipped, and scrubbed of credentials', async () => {
    const issuer = newIssuer();
    const server = await serve(
      fakeAtlas({ issuer }, (r) =>
        withHeaders(ok(cluster('Cluster0')), {
          deprecation: `${r.headers.authorization ?? ''} ${'x'.repeat(300)}`,
          sunset: 'whenever',
        }),
      ),
    );
    const notices: string[] = [];
    const { client, logger } = clientFor(server, { onNotice: (text) => notices.push(text) });

    await client.getCluster(PROJECT, 'Cluster0');

    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('Bearer [REDACTED] xxx');
    expect(notices[0]).toContain('more characters)');
    expect(notices[0]).toContain('; sunset whenever: upgrade');
    expect(notices[0]?.length).toBeLessThan(400);
    expect([...notices, ...logger.lines].join('\n')).not.toContain(issuer.issued[0]);
  });

  it('gives no notice for an answer without the headers', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(cluster('Cluster0'))));
    const notices: string[] = [];
    const { client, logger } = clientFor(server, { onNotice: (text) => notices.push(text) });

    await client.getCluster(PROJECT, 'Cluster0');

    expect(notices).toEqual([]);
    expect(noticeLines(logger.lines)).toEqual([]);
  });

  it('keeps 410 VERSION_GONE as the code of a sunset version, without retrying', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        atlasErrorReply(410, AtlasCodes.VERSION_GONE, 'The requested API version has been removed.'),
      ),
    );
    const { client, sleeps } = clientFor(server);

    const error = await client.getCluster(PROJECT, 'Cluster0').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({ code: AtlasCodes.VERSION_GONE, httpStatus: 410 });
    expect(apiRequests(server)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});
