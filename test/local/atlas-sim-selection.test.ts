/**
 * What selectors read: the projects list (paged, per-credential visibility), cluster lists with
 * tags and `paused`, flex clusters in both recorded shapes, and a project that refuses its list.
 */
import { DEMO_API_KEY, DEMO_ORG_ID, DEMO_SERVICE_ACCOUNT } from '../../local/atlas-sim';
import {
  CLUSTERS_V,
  PROJECT,
  SNAPSHOTS_V,
  bearerCall,
  clusterPath,
  digestCall,
  linkOf,
  snapshotsPath,
  startTestSimulator,
} from './helpers';

type Sim = Awaited<ReturnType<typeof startTestSimulator>>;
let sim: Sim;

afterEach(async () => {
  await sim?.close();
});

const GROUPS = '/api/atlas/v2/groups';
const projectId = (n: number) => `65a1b2c3d4e5f607182930${n.toString(16).padStart(2, '0')}`;

async function simWithProjects(count: number, visible?: string[]): Promise<Sim> {
  return startTestSimulator({
    seed: {
      serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT, ...(visible ? { projects: visible } : {}) }],
      apiKeys: [{ ...DEMO_API_KEY }],
      projects: Array.from({ length: count }, (_, i) => ({
        id: projectId(i),
        name: `Project ${i}`,
        clusters: Array.from({ length: i % 3 }, (_, c) => ({ name: `Cluster${c}` })),
      })),
    },
  });
}

