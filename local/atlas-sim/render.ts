/**
 * JSON shapes of clusters and snapshots as the Admin API v2 returns them (field names from
 * MongoDB's OpenAPI description). Only what a client of this project could look at is filled
 * in, but nothing is renamed or simplified.
 */
import type { ClusterRecord, ProjectRecord, SnapshotRecord, SnapshotView } from './model';

type Json = Record<string, unknown>;

const CLUSTER_TYPE: Record<ClusterRecord['kind'], string> = {
  replicaSet: 'REPLICASET',
  sharded: 'SHARDED',
  geoSharded: 'GEOSHARDED',
  flex: 'REPLICASET',
  shared: 'REPLICASET',
};

/** Latest instant a JavaScript date holds (year 275760). */
const LAST_DATE_MS = 8.64e15;

/**
 * ISO 8601 without milliseconds. A retention near int32's maximum in days lies beyond year
 * 275760; it is shown as that year (extended ISO format, as Java writes years past 9999).
 */
function iso(ms: number): string {
  const bounded = Math.max(-LAST_DATE_MS, Math.min(LAST_DATE_MS, ms));
  return new Date(bounded).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function selfLink(baseUrl: string, path: string): Json[] {
  return [{ href: `${baseUrl}${path}`, rel: 'self' }];
}

/**
 * One region config: dedicated (AWS), shared tier (TENANT over AWS), or a flex cluster in the
 * shape of one migrated to flex earlier (TENANT over AWS with `effectiveInstanceSize: FLEX`; the
 * API's `providerName` enum has no FLEX, see docs/atlas-api.md).
 */
function regionConfig(cluster: ClusterRecord): Json {
  const base: Json = { priority: 7, regionName: cluster.regionName };
  if (cluster.kind === 'shared' || cluster.kind === 'flex') {
    return {
      ...base,
      backingProviderName: 'AWS',
      ...(cluster.kind === 'flex' ? { effectiveInstanceSize: 'FLEX' } : {}),
      electableSpecs: { instanceSize: cluster.instanceSize },
      providerName: 'TENANT',
    };
  }
  const hardware = { diskIOPS: 3000, diskSizeGB: 10, ebsVolumeType: 'STANDARD', instanceSize: cluster.instanceSize };
  return {
    ...base,
    analyticsSpecs: { ...hardware, nodeCount: 0 },
    autoScaling: { compute: { enabled: false, scaleDownEnabled: false }, diskGB: { enabled: true } },
    electableSpecs: { ...hardware, nodeCount: 3 },
    providerName: 'AWS',
    readOnlySpecs: { ...hardware, nodeCount: 0 },
  };
}

/** 2024-08-05 lists one spec per shard; older versions one spec per zone with `numShards`. */
function replicationSpecs(cluster: ClusterRecord, version: string): Json[] {
  const zoneCount = cluster.kind === 'geoSharded' ? cluster.numShards : 1;
  if (version === '2024-08-05') {
    return Array.from({ length: cluster.numShards }, (_, shard) => ({
      id: `${cluster.id.slice(0, 16)}${shard.toString(16).padStart(8, '0')}`,
      regionConfigs: [regionConfig(cluster)],
      zoneId: `${cluster.id.slice(0, 20)}${(cluster.kind === 'geoSharded' ? shard : 0).toString(16).padStart(4, '0')}`,
      zoneName: `Zone ${cluster.kind === 'geoSharded' ? shard + 1 : 1}`,
    }));
  }
  return Array.from({ length: zoneCount }, (_, zone) => ({
    id: `${cluster.id.slice(0, 16)}${zone.toString(16).padStart(8, '0')}`,
    numShards: cluster.kind === 'geoSharded' ? 1 : cluster.numShards,
    regionConfigs: [regionConfig(cluster)],
    zoneName: `Zone ${zone + 1}`,
  }));
}

export function renderCluster(cluster: ClusterRecord, version: string, baseUrl: string): Json {
  const host = `${cluster.name.toLowerCase()}.abcde.mongodb.net`;
  return {
    backupEnabled: cluster.backupEnabled,
    clusterType: CLUSTER_TYPE[cluster.kind],
    connectionStrings: { standardSrv: `mongodb+srv://${host}` },
    createDate: iso(cluster.createDate),
    diskWarmingMode: 'FULLY_WARMED',
    encryptionAtRestProvider: 'NONE',
    globalClusterSelfManagedSharding: false,
    groupId: cluster.groupId,
    id: cluster.id,
    links: selfLink(baseUrl, `/api/atlas/v2/groups/${cluster.groupId}/clusters/${cluster.name}`),
    mongoDBMajorVersion: cluster.mongoDBMajorVersion,
    mongoDBVersion: `${cluster.mongoDBMajorVersion}.4`,
    name: cluster.name,
    paused: cluster.paused,
    pitEnabled: false,
    replicationSpecs: replicationSpecs(cluster, version),
    rootCertType: 'ISRGROOTX1',
    stateName: cluster.stateName,
    tags: cluster.tags.map((tag) => ({ ...tag })),
    terminationProtectionEnabled: false,
    versionReleaseSystem: 'LTS',
  };
}

/** A snapshot document as of `view` (fields appear as the recorded documents show them). */
export function renderSnapshot(record: SnapshotRecord, view: SnapshotView, baseUrl: string): Json {
  const path = `/api/atlas/v2/groups/${record.groupId}/clusters/${record.clusterName}/backup/snapshots`;
  const common: Json = {
    description: record.description,
    expiresAt: iso(view.expiresAt),
    frequencyType: record.frequencyType,
    id: record.id,
    policyItems: [],
    snapshotType: record.snapshotType,
    status: view.status,
    storageSizeBytes: view.storageSizeBytes,
    type: record.type,
  };
  if (view.createdAt !== undefined) common.createdAt = iso(view.createdAt);
  if (view.mongodVersion !== undefined) common.mongodVersion = view.mongodVersion;
  if (record.type === 'shardedCluster') {
    const members = record.members ?? [];
    return {
      ...common,
      configServerType: record.configServerType,
      links: selfLink(baseUrl, `${path}/shardedCluster/${record.id}`),
      members,
      snapshotIds: members.map((member) => member.id),
    };
  }
  return {
    ...common,
    ...(view.cloudProvider !== undefined ? { cloudProvider: view.cloudProvider } : {}),
    copyRegions: [],
    links: selfLink(baseUrl, `${path}/${record.id}`),
    replicaSetName: record.replicaSetName,
  };
}

/** A project (group) document, version 2023-01-01. */
export function renderProject(project: ProjectRecord, baseUrl: string): Json {
  return {
    clusterCount: project.clusters.size,
    created: iso(project.created),
    id: project.id,
    links: selfLink(baseUrl, `/api/atlas/v2/groups/${project.id}`),
    name: project.name,
    orgId: project.orgId,
    tags: [],
  };
}
