// The requests each workload sends. Paths and headers only: the driver owns timing and pools.
import { FIXTURE, prng, seededId } from './fixture.mjs';

const { dd, sm } = FIXTURE;
export const DD_HEADERS = { 'DD-API-KEY': dd.apiKey, 'DD-APPLICATION-KEY': dd.appKey, 'content-type': 'application/json' };
// With no credentials configured any well-formed token passes; a fixed one keeps IAM out of the loop.
const SM_HEADERS = { 'X-Auth-Token': 'flowtwin-bench-token', 'content-type': 'application/json' };

const ddBase = `/api/v2/workflows/${dd.workflowId}/instances`;
export const get = { method: 'GET', path: `${ddBase}/${dd.instanceId}`, headers: DD_HEADERS };
export const execute = { method: 'POST', path: ddBase, headers: DD_HEADERS, body: '{"meta":{"payload":{"bench":true}}}' };
/** Every list asks for this many items; a row whose page holds fewer measured a different answer. */
export const PAGE_SIZE = 100;
export const list = { method: 'GET', path: `${ddBase}?page%5Bsize%5D=${PAGE_SIZE}&page%5Bnumber%5D=0`, headers: DD_HEADERS };
export const smList = {
  method: 'GET',
  path: `/v1/${sm.projectId}/workspaces/${sm.workspaceId}/soc/playbooks/instances?limit=${PAGE_SIZE}&offset=0&status=RUNNING`,
  headers: SM_HEADERS,
};
/** The list a workload reads, and the ids of a page of it (a row's page is checked before and after it). */
export const PAGES = {
  list: { request: list, ids: (body) => body.data.map((i) => i.id) },
  'list-1c': { request: list, ids: (body) => body.data.map((i) => i.id) },
  'sm-list': { request: smList, ids: (body) => body.instances.map((i) => i.id) },
  'sm-list-1c': { request: smList, ids: (body) => body.instances.map((i) => i.id) },
};
/** The GET seed: fixed, so every run reads the same instances in the same order. */
export const GET_SEED = 17;

/**
 * GET of instances drawn at random (seeded) among the `size / 2` seeded Datadog ones: one fixed id
 * would be answered from the decoded-record cache at every size. Size 0 (no seeding) reads the fixture.
 */
export function randomGet(size, seed = GET_SEED) {
  const count = Math.ceil(size / 2);
  if (count === 0) return get;
  const next = prng(seed);
  return { method: 'GET', headers: DD_HEADERS, setupRequest: (req) => ({ ...req, path: `${ddBase}/${seededId('dd', Math.floor(next() * count))}` }) };
}
export const executeLong = { method: 'POST', path: `/api/v2/workflows/${dd.longWorkflowId}/instances`, headers: DD_HEADERS, body: '{}' };
export const cancelPath = (id) => `/api/v2/workflows/${dd.longWorkflowId}/instances/${id}/cancel`;

// Lists run before execute adds instances to the listed workflow, so a size run lists that size.
export const WORKLOADS = ['get', 'list', 'list-1c', 'sm-list', 'sm-list-1c', 'execute', 'cancel', 'mixed'];
// At 100k and more, 40 lists in flight only measure the queue; one connection measures the service
// time, which is what "flat as it grows" means (for both vendors' lists, which read a page from
// indexes; the child builds the indexes of its directly seeded instances before it says ready).
export const LARGE_WORKLOADS = ['get', 'list-1c', 'sm-list-1c', 'execute', 'cancel'];
export const HUGE_WORKLOADS = LARGE_WORKLOADS;
export const LARGE_READS = ['get', 'list-1c', 'sm-list-1c'];

/** "-1c" workloads run on a single connection. */
export const connectionsFor = (name, connections) => (name.endsWith('-1c') ? 1 : connections);

/** autocannon `requests` for a workload; `pool` holds running instance ids for cancel; `size` the seeded instances. */
export function requestsFor(name, pool, size = 0) {
  switch (name) {
    case 'get':
      return [randomGet(size)];
    case 'execute':
      return [execute];
    case 'list':
    case 'list-1c':
      return [list];
    case 'sm-list':
    case 'sm-list-1c':
      return [smList];
    case 'mixed':
      // Read-heavy, as a test suite polling for a run's end is: 3 reads, 1 list, 1 execute, 1 SecMaster list.
      return [randomGet(size), randomGet(size, GET_SEED + 1), randomGet(size, GET_SEED + 2), list, execute, smList];
    case 'cancel': {
      let next = 0;
      return [{ method: 'PUT', headers: DD_HEADERS, setupRequest: (req) => ({ ...req, path: cancelPath(pool[next++ % pool.length]) }) }];
    }
    default:
      throw new Error(`unknown workload ${name}`);
  }
}

/**
 * The items of a list row's page, read before and after its timed run: fewer than PAGE_SIZE, or a page
 * that changed during the run (when `fixed`), means the row measured something else than its name says
 * (issue 17: memory rows once read near-empty pages while SQLite and Redis read full ones), so it throws.
 */
export function checkPage(name, before, after, { fixed = true } = {}) {
  for (const [when, ids] of [
    ['before', before],
    ['after', after],
  ]) {
    if (ids.length < PAGE_SIZE) throw new Error(`${name}: the page read ${when} the run holds ${ids.length} items, not ${PAGE_SIZE}`);
  }
  if (fixed && before.join() !== after.join()) throw new Error(`${name}: the page changed during the run (the clock should stand still)`);
  return before.length;
}
