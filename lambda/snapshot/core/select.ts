/**
 * Selector expansion (docs/design.md, "Selecting clusters"): targets become the clusters to process.
 * `projectId: "*"` reads the projects the credentials can see, `clusterName: "*"` a project's
 * clusters, `tags` keeps the clusters carrying every given pair (exact, case-sensitive: Atlas cannot
 * filter by tag). Each project is listed once per run however many selectors name it, with at most
 * `concurrency` listings in flight. A cluster matched several times is processed once, and a
 * cluster named explicitly keeps the explicit treatment.
 */
import { Codes } from '../codes';
import { LogEvents } from '../log-events';
import { createLimiter } from '../pool';
import type { AtlasApi, AtlasCluster, ClusterRef, Logger, NoticeSink, Outcome, Target } from '../types';
import { ALL_CLUSTERS, ALL_PROJECTS, targetKey } from '../validation';
import { errorExtra, type MakeOutcome } from './outcome';

/** A cluster to process. */
export interface WorkItem {
  ref: ClusterRef;
  /** Found through a selector (unsupported / backup-off ones are then SKIPPED, not ERROR). */
  selected: boolean;
  /** The cluster document from the project's list (saves a GET). */
  cluster?: AtlasCluster;
  /** Notices Atlas gave while listing (version deprecations), for the outcome's `warnings`. */
  warnings?: readonly string[];
}

/** One position of the run: a cluster to process, or an outcome already decided while expanding. */
export type Slot = { kind: 'work'; item: WorkItem } | { kind: 'outcome'; outcome: Outcome; listingOf?: string };

export interface SelectContext {
  targets: readonly Target[];
  logger: Logger;
  concurrency: number;
  atlasFor: (target: ClusterRef, logger: Logger, notices: NoticeSink) => AtlasApi;
  make: MakeOutcome;
}

/** How many names an `expanded` log line lists before it only counts. */
const LOGGED_NAMES = 100;

type Listing<T> = { ok: true; value: T; warnings: string[] } | { ok: false; error: unknown; warnings: string[] };

/** Expands every target, in target order, then removes repeats (explicit names first). */
export async function selectClusters(ctx: SelectContext): Promise<Slot[]> {
  const lister = createLister(ctx);
  const expanded = await Promise.all(
    ctx.targets.map((target) =>
      target.clusterName === ALL_CLUSTERS
        ? expandSelector(target, ctx, lister)
        : Promise.resolve<Slot[]>([{ kind: 'work', item: { ref: target, selected: false } }]),
    ),
  );
  return dedupe(expanded);
}

/** Lists projects and clusters through Atlas once each per run, at most `concurrency` at a time. */
function createLister(ctx: SelectContext) {
  const limit = createLimiter(Math.max(1, ctx.concurrency));
  const clusters = new Map<string, Promise<Listing<AtlasCluster[]>>>();
  let projects: Promise<Listing<string[]>> | undefined;

  const list = <T>(ref: ClusterRef, call: (atlas: AtlasApi) => Promise<T>): Promise<Listing<T>> => {
    const warnings: string[] = [];
    const logger = ctx.logger.child({ projectId: ref.projectId, clusterName: ALL_CLUSTERS });
    const atlas = ctx.atlasFor(ref, logger, (w) => void (warnings.includes(w) ? undefined : warnings.push(w)));
    return limit(() => call(atlas)).then(
      (value): Listing<T> => ({ ok: true, value, warnings }),
      (error: unknown): Listing<T> => ({ ok: false, error, warnings }),
    );
  };
  return {
    projects(): Promise<Listing<string[]>> {
      projects ??= list({ projectId: ALL_PROJECTS, clusterName: ALL_CLUSTERS }, async (atlas) =>
        (await atlas.listProjects()).map((p) => p.id),
      );
      return projects;
    },
    clusters(projectId: string): Promise<Listing<AtlasCluster[]>> {
      let listing = clusters.get(projectId);
      if (!listing) {
        listing = list({ projectId, clusterName: ALL_CLUSTERS }, (atlas) => atlas.listClusters(projectId));
        clusters.set(projectId, listing);
      }
      return listing;
    },
  };
}

type Lister = ReturnType<typeof createLister>;

