/**
 * Benchmark fleets: `count` clusters spread over projects (`perProject` clusters each), seeded
 * into the simulator as healthy M10 replica sets with some scheduled-snapshot history, so every
 * target takes the full path (read cluster, list snapshots, take one).
 */
import { snapshotHistory, type AtlasSimulator, type ProjectSeed } from '../local/atlas-sim';
import type { Target } from '../lambda/snapshot/types';

export interface Fleet {
  /** e.g. "500 targets / 50 project(s)". */
  label: string;
  projects: ProjectSeed[];
  targets: Target[];
}

/** Completed scheduled snapshots per cluster (as the presets seed): one page of history to read. */
const HISTORY = 12;

/** A 24-hex project id. */
const projectId = (index: number): string => `be7c${index.toString(16).padStart(20, '0')}`;

/**
 * `count` clusters, `perProject` per project. Targets are listed project by project (how a
 * configuration is usually written), or `interleaved`: round-robin over the projects.
 */
export function makeFleet(
  count: number,
  perProject: number,
  now: number,
  order: 'by-project' | 'interleaved' = 'by-project',
): Fleet {
  const projects: ProjectSeed[] = [];
  const targets: Target[] = [];
  for (let i = 0; i < count; i++) {
    const p = Math.floor(i / perProject);
    let project = projects[p];
    if (project === undefined) {
      project = { id: projectId(p), name: `bench-${p}`, clusters: [] };
      projects.push(project);
    }
    const clusterName = `Cluster${i % perProject}`;
    (project.clusters ??= []).push({ name: clusterName, snapshots: snapshotHistory(HISTORY, now) });
    targets.push({ projectId: project.id, clusterName });
  }
  if (order === 'interleaved') {
    const byProject = projects.map((project) => targets.filter((t) => t.projectId === project.id));
    targets.length = 0;
    for (let i = 0; i < perProject; i++) {
      for (const list of byProject) {
        const target = list[i];
        if (target) targets.push(target);
      }
    }
  }
  return { label: `${count} targets / ${projects.length} project(s)`, projects, targets };
}

export function seedFleet(sim: AtlasSimulator, fleet: Fleet): void {
  for (const project of fleet.projects) sim.addProject(project);
}

/** Clusters per project of a realistic organization (issue 12: 20 to 50 per project), in turn. */
export const PROJECT_SIZES = [20, 35, 50, 27, 42, 31, 46, 24] as const;

/**
 * `count` clusters spread over projects of PROJECT_SIZES clusters each (the last one takes the
 * rest), for a run with `projectId: "*"` (every project the credentials see) and `clusterName: "*"`.
 */
export function makeSpreadFleet(count: number, now: number, sizes: readonly number[] = PROJECT_SIZES): Fleet {
  const projects: ProjectSeed[] = [];
  let left = count;
  for (let p = 0; left > 0; p++) {
    const size = Math.min(left, sizes[p % sizes.length] ?? 30);
    const clusters = Array.from({ length: size }, (_, i) => ({
      name: `Cluster${i}`,
      snapshots: snapshotHistory(HISTORY, now),
    }));
    projects.push({ id: projectId(p), name: `bench-${p}`, clusters });
    left -= size;
  }
  return {
    label: `${count} clusters / ${projects.length} project(s)`,
    projects,
    targets: [{ projectId: '*', clusterName: '*' }],
  };
}
