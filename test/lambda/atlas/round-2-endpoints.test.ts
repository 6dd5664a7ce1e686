/** The round-2 endpoints: projects, one snapshot, the retention PATCH; what goes over the wire. */
import { GROUPS_MEDIA_TYPE, SNAPSHOTS_MEDIA_TYPE } from '../../../lambda/snapshot/atlas';
import { AtlasCodes, Codes } from '../../../lambda/snapshot/codes';
import { AtlasApiError } from '../../../lambda/snapshot/errors';
import { atlasErrorReply } from '../../support/loopback-server';
import { apiRequests, clientFor, fakeAtlas, GROUP, newIssuer, ok, PROJECT, sequence, serve, snapshot } from './helpers';

const project = (n: number) => ({ id: n.toString(16).padStart(24, '0'), name: `project-${n}`, orgId: 'o'.repeat(24) });
const SNAPSHOTS = `${GROUP}/clusters/Cluster0/backup/snapshots`;

describe('listProjects', () => {
  it('reads GET /api/atlas/v2/groups with the 2023-01-01 media type, 500 a page', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () => ok({ results: [project(1), project(2)], totalCount: 2 })),
    );
    const { client } = clientFor(server);

    const result = await client.listProjects();

    expect(result).toEqual([project(1), project(2)]);
    const [request] = apiRequests(server);
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/api/atlas/v2/groups?itemsPerPage=500&pageNum=1');
    expect(request?.headers.accept).toBe(GROUPS_MEDIA_TYPE);
    expect(request?.headers['content-type']).toBeUndefined();
  });

  it('reads every page of projects', async () => {
    const all = Array.from({ length: 1200 }, (_, i) => project(i));
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, (r) => {
        const page = Number(r.query.get('pageNum'));
        return ok({ results: all.slice((page - 1) * 500, page * 500), totalCount: all.length });
      }),
    );
    const { client } = clientFor(server);

    const result = await client.listProjects();

    expect(result.map((p) => p.id)).toEqual(all.map((p) => p.id));
    expect(apiRequests(server).map((r) => r.query.get('pageNum'))).toEqual(['1', '2', '3']);
  });

  it('refuses a project without an id as ATLAS_INVALID_RESPONSE', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok({ results: [{ name: 'no id' }] })));
    const { client } = clientFor(server);

    await expect(client.listProjects()).rejects.toMatchObject({ code: Codes.ATLAS_INVALID_RESPONSE });
  });
});

describe('getSnapshot', () => {
  const completed = {
    ...snapshot(7),
    createdAt: '2026-12-01T02:03:04Z',
    expiresAt: '2026-12-08T02:05:00Z',
    storageSizeBytes: 1582854144,
  };

  it('reads a replica-set snapshot from .../backup/snapshots/{id}', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(completed)));
    const { client } = clientFor(server);

    const result = await client.getSnapshot(PROJECT, 'Cluster0', completed.id, false);

    expect(result).toEqual(completed);
    const [request] = apiRequests(server);
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(`${SNAPSHOTS}/${completed.id}`);
    expect(request?.headers.accept).toBe(SNAPSHOTS_MEDIA_TYPE);
  });

  it('reads a sharded snapshot from .../backup/snapshots/shardedCluster/{id} (singular)', async () => {
    const sharded = { ...completed, type: 'shardedCluster', members: [], snapshotIds: [] };
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(sharded)));
    const { client } = clientFor(server);

    const result = await client.getSnapshot(PROJECT, 'Shard0', sharded.id, true);

    expect(result).toEqual(sharded);
    expect(apiRequests(server)[0]?.url).toBe(`${GROUP}/clusters/Shard0/backup/snapshots/shardedCluster/${sharded.id}`);
    expect(apiRequests(server)[0]?.headers.accept).toBe(SNAPSHOTS_MEDIA_TYPE);
  });

  it('URL-encodes the snapshot id', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(completed)));
    const { client } = clientFor(server);

    await client.getSnapshot(PROJECT, 'Cluster0', '../x y', false);

    expect(apiRequests(server)[0]?.url).toBe(`${SNAPSHOTS}/..%2Fx%20y`);
  });

  it('passes 404 SNAPSHOT_NOT_FOUND through, without retrying', async () => {
    const server = await serve(
      fakeAtlas({ issuer: newIssuer() }, () =>
        atlasErrorReply(404, AtlasCodes.SNAPSHOT_NOT_FOUND, 'No snapshot with ID x.'),
      ),
    );
    const { client, sleeps } = clientFor(server);

    const error = await client.getSnapshot(PROJECT, 'Cluster0', completed.id, false).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AtlasApiError);
    expect(error).toMatchObject({ code: AtlasCodes.SNAPSHOT_NOT_FOUND, httpStatus: 404 });
    expect(apiRequests(server)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });
});

