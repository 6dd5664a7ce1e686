/**
 * An in-memory AtlasApi for the core's tests: clusters and snapshots per project, scripted
 * failures per method (once, or for every call that matches), version notices per method, and a
 * call log. Plain data, no HTTP.
 */
import { AmbiguousRequestError, AtlasApiError } from '../../lambda/snapshot/errors';
import type {
  NoticeSink,
  AtlasApi,
  AtlasCluster,
  AtlasProject,
  AtlasSnapshot,
  RetentionSetting,
  TakeSnapshotRequest,
} from '../../lambda/snapshot/types';

type Method = keyof AtlasApi;
export interface Call {
  method: Method;
  projectId: string;
  clusterName?: string;
  sharded?: boolean;
  body?: TakeSnapshotRequest;
  snapshotId?: string;
  retention?: RetentionSetting;
}

let nextId = 1;
export function hexId(): string {
  return (nextId++).toString(16).padStart(24, '0');
}

export function replicaSet(name: string, extra: Partial<AtlasCluster> = {}): AtlasCluster {
  return {
    name,
    clusterType: 'REPLICASET',
    backupEnabled: true,
    replicationSpecs: [{ regionConfigs: [{ providerName: 'AWS' }] }],
    ...extra,
  };
}

export function snapshot(extra: Partial<AtlasSnapshot> = {}): AtlasSnapshot {
  return { id: hexId(), status: 'completed', snapshotType: 'scheduled', type: 'replicaSet', ...extra };
}

export class FakeAtlas implements AtlasApi {
  readonly calls: Call[] = [];
  /** projectId -> clusters; a project missing here answers GROUP_NOT_FOUND. */
  readonly projects = new Map<string, AtlasCluster[]>();
  /** `${projectId}/${clusterName}` -> snapshots. */
  readonly snapshots = new Map<string, AtlasSnapshot[]>();
  /** Failures to throw, consumed in order, per method. */
  readonly failures = new Map<Method, Array<Error | ((call: Call) => Error | undefined)>>();
  /** Failures thrown by every call that matches (a project that always refuses its listing). */
  readonly refusals: Array<{ method: Method; when: (call: Call) => boolean; error: () => Error }> = [];
  /** Notices (e.g. a Deprecation header) each call of a method gives a client made by `withNotices`. */
  readonly notices = new Map<Method, string>();
  inFlight = 0;
  maxInFlight = 0;

  addCluster(projectId: string, cluster: AtlasCluster, snapshots: AtlasSnapshot[] = []): this {
    this.projects.set(projectId, [...(this.projects.get(projectId) ?? []), cluster]);
    this.snapshots.set(`${projectId}/${cluster.name}`, snapshots);
    return this;
  }