describe('projects list', () => {
  it('answers items {id, name, orgId, clusterCount, created, links, tags} in version 2023-01-01', async () => {
    sim = await simWithProjects(3);

    const answer = await bearerCall(sim, GROUPS, { accept: SNAPSHOTS_V });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/vnd.atlas.2023-01-01+json;charset=utf-8');
    expect(answer.json.totalCount).toBe(3);
    expect(answer.json.results[2]).toEqual({
      id: projectId(2),
      name: 'Project 2',
      orgId: DEMO_ORG_ID,
      clusterCount: 2,
      created: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      links: [{ href: `${sim.url}${GROUPS}/${projectId(2)}`, rel: 'self' }],
      tags: [],
    });
    expect(sim.log.last()?.endpoint).toBe('listProjects');
  });

  it('pages with itemsPerPage and links rel next until the last page', async () => {
    sim = await simWithProjects(7);

    const pages = [];
    let next: string | undefined = `${GROUPS}?itemsPerPage=3`;
    while (next !== undefined && pages.length < 5) {
      const page = await bearerCall(sim, next.replace(sim.url, ''), { accept: SNAPSHOTS_V });
      pages.push(page.json);
      next = linkOf(page.json, 'next');
    }

    expect(pages.map((page) => page.results.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((page) => page.results.map((p: { id: string }) => p.id))).toEqual(
      Array.from({ length: 7 }, (_, i) => projectId(i)),
    );
  });

  it.each(['0', '501'])('refuses itemsPerPage=%s, and another version is 406', async (value) => {
    sim = await simWithProjects(1);

    const paging = await bearerCall(sim, `${GROUPS}?itemsPerPage=${value}`, { accept: SNAPSHOTS_V });
    const version = await bearerCall(sim, GROUPS, { accept: CLUSTERS_V });

    expect(paging.json.errorCode).toBe('INVALID_QUERY_PARAMETER');
    expect(version.status).toBe(406);
  });

  it('shows a credential only its projects, and refuses calls into the others with 403 USER_UNAUTHORIZED', async () => {
    sim = await simWithProjects(4, [projectId(1), projectId(2)]);

    const restricted = await bearerCall(sim, GROUPS, { accept: SNAPSHOTS_V });
    const unrestricted = await digestCall(sim, GROUPS, { accept: SNAPSHOTS_V });
    const outside = await bearerCall(sim, clusterPath(undefined, projectId(3)), { accept: CLUSTERS_V });
    const inside = await bearerCall(sim, clusterPath(undefined, projectId(2)), { accept: CLUSTERS_V });

    expect(restricted.json.results.map((p: { id: string }) => p.id)).toEqual([projectId(1), projectId(2)]);
    expect(restricted.json.totalCount).toBe(2);
    expect(unrestricted.json.totalCount).toBe(4);
    expect(outside.status).toBe(403);
    expect(outside.json.errorCode).toBe('USER_UNAUTHORIZED');
    expect(inside.status).toBe(200);
  });

  it('an empty organization answers an empty first page without next', async () => {
    sim = await simWithProjects(0);

    const answer = await bearerCall(sim, GROUPS, { accept: SNAPSHOTS_V });

    expect(answer.json).toMatchObject({ results: [], totalCount: 0 });
    expect(linkOf(answer.json, 'next')).toBeUndefined();
  });
});

describe('cluster documents for selection', () => {
  async function simWithClusters(): Promise<Sim> {
    return startTestSimulator({
      seed: {
        serviceAccounts: [{ ...DEMO_SERVICE_ACCOUNT }],
        projects: [
          {
            id: PROJECT,
            clusters: [
              { name: 'Tagged', tags: { backup: 'on-demand', env: 'prod' } },
              { name: 'Untagged' },
              { name: 'Paused', paused: true, tags: { backup: 'on-demand' } },
              { name: 'Flex', kind: 'flex' },
              { name: 'FlexTenant', kind: 'flex', flexShape: 'tenant', tags: { backup: 'on-demand' } },
            ],
          },
          { id: projectId(9), denyList: true, clusters: [{ name: 'Hidden' }] },
        ],
      },
    });
  }

  it('carries tags as [{key, value}] and paused, on GET and in the list', async () => {
    sim = await simWithClusters();

    const tagged = await bearerCall(sim, clusterPath('Tagged'), { accept: CLUSTERS_V });
    const paused = await bearerCall(sim, clusterPath('Paused'), { accept: CLUSTERS_V });
    const list = await bearerCall(sim, clusterPath(), { accept: CLUSTERS_V });
    const byName = Object.fromEntries(list.json.results.map((c: { name: string }) => [c.name, c]));

    expect(tagged.json.tags).toEqual([
      { key: 'backup', value: 'on-demand' },
      { key: 'env', value: 'prod' },
    ]);
    expect(paused.json).toMatchObject({ paused: true, tags: [{ key: 'backup', value: 'on-demand' }] });
    expect(byName.Untagged).toMatchObject({ tags: [], paused: false });
    expect(byName.Paused.paused).toBe(true);
    expect(Object.keys(byName)).toEqual(['Tagged', 'Untagged', 'Paused', 'FlexTenant']);
  });

  it('refuses tags Atlas would not hold (empty or longer than 255 characters)', async () => {
    sim = await simWithClusters();

    expect(() => sim.addCluster(PROJECT, { name: 'Bad', tags: { '': 'x' } })).toThrow(/1-255/);
    expect(() => sim.addCluster(PROJECT, { name: 'Bad', tags: { k: 'v'.repeat(256) } })).toThrow(/1-255/);
  });

  it('flex: the 2026 shape is 400 on GET and on backup endpoints; the TENANT shape is served with effectiveInstanceSize FLEX', async () => {
    sim = await simWithClusters();

    const refused = await bearerCall(sim, clusterPath('Flex'), { accept: CLUSTERS_V });
    const tenant = await bearerCall(sim, clusterPath('FlexTenant'), { accept: CLUSTERS_V });
    const tenantTake = await bearerCall(sim, snapshotsPath('FlexTenant'), {
      method: 'POST',
      body: { retentionInDays: 1 },
    });

    expect(refused.status).toBe(400);
    expect(refused.json.errorCode).toBe('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
    expect(tenant.json).toMatchObject({ clusterType: 'REPLICASET', name: 'FlexTenant' });
    expect(tenant.json.replicationSpecs[0].regionConfigs[0]).toEqual({
      backingProviderName: 'AWS',
      effectiveInstanceSize: 'FLEX',
      electableSpecs: { instanceSize: 'M5' },
      priority: 7,
      providerName: 'TENANT',
      regionName: 'US_EAST_1',
    });
    expect(tenantTake.json.errorCode).toBe('CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API');
  });

  it('a project that refuses its cluster list: 403 USER_UNAUTHORIZED there, its cluster still readable by name', async () => {
    sim = await simWithClusters();

    const list = await bearerCall(sim, clusterPath(undefined, projectId(9)), { accept: CLUSTERS_V });
    const one = await bearerCall(sim, clusterPath('Hidden', projectId(9)), { accept: CLUSTERS_V });
    sim.state.setDenyList(projectId(9), false);
    const allowed = await bearerCall(sim, clusterPath(undefined, projectId(9)), { accept: CLUSTERS_V });

    expect(list.status).toBe(403);
    expect(list.json.errorCode).toBe('USER_UNAUTHORIZED');
    expect(list.headers.get('x-error-code')).toBe('USER_UNAUTHORIZED');
    expect(one.status).toBe(200);
    expect(allowed.json.totalCount).toBe(1);
  });

  it('keeps the documented assumption for a paused cluster: take-snapshot answers 409', async () => {
    sim = await simWithClusters();

    const answer = await bearerCall(sim, snapshotsPath('Paused'), { method: 'POST', body: { retentionInDays: 1 } });

    expect(answer.status).toBe(409);
    expect(answer.json.errorCode).toBe('CANNOT_UPDATE_PAUSED_CLUSTER');
  });
});
