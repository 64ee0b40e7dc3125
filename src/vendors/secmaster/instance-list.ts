// ListPlaybookInstances without reading the whole workspace: instances come newest first from the
// engine's start-time index, and counts from its indexes. Every instance handed out still passes the
// whole filter, projected at one `at`, so answers are those of sorting and filtering every instance.
import type { InstanceEngine } from '../../engine/instances.js';
import { instanceInfo, type SecMasterInstanceAttrs } from './model.js';
import { parseSmDate } from './time.js';

export type Info = ReturnType<typeof instanceInfo>;

export interface InstanceQuery {
  status?: string | undefined;
  trigger_type?: string | undefined;
  name?: string | undefined;
  playbook_name?: string | undefined;
  dataclass_name?: string | undefined;
  dataobject_name?: string | undefined;
  /** Parsed from_date / to_date, in ms. */
  from?: number | undefined;
  to?: number | undefined;
  date_type?: string | undefined;
}

export interface ListScope {
  engine: InstanceEngine<SecMasterInstanceAttrs>;
  tenant: string;
  workspaceId: string;
  /** Every status is the one at this time, as one read of every instance would give. */
  at: number;
}

/** The smallest first chunk of a walk; later chunks double (the engine caps them). */
const MIN_CHUNK = 16;
/**
 * A scan reads every record in one pass, a walk looks each one up: a walk that would read more than
 * half the workspace costs more than the scan.
 */
const SCAN_DISCOUNT = 2;

export async function listInstances(
  scope: ListScope,
  q: InstanceQuery,
  offset: number,
  limit: number,
): Promise<{ count: number; instances: Info[] }> {
  const { engine, tenant, workspaceId, at } = scope;
  // Start dates bound the index itself; end dates and text filters are known only by looking.
  const byStart = q.date_type === 'END' ? {} : { min: q.from ?? -Infinity, max: q.to ?? Infinity };
  const looking =
    q.date_type === 'END' ||
    [q.trigger_type, q.name, q.playbook_name, q.dataclass_name, q.dataobject_name].some((v) => v !== undefined);

  if (q.status === undefined && !looking) {
    const count = await engine.countStarted(tenant, workspaceId, byStart.min, byStart.max);
    const instances = await take(
      engine.newestFirst(tenant, workspaceId, { ...byStart, offset, at, chunk: limit }),
      limit,
    );
    return { count, instances };
  }

  // With the status alone its count is known, and a walk newest first can stop at the last instance
  // the page needs. The status's instances can also be read from its index entries (the runs still
  // going, the hangs, the failures not retried): that is the cheaper way when they are few. Whatever
  // must look at most of the workspace reads it in one scan.
  const statusOnly = q.status !== undefined && !looking && q.from === undefined && q.to === undefined;
  const known = statusOnly ? (await engine.countByState(tenant, workspaceId, [q.status!], at))[q.status!]! : undefined;
  if (known === 0) return { count: 0, instances: [] };
  const [total, inRange, cost] = await Promise.all([
    engine.countStarted(tenant, workspaceId),
    byStart.min === undefined || (q.from === undefined && q.to === undefined)
      ? undefined
      : engine.countStarted(tenant, workspaceId, byStart.min, byStart.max),
    q.status === undefined ? Infinity : engine.inStateCost(tenant, workspaceId, q.status, at),
  ]);
  const range = inRange ?? total;
  const walkCost =
    known !== undefined && known >= offset + limit ? Math.ceil(((offset + limit) * range) / known) : range;
  const scanCost = total / SCAN_DISCOUNT;
  if (cost <= Math.min(walkCost, scanCost)) {
    const all = (await engine.inState(tenant, workspaceId, q.status!, at)).map(instanceInfo).filter(filterOf(q));
    return { count: all.length, instances: all.slice(offset, offset + limit) };
  }
  if (walkCost < scanCost) return walk(scope, q, byStart, offset, limit, known, walkCost);
  return scan(scope, q, offset, limit);
}

/**
 * Every instance projected, filtered and sorted newest start first
 * (a stable sort of the scan, newest written first, keeps ties so).
 */
async function scan(
  scope: ListScope,
  q: InstanceQuery,
  offset: number,
  limit: number,
): Promise<{ count: number; instances: Info[] }> {
  const all = (await scope.engine.all(scope.tenant, scope.workspaceId, scope.at)).map(instanceInfo).filter(filterOf(q));
  all.sort((a, b) => (a.start_time < b.start_time ? 1 : a.start_time > b.start_time ? -1 : 0));
  return { count: all.length, instances: all.slice(offset, offset + limit) };
}

/**
 * Every instance newest first through the whole filter, up to the `known` number of matches when
 * there is one; `expected` is how many it will likely read, so the first chunk is about that.
 */
async function walk(
  scope: ListScope,
  q: InstanceQuery,
  byStart: { min?: number; max?: number },
  offset: number,
  limit: number,
  known: number | undefined,
  expected: number,
): Promise<{ count: number; instances: Info[] }> {
  const { engine, tenant, workspaceId, at } = scope;
  const matches = filterOf(q);
  const wanted = known === undefined ? Infinity : Math.min(known, offset + limit);
  const instances: Info[] = [];
  let seen = 0;
  for await (const view of engine.newestFirst(tenant, workspaceId, {
    ...byStart,
    at,
    chunk: Math.max(MIN_CHUNK, expected),
  })) {
    const info = instanceInfo(view);
    if (!matches(info)) continue;
    if (seen >= offset && seen < offset + limit) instances.push(info);
    if (++seen >= wanted) break;
  }
  // A walk that ran out before the count was reached saw every match there is: it knows better.
  return { count: known !== undefined && seen >= wanted ? known : seen, instances };
}

async function take(views: AsyncIterable<Parameters<typeof instanceInfo>[0]>, limit: number): Promise<Info[]> {
  const out: Info[] = [];
  if (limit <= 0) return out;
  for await (const view of views) {
    out.push(instanceInfo(view));
    if (out.length >= limit) break;
  }
  return out;
}

export function filterOf(q: InstanceQuery): (i: Info) => boolean {
  const contains = (value: string, wanted: string | undefined) =>
    wanted === undefined || value.toLowerCase().includes(wanted.toLowerCase());
  const field = q.date_type === 'END' ? 'end_time' : 'start_time';
  return (i) =>
    (q.status === undefined || i.status === q.status) &&
    (q.trigger_type === undefined || i.trigger_type === q.trigger_type) &&
    contains(i.name, q.name) &&
    contains(i.playbook.name, q.playbook_name) &&
    contains(i.dataclass.name, q.dataclass_name) &&
    contains(i.dataobject.name, q.dataobject_name) &&
    (q.from === undefined || parseSmDate(i[field])! >= q.from) &&
    (q.to === undefined || parseSmDate(i[field])! <= q.to);
}
