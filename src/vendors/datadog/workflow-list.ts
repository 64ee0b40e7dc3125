// GET /api/v2/workflows: filters, sort and paging as documented (VENDOR-FACTS A6.5).
// totalCount counts every workflow of the org; totalFilteredCount the ones that matched.
import type { StoredRecord } from '../../store/store.js';
import type { DatadogContext } from './context.js';
import { INSTANCE_KIND } from './context.js';
import { triggerKinds, WORKFLOW_KIND, workflowResource, type StoredWorkflow } from './workflow-model.js';

export interface ListWorkflowsQuery {
  limit?: number;
  page?: number;
  sort?: string;
  'filter[query]'?: string;
  'filter[triggerIds]'?: string[];
  'filter[includeUnpublished]'?: boolean;
  'filter[includeSpecs]'?: boolean;
}

type Row = StoredRecord<StoredWorkflow> & { lastExecutedAt?: number };
type SortKey = (row: Row) => string | number;

const SORT_KEYS: Record<string, SortKey> = {
  name: (r) => r.data.name.toLowerCase(),
  createdAt: (r) => r.data.createdAt,
  updatedAt: (r) => r.data.updatedAt,
  creatorName: (r) => r.data.creatorName.toLowerCase(),
  ownerName: (r) => r.data.creatorName.toLowerCase(),
  lastExecutedAt: (r) => r.lastExecutedAt ?? -1,
};

export async function listWorkflowsPage(ctx: DatadogContext, tenant: string, query: ListWorkflowsQuery) {
  const limit = query.limit ?? 50;
  const page = query.page ?? 0;
  const all = await ctx.store.scan<StoredWorkflow>(WORKFLOW_KIND, tenant);
  let rows: Row[] = all.filter(matcher(query));
  const sort = parseSort(query.sort ?? ctx.options.defaultWorkflowSort);
  if (sort.some((s) => s.field === 'lastExecutedAt')) rows = await withLastExecution(ctx, tenant, rows);
  rows.sort(comparator(sort));
  const includeSpecs = query['filter[includeSpecs]'] === true;
  return {
    data: rows.slice(page * limit, page * limit + limit).map((r) => workflowResource(r.id, r.data, includeSpecs)),
    meta: { page: { totalCount: all.length, totalFilteredCount: rows.length } },
  };
}

function matcher(query: ListWorkflowsQuery): (row: Row) => boolean {
  const text = query['filter[query]']?.toLowerCase();
  const triggers = query['filter[triggerIds]'];
  const includeUnpublished = query['filter[includeUnpublished]'] === true;
  return (row) => {
    const wf = row.data;
    if (!includeUnpublished && !wf.published) return false;
    if (triggers && triggers.length > 0) {
      const kinds = new Set((wf.spec.triggers ?? []).flatMap(triggerKinds));
      if (!triggers.some((t) => kinds.has(`${t}Trigger`))) return false;
    }
    if (!text) return true;
    // A query with a colon is a key:value tag filter; otherwise a substring of name, creator or handle.
    if (text.includes(':')) return wf.tags.some((tag) => tag.toLowerCase() === text);
    const handle = typeof wf.spec.handle === 'string' ? wf.spec.handle.toLowerCase() : '';
    return wf.name.toLowerCase().includes(text) || wf.creatorName.toLowerCase().includes(text) || handle.includes(text);
  };
}

// Datadog's default (DD-ASSUME-5): by name, and workflows of one name in an order unrelated to creation.
const VENDOR_DEFAULT = [{ field: 'name', desc: false }];

function parseSort(sort: string | undefined): { field: string; desc: boolean }[] {
  if (!sort) return VENDOR_DEFAULT;
  return sort
    .split(',')
    .filter(Boolean)
    .map((part) => (part.startsWith('-') ? { field: part.slice(1), desc: true } : { field: part, desc: false }))
    .filter((s) => s.field in SORT_KEYS);
}

function comparator(sort: { field: string; desc: boolean }[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const { field, desc } of sort) {
      const key = SORT_KEYS[field]!;
      const x = key(a);
      const y = key(b);
      if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    // Ties in an order fixed per id (stable pages) that neither creation time nor the id's own order
    // predicts, as recorded: a client must not count on where its new workflow lands.
    return fnv1a(a.id) - fnv1a(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

async function withLastExecution(ctx: DatadogContext, tenant: string, rows: Row[]): Promise<Row[]> {
  return Promise.all(
    rows.map(async (row) => {
      const newest = await ctx.store.list({ kind: INSTANCE_KIND, tenant, parentId: row.id, offset: 0, limit: 1 });
      const first = newest.items[0];
      return first ? { ...row, lastExecutedAt: first.createdAt } : row;
    }),
  );
}
