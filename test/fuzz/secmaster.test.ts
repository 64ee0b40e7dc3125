// Property-based fuzzing of every SecMaster playbook operation (instances list / show / operation /
// topology / audit logs, playbooks and versions) behind the API gateway's token and AK/SK auth:
// no 5xx or hang, the spec and SecMaster's error shapes kept, a refused request changes nothing.
import { readFileSync } from 'node:fs';
import { parse as parseQuery } from 'node:querystring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../src/vendors/huawei-iam/signer.js';
import { body, contentType, headerValue, method, numberish, queryString, segment, weirdString } from './arbitraries.js';
import { describeRequest, exchange, fuzzParameters, printable, secmasterErrorShape, specOf, startFuzzServer, T0, type FuzzServer, type RawRequest } from './harness.js';

const FIXTURES = JSON.parse(readFileSync(new URL('../../fixtures/default.json', import.meta.url), 'utf8')) as {
  secmaster: { projects: { project_id: string; workspaces: { id: string; playbooks: { id: string; version: { id: string } }[]; instances?: { id: string }[] }[] }[] };
};
const SEEDED = FIXTURES.secmaster.projects[0]!;
const WS_A = SEEDED.workspaces[0]!;
const PROJECT = { a: SEEDED.project_id, b: 'fedcba9876543210fedcba9876543210' };
const WORKSPACE = { a: WS_A.id, b: 'b0b0b0b0-0000-4000-8000-00000000000b' };
const KEYS = {
  a: { ak: 'FUZZAKPROJECTA000000', sk: 'fuzz-secret-key-of-project-a-0000000000', project_id: PROJECT.a },
  b: { ak: 'FUZZAKPROJECTB000000', sk: 'fuzz-secret-key-of-project-b-0000000000', project_id: PROJECT.b },
};
type Tenant = 'a' | 'b';
const spec = specOf('huawei-secmaster-playbooks.yaml');

let server: FuzzServer;
const tokens: Record<Tenant, string> = { a: '', b: '' };
const instanceIds: Record<Tenant, string[]> = { a: (WS_A.instances ?? []).map((i) => i.id), b: [] };
const playbookIds: Record<Tenant, string[]> = { a: WS_A.playbooks.map((p) => p.id), b: [] };
const versionIds: Record<Tenant, string[]> = { a: WS_A.playbooks.map((p) => p.version.id), b: [] };

beforeAll(async () => {
  server = await startFuzzServer({
    fixtures: FIXTURES as unknown as Record<string, unknown>,
    bodyLimitBytes: 64 * 1024,
    vendors: { secmaster: { auth: { credentials: [KEYS.a, KEYS.b] } } },
  });
  for (const t of ['a', 'b'] as const) {
    const issued = await server.send({
      method: 'POST',
      path: '/v3/auth/tokens',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: `user-${t}`, password: 'pw', domain: { name: 'd' } } } }, scope: { project: { id: PROJECT[t] } } } }),
    });
    tokens[t] = String(issued.headers['x-subject-token']);
    for (const outcome of ['FAILED', 'FINISHED', undefined]) {
      const run = await server.send({ method: 'POST', path: '/__flowtwin/secmaster/trigger', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ project_id: PROJECT[t], workspace_id: WORKSPACE[t], ...(outcome ? { outcome } : {}) }) });
      const info = run.json as { id: string; playbook: { id: string; version_id: string } };
      instanceIds[t].push(info.id);
      if (!playbookIds[t].includes(info.playbook.id)) playbookIds[t].push(info.playbook.id);
      if (!versionIds[t].includes(info.playbook.version_id)) versionIds[t].push(info.playbook.version_id);
    }
    // TIMER playbooks' due runs are created by the first read; with the clock frozen, later reads create none.
    await server.send({ method: 'GET', path: `/v1/${PROJECT[t]}/workspaces/${WORKSPACE[t]}/soc/playbooks/instances?limit=10&offset=0`, headers: { 'X-Auth-Token': tokens[t] } });
  }
  expect(tokens.a).toMatch(/^MIIFT/);
  expect(instanceIds.b).toHaveLength(3);
});
afterAll(async () => server?.close());

const sdkDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

/** How a request proves who it is: an IAM token, an AK/SK signature (right, stale or forged), or garbage. */
type Auth =
  | { kind: 'token'; tenant: Tenant }
  | { kind: 'sign'; tenant: Tenant; skewMs: number; projectHeader: 'own' | 'path' | 'none' | 'other'; tamper: boolean }
  | { kind: 'raw'; headers: Record<string, string | string[]> };

