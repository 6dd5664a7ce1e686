/** Versioned media types per endpoint, and clusters of every kind. */
import { DEMO_API_KEY, DEMO_SERVICE_ACCOUNT, ManualClock } from '../../local/atlas-sim';
import { CLUSTERS_V, PROJECT, bearerCall, clusterPath, linkOf, snapshotsPath, startTestSimulator } from './helpers';

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;
let sim: Sim;

afterEach(async () => {
  await sim?.close();
});

const credentials = { serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT }], apiKeys: [{ ...DEMO_API_KEY }] };

async function simWithEveryKind(): Promise<Sim> {
  return startTestSimulator({
    seed: {
      ...credentials,
      projects: [
        {
          id: PROJECT,
          clusters: [
            { name: 'Cluster0' },
            { name: 'Sharded', kind: 'sharded', numShards: 3 },
            { name: 'Geo', kind: 'geoSharded', numShards: 2 },
            { name: 'Flex', kind: 'flex' },
            { name: 'FlexTenant', kind: 'flex', flexShape: 'tenant' },
            { name: 'Shared', kind: 'shared' },
            { name: 'NoBackup', backupEnabled: false },
            { name: 'Paused', paused: true },
          ],
        },
      ],
    },
  });
}

describe('versioned Accept', () => {
  it.each([
    ['no Atlas media type', null],
    ['plain JSON', 'application/json'],
    ['a date that is no version', 'application/vnd.atlas.2023-10-01+json'],
    ['the flex version on a cluster endpoint', 'application/vnd.atlas.2024-11-13+json'],
  ])('answers 406 INVALID_VERSION_DATE for %s', async (_label, accept) => {
    sim = await startTestSimulator();

    const answer = await bearerCall(sim, clusterPath('Cluster0'), { accept });

    expect(answer.status).toBe(406);
    expect(answer.json).toMatchObject({ error: 406, errorCode: 'INVALID_VERSION_DATE', reason: 'Not Acceptable' });
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.headers.get('x-error-code')).toBe('INVALID_VERSION_DATE');
  });

  it('answers 406 on snapshot endpoints for the cluster version', async () => {
    sim = await startTestSimulator();

    const answer = await bearerCall(sim, snapshotsPath('Cluster0'), { accept: CLUSTERS_V });

    expect(answer.status).toBe(406);
  });

  it.each(['2024-08-05', '2023-02-01', '2023-01-01'])(
    'serves clusters in version %s with its media type',
    async (date) => {
      sim = await startTestSimulator();

      const answer = await bearerCall(sim, clusterPath('Cluster0'), { accept: `application/vnd.atlas.${date}+json` });

      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe(`application/vnd.atlas.${date}+json;charset=utf-8`);
    },
  );

  it('answers 410 VERSION_GONE for a cluster version past its sunset', async () => {
    sim = await startTestSimulator({ clock: new ManualClock('2027-07-02T00:00:00Z') });

    const gone = await bearerCall(sim, clusterPath('Cluster0'), { accept: 'application/vnd.atlas.2023-02-01+json' });
    const current = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });

    expect(gone.status).toBe(410);
    expect(gone.json.errorCode).toBe('VERSION_GONE');
    expect(current.status).toBe(200);
  });

  it('picks the supported version among several listed media types', async () => {
    sim = await startTestSimulator();

    const answer = await bearerCall(sim, clusterPath('Cluster0'), { accept: `application/json, ${CLUSTERS_V}` });

    expect(answer.status).toBe(200);
  });
});

