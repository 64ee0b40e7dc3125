import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURES } from '../../src/serve.js';
import { openStore } from '../../src/store/open.js';
import { DD_KEYS, DD_OTHER_ORG, T0, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../support/redis.js';
import { conforms } from './control-spec.js';

type Ft = Awaited<ReturnType<typeof testFlowtwin>>;
const PROJECT = '0123456789abcdef0123456789abcdef';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const SM_AUTH = { 'X-Auth-Token': 'local-development-token' };
const iso = (ms: number) => new Date(ms).toISOString();

async function runWorkflow(ft: Ft, keys = DD_KEYS, sleepSeconds = 60): Promise<{ workflow: string; instance: string }> {
  const wf = await ft.http.post('/api/v2/workflows').set(keys).send(workflowBody({ sleepSeconds })).expect(201);
  const run = await ft.http.post(`/api/v2/workflows/${wf.body.data.id}/instances`).set(keys).send({}).expect(200);
  return { workflow: wf.body.data.id, instance: run.body.data.id };
}

async function trigger(ft: Ft, body: Record<string, unknown> = {}): Promise<string> {
  const res = await ft.http.post('/__flowtwin/secmaster/trigger').send({ project_id: PROJECT, workspace_id: WS, ...body }).expect(201);
  return res.body.id;
}

const list = async (ft: Ft, query = '', headers: Record<string, string> = {}) => conforms('ListInstances', await ft.http.get(`/__flowtwin/instances${query}`).set(headers));
const detail = async (ft: Ft, vendor: string, tenant: string, id: string, headers: Record<string, string> = {}) =>
  conforms('GetInstance', await ft.http.get(`/__flowtwin/instances/${vendor}/${encodeURIComponent(tenant)}/${id}`).set(headers));
const tenantOf = async (ft: Ft, keys: Record<string, string>) => (await ft.http.get('/__flowtwin/clock').set(keys)).body.tenant as string;

describe('control plane: instances across vendors and tenants', () => {
  it('lists the instances of both vendors and every tenant, newest first, with their status now', async () => {
    const ft = await testFlowtwin();
    const a = await runWorkflow(ft);
    await ft.http.post('/__flowtwin/clock/advance').send({ ms: 1000 });
    const b = await runWorkflow(ft, DD_OTHER_ORG);
    await ft.http.post('/__flowtwin/clock/advance').send({ ms: 1000 });
    const played = await trigger(ft);
    await ft.http.put(`/api/v2/workflows/${b.workflow}/instances/${b.instance}/cancel`).set(DD_OTHER_ORG).expect(200);

    const res = await list(ft);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.total).toBe(3);
    expect(res.body.instances.map((i: { vendor: string; tenant: string; id: string; status: string; active: boolean }) => [i.vendor, i.tenant, i.id, i.status, i.active])).toEqual([
      ['secmaster', PROJECT, played, 'RUNNING', true],
      ['datadog', await tenantOf(ft, DD_OTHER_ORG), b.instance, 'CANCELED', false],
      ['datadog', await tenantOf(ft, DD_KEYS), a.instance, 'IN_PROGRESS', true],
    ]);
    expect(res.body.instances[2]).toMatchObject({ parentId: a.workflow, name: 'Restart service', startedAt: iso(T0), updatedAt: iso(T0) });
    expect(res.body.instances[1]).toMatchObject({ endedAt: iso(T0 + 2000), updatedAt: iso(T0 + 2000) });
    expect(res.body.instances[0]).toMatchObject({ parentId: WS, name: expect.stringMatching(/^flowtwin-default-playbook-/) });
  });

  it('lists the seeded fixtures of both vendors', async () => {
    const ft = await testFlowtwin({ fixtures: JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8')) });
    const res = await list(ft, '?limit=1000');
    const vendors = new Set(res.body.instances.map((i: { vendor: string }) => i.vendor));
    expect(vendors).toEqual(new Set(['datadog', 'secmaster']));
    const running = await list(ft, '?vendor=secmaster&status=RUNNING');
    expect(running.body.count).toBeGreaterThan(0);
    expect(running.body.instances.every((i: { status: string }) => i.status === 'RUNNING')).toBe(true);
  });

  it('filters by vendor, tenant, status and limit; with credentials only that tenant is listed', async () => {
    const ft = await testFlowtwin();
    const mine = await runWorkflow(ft);
    const theirs = await runWorkflow(ft, DD_OTHER_ORG);
    await trigger(ft);
    const ids = (res: { body: { instances: { id: string }[] } }) => res.body.instances.map((i) => i.id);

    expect((await list(ft, '?vendor=secmaster')).body.instances.map((i: { vendor: string }) => i.vendor)).toEqual(['secmaster']);
    expect(ids(await list(ft, `?tenant=${await tenantOf(ft, DD_OTHER_ORG)}`))).toEqual([theirs.instance]);
    expect(ids(await list(ft, '?status=IN_PROGRESS&vendor=datadog')).sort()).toEqual([mine.instance, theirs.instance].sort());
    const limited = await list(ft, '?limit=1');
    expect(limited.body).toMatchObject({ count: 1, total: 3 });
    expect(ids(await list(ft, '', DD_KEYS))).toEqual([mine.instance]);
    expect(ids(await list(ft, `?tenant=${await tenantOf(ft, DD_OTHER_ORG)}`, DD_KEYS))).toEqual([mine.instance]);
  });

  it("shows a Datadog run's steps over time, its transitions, and a cancel that the vendor API applies", async () => {
    const ft = await testFlowtwin();
    const run = await runWorkflow(ft);
    const tenant = await tenantOf(ft, DD_KEYS);
    await ft.http.post('/__flowtwin/clock/advance').send({ ms: 20_000 });

    const before = await detail(ft, 'datadog', tenant, run.instance);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ vendor: 'datadog', tenant, id: run.instance, status: 'IN_PROGRESS', active: true, now: iso(T0 + 20_000) });
    expect(before.body.steps).toEqual([
      { name: 'Sleep', phase: 'running', startedAt: iso(T0), plannedMs: 60_000 },
      { name: 'Notify', phase: 'pending', plannedMs: 1000 },
    ]);
    expect(before.body.operations).toEqual([{ name: 'cancel', method: 'PUT', path: `/api/v2/workflows/${run.workflow}/instances/${run.instance}/cancel` }]);

    const cancel = before.body.operations[0];
    await ft.http.put(cancel.path).set(DD_KEYS).expect(200);
    const after = await detail(ft, 'datadog', tenant, run.instance);
    expect(after.body).toMatchObject({ status: 'CANCELED', active: false, endedAt: iso(T0 + 20_000), operations: [] });
    expect(after.body.steps[0]).toEqual({ name: 'Sleep', phase: 'stopped', startedAt: iso(T0), endedAt: iso(T0 + 20_000), plannedMs: 60_000 });
    expect(after.body.transitions).toEqual([
      { from: null, to: 'IN_PROGRESS', at: iso(T0), cause: 'start' },
      { from: 'IN_PROGRESS', to: 'CANCELED', at: iso(T0 + 20_000), cause: 'cancel' },
    ]);
  });

  it("shows a SecMaster run's actions by name and offers RETRY once it failed, applied through the operation endpoint", async () => {
    const ft = await testFlowtwin();
    const id = await trigger(ft, { outcome: 'FAILED', fail_action: 'Block source IP' });
    await ft.http.post('/__flowtwin/clock/advance').send({ ms: 5000 });
    const failed = await detail(ft, 'secmaster', PROJECT, id);
    expect(failed.body).toMatchObject({ status: 'FAILED', active: false, parentId: WS });
    expect(failed.body.steps.map((s: { name: string; phase: string }) => `${s.name}: ${s.phase}`)).toEqual(['Enrich alert: succeeded', 'Block source IP: failed', 'Notify on-call: pending']);
    expect(failed.body.operations).toEqual([
      { name: 'RETRY', method: 'POST', path: `/v1/${PROJECT}/workspaces/${WS}/soc/playbooks/instances/${id}/operation`, body: { operation: 'RETRY' } },
    ]);

    const retry = failed.body.operations[0];
    await ft.http.post(retry.path).set(SM_AUTH).send(retry.body).expect(200);
    const retrying = await detail(ft, 'secmaster', PROJECT, id);
    expect(retrying.body).toMatchObject({ status: 'RETRYING', active: true });
    expect(retrying.body.operations.map((o: { name: string }) => o.name)).toEqual(['TERMINATE']);
    expect(retrying.body.transitions.at(-1)).toEqual({ from: 'FAILED', to: 'RETRYING', at: iso(T0 + 5000), cause: 'RETRY' });
  });

  it('labels each tenant as a person knows it: masked keys, a configured org, a project; never a whole key', async () => {
    const keys = [
      { apiKey: 'acme-api-key-0001', appKey: 'acme-app-key-0001', org: 'acme' },
      { apiKey: DD_KEYS['DD-API-KEY'], appKey: DD_KEYS['DD-APPLICATION-KEY'] },
    ];
    const ft = await testFlowtwin({ vendors: { datadog: { auth: { keys } } } });
    await runWorkflow(ft);
    await runWorkflow(ft, { 'DD-API-KEY': 'acme-api-key-0001', 'DD-APPLICATION-KEY': 'acme-app-key-0001' });
    await ft.http.get(`/v1/${PROJECT}/workspaces/${WS}/soc/playbooks/instances?limit=10&offset=0`).set(SM_AUTH).expect(200);
    await trigger(ft);
    const labels = (await list(ft)).body.instances.map((i: { vendor: string; tenant: string; tenantLabel?: string }) => [i.vendor, i.tenantLabel]);
    expect(labels.sort()).toEqual([
      ['datadog', 'keys test…-key / test…-key'],
      ['datadog', 'org acme'],
      ['secmaster', `project ${PROJECT}`],
    ]);
    const body = JSON.stringify((await list(ft)).body);
    for (const secret of [DD_KEYS['DD-API-KEY'], DD_KEYS['DD-APPLICATION-KEY'], 'acme-api-key-0001']) expect(body).not.toContain(secret);
    const [mine] = (await list(ft, '', DD_KEYS)).body.instances;
    expect((await detail(ft, 'datadog', mine.tenant, mine.id)).body.tenantLabel).toBe('keys test…-key / test…-key');
  });

  it('labels the seeded fixtures’ tenants from their keys, and a tenant again by its first instance after a reset', async () => {
    const ft = await testFlowtwin({ fixtures: JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8')) });
    const all = (await list(ft, '?limit=1000')).body.instances as { vendor: string; tenantLabel?: string }[];
    expect(new Set(all.filter((i) => i.vendor === 'datadog').map((i) => i.tenantLabel))).toEqual(new Set(['keys flow…-key / flow…-key']));
    expect(all.filter((i) => i.vendor === 'secmaster').every((i) => i.tenantLabel?.startsWith('project '))).toBe(true);
    await ft.http.post('/__flowtwin/reset').send({ seed: false }).expect(200);
    await ft.http.post('/__flowtwin/secmaster/trigger').send({ project_id: PROJECT, workspace_id: WS }).expect(201);
    await runWorkflow(ft, DD_OTHER_ORG);
    expect((await list(ft)).body.instances.map((i: { tenantLabel?: string }) => i.tenantLabel).sort()).toEqual(['keys othe…-key / othe…-key', `project ${PROJECT}`]);
  });

  it('empties the listing on reset and lists a tenant that runs again afterwards', async () => {
    const ft = await testFlowtwin();
    await runWorkflow(ft);
    await ft.http.post('/__flowtwin/reset').send({ seed: false }).expect(200);
    expect((await list(ft)).body).toEqual({ count: 0, total: 0, instances: [] });
    const again = await runWorkflow(ft);
    expect((await list(ft)).body.instances.map((i: { id: string }) => i.id)).toEqual([again.instance]);
  });

  it('refuses bad listing queries with problem+json saying what was wrong', async () => {
    const ft = await testFlowtwin();
    const cases: [string, RegExp][] = [
      ['?vendr=datadog', /unknown query vendr; use vendor, tenant, status, limit/],
      ['?vendor=huawei-iam', /vendor must be one of datadog, secmaster .*"huawei-iam"/],
      ['?vendor=datadog&vendor=secmaster', /vendor must be given once/],
      ['?status=', /status must be given once, not empty/],
      ['?limit=0', /limit must be an integer from 1 to 1000, got "0"/],
      ['?limit=1001', /limit must be an integer from 1 to 1000/],
      ['?limit=2.5', /limit must be an integer/],
      ['?limit=ten', /limit must be an integer/],
    ];
    for (const [query, detail] of cases) {
      const res = await list(ft, query);
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail, query).toMatch(detail);
    }
  });

  it("answers 404 problem+json for an unknown vendor, an unknown instance, or another tenant's", async () => {
    const ft = await testFlowtwin();
    const run = await runWorkflow(ft);
    const tenant = await tenantOf(ft, DD_KEYS);
    const cases: [string, string, string, Record<string, string>, RegExp][] = [
      ['huawei-iam', tenant, run.instance, {}, /no vendor "huawei-iam" that runs instances; use one of datadog, secmaster/],
      ['nope', tenant, run.instance, {}, /no vendor "nope"/],
      ['datadog', tenant, 'not-an-instance', {}, new RegExp(`tenant ${tenant} has no datadog instance not-an-instance`)],
      ['datadog', 'dd-0000000000000000', run.instance, {}, /has no datadog instance/],
      ['secmaster', tenant, run.instance, {}, /has no secmaster instance/],
      ['datadog', tenant, run.instance, DD_OTHER_ORG, /has no datadog instance/],
    ];
    for (const [vendor, t, id, headers, message] of cases) {
      const res = await detail(ft, vendor, t, id, headers);
      expect(res.status, `${vendor} ${t} ${id}`).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(message);
    }
    expect((await detail(ft, 'datadog', tenant, run.instance, DD_KEYS)).status).toBe(200);
  });
});

const redisSkip = redisSkipReason();
describe.skipIf(redisSkip !== undefined)(`control plane: instances on two replicas sharing Redis${redisSkip ? ` (skipped: ${redisSkip})` : ''}`, () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => redis?.stop());

  it('lists from either replica, and after a reset through one lists a tenant that runs again through the other', async () => {
    const url = `${redis.url}?prefix=${encodeURIComponent(redis.prefix())}`;
    const a = await testFlowtwin({ store: await openStore(url) });
    const b = await testFlowtwin({ store: await openStore(url) });
    try {
      const first = await runWorkflow(b);
      expect((await list(a)).body.instances.map((i: { id: string }) => i.id)).toEqual([first.instance]);
      await a.http.post('/__flowtwin/reset').send({ seed: false }).expect(200);
      // B hears of the reset through Redis; until then it may still believe its tenant is indexed.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const again = await runWorkflow(b);
      expect((await list(a)).body.instances.map((i: { id: string }) => i.id)).toEqual([again.instance]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
