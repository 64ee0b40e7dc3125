// Property-based fuzzing of every Datadog Workflow Automation operation (workflow CRUD, instance
// list / execute / get / cancel): generated valid and hostile requests never get a 5xx, never hang,
// always answer within the spec in Datadog's error shape, and a refused request changes nothing.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, contentType, headerValue, method, numberish, queryString, segment, validWorkflow, weirdString } from './arbitraries.js';
import { datadogErrorShape, describeRequest, exchange, fuzzParameters, printable, specOf, startFuzzServer, type FuzzServer, type RawRequest } from './harness.js';

const FIXTURES = JSON.parse(readFileSync(new URL('../../fixtures/default.json', import.meta.url), 'utf8')) as {
  datadog: { tenants: { apiKey: string; appKey: string; workflows: { id: string }[]; instances: { id: string }[] }[] };
};
const SEEDED = FIXTURES.datadog.tenants[0]!;
const TENANTS = {
  seeded: { 'DD-API-KEY': SEEDED.apiKey, 'DD-APPLICATION-KEY': SEEDED.appKey },
  a: { 'DD-API-KEY': 'fuzz-api-key-a', 'DD-APPLICATION-KEY': 'fuzz-app-key-a' },
  b: { 'DD-API-KEY': 'fuzz-api-key-b', 'DD-APPLICATION-KEY': 'fuzz-app-key-b' },
};
const spec = specOf('datadog-workflow-automation.yaml');

let server: FuzzServer;
type TenantName = keyof typeof TENANTS;
/** [tenant, workflow, instance] of every instance, so a request can name a pair that exists. */
const owned: [TenantName, string, string][] = FIXTURES.datadog.tenants[0]!.instances.map((i) => ['seeded', (i as unknown as { workflowId: string }).workflowId, i.id]);
const workflowIds = SEEDED.workflows.map((w) => w.id);
/** Workflows made to be deleted: [id, owner]. */
const deletable: [string, TenantName][] = [];
const instanceIds = SEEDED.instances.map((i) => i.id);

beforeAll(async () => {
  server = await startFuzzServer({ fixtures: FIXTURES as unknown as Record<string, unknown>, bodyLimitBytes: 64 * 1024 });
  for (const tenant of ['a', 'b'] as const) {
    const headers = TENANTS[tenant];
    for (const name of ['One', 'Two']) {
      const created = await server.send({ method: 'POST', path: '/api/v2/workflows', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(validWorkflow(name)) });
      const id = (created.json as { data: { id: string } }).data.id;
      workflowIds.push(id);
      for (let i = 0; i < 2; i++) {
        const run = await server.send({ method: 'POST', path: `/api/v2/workflows/${id}/instances`, headers: { ...headers, 'content-type': 'application/json' }, body: '{}' });
        const instanceId = (run.json as { data: { id: string } }).data.id;
        instanceIds.push(instanceId);
        owned.push([tenant, id, instanceId]);
      }
    }
  }
  for (const tenant of ['a', 'b'] as const) {
    for (let i = 0; i < 6; i++) {
      const created = await server.send({ method: 'POST', path: '/api/v2/workflows', headers: { ...TENANTS[tenant], 'content-type': 'application/json' }, body: JSON.stringify(validWorkflow(`Doomed ${i}`)) });
      deletable.push([(created.json as { data: { id: string } }).data.id, tenant]);
    }
  }
  expect(workflowIds).toHaveLength(7);
  expect(instanceIds).toHaveLength(14);
});
afterAll(async () => server?.close());

const credentials: fc.Arbitrary<Record<string, string | string[]>> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Record<string, string | string[]>>(TENANTS.seeded, TENANTS.a, TENANTS.b) },
  { weight: 1, arbitrary: fc.record({ 'DD-API-KEY': headerValue, 'DD-APPLICATION-KEY': headerValue }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Record<string, string | string[]>>(
      {},
      { 'DD-API-KEY': TENANTS.a['DD-API-KEY'] },
      { 'DD-APPLICATION-KEY': TENANTS.a['DD-APPLICATION-KEY'] },
      { 'DD-API-KEY': '', 'DD-APPLICATION-KEY': '' },
      { 'DD-API-KEY': [TENANTS.a['DD-API-KEY'], TENANTS.b['DD-API-KEY']], 'DD-APPLICATION-KEY': [TENANTS.b['DD-APPLICATION-KEY'], TENANTS.a['DD-APPLICATION-KEY']] },
      { 'DD-API-KEY': TENANTS.a['DD-API-KEY'], 'DD-APPLICATION-KEY': TENANTS.b['DD-APPLICATION-KEY'] },
      { Authorization: 'Bearer x', 'DD-API-KEY': ' ' + TENANTS.a['DD-API-KEY'], 'DD-APPLICATION-KEY': TENANTS.a['DD-APPLICATION-KEY'] + ' ' },
    ),
  },
);

const QUERY_VALUES: Record<string, fc.Arbitrary<string>> = {
  limit: numberish,
  page: numberish,
  'page[size]': numberish,
  'page[number]': numberish,
  sort: fc.constantFrom('name', '-name', 'createdAt', '-updatedAt', 'name,-createdAt', 'lastExecutedAt', 'bogus', ',', '-', 'name,name'),
  'filter[includeUnpublished]': fc.constantFrom('true', 'false', 'TRUE', '1', 'yes'),
  'filter[includeSpecs]': fc.constantFrom('true', 'false', '0'),
  'filter[query]': weirdString,
  'filter[triggerIds]': fc.array(fc.uuid(), { maxLength: 3 }).map((ids) => ids.join(',')),
};
const queryFor = (keys: string[]) => queryString(keys, (k) => (Object.hasOwn(QUERY_VALUES, k) ? QUERY_VALUES[k]! : weirdString));

