// Property-based fuzzing of every control-plane operation (specs/flowtwin-control.yaml): health,
// reset, clock, SecMaster trigger, journal, events, scenarios, rate limits and faults, with and
// without a tenant's credentials. No 5xx or hang, the spec and problem+json kept, and a refused call
// changes neither the store nor the clocks and rules the control plane reports.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, contentType, headerValue, method, numberish, queryString, segment, weirdString } from './arbitraries.js';
import { describeRequest, exchange, fuzzParameters, printable, problemShape, specOf, startFuzzServer, type FuzzServer, type RawRequest } from './harness.js';

const FIXTURES = JSON.parse(readFileSync(new URL('../../fixtures/default.json', import.meta.url), 'utf8')) as Record<string, unknown> & {
  datadog: { tenants: { apiKey: string; appKey: string; workflows: { id: string }[]; instances: { id: string }[] }[] };
  secmaster: { projects: { project_id: string; workspaces: { id: string; playbooks: { id: string; version: { actions: { name: string }[] } }[]; instances?: { id: string }[] }[] }[] };
};
const DD = FIXTURES.datadog.tenants[0]!;
const SM = FIXTURES.secmaster.projects[0]!;
const SM_WS = SM.workspaces[0]!;
const spec = specOf('flowtwin-control.yaml');
const OPERATIONS = ['ListWorkflows', 'CancelWorkflowInstance', 'ListPlaybookInstances', 'ChangePlaybookInstance', 'KeystoneCreateUserTokenByPassword', 'Nope'];

let server: FuzzServer;
let smToken = '';

beforeAll(async () => {
  server = await startFuzzServer({ fixtures: FIXTURES, bodyLimitBytes: 64 * 1024 });
  const issued = await server.send({
    method: 'POST',
    path: '/v3/auth/tokens',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'u', password: 'p' } } }, scope: { project: { id: SM.project_id } } } }),
  });
  smToken = String(issued.headers['x-subject-token']);
  expect(smToken).toMatch(/^MIIFT/);
});
afterAll(async () => server?.close());

