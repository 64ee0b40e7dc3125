// --record: traffic.har passes verify-har and holds no credential; fixtures.json passes the
// fixtures schema, and a flowtwin seeded with it serves what was recorded, under the fixtures' keys.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyHar } from '../../src/contract/har.js';
import { FIXTURE_KEYS } from '../../src/proxy/datadog-fixtures.js';
import { checkFixtures } from '../../src/spec/fixtures.js';
import { DEFAULT_FIXTURES, serve, type RunningFlowtwin } from '../../src/serve.js';
import { onCleanup, proxyTo, standIn, type TestProxy } from './support.js';

const FIXTURES = JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8')) as Record<string, unknown>;
/** Credentials with values no recording may contain. */
const SECRETS = {
  apiKey: 'rec-api-key-4f9a1c0d',
  appKey: 'rec-app-key-77b2e0aa',
  cookie: 'cookie-secret-31337',
  webhook: 'hook-secret-2718281',
  token: 'sm-token-secret-0451',
  password: 'iam-password-secret-99',
};
const DD = { 'DD-API-KEY': SECRETS.apiKey, 'DD-APPLICATION-KEY': SECRETS.appKey, Cookie: `dd_session=${SECRETS.cookie}` };
const SM = { 'X-Auth-Token': SECRETS.token };
const SM_BASE = '/v1/0123456789abcdef0123456789abcdef/workspaces/7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b/soc/playbooks';

type Json = any;

function client(base: string) {
  return async (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; json: Json; headers: Headers }> => {
    const res = await fetch(`${base}${path}`, { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

async function upstreamFlowtwin(): Promise<RunningFlowtwin> {
  const ft = await serve({ port: 0, fixtures: FIXTURES });
  onCleanup(() => ft.stop());
  return ft;
}

async function recordingProxy(upstream: string): Promise<{ proxy: TestProxy; dir: string; har: () => Json; fixtures: () => Json; text: () => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowtwin-proxy-'));
  const proxy = await proxyTo(upstream, { record: dir });
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return { proxy, dir, har: () => JSON.parse(read('traffic.har')), fixtures: () => JSON.parse(read('fixtures.json')), text: () => read('traffic.har') + read('fixtures.json') };
}

/** Datadog traffic: a workflow (with a webhook secret), a run that fails, one left running, one canceled. */
async function datadogSession(upstream: RunningFlowtwin, call: ReturnType<typeof client>) {
  const created = await call('POST', '/api/v2/workflows', DD, {
    data: {
      type: 'workflows',
      attributes: {
        name: 'Recorded workflow',
        description: 'seen through the proxy',
        tags: ['team:sre'],
        webhookSecret: SECRETS.webhook,
        spec: {
          triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }],
          steps: [
            { name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: 300 }], outboundEdges: [{ nextStepName: 'Notify', branchName: 'main' }] },
            { name: 'Notify', actionId: 'com.datadoghq.slack.send_simple_message', parameters: [] },
          ],
        },
      },
    },
  });
  expect(created.status).toBe(201);
  const wf = created.json.data.id as string;
  // Straight to the upstream's control plane: the next run fails at once at Sleep.
  const scenario = await fetch(`${upstream.url}/__flowtwin/scenarios`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'DD-API-KEY': SECRETS.apiKey, 'DD-APPLICATION-KEY': SECRETS.appKey },
    body: JSON.stringify({ vendor: 'datadog', workflow_id: wf, outcome: 'FAILED', failStep: 'Sleep', stepDurationsMs: { Sleep: 0 }, times: 1 }),
  });
  expect(scenario.status).toBe(201);
  const run = async () => (await call('POST', `/api/v2/workflows/${wf}/instances`, DD, { meta: { payload: {} } })).json.data.id as string;
  const failed = await run();
  const running = await run();
  const canceled = await run();
  expect((await call('PUT', `/api/v2/workflows/${wf}/instances/${canceled}/cancel`, DD)).status).toBe(200);
  const workflow = await call('GET', `/api/v2/workflows/${wf}`, DD);
  const states: Record<string, string> = {};
  for (const id of [failed, running, canceled]) states[id] = (await call('GET', `/api/v2/workflows/${wf}/instances/${id}`, DD)).json.data.attributes.instanceStatus.detailsKind;
  expect((await call('GET', `/api/v2/workflows/${wf}/instances`, DD)).status).toBe(200);
  expect(states).toEqual({ [failed]: 'FAILED', [running]: 'IN_PROGRESS', [canceled]: 'CANCELED' });
  return { wf, workflow: workflow.json.data, failed, running, canceled };
}