const wf = () => segment(workflowIds);
const inst = () => segment(instanceIds);
const updateBody = fc.record(
  { name: weirdString, description: weirdString, published: fc.boolean(), tags: fc.array(fc.constantFrom('team:sre', 'env:x', 'a'), { maxLength: 3 }) },
  { requiredKeys: [] },
).map((attributes) => ({ data: { type: 'workflows', attributes } }));
const executeBody = fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 2 }).map((payload) => ({ meta: { payload: typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : { value: payload } } })));

interface Template {
  method: string;
  /** The path, and the tenant whose resources it names (its credentials are then likelier). */
  path: fc.Arbitrary<[string, TenantName | undefined]>;
  query: string[];
  body?: fc.Arbitrary<unknown>;
}

const anyTenant = (path: fc.Arbitrary<string>): fc.Arbitrary<[string, TenantName | undefined]> => path.map((p) => [p, undefined]);
/** A workflow (and instance) that exist together, with their owner; or a free mix of ids. */
const pair = (): fc.Arbitrary<[string, string, TenantName | undefined]> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...owned).map(([t, w, i]): [string, string, TenantName | undefined] => [w, i, t]) },
    { weight: 2, arbitrary: fc.tuple(wf(), inst()).map(([w, i]): [string, string, TenantName | undefined] => [w, i, undefined]) },
  );
const onWorkflow = (suffix: string) => fc.oneof(pair().map(([w, , t]): [string, TenantName | undefined] => [`/api/v2/workflows/${w}${suffix}`, t]), anyTenant(wf().map((w) => `/api/v2/workflows/${w}${suffix}`)));
const onInstance = (suffix: string) => pair().map(([w, i, t]): [string, TenantName | undefined] => [`/api/v2/workflows/${w}/instances/${i}${suffix}`, t]);

// One entry per operation of specs/datadog-workflow-automation.yaml.
const templates = (): Template[] => [
  { method: 'GET', path: anyTenant(fc.constant('/api/v2/workflows')), query: ['limit', 'page', 'sort', 'filter[query]', 'filter[triggerIds]', 'filter[includeUnpublished]', 'filter[includeSpecs]'] },
  { method: 'POST', path: anyTenant(fc.constant('/api/v2/workflows')), query: [], body: weirdString.map((name) => validWorkflow(name)) },
  { method: 'GET', path: onWorkflow(''), query: [] },
  { method: 'PATCH', path: onWorkflow(''), query: [], body: updateBody },
  // Deleting only workflows kept for it, so the others live on for the rest of the run.
  { method: 'DELETE', path: fc.oneof(fc.constantFrom(...deletable), anyTenant(segment(workflowIds).map((w) => `/api/v2/workflows/${w}`))).map(([p, t]) => [p.startsWith('/') ? p : `/api/v2/workflows/${p}`, t] as [string, TenantName | undefined]), query: [] },
  { method: 'GET', path: onWorkflow('/instances'), query: ['page[size]', 'page[number]'] },
  { method: 'POST', path: onWorkflow('/instances'), query: [], body: executeBody },
  { method: 'GET', path: onInstance(''), query: [] },
  { method: 'PUT', path: onInstance('/cancel'), query: [] },
];

const unrouted = fc.constantFrom('/api/v2/workflow', '/api/v2/workflows/', '/api/v1/workflows', '/api/v2/workflows//instances', '/api/', '/api/v2/workflows/x/y/z/w');

function requestOf(t: Template): fc.Arbitrary<RawRequest> {
  const path = fc.oneof({ weight: 20, arbitrary: t.path }, { weight: 1, arbitrary: anyTenant(unrouted) });
  const sent = t.body ? fc.option(body(t.body), { freq: 12, nil: undefined }) : fc.option(body(fc.constant({})), { freq: 1, nil: undefined });
  // Half the time the owner's credentials, so requests get past auth and reach the handlers.
  const query = fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 3, arbitrary: queryFor(t.query) });
  return fc.record({ m: method(t.method), path, query, creds: credentials, own: fc.boolean(), type: contentType, body: sent }).map(({ m, path: [path, owner], query, creds, own, type, body }) =>
    printable({
      method: m,
      path: path + query,
      headers: { ...(own && owner ? TENANTS[owner] : creds), ...(type !== undefined && body !== undefined ? { 'content-type': type } : {}) },
      ...(body !== undefined ? { body } : {}),
    }),
  );
}

describe('Datadog Workflow Automation under fuzzed requests', () => {
  it('answers every generated request within the spec, in Datadog error shapes, and a refused one changes nothing', async () => {
    const { seed, numRuns } = fuzzParameters('datadog', 600);
    const request = fc.oneof(...templates().map(requestOf));
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const problems = await exchange(server, req, { spec, errorShape: datadogErrorShape });
        expect(problems, describeRequest(req)).toEqual([]);
      }),
      { seed, numRuns, endOnFailure: true },
    );
    server.report('datadog');
  }, 120_000);
});