/** Whose call it is: the control plane's global scope, or a tenant named by its vendor credentials. */
const credentials: fc.Arbitrary<Record<string, string | string[]>> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 2, arbitrary: fc.constant({ 'DD-API-KEY': DD.apiKey, 'DD-APPLICATION-KEY': DD.appKey }) },
  { weight: 1, arbitrary: fc.constant({ 'DD-API-KEY': 'other-api-key', 'DD-APPLICATION-KEY': 'other-app-key' }) },
  { weight: 1, arbitrary: fc.constant(0).map(() => ({ 'X-Auth-Token': smToken })) },
  { weight: 1, arbitrary: fc.constant({ 'X-Project-Id': SM.project_id, Authorization: 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=00' }) },
  { weight: 1, arbitrary: fc.record({ 'DD-API-KEY': headerValue, 'X-Auth-Token': headerValue, 'X-Project-Id': headerValue }, { requiredKeys: [] }) },
);

const ddInstance = fc.constantFrom(...DD.instances.map((i) => i.id));
const smInstance = fc.constantFrom(...(SM_WS.instances ?? []).map((i) => i.id));
const uuidish = (pool: fc.Arbitrary<string>) => fc.oneof({ weight: 4, arbitrary: pool }, { weight: 1, arbitrary: fc.uuid().map(String) }, { weight: 1, arbitrary: weirdString });
const ms = fc.oneof(fc.nat({ max: 3_600_000 }), fc.constantFrom(0, 1, 86_400_000, 31_536_000_000));

const scenario = fc.oneof(
  fc.record(
    {
      vendor: fc.constant('datadog'),
      outcome: fc.constantFrom('SUCCEEDED', 'FAILED', 'HANG'),
      workflow_id: uuidish(fc.constantFrom(...DD.workflows.map((w) => w.id))),
      failStep: fc.constantFrom('Sleep', 'Notify', ''),
      stepDurationsMs: fc.dictionary(fc.constantFrom('Sleep', 'Notify', '__proto__'), ms),
      outputs: fc.jsonValue({ maxDepth: 2 }),
      times: fc.integer({ min: -1, max: 5 }),
      probability: fc.double({ min: -0.5, max: 1.5, noNaN: true }),
    },
    { requiredKeys: ['vendor', 'outcome'] },
  ),
  fc.record({ vendor: fc.constant('datadog'), outcome: fc.constantFrom('SUCCEEDED', 'FAILED', 'HANG'), instance_id: uuidish(ddInstance) }),
  fc.record(
    { vendor: fc.constant('secmaster'), outcome: fc.constantFrom('FINISHED', 'FAILED', 'HANG'), playbook_id: uuidish(fc.constantFrom(...SM_WS.playbooks.map((p) => p.id))), failAction: fc.constantFrom(...SM_WS.playbooks[0]!.version.actions.map((a) => a.name)), instance_id: uuidish(smInstance) },
    { requiredKeys: ['vendor', 'outcome'] },
  ),
);

const fault = fc.record(
  {
    vendor: fc.constantFrom('datadog', 'secmaster', 'huawei-iam', 'nope'),
    operation: fc.constantFrom(...OPERATIONS),
    path: weirdString,
    times: fc.integer({ min: -1, max: 3 }),
    probability: fc.double({ min: -0.5, max: 1.5, noNaN: true }),
    latencyMs: fc.integer({ min: -1, max: 100 }),
    jitterMs: fc.integer({ min: -1, max: 100 }),
    status: fc.constantFrom(200, 400, 429, 500, 503, 599, 600, 99),
    drop: fc.boolean(),
    truncate: fc.boolean(),
  },
  { requiredKeys: [] },
);

const rateLimits = fc.record({
  rules: fc.array(
    fc.record(
      { vendor: fc.constantFrom('datadog', 'secmaster', 'huawei-iam', 'x'), name: fc.constantFrom('group', 'a.b-c_d', '', 'x'.repeat(65), 'spa ce'), limit: fc.integer({ min: -1, max: 10 }), period: fc.integer({ min: 0, max: 86_401 }), operations: fc.array(fc.constantFrom(...OPERATIONS), { maxLength: 3 }) },
      { requiredKeys: ['vendor', 'name', 'limit', 'period'] },
    ),
    { maxLength: 3 },
  ),
});

const trigger = fc.record(
  {
    project_id: uuidish(fc.constantFrom(SM.project_id, 'fedcba9876543210fedcba9876543210')),
    workspace_id: uuidish(fc.constant(SM_WS.id)),
    playbook_id: uuidish(fc.constantFrom(...SM_WS.playbooks.map((p) => p.id))),
    outcome: fc.constantFrom('FINISHED', 'FAILED', 'RUNNING'),
    fail_action: fc.constantFrom(...SM_WS.playbooks[0]!.version.actions.map((a) => a.name), 'nope'),
    dataobject: fc.oneof(fc.record({ id: weirdString, name: weirdString }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 1 })),
  },
  { requiredKeys: ['project_id', 'workspace_id'] },
);

const verify = fc.record(
  { count: fc.oneof(fc.nat({ max: 5 }), fc.constantFrom(-1, 1.5)), vendor: fc.constantFrom('datadog', 'secmaster', ''), operation: fc.constantFrom(...OPERATIONS), tenant: weirdString, status: fc.oneof(fc.constantFrom(200, 404, 99, 600), weirdString), since: fc.constantFrom('2026-01-15T10:00:00Z', 'yesterday', ''), params: fc.oneof(fc.dictionary(fc.constantFrom('instance_id', '__proto__'), fc.string()), fc.jsonValue({ maxDepth: 1 })) },
  { requiredKeys: [] },
);

/** Valid bodies, so that calls also succeed and change what later calls see. */
const valid = {
  trigger: fc.record({ project_id: fc.constantFrom(SM.project_id, 'fedcba9876543210fedcba9876543210'), workspace_id: fc.constant(SM_WS.id), outcome: fc.constantFrom('FINISHED', 'FAILED') }, { requiredKeys: ['project_id', 'workspace_id'] }),
  scenario: fc.oneof(
    fc.record({ vendor: fc.constant('datadog'), outcome: fc.constantFrom('SUCCEEDED', 'FAILED', 'HANG'), workflow_id: fc.constantFrom(...DD.workflows.map((w) => w.id)), times: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ['vendor', 'outcome'] }),
    fc.record({ vendor: fc.constant('secmaster'), outcome: fc.constantFrom('FINISHED', 'FAILED', 'HANG') }),
  ),
  fault: fc.record({ vendor: fc.constantFrom('datadog', 'secmaster'), operation: fc.constantFrom('ListWorkflows', 'ListPlaybookInstances'), status: fc.constantFrom(429, 503), times: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: ['status'] }).filter((f) => f.vendor !== 'secmaster' || f.operation !== 'ListWorkflows'),
  verify: fc.record({ count: fc.nat({ max: 2 }), vendor: fc.constantFrom('datadog', 'secmaster') }, { requiredKeys: ['count'] }),
  rateLimits: fc.record({ rules: fc.array(fc.record({ vendor: fc.constant('datadog'), name: fc.constant('group'), limit: fc.nat({ max: 100 }), period: fc.integer({ min: 1, max: 60 }) }), { maxLength: 1 }) }),
  speed: fc.double({ min: 0.01, max: 1000, noNaN: true }).map((speed) => ({ speed })),
};
const either = <T>(good: fc.Arbitrary<T>, any: fc.Arbitrary<unknown>) => fc.oneof({ weight: 2, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: any });

interface Template {
  method: string;
  path: fc.Arbitrary<string>;
  query?: fc.Arbitrary<string>;
  body?: fc.Arbitrary<unknown>;
}

const JOURNAL_VALUES: Record<string, fc.Arbitrary<string>> = {
  vendor: fc.constantFrom('datadog', 'secmaster'),
  operation: fc.constantFrom(...OPERATIONS),
  status: numberish,
  since: fc.constantFrom('2026-01-15T10:00:00Z', 'yesterday'),
};
const ruleId = (prefix: string) => segment([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`, `${prefix}-5`]);

// One entry per operation of specs/flowtwin-control.yaml.
const templates: Template[] = [
  { method: 'GET', path: fc.constant('/__flowtwin/health') },
  { method: 'POST', path: fc.constant('/__flowtwin/reset'), body: fc.oneof(fc.constant({}), fc.record({ seed: fc.boolean() })) },
  { method: 'GET', path: fc.constant('/__flowtwin/clock') },
  { method: 'POST', path: fc.constant('/__flowtwin/clock/freeze') },
  { method: 'POST', path: fc.constant('/__flowtwin/clock/resume') },
  { method: 'POST', path: fc.constant('/__flowtwin/clock/advance'), body: ms.map((n) => ({ ms: n })) },
  { method: 'POST', path: fc.constant('/__flowtwin/clock/speed'), body: either(valid.speed, fc.double({ min: 0, max: 2_000_000, noNaN: true }).map((speed) => ({ speed }))) },
  { method: 'POST', path: fc.constant('/__flowtwin/secmaster/trigger'), body: either(valid.trigger, trigger) },
  { method: 'GET', path: fc.constant('/__flowtwin/journal'), query: queryString(['vendor', 'operation', 'tenant', 'status', 'since'], (k) => (Object.hasOwn(JOURNAL_VALUES, k) ? JOURNAL_VALUES[k]! : weirdString)) },
  { method: 'POST', path: fc.constant('/__flowtwin/journal/verify'), body: either(valid.verify, verify) },
  { method: 'GET', path: fc.constant('/__flowtwin/events'), query: queryString(['vendor', 'instance'], () => weirdString) },
  { method: 'GET', path: fc.constant('/__flowtwin/scenarios') },
  { method: 'POST', path: fc.constant('/__flowtwin/scenarios'), body: either(valid.scenario, scenario) },
  { method: 'DELETE', path: ruleId('scenario').map((id) => `/__flowtwin/scenarios/${id}`) },
  { method: 'GET', path: fc.constant('/__flowtwin/rate-limits') },
  { method: 'PUT', path: fc.constant('/__flowtwin/rate-limits'), body: either(valid.rateLimits, rateLimits) },
  { method: 'GET', path: fc.constant('/__flowtwin/faults') },
  { method: 'POST', path: fc.constant('/__flowtwin/faults'), body: either(valid.fault, fault) },
  { method: 'DELETE', path: ruleId('fault').map((id) => `/__flowtwin/faults/${id}`) },
];

function requestOf(t: Template): fc.Arbitrary<RawRequest> {
  const sent = t.body ? fc.option(body(t.body), { freq: 10, nil: undefined }) : fc.option(body(fc.constant({})), { freq: 3, nil: undefined });
  const query = t.query ? fc.oneof(fc.constant(''), t.query) : fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryString([], () => weirdString) });
  return fc.record({ m: method(t.method), path: t.path, query, creds: credentials, type: contentType, body: sent }).map(({ m, path, query, creds, type, body }) =>
    printable({ method: m, path: path + query, headers: { ...creds, ...(type !== undefined && body !== undefined ? { 'content-type': type } : {}) }, ...(body !== undefined ? { body } : {}) }),
  );
}

/** A body over the control plane's 1 MB JSON limit, now and then. */
const oversized = fc.constantFrom('/__flowtwin/faults', '/__flowtwin/reset').map((path) => printable({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }) }));
const unrouted = fc.constantFrom('/__flowtwin', '/__flowtwin/', '/__flowtwin/nope', '/__flowtwin/clock/rewind', '/__flowtwin/faults/a/b').map((path) => printable({ method: 'GET', path }));

/** What the control plane reports of its rules and clocks, besides what the store holds. */
async function controlViews(): Promise<string> {
  const views = await Promise.all(['/__flowtwin/clock', '/__flowtwin/faults', '/__flowtwin/scenarios', '/__flowtwin/rate-limits'].map((path) => server.send({ method: 'GET', path })));
  return views.map((v) => v.text).join('\n');
}

describe('the control plane under fuzzed calls', () => {
  it('answers every generated call within its spec as problem+json when refused, and a refused call changes nothing', async () => {
    const { seed, numRuns } = fuzzParameters('control', 500);
    const request = fc.oneof({ weight: 60, arbitrary: fc.oneof(...templates.map(requestOf)) }, { weight: 2, arbitrary: unrouted }, { weight: 1, arbitrary: oversized });
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const problems = await exchange(server, req, { spec, errorShape: problemShape, extraState: controlViews });
        expect(problems, describeRequest(req)).toEqual([]);
      }),
      { seed, numRuns, endOnFailure: true },
    );
    server.report('control');
  }, 120_000);
});
