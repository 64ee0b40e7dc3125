// The requests each workload sends. Paths and headers only: the driver owns timing and pools.
import { FIXTURE } from './fixture.mjs';

const { dd, sm } = FIXTURE;
export const DD_HEADERS = { 'DD-API-KEY': dd.apiKey, 'DD-APPLICATION-KEY': dd.appKey, 'content-type': 'application/json' };
// With no credentials configured any well-formed token passes; a fixed one keeps IAM out of the loop.
const SM_HEADERS = { 'X-Auth-Token': 'flowtwin-bench-token', 'content-type': 'application/json' };

const ddBase = `/api/v2/workflows/${dd.workflowId}/instances`;
export const get = { method: 'GET', path: `${ddBase}/${dd.instanceId}`, headers: DD_HEADERS };
export const execute = { method: 'POST', path: ddBase, headers: DD_HEADERS, body: '{"meta":{"payload":{"bench":true}}}' };
export const list = { method: 'GET', path: `${ddBase}?page%5Bsize%5D=100&page%5Bnumber%5D=0`, headers: DD_HEADERS };
export const smList = {
  method: 'GET',
  path: `/v1/${sm.projectId}/workspaces/${sm.workspaceId}/soc/playbooks/instances?limit=100&offset=0&status=RUNNING`,
  headers: SM_HEADERS,
};
export const executeLong = { method: 'POST', path: `/api/v2/workflows/${dd.longWorkflowId}/instances`, headers: DD_HEADERS, body: '{}' };
export const cancelPath = (id) => `/api/v2/workflows/${dd.longWorkflowId}/instances/${id}/cancel`;

// Lists run before execute adds instances to the listed workflow, so a size run lists that size.
export const WORKLOADS = ['get', 'list', 'list-1c', 'sm-list', 'sm-list-1c', 'execute', 'cancel', 'mixed'];
// At 100k and more, 40 lists in flight only measure the queue; one connection measures the service
// time, which is what "flat as it grows" means (for both vendors' lists, which read a page from
// indexes; the child builds the indexes of its directly seeded instances before it says ready).
export const LARGE_WORKLOADS = ['get', 'list-1c', 'sm-list-1c', 'execute', 'cancel'];
export const HUGE_WORKLOADS = LARGE_WORKLOADS;
export const LARGE_READS = ['get', 'list-1c'];

/** "-1c" workloads run on a single connection. */
export const connectionsFor = (name, connections) => (name.endsWith('-1c') ? 1 : connections);

/** autocannon `requests` for a workload; `pool` holds running instance ids for cancel. */
export function requestsFor(name, pool) {
  switch (name) {
    case 'get':
      return [get];
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
      return [get, get, get, list, execute, smList];
    case 'cancel': {
      let next = 0;
      return [{ method: 'PUT', headers: DD_HEADERS, setupRequest: (req) => ({ ...req, path: cancelPath(pool[next++ % pool.length]) }) }];
    }
    default:
      throw new Error(`unknown workload ${name}`);
  }
}
