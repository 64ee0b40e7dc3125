// The projects of flowtwin's one Huawei account, one per region (IAM-ASSUME-5). A SecMaster fixture
// project may name its region; any other region's project has an id derived from the name, so a
// token scoped to a region and an SDK looking the region up land in the same project.
import { createHash } from 'node:crypto';
import { DuplicateRecordError, type Store } from '../../store/store.js';
import { IAM_TENANT } from './tokens.js';

export const PROJECT_KIND = 'huawei.iam.project';
export const DEFAULT_REGION = 'cn-north-4';

interface StoredProject {
  id: string;
}

/** A project id for a project known only by name (region), stable across runs. */
export const projectIdForName = (name: string): string =>
  createHash('sha256').update(`project/${name}`).digest('hex').slice(0, 32);

/** Names a region's project (fixtures); a later call for the same region replaces it. */
export async function registerRegionProject(store: Store, region: string, id: string, at: number): Promise<void> {
  // Replicas seeding the same fixtures race here: the last write wins, and every one writes the same id.
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await store.get<StoredProject>(PROJECT_KIND, IAM_TENANT, region);
    if (existing?.data.id === id) return;
    if (existing && (await store.update({ ...existing, data: { id } }, existing.version))) return;
    if (!existing) {
      try {
        await store.create({
          kind: PROJECT_KIND,
          tenant: IAM_TENANT,
          id: region,
          createdAt: at,
          version: 1,
          data: { id },
        });
        return;
      } catch (error) {
        if (!(error instanceof DuplicateRecordError)) throw error;
      }
    }
  }
}

/** The project id of a region: the registered one, else the derived one. */
export async function regionProjectId(store: Store, region: string): Promise<string> {
  return (await store.get<StoredProject>(PROJECT_KIND, IAM_TENANT, region))?.data.id ?? projectIdForName(region);
}

export interface ListProjectsQuery {
  name?: string;
  domain_id?: string;
  parent_id?: string;
  enabled?: boolean;
  is_domain?: boolean;
  page?: number;
  per_page?: number;
}

/**
 * The body of GET /v3/projects (IAM docs' shape). A bound caller (a token, a configured key) sees its
 * one project; an unbound one (no credentials configured) the project of the region it names.
 */
export async function listProjects(
  store: Store,
  bound: { id: string; name?: string; domainName?: string } | undefined,
  query: ListProjectsQuery,
  links: { origin: string; search: string },
  domainIdOf: (domainName: string) => string,
) {
  const name = bound?.name ?? query.name ?? DEFAULT_REGION;
  const id = bound?.id ?? (await regionProjectId(store, name));
  const domainId = domainIdOf(bound?.domainName ?? 'flowtwin');
  const project = {
    is_domain: false,
    description: '',
    links: { self: `${links.origin}/v3/projects/${id}` },
    enabled: true,
    id,
    parent_id: domainId,
    domain_id: domainId,
    name,
  };
  const matches =
    (query.name === undefined || query.name === name) &&
    query.enabled !== false &&
    query.is_domain !== true &&
    (query.domain_id === undefined || query.domain_id === domainId) &&
    (query.parent_id === undefined || query.parent_id === domainId);
  const perPage = query.per_page ?? 5000;
  const page = query.page ?? 1;
  const all = matches ? [project] : [];
  return {
    links: { self: `${links.origin}/v3/projects${links.search}`, previous: null, next: null },
    projects: all.slice((page - 1) * perPage, page * perPage),
  };
}