describe('setSnapshotRetention', () => {
  const promoted = { ...snapshot(7), status: 'completed', expiresAt: '2027-12-01T02:05:00Z' };

  it('PATCHes .../backup/snapshots/{id} with exactly the retention body and the snapshot media type', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(promoted)));
    const { client } = clientFor(server);

    const result = await client.setSnapshotRetention(PROJECT, 'Cluster0', promoted.id, {
      retentionUnit: 'YEARS',
      retentionValue: 1,
    });

    expect(result).toEqual(promoted);
    const [request] = apiRequests(server);
    expect(request?.method).toBe('PATCH');
    expect(request?.url).toBe(`${SNAPSHOTS}/${promoted.id}`);
    expect(request?.headers['content-type']).toBe(SNAPSHOTS_MEDIA_TYPE);
    expect(request?.headers.accept).toBe(SNAPSHOTS_MEDIA_TYPE);
    expect(request?.body).toBe('{"retentionUnit":"YEARS","retentionValue":1}');
  });

  it('sends only the two fields, whatever else the object carries', async () => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok(promoted)));
    const { client } = clientFor(server);
    const retention = { retentionUnit: 'WEEKS' as const, retentionValue: 8, extra: 'x' };

    await client.setSnapshotRetention(PROJECT, 'Cluster0', promoted.id, retention);

    expect(apiRequests(server)[0]?.body).toBe('{"retentionUnit":"WEEKS","retentionValue":8}');
  });

  it('is retried like a read after a 503 (setting the same retention twice is harmless)', async () => {
    const server = await serve(
      fakeAtlas(
        { issuer: newIssuer() },
        sequence(atlasErrorReply(503, 'UNEXPECTED_ERROR', 'Service unavailable'), ok(promoted)),
      ),
    );
    const { client, sleeps } = clientFor(server);

    const result = await client.setSnapshotRetention(PROJECT, 'Cluster0', promoted.id, {
      retentionUnit: 'MONTHS',
      retentionValue: 12,
    });

    expect(result.id).toBe(promoted.id);
    expect(apiRequests(server).map((r) => r.method)).toEqual(['PATCH', 'PATCH']);
    expect(sleeps).toHaveLength(1);
  });

  it.each([
    [400, AtlasCodes.CANNOT_MODIFY_IN_PROGRESS_SNAPSHOT_RETENTION],
    [400, AtlasCodes.CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY],
    [403, AtlasCodes.CANNOT_MODIFY_SNAPSHOT],
  ])("passes Atlas's refusal %i %s through with its code, once", async (status, code) => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => atlasErrorReply(status, code, 'refused')));
    const { client } = clientFor(server);

    await expect(
      client.setSnapshotRetention(PROJECT, 'Cluster0', promoted.id, { retentionUnit: 'YEARS', retentionValue: 1 }),
    ).rejects.toMatchObject({ code, httpStatus: status });
    expect(apiRequests(server)).toHaveLength(1);
  });
});

describe('cluster documents', () => {
  it('keeps tags, paused and the region configs as Atlas sent them', async () => {
    const doc = {
      name: 'Cluster0',
      clusterType: 'REPLICASET',
      paused: true,
      tags: [{ key: 'env', value: 'prod' }],
      replicationSpecs: [{ regionConfigs: [{ providerName: 'AWS', electableSpecs: { instanceSize: 'M10' } }] }],
      mongoDBVersion: '8.0.4',
    };
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok({ results: [doc], totalCount: 1 })));
    const { client } = clientFor(server);

    const [result] = await client.listClusters(PROJECT);

    expect(result).toEqual(doc);
  });

  it.each([
    ['tags that are not a list', { tags: 'env=prod' }],
    ['a tag without a string value', { tags: [{ key: 'env', value: 1 }] }],
    ['replicationSpecs that are not a list', { replicationSpecs: {} }],
    ['regionConfigs that hold a scalar', { replicationSpecs: [{ regionConfigs: ['AWS'] }] }],
  ])('refuses %s as ATLAS_INVALID_RESPONSE', async (_what, fields) => {
    const server = await serve(fakeAtlas({ issuer: newIssuer() }, () => ok({ name: 'Cluster0', ...fields })));
    const { client } = clientFor(server);

    await expect(client.getCluster(PROJECT, 'Cluster0')).rejects.toMatchObject({ code: Codes.ATLAS_INVALID_RESPONSE });
  });
});