/** SecMaster traffic: every seeded instance listed and shown, the failed one's topology, the playbook's version. */
async function secmasterSession(call: ReturnType<typeof client>) {
  const list = await call('GET', `${SM_BASE}/instances?limit=100&offset=0`, SM);
  const instances = list.json.instances as { id: string; status: string; playbook: { version_id: string } }[];
  for (const i of instances) expect((await call('GET', `${SM_BASE}/instances/${i.id}`, SM)).status).toBe(200);
  const failed = instances.find((i) => i.status === 'FAILED')!;
  expect((await call('GET', `${SM_BASE}/instances/${failed.id}/topology`, SM)).status).toBe(200);
  const version = await call('GET', `${SM_BASE}/versions/${failed.playbook.version_id}`, SM);
  expect(version.status).toBe(200);
  return { statuses: Object.fromEntries(instances.map((i) => [i.id, i.status])), version: version.json.data };
}

describe('flowtwin proxy --record', () => {
  it('writes a HAR that verify-har passes, one entry per exchange, with no credential anywhere in it or in the fixtures', async () => {
    const upstream = await upstreamFlowtwin();
    const rec = await recordingProxy(upstream.url);
    const call = client(rec.proxy.url);
    await datadogSession(upstream, call);
    await secmasterSession(call);
    await rec.proxy.settled();

    const har = rec.har();
    expect(har.log.version).toBe('1.2');
    const report = verifyHar(har);
    expect(report.findings.filter((f) => f.outcome !== 'pass')).toEqual([]);
    expect(report.passed).toBe(true);
    expect(har.log.entries).toHaveLength(report.findings.length);
    const create = har.log.entries[0];
    expect(create.request.headers).toEqual(expect.arrayContaining([{ name: 'DD-API-KEY', value: '***' }, { name: 'DD-APPLICATION-KEY', value: '***' }, { name: 'Cookie', value: '***' }]));
    expect(JSON.parse(create.request.postData.text).data.attributes.webhookSecret).toBe('***');
    const text = rec.text();
    for (const secret of Object.values(SECRETS)) expect(text, secret).not.toContain(secret);
  });

  it('masks an IAM password and the X-Subject-Token it is answered with', async () => {
    const upstream = await upstreamFlowtwin();
    const rec = await recordingProxy(upstream.url);
    const res = await client(rec.proxy.url)('POST', '/v3/auth/tokens', {}, { auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: SECRETS.password, domain: { name: 'd' } } } }, scope: { project: { id: '0123456789abcdef0123456789abcdef' } } } });
    expect(res.status).toBe(201);
    const subject = res.headers.get('x-subject-token')!;
    expect(subject.length).toBeGreaterThan(20);
    await rec.proxy.settled();
    expect(rec.text()).not.toContain(SECRETS.password);
    expect(rec.text()).not.toContain(subject);
    expect(rec.har().log.entries[0].response.headers).toEqual(expect.arrayContaining([{ name: 'X-Subject-Token', value: '***' }]));
  });

  it('scrubs a credential the upstream echoes back in a body, JSON or not, in this and later entries', async () => {
    const upstream = await standIn((req) => {
      const key = req.rawHeaders[req.rawHeaders.findIndex((h) => h.toLowerCase() === 'dd-api-key') + 1];
      return req.url.endsWith('/text')
        ? { status: 403, headers: ['Content-Type', 'text/plain'], body: `key ${SECRETS.apiKey} is not allowed` }
        : { status: 403, headers: ['Content-Type', 'application/json'], body: JSON.stringify({ errors: [`API key ${key ?? 'none'} is not allowed`] }) };
    });
    const rec = await recordingProxy(upstream.url);
    const call = client(rec.proxy.url);
    expect((await call('GET', '/api/v2/workflows', DD)).json.errors).toEqual([`API key ${SECRETS.apiKey} is not allowed`]);
    // No credential header on this one: the key is known from the first exchange.
    expect(await (await fetch(`${rec.proxy.url}/api/v2/workflows/text`)).text()).toBe(`key ${SECRETS.apiKey} is not allowed`);
    await rec.proxy.settled();
    expect(rec.text()).not.toContain(SECRETS.apiKey);
    const [json, text] = rec.har().log.entries;
    expect(json.response.content.text).toBe(JSON.stringify({ errors: ['API key *** is not allowed'] }));
    expect(text.response.content.text).toBe('key *** is not allowed');
  });

  it('writes fixtures that load, under the fixtures keys, and a flowtwin seeded with them serves the recorded workflow, runs and playbook runs', async () => {
    const upstream = await upstreamFlowtwin();
    const rec = await recordingProxy(upstream.url);
    const call = client(rec.proxy.url);
    const dd = await datadogSession(upstream, call);
    const sm = await secmasterSession(call);
    await rec.proxy.settled();

    const fixtures = rec.fixtures();
    expect(() => checkFixtures(fixtures)).not.toThrow();
    expect(fixtures.datadog.tenants).toHaveLength(1);
    expect(fixtures.datadog.tenants[0]).toMatchObject(FIXTURE_KEYS);

    const replay = await serve({ port: 0, fixtures });
    onCleanup(() => replay.stop());
    const get = client(replay.url);
    const KEYS = { 'DD-API-KEY': FIXTURE_KEYS.apiKey, 'DD-APPLICATION-KEY': FIXTURE_KEYS.appKey };
    const workflow = await get('GET', `/api/v2/workflows/${dd.wf}`, KEYS);
    expect(workflow.status).toBe(200);
    const { name, description, tags, spec, published, createdAt } = dd.workflow.attributes;
    expect(workflow.json.data.attributes).toMatchObject({ name, description, tags, spec, published });
    // Fixtures times are relative to loading: the replay's clock moved on by the time between writing and loading.
    const drift = Date.parse(workflow.json.data.attributes.createdAt) - Date.parse(createdAt);
    expect(drift).toBeGreaterThanOrEqual(0);
    expect(drift).toBeLessThan(5000);
    // The recorded client's own keys are not a tenant of the replay.
    expect((await get('GET', `/api/v2/workflows/${dd.wf}`, { 'DD-API-KEY': SECRETS.apiKey, 'DD-APPLICATION-KEY': SECRETS.appKey })).status).toBe(404);

    const state = async (id: string) => (await get('GET', `/api/v2/workflows/${dd.wf}/instances/${id}`, KEYS)).json.data.attributes;
    expect((await state(dd.running)).instanceStatus.detailsKind).toBe('IN_PROGRESS');
    expect((await state(dd.canceled)).instanceStatus.detailsKind).toBe('CANCELED');
    // A replayed run goes through its plan again: the failed one fails at Sleep once Sleep's 300 s have passed.
    expect((await state(dd.failed)).instanceStatus.detailsKind).toBe('IN_PROGRESS');
    await fetch(`${replay.url}/__flowtwin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 400_000 }) });
    const failed = await state(dd.failed);
    expect(failed.instanceStatus.detailsKind).toBe('FAILED');
    expect(failed.stepStateAssociations).toEqual([{ stepName: 'Sleep', stepState: 'FAILED' }]);
    // The run seen running stays running (it would have finished its plan by now), the canceled one canceled.
    expect((await state(dd.running)).instanceStatus.detailsKind).toBe('IN_PROGRESS');
    expect((await state(dd.canceled)).instanceStatus.detailsKind).toBe('CANCELED');

    const listed = await get('GET', `${SM_BASE}/instances?limit=100&offset=0`, SM);
    expect(Object.fromEntries((listed.json.instances as { id: string; status: string }[]).map((i) => [i.id, i.status]))).toEqual(sm.statuses);
    const version = await get('GET', `${SM_BASE}/versions/${sm.version.id}`, SM);
    expect((version.json.data.actions as { name: string }[]).map((a) => a.name)).toEqual((sm.version.actions as { name: string }[]).map((a) => a.name));
  });
});