async function expandSelector(target: Target, ctx: SelectContext, lister: Lister): Promise<Slot[]> {
  const selector = { projectId: target.projectId, clusterName: ALL_CLUSTERS };
  const logger = ctx.logger.child(selector);
  let projectIds = [target.projectId];
  if (target.projectId === ALL_PROJECTS) {
    const listing = await lister.projects();
    if (!listing.ok) {
      const extra = errorExtra(listing.error);
      logger.error(LogEvents.projectsListingFailed, { code: extra.code, error: listing.error });
      const detail = `cannot list the projects the credentials can see: ${extra.detail}`;
      return [outcomeSlot(ctx.make(selector, 'ERROR', extra.code, withWarnings({ ...extra, detail }, listing)))];
    }
    projectIds = listing.value;
  }

  const slots: Slot[] = [];
  const found: WorkItem[] = [];
  const listings = await Promise.all(projectIds.map((id) => lister.clusters(id)));
  listings.forEach((listing, i) => {
    const projectId = projectIds[i] ?? '';
    if (!listing.ok) {
      slots.push(listingFailed(projectId, listing.error, listing, ctx, logger));
      return;
    }
    for (const cluster of listing.value.filter((c) => hasTags(c, target.tags))) {
      const item: WorkItem = { ref: { projectId, clusterName: cluster.name }, selected: true, cluster };
      found.push(listing.warnings.length > 0 ? { ...item, warnings: listing.warnings } : item);
    }
  });
  logExpanded(logger, target, projectIds, found);
  if (found.length === 0 && slots.length === 0) {
    const detail = noClustersDetail(target, projectIds.length);
    slots.push(outcomeSlot(ctx.make(selector, 'SKIPPED', Codes.NO_CLUSTERS, withWarnings({ detail }, ...listings))));
  }
  return [...found.map((item): Slot => ({ kind: 'work', item })), ...slots];
}

function listingFailed(
  projectId: string,
  error: unknown,
  listing: Listing<unknown>,
  ctx: SelectContext,
  logger: Logger,
): Slot {
  const extra = errorExtra(error);
  logger.error(LogEvents.listingFailed, { projectId, code: extra.code, error });
  const detail = `cannot list the project's clusters: ${extra.detail}`;
  const selector = { projectId, clusterName: ALL_CLUSTERS };
  const outcome = ctx.make(selector, 'ERROR', extra.code, withWarnings({ ...extra, detail }, listing));
  return { kind: 'outcome', outcome, listingOf: projectId };
}

/** Every pair of `tags` is among the cluster's `tags`, exactly (keys and values are case-sensitive). */
export function hasTags(cluster: AtlasCluster, tags: Target['tags']): boolean {
  if (tags === undefined) return true;
  const own = cluster.tags ?? [];
  return Object.entries(tags).every(([key, value]) => own.some((t) => t.key === key && t.value === value));
}

function noClustersDetail(target: Target, projects: number): string {
  const tags = target.tags ? ` carrying every tag ${JSON.stringify(target.tags)} (exact, case-sensitive)` : '';
  if (target.projectId === ALL_PROJECTS) {
    if (projects === 0) return 'projectId "*" found no project: the credentials can see none';
    return `selector ${targetKey(target)} matched no cluster: none${tags} in the ${projects} project(s) the credentials can see`;
  }
  return tags
    ? `selector ${targetKey(target)} matched no cluster: none of the project's clusters${tags}`
    : `selector ${targetKey(target)} matched no cluster: the project has no clusters`;
}

function logExpanded(logger: Logger, target: Target, projectIds: readonly string[], found: readonly WorkItem[]): void {
  logger.info(LogEvents.expanded, {
    selector: targetKey(target),
    projects: projectIds.slice(0, LOGGED_NAMES),
    clusters: found.slice(0, LOGGED_NAMES).map((item) => item.ref.clusterName),
    ...(projectIds.length > LOGGED_NAMES ? { moreProjects: projectIds.length - LOGGED_NAMES } : {}),
    ...(found.length > LOGGED_NAMES ? { moreClusters: found.length - LOGGED_NAMES } : {}),
  });
}

function withWarnings(extra: Partial<Outcome>, ...listings: Array<Listing<unknown>>): Partial<Outcome> {
  const warnings = [...new Set(listings.flatMap((l) => l.warnings))];
  return warnings.length > 0 ? { ...extra, warnings } : extra;
}

function outcomeSlot(outcome: Outcome): Slot {
  return { kind: 'outcome', outcome };
}

const keyOf = (ref: ClusterRef) => `${ref.projectId}/${ref.clusterName}`;

/**
 * Keeps the first occurrence of each cluster in target order, except that a cluster named
 * explicitly is processed where it was named (explicit treatment), with the listed document when a
 * selector read one; a project whose listing failed is reported once.
 */
function dedupe(expanded: ReadonlyArray<readonly Slot[]>): Slot[] {
  const named = new Set<string>();
  const listed = new Map<string, WorkItem>();
  for (const slot of expanded.flat()) {
    if (slot.kind !== 'work') continue;
    if (!slot.item.selected) named.add(keyOf(slot.item.ref));
    else if (!listed.has(keyOf(slot.item.ref))) listed.set(keyOf(slot.item.ref), slot.item);
  }
  const seen = new Set<string>();
  const failedListings = new Set<string>();
  const slots: Slot[] = [];
  for (const slot of expanded.flat()) {
    if (slot.kind === 'outcome') {
      if (slot.listingOf !== undefined) {
        if (failedListings.has(slot.listingOf)) continue;
        failedListings.add(slot.listingOf);
      }
      slots.push(slot);
      continue;
    }
    const key = keyOf(slot.item.ref);
    if (seen.has(key) || (slot.item.selected && named.has(key))) continue;
    seen.add(key);
    const fromList = slot.item.selected ? undefined : listed.get(key);
    slots.push(fromList ? { kind: 'work', item: { ...fromList, selected: false } } : slot);
  }
  return slots;
}