const auth: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('token' as const), tenant: fc.constantFrom<Tenant>('a', 'b') }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('sign' as const),
      tenant: fc.constantFrom<Tenant>('a', 'b'),
      skewMs: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-16 * 60_000, -14 * 60_000, 14 * 60_000, 16 * 60_000, 86_400_000) }),
      projectHeader: fc.constantFrom<'own' | 'path' | 'none' | 'other'>('own', 'own', 'path', 'none', 'other'),
      tamper: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom<Record<string, string | string[]>>({}, { 'X-Auth-Token': '' }, { Authorization: 'SDK-HMAC-SHA256 Access=x' }, { 'X-Auth-Token': ['t1', 't2'] }, { 'X-Sdk-Date': '20260115T100000Z' }),
      headerValue.map((v) => ({ 'X-Auth-Token': v })),
      headerValue.map((v) => ({ Authorization: `SDK-HMAC-SHA256 Access=${v}, SignedHeaders=host;x-sdk-date, Signature=${'0'.repeat(64)}`, 'X-Sdk-Date': '20260115T100000Z' })),
    ).map((headers) => ({ kind: 'raw' as const, headers })),
  },
);

/** The headers `a` gives the request, signing it over exactly what is sent when it is signed. */
function authHeaders(a: Auth, req: RawRequest & { headers: Record<string, string | string[]> }): Record<string, string | string[]> {
  if (a.kind === 'raw') return a.headers;
  if (a.kind === 'token') return { 'X-Auth-Token': tokens[a.tenant] };
  const pathProject = /^\/v1\/([^/]+)\//.exec(req.path)?.[1] ?? '';
  const project = { own: PROJECT[a.tenant], path: pathProject, none: undefined, other: PROJECT[a.tenant === 'a' ? 'b' : 'a'] }[a.projectHeader];
  const headers: Record<string, string> = { host: server.host, 'x-sdk-date': sdkDate(T0 + a.skewMs), ...(project !== undefined ? { 'x-project-id': project } : {}) };
  const ct = req.headers['content-type'];
  if (typeof ct === 'string') headers['content-type'] = ct;
  const signed = Object.keys(headers).sort();
  const [path, query = ''] = req.path.split(/\?(.*)/s);
  const signature = sign({ method: req.method, path: path!, query: parseQuery(query) as Record<string, string | string[]>, headers, ...(req.body !== undefined ? { body: req.body } : {}) }, signed, KEYS[a.tenant].sk);
  const forged = a.tamper ? signature.replace(/^./, (c) => (c === '0' ? '1' : '0')) : signature;
  return { ...headers, Authorization: `SDK-HMAC-SHA256 Access=${KEYS[a.tenant].ak}, SignedHeaders=${signed.join(';')}, Signature=${forged}` };
}

const QUERY_VALUES: Record<string, fc.Arbitrary<string>> = {
  limit: numberish,
  offset: numberish,
  status: fc.constantFrom('RUNNING', 'FINISHED', 'FAILED', 'RETRYING', 'TERMINATING', 'TERMINATED', 'Failed', 'running', 'PUBLISHED', 'EDITING'),
  trigger_type: fc.constantFrom('EVENT', 'TIMER', 'event', 'MANUAL'),
  from_date: fc.constantFrom('2026-01-15T10:00:00.000Z+0800', '2026-01-01T00:00:00.000Z+0000', '2026-13-45T99:00:00.000Z+0000', '2026-01-15', 'yesterday'),
  to_date: fc.constantFrom('2026-01-15T10:00:00.000Z+0800', '2030-01-01T00:00:00.000Z+0000', '0000-00-00T00:00:00.000Z+0000'),
  date_type: fc.constantFrom('START', 'END', 'start', 'MIDDLE'),
  sort_key: fc.constantFrom('start_time', 'end_time', 'name', 'status', 'bogus'),
  sort_dir: fc.constantFrom('asc', 'desc', 'ASC', 'up'),
  enabled: fc.constantFrom('true', 'false', '1', '0', 'yes'),
  version_type: fc.constantFrom('0', '1', '2', '-1', 'x'),
};

const id = (pool: () => string[]) => segment([...pool()]);
interface Template {
  method: string;
  /** Path after /v1/{project}/workspaces/{workspace}/soc/playbooks, given the tenant whose ids to favour. */
  suffix: (t: Tenant) => fc.Arbitrary<string>;
  query: string[];
  required?: string[];
  body?: fc.Arbitrary<unknown>;
}

const auditFilter = fc.record(
  { instance_type: fc.constantFrom('AOP_WORKFLOW', 'SCRIPT', 'PLAYBOOK', 'x'), parent_instance_id: fc.uuid(), status: fc.constantFrom('RUNNING', 'FINISHED', 'FAILED'), action_name: weirdString, log_level: fc.constantFrom('INFO', 'ERROR') },
  { requiredKeys: [] },
);