describe('clusters', () => {
  it('reports replica set, sharded and geosharded topologies in 2024-08-05 shape', async () => {
    sim = await simWithEveryKind();

    const replicaSet = await bearerCall(sim, clusterPath('Cluster0'), { accept: CLUSTERS_V });
    const sharded = await bearerCall(sim, clusterPath('Sharded'), { accept: CLUSTERS_V });
    const geo = await bearerCall(sim, clusterPath('Geo'), { accept: CLUSTERS_V });

    expect(replicaSet.json).toMatchObject({
      name: 'Cluster0',
      clusterType: 'REPLICASET',
      backupEnabled: true,
      paused: false,
      stateName: 'IDLE',
      groupId: PROJECT,
    });
    expect(replicaSet.json.replicationSpecs[0].regionConfigs[0]).toMatchObject({
      providerName: 'AWS',
      electableSpecs: { instanceSize: 'M10', nodeCount: 3 },
    });
    expect(sharded.json.clusterType).toBe('SHARDED');
    expect(sharded.json.replicationSpecs).toHaveLength(3);
    expect(geo.json.clusterType).toBe('GEOSHARDED');
    expect(new Set(geo.json.replicationSpecs.map((spec: { zoneName: string }) => spec.zoneName)).size).toBe(2);
  });

  it('reports numShards in the older cluster versions', async () => {
    sim = await simWithEveryKind();

    const answer = await bearerCall(sim, clusterPath('Sharded'), { accept: 'application/vnd.atlas.2023-02-01+json' });

    expect(answer.json.replicationSpecs).toEqual([expect.objectContaining({ numShards: 3 })]);
  });

  it('reports a shared-tier cluster as TENANT over AWS without backup, and a paused one as paused', async () => {
    sim = await simWithEveryKind();

    const shared = await bearerCall(sim, clusterPath('Shared'), { accept: CLUSTERS_V });
    const paused = await bearerCall(sim, clusterPath('Paused'), { accept: CLUSTERS_V });
    const noBackup = await bearerCall(sim, clusterPath('NoBackup'), { accept: CLUSTERS_V });

    expect(shared.json.backupEnabled).toBe(false);
    expect(shared.json.replicationSpecs[0].regionConfigs[0]).toMatchObject({
      providerName: 'TENANT',
      backingProviderName: 'AWS',
      electableSpecs: { instanceSize: 'M0' },
    });
    expect(paused.json.paused).toBe(true);
    expect(noBackup.json).toMatchObject({ backupEnabled: false, clusterType: 'REPLICASET' });
  });

  it('refuses a flex cluster in the cluster API with 400 CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', async () => {
    sim = await simWithEveryKind();

    const answer = await bearerCall(sim, clusterPath('Flex'), { accept: CLUSTERS_V });
    const snapshots = await bearerCall(sim, snapshotsPath('Flex'));

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errorCode: 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', parameters: ['Flex'] });
    expect(snapshots.json.errorCode).toBe('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
  });

  it('lists every cluster, a flex one in TENANT shape, leaving out the flex one the cluster API refuses', async () => {
    sim = await simWithEveryKind();

    const answer = await bearerCall(sim, clusterPath(), { accept: CLUSTERS_V });

    expect(answer.status).toBe(200);
    expect(answer.json.totalCount).toBe(7);
    const names = answer.json.results.map((c: { name: string }) => c.name);
    expect(names).not.toContain('Flex');
    const flex = answer.json.results.find((c: { name: string }) => c.name === 'FlexTenant');
    expect(flex.clusterType).toBe('REPLICASET');
    expect(flex.replicationSpecs[0].regionConfigs[0]).toMatchObject({
      providerName: 'TENANT',
      backingProviderName: 'AWS',
      effectiveInstanceSize: 'FLEX',
      electableSpecs: { instanceSize: 'M5' },
    });
    const providers = answer.json.results.flatMap((c: { replicationSpecs: any[] }) =>
      c.replicationSpecs.flatMap((spec) =>
        spec.regionConfigs.map((region: { providerName: string }) => region.providerName),
      ),
    );
    expect(providers.every((p: string) => ['AWS', 'AZURE', 'GCP', 'TENANT'].includes(p))).toBe(true);
  });

  it('pages the cluster list and leaves totalCount out when includeCount=false', async () => {
    sim = await simWithEveryKind();

    const first = await bearerCall(sim, `${clusterPath()}?itemsPerPage=3`, { accept: CLUSTERS_V });
    const last = await bearerCall(sim, `${clusterPath()}?itemsPerPage=3&pageNum=3&includeCount=false`, {
      accept: CLUSTERS_V,
    });

    expect(first.json.results).toHaveLength(3);
    expect(linkOf(first.json, 'next')).toContain('pageNum=2');
    expect(last.json.results).toHaveLength(1);
    expect(last.json).not.toHaveProperty('totalCount');
    expect(linkOf(last.json, 'next')).toBeUndefined();
  });

  it.each(['0', '501', 'ten'])('refuses itemsPerPage=%s with 400 INVALID_QUERY_PARAMETER', async (value) => {
    sim = await startTestSimulator();

    const answer = await bearerCall(sim, `${clusterPath()}?itemsPerPage=${value}`, { accept: CLUSTERS_V });

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errorCode: 'INVALID_QUERY_PARAMETER', parameters: ['itemsPerPage'] });
  });

  it('answers 404 GROUP_NOT_FOUND, 404 CLUSTER_NOT_FOUND and 400 INVALID_PATH_PARAMETER', async () => {
    sim = await startTestSimulator();

    const group = await bearerCall(sim, clusterPath('Cluster0', 'aaaaaaaaaaaaaaaaaaaaaaaa'), { accept: CLUSTERS_V });
    const cluster = await bearerCall(sim, clusterPath('Nope'), { accept: CLUSTERS_V });
    const badId = await bearerCall(sim, clusterPath('Cluster0', 'not-an-id'), { accept: CLUSTERS_V });
    const badIdTake = await bearerCall(sim, snapshotsPath('Cluster0', 'NOT-HEX-000000000000000'), {
      method: 'POST',
      body: { retentionInDays: 1 },
    });

    expect(group.status).toBe(404);
    expect(group.json).toMatchObject({ errorCode: 'GROUP_NOT_FOUND', parameters: ['aaaaaaaaaaaaaaaaaaaaaaaa'] });
    expect(cluster.status).toBe(404);
    expect(cluster.json).toMatchObject({ errorCode: 'CLUSTER_NOT_FOUND', parameters: ['Nope', PROJECT] });
    expect(badId.status).toBe(400);
    expect(badId.json.errorCode).toBe('INVALID_PATH_PARAMETER');
    expect(badIdTake.json.errorCode).toBe('INVALID_PATH_PARAMETER');
  });

  it('answers 404 RESOURCE_NOT_FOUND for an unknown path and 405 for a wrong method', async () => {
    sim = await startTestSimulator();

    const unknown = await bearerCall(sim, `${clusterPath('Cluster0')}/backup/schedule`);
    const wrongMethod = await bearerCall(sim, clusterPath('Cluster0'), { method: 'DELETE', accept: CLUSTERS_V });

    expect(unknown.status).toBe(404);
    expect(unknown.json.errorCode).toBe('RESOURCE_NOT_FOUND');
    expect(wrongMethod.status).toBe(405);
  });
});