  failNext(method: Method, error: Error | ((call: Call) => Error | undefined)): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
    return this;
  }

  refuse(method: Method, when: (call: Call) => boolean, error: () => Error): this {
    this.refusals.push({ method, when, error });
    return this;
  }

  noticeOn(method: Method, notice: string): this {
    this.notices.set(method, notice);
    return this;
  }

  /** A client on the same data that tells `sink` the notices configured with `noticeOn`. */
  withNotices(sink: NoticeSink): AtlasApi {
    const tell = <T>(method: Method, result: Promise<T>): Promise<T> => {
      const notice = this.notices.get(method);
      if (notice !== undefined) sink(notice);
      return result;
    };
    return {
      listProjects: () => tell('listProjects', this.listProjects()),
      getCluster: (p, c) => tell('getCluster', this.getCluster(p, c)),
      listClusters: (p) => tell('listClusters', this.listClusters(p)),
      listSnapshots: (p, c, sh) => tell('listSnapshots', this.listSnapshots(p, c, sh)),
      getSnapshot: (p, c, id, sh) => tell('getSnapshot', this.getSnapshot(p, c, id, sh)),
      takeSnapshot: (p, c, body) => tell('takeSnapshot', this.takeSnapshot(p, c, body)),
      setSnapshotRetention: (p, c, id, r) => tell('setSnapshotRetention', this.setSnapshotRetention(p, c, id, r)),
    };
  }

  callsOf(method: Method): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async enter(call: Call): Promise<void> {
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight--;
    const refusal = this.refusals.find((r) => r.method === call.method && r.when(call));
    if (refusal) throw refusal.error();
    const queue = this.failures.get(call.method);
    const next = queue?.shift();
    if (next) {
      const error = next instanceof Error ? next : next(call);
      if (error) throw error;
    }
  }

  private project(projectId: string): AtlasCluster[] {
    const clusters = this.projects.get(projectId);
    if (!clusters) throw new AtlasApiError('GROUP_NOT_FOUND', `No group with ID ${projectId} exists.`, 404);
    return clusters;
  }

  private cluster(projectId: string, clusterName: string): AtlasCluster {
    const cluster = this.project(projectId).find((c) => c.name === clusterName);
    if (!cluster) {
      throw new AtlasApiError(
        'CLUSTER_NOT_FOUND',
        `No cluster named ${clusterName} exists in group ${projectId}.`,
        404,
      );
    }
    return cluster;
  }

  async getCluster(projectId: string, clusterName: string): Promise<AtlasCluster> {
    await this.enter({ method: 'getCluster', projectId, clusterName });
    return this.cluster(projectId, clusterName);
  }

  async listClusters(projectId: string): Promise<AtlasCluster[]> {
    await this.enter({ method: 'listClusters', projectId });
    return [...this.project(projectId)];
  }

  async listSnapshots(projectId: string, clusterName: string, sharded: boolean): Promise<AtlasSnapshot[]> {
    await this.enter({ method: 'listSnapshots', projectId, clusterName, sharded });
    this.cluster(projectId, clusterName);
    return [...(this.snapshots.get(`${projectId}/${clusterName}`) ?? [])];
  }

  async listProjects(): Promise<AtlasProject[]> {
    await this.enter({ method: 'listProjects', projectId: '*' });
    return [...this.projects.keys()].map((id) => ({ id, name: `Project ${id.slice(-4)}` }));
  }

  async getSnapshot(
    projectId: string,
    clusterName: string,
    snapshotId: string,
    sharded: boolean,
  ): Promise<AtlasSnapshot> {
    await this.enter({ method: 'getSnapshot', projectId, clusterName, sharded, snapshotId });
    this.cluster(projectId, clusterName);
    const found = (this.snapshots.get(`${projectId}/${clusterName}`) ?? []).find((s) => s.id === snapshotId);
    if (!found) throw new AtlasApiError('SNAPSHOT_NOT_FOUND', `No snapshot with ID ${snapshotId} exists.`, 404);
    return found;
  }

  async setSnapshotRetention(
    projectId: string,
    clusterName: string,
    snapshotId: string,
    retention: RetentionSetting,
  ): Promise<AtlasSnapshot> {
    await this.enter({ method: 'setSnapshotRetention', projectId, clusterName, snapshotId, retention });
    const list = this.snapshots.get(`${projectId}/${clusterName}`) ?? [];
    const index = list.findIndex((s) => s.id === snapshotId);
    const found = list[index];
    if (!found) throw new AtlasApiError('SNAPSHOT_NOT_FOUND', `No snapshot with ID ${snapshotId} exists.`, 404);
    const updated = { ...found, expiresAt: extendedExpiry(found.createdAt ?? '', retention) };
    list[index] = updated;
    return updated;
  }

  async takeSnapshot(projectId: string, clusterName: string, body: TakeSnapshotRequest): Promise<AtlasSnapshot> {
    await this.enter({ method: 'takeSnapshot', projectId, clusterName, body });
    this.cluster(projectId, clusterName);
    const list = this.snapshots.get(`${projectId}/${clusterName}`) ?? [];
    const created = snapshot({
      snapshotType: 'onDemand',
      status: 'queued',
      description: body.description,
      expiresAt: '2026-12-05T03:00:00Z',
    });
    list.push(created);
    this.snapshots.set(`${projectId}/${clusterName}`, list);
    return created;
  }
}

/** A take-snapshot that reaches Atlas (the snapshot exists) but whose answer is lost. */
export function lostAnswer(fake: FakeAtlas): (call: Call) => Error {
  return (call) => {
    const key = `${call.projectId}/${call.clusterName}`;
    const list = fake.snapshots.get(key) ?? [];
    list.push(
      snapshot({
        snapshotType: 'onDemand',
        status: 'queued',
        ...(call.body !== undefined ? { description: call.body.description } : {}),
      }),
    );
    fake.snapshots.set(key, list);
    return new AmbiguousRequestError('socket hang up after the request was sent');
  };
}

/** Atlas's recomputed `expiresAt` after a PATCH: `createdAt` plus the retention, in UTC (seconds precision). */
export function extendedExpiry(createdAt: string, retention: RetentionSetting): string {
  const at = new Date(createdAt);
  const n = retention.retentionValue;
  if (retention.retentionUnit === 'DAYS') at.setUTCDate(at.getUTCDate() + n);
  if (retention.retentionUnit === 'WEEKS') at.setUTCDate(at.getUTCDate() + 7 * n);
  if (retention.retentionUnit === 'MONTHS') at.setUTCMonth(at.getUTCMonth() + n);
  if (retention.retentionUnit === 'YEARS') at.setUTCFullYear(at.getUTCFullYear() + n);
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