// One entry per operation of specs/huawei-secmaster-playbooks.yaml.
const templates: Template[] = [
  { method: 'GET', suffix: () => fc.constant('/instances'), query: ['limit', 'offset', 'status', 'name', 'playbook_name', 'dataclass_name', 'dataobject_name', 'trigger_type', 'from_date', 'to_date', 'date_type'], required: ['limit', 'offset'] },
  { method: 'POST', suffix: () => fc.constant('/instances/auditlogs'), query: ['offset', 'limit', 'sort_key', 'sort_dir'], required: ['offset', 'limit'], body: auditFilter },
  { method: 'GET', suffix: (t) => id(() => instanceIds[t]).map((i) => `/instances/${i}`), query: [] },
  { method: 'POST', suffix: (t) => id(() => instanceIds[t]).map((i) => `/instances/${i}/operation`), query: [], body: fc.record({ operation: fc.constantFrom('RETRY', 'TERMINATE', 'RETRY', 'TERMINATE', 'retry', 'PAUSE') }, { requiredKeys: [] }) },
  { method: 'GET', suffix: (t) => id(() => instanceIds[t]).map((i) => `/instances/${i}/topology`), query: [] },
  { method: 'GET', suffix: () => fc.constant(''), query: ['offset', 'limit', 'search_txt', 'enabled', 'description', 'dataclass_name', 'name'], required: ['offset', 'limit'] },
  { method: 'GET', suffix: (t) => id(() => versionIds[t]).map((v) => `/versions/${v}`), query: [] },
  { method: 'GET', suffix: (t) => id(() => playbookIds[t]).map((p) => `/${p}`), query: [] },
  { method: 'GET', suffix: (t) => id(() => playbookIds[t]).map((p) => `/${p}/versions`), query: ['status', 'enabled', 'version_type', 'offset', 'limit'] },
];

function requestOf(t: Template): fc.Arbitrary<RawRequest> {
  return fc.constantFrom<Tenant>('a', 'b').chain((owner) => {
    const project = segment([PROJECT[owner], PROJECT[owner], PROJECT[owner], PROJECT[owner === 'a' ? 'b' : 'a']], 50);
    const workspace = segment([WORKSPACE[owner], WORKSPACE[owner], WORKSPACE[owner], WORKSPACE[owner === 'a' ? 'b' : 'a']], 30);
    const path = fc.tuple(project, workspace, t.suffix(owner)).map(([p, w, s]) => `/v1/${p}/workspaces/${w}/soc/playbooks${s}`);
    // The required page parameters are usually there and valid, so most requests reach the handler.
    const page = fc.oneof({ weight: 3, arbitrary: fc.constant((t.required ?? []).map((k) => `${k}=${k === 'limit' ? 10 : 0}`).join('&')) }, { weight: 1, arbitrary: fc.constant('') });
    const extra = queryString(t.query, (k) => (Object.hasOwn(QUERY_VALUES, k) ? QUERY_VALUES[k]! : weirdString));
    const query = fc.tuple(page, fc.oneof(fc.constant(''), extra)).map(([p, e]) => {
      const parts = [p, e.replace(/^\?/, '')].filter(Boolean);
      return parts.length ? `?${parts.join('&')}` : '';
    });
    const sent = t.body ? fc.option(body(t.body), { freq: 10, nil: undefined }) : fc.option(body(fc.constant({})), { freq: 1, nil: undefined });
    return fc.record({ m: method(t.method), path, query, auth, ownCredentials: fc.integer({ min: 0, max: 3 }).map((n) => n > 0), type: contentType, body: sent }).map(({ m, path, query, auth: a, ownCredentials, type, body }) => {
      const headers: Record<string, string | string[]> = type !== undefined && body !== undefined ? { 'content-type': type } : {};
      const req = { method: m, path: path + query, headers, ...(body !== undefined ? { body } : {}) };
      // Mostly the path owner's own credentials, so requests get past the gateway to the handlers.
      const who = a.kind === 'raw' || !ownCredentials ? a : { ...a, tenant: owner };
      return printable({ ...req, headers: { ...req.headers, ...authHeaders(who, req) } });
    });
  });
}

const unrouted: fc.Arbitrary<RawRequest> = fc
  .tuple(fc.constantFrom('/v1/', `/v1/${PROJECT.a}`, `/v1/${PROJECT.a}/workspaces/${WORKSPACE.a}/soc/playbooks/instances/x/y/z`, `/v1/${PROJECT.a}/workspaces`), method('GET'))
  .map(([path, m]) => printable({ method: m, path, headers: { 'X-Auth-Token': tokens.a } }));

describe('SecMaster playbooks under fuzzed requests', () => {
  it('answers every generated request within the spec, in SecMaster or gateway error shapes, and a refused one changes nothing', async () => {
    const { seed, numRuns } = fuzzParameters('secmaster', 600);
    const request = fc.oneof({ weight: 30, arbitrary: fc.oneof(...templates.map(requestOf)) }, { weight: 1, arbitrary: unrouted });
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const problems = await exchange(server, req, { spec, errorShape: secmasterErrorShape });
        expect(problems, describeRequest(req)).toEqual([]);
      }),
      { seed, numRuns, endOnFailure: true },
    );
    server.report('secmaster');
  }, 120_000);
});
