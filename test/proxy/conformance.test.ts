// An upstream that keeps its spec gives no line at all: flowtwin itself (whose every answer the
// other suites hold to the specs) serves as that upstream, on loopback, through every operation of
// the three specs, errors included.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURES, serve } from '../../src/serve.js';
import { onCleanup, proxyTo } from './support.js';

const FIXTURES = JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8')) as Record<string, unknown>;
const DD = { 'DD-API-KEY': 'flowtwin-api-key', 'DD-APPLICATION-KEY': 'flowtwin-app-key' };
const SM = { 'X-Auth-Token': 'any-token' };
const SM_BASE = '/v1/0123456789abcdef0123456789abcdef/workspaces/7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b/soc/playbooks';
const UNKNOWN = '11111111-2222-4333-8444-555555555555';

describe('flowtwin proxy against a conforming upstream', () => {
  it('logs nothing for every operation of the Datadog, SecMaster and IAM specs, errors included, and passes each answer on', async () => {
    const upstream = await serve({ port: 0, fixtures: FIXTURES });
    onCleanup(() => upstream.stop());
    const proxy = await proxyTo(upstream.url);
    const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
      const res = await fetch(`${proxy.url}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as any) : undefined };
    };

    const created = await call('POST', '/api/v2/workflows', DD, {
      data: { type: 'workflows', attributes: { name: 'Proxy check', spec: { triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }], steps: [{ name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: 60 }] }] } } },
    });
    expect(created.status).toBe(201);
    const wf = created.json.data.id as string;
    const statuses = [
      (await call('GET', '/api/v2/workflows?page[size]=2', DD)).status,
      (await call('GET', `/api/v2/workflows/${wf}`, DD)).status,
      (await call('PATCH', `/api/v2/workflows/${wf}`, DD, { data: { type: 'workflows', attributes: { description: 'through the proxy' } } })).status,
    ];
    const run = await call('POST', `/api/v2/workflows/${wf}/instances`, DD, { meta: { payload: {} } });
    const runId = run.json.data.id as string;
    statuses.push(
      run.status,
      (await call('GET', `/api/v2/workflows/${wf}/instances`, DD)).status,
      (await call('GET', `/api/v2/workflows/${wf}/instances/${runId}`, DD)).status,
      (await call('PUT', `/api/v2/workflows/${wf}/instances/${runId}/cancel`, DD)).status,
      (await call('DELETE', `/api/v2/workflows/${wf}`, DD)).status,
      (await call('GET', `/api/v2/workflows/${UNKNOWN}`, DD)).status,
      (await call('GET', '/api/v2/workflows/not-a-uuid', DD)).status,
      (await call('GET', '/api/v2/workflows', {})).status,
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 204, 404, 400, 403]);

    const list = await call('GET', `${SM_BASE}/instances?limit=10&offset=0`, SM);
    const instance = list.json.instances.find((i: { status: string }) => i.status === 'RUNNING').id as string;
    const sm = [
      list.status,
      (await call('GET', `${SM_BASE}/instances/${instance}`, SM)).status,
      (await call('GET', `${SM_BASE}/instances/${instance}/topology`, SM)).status,
      (await call('POST', `${SM_BASE}/instances/auditlogs?limit=10&offset=0`, SM, {})).status,
      (await call('GET', `${SM_BASE}?limit=10&offset=0`, SM)).status,
    ];
    const playbooks = await call('GET', `${SM_BASE}?limit=10&offset=0`, SM);
    const playbook = playbooks.json.data[0];
    sm.push(
      (await call('GET', `${SM_BASE}/${playbook.id}`, SM)).status,
      (await call('GET', `${SM_BASE}/${playbook.id}/versions`, SM)).status,
      (await call('GET', `${SM_BASE}/versions/${playbook.version_id}`, SM)).status,
      (await call('POST', `${SM_BASE}/instances/${instance}/operation`, SM, { operation: 'TERMINATE' })).status,
      (await call('GET', `${SM_BASE}/instances/${UNKNOWN}`, SM)).status,
      (await call('GET', `${SM_BASE}/instances?limit=10&offset=0`, {})).status,
    );
    expect(sm).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 401]);

    const token = await fetch(`${proxy.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'pw', domain: { name: 'd' } } } }, scope: { project: { id: '0123456789abcdef0123456789abcdef' } } } }),
    });
    expect(token.status).toBe(201);
    const subject = token.headers.get('x-subject-token')!;
    expect((await call('GET', '/v3/auth/tokens', { 'X-Auth-Token': subject, 'X-Subject-Token': subject })).status).toBe(200);

    expect(await proxy.settledLines()).toEqual([]);
  });
});
