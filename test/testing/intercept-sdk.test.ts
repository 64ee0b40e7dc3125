// interceptVendors with the clients a user's code really uses: the official Datadog client on every
// site, plain fetch to SecMaster and IAM in any region, AK/SK signatures over the exact body bytes.
// nock refuses every other host (unmatched: 'error'), so a request that escaped the interception
// would fail the test instead of reaching a real vendor.
import { client, v2 } from '@datadog/datadog-api-client';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATADOG_SITES, interceptVendors, type Interception } from '../../src/testing/index.js';
import { INSTANCES_PATH, PROJECT, T0 } from './support.js';

let ic: Interception | undefined;
const unmatched: string[] = [];
const noMatch = (req: Request) => void unmatched.push(`${req.method} ${req.url}`);
beforeEach(() => void nock.emitter.on('no match', noMatch));
afterEach(async () => {
  await ic?.restore();
  ic = undefined;
  nock.emitter.off('no match', noMatch);
  expect(unmatched.splice(0), 'requests no interceptor answered').toEqual([]);
});

function datadogApi(site?: string): v2.WorkflowAutomationApi {
  const configuration = client.createConfiguration({ authMethods: { apiKeyAuth: 'sdk-api-key', appKeyAuth: 'sdk-app-key' } });
  if (site) configuration.setServerVariables({ site });
  return new v2.WorkflowAutomationApi(configuration);
}

const spec: v2.Spec = {
  triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }],
  steps: [{ name: 'Sleep', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: 300 }] }],
};

describe('interceptVendors: the official Datadog client', () => {
  it.each([['the default site (api.datadoghq.com)', undefined], ['datadoghq.eu', 'datadoghq.eu']])('creates, executes, gets and cancels a run on %s', async (_name, site) => {
    ic = await interceptVendors({ frozenAt: T0 });
    const api = datadogApi(site);
    const created = await api.createWorkflow({ body: { data: { type: 'workflows', attributes: { name: 'Restart service', spec } } } });
    const workflowId = created.data!.id!;
    const run = await api.createWorkflowInstance({ workflowId, body: { meta: { payload: {} } } });
    const instanceId = run.data!.id!;
    await ic.control.clock.advance(2_000);
    const got = await api.getWorkflowInstance({ workflowId, instanceId });
    expect(got.data?.attributes?.additionalProperties?.instanceStatus?.detailsKind).toBe('IN_PROGRESS');
    expect(got.data?.attributes?.additionalProperties?.startTimestamp).toBe('2026-01-15T10:00:00Z');
    await api.cancelWorkflowInstance({ workflowId, instanceId });
    const canceled = await api.getWorkflowInstance({ workflowId, instanceId });
    expect(canceled.data?.attributes?.additionalProperties?.instanceStatus?.detailsKind).toBe('CANCELED');

    const journal = await ic.control.journal.query({ vendor: 'datadog' });
    expect(journal.map((e) => `${e.operationId} ${e.status}`)).toEqual([
      'CreateWorkflow 201',
      'CreateWorkflowInstance 200',
      'GetWorkflowInstance 200',
      'CancelWorkflowInstance 200',
      'GetWorkflowInstance 200',
    ]);
    await ic.control.journal.verify({ operation: 'CancelWorkflowInstance', params: { instance_id: instanceId }, count: 1 });
  });

  it('answers on every Datadog site', async () => {
    ic = await interceptVendors({ seed: false });
    for (const site of DATADOG_SITES) expect((await datadogApi(site).listWorkflows()).data).toEqual([]);
    expect(await ic.control.journal.query({ operation: 'ListWorkflows' })).toHaveLength(DATADOG_SITES.length);
  });

  it('surfaces the vendor errors and injected faults as the client would see them', async () => {
    ic = await interceptVendors({ seed: false });
    const api = datadogApi();
    const missing = await api.getWorkflow({ workflowId: 'aaa11111-aa11-aa11-aaaa-aaaaaa111111' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 404, body: { errors: [{ detail: 'workflow not found' }] } });
    await ic.control.faults.add({ vendor: 'datadog', operation: 'ListWorkflows', status: 429, times: 1 });
    expect(await api.listWorkflows().catch((e: unknown) => e)).toMatchObject({ code: 429 });
    await ic.control.faults.add({ vendor: 'datadog', drop: true, times: 1 });
    await expect(api.listWorkflows()).rejects.toThrow(/flowtwin closed the connection without answering/);
    expect((await api.listWorkflows()).data).toEqual([]);
  });

  it('streams the control plane\'s events in memory', async () => {
    ic = await interceptVendors({ frozenAt: T0 });
    const api = datadogApi();
    const { data } = await api.createWorkflow({ body: { data: { type: 'workflows', attributes: { name: 'Short', spec } } } });
    const events = await ic.control.events.open({ vendor: 'datadog' });
    const run = await api.createWorkflowInstance({ workflowId: data!.id!, body: {} });
    await ic.control.clock.advance(300_000);
    expect(await events.waitFor({ instanceId: run.data!.id!, to: 'SUCCEEDED', timeoutMs: 2000 })).toMatchObject({ cause: 'plan', at: '2026-01-15T10:05:00.000Z' });
    await events.close();
  });
});

describe('interceptVendors: Huawei SecMaster and IAM', () => {
  const list = (host: string, token = 'any-token') => fetch(`${host}${INSTANCES_PATH}?limit=10&offset=0`, { headers: { 'X-Auth-Token': token } });

  it('lists the seeded instances through a plain fetch to a regional endpoint (https, http, .com and .eu)', async () => {
    ic = await interceptVendors();
    for (const host of ['https://secmaster.cn-north-4.myhuaweicloud.com', 'https://secmaster.eu-west-101.myhuaweicloud.eu', 'http://secmaster.ap-southeast-1.myhuaweicloud.com']) {
      const res = await list(host);
      expect(res.status, host).toBe(200);
      expect(((await res.json()) as { instances: unknown[] }).instances, host).toHaveLength(6);
    }
    expect(await ic.control.journal.query({ operation: 'ListPlaybookInstances' })).toHaveLength(3);
  });

  it('issues an IAM token on the global and a regional IAM host that SecMaster then accepts', async () => {
    ic = await interceptVendors({ vendors: { 'huawei-iam': { users: [{ name: 'alice', password: 's3cret', project_id: PROJECT }] } } });
    for (const iam of ['https://iam.myhuaweicloud.com', 'https://iam.cn-north-4.myhuaweicloud.com']) {
      const res = await fetch(`${iam}/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 's3cret', domain: { name: 'd' } } } }, scope: { project: { id: PROJECT } } } }),
      });
      expect(res.status, iam).toBe(201);
      const token = res.headers.get('x-subject-token')!;
      expect((await list('https://secmaster.cn-north-4.myhuaweicloud.com', token)).status).toBe(200);
    }
  });

  it('delivers the body byte for byte: an AK/SK signature over it verifies, one changed byte does not', async () => {
    const [ak, sk] = ['INTERCEPTAK0000001', 'INTERCEPTSKabcdefghijklmnopqrstuvwxyz'];
    ic = await interceptVendors({ vendors: { secmaster: { auth: { credentials: [{ ak, sk, project_id: PROJECT }] } } } });
    const endpoint = `https://secmaster.cn-north-4.myhuaweicloud.com${INSTANCES_PATH}/auditlogs`;
    const filter = { action_name: 'Blöck söurce IP ✓', status: 'FINISHED' };
    const sdkDate = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
    const headers = AKSKSigner.sign(
      { endpoint, method: 'POST', queryParams: { limit: '10', offset: '0' }, headers: { 'content-type': 'application/json', 'X-Sdk-Date': sdkDate, 'X-Project-Id': PROJECT }, data: filter },
      new BasicCredentials().withAk(ak).withSk(sk),
    ) as Record<string, string>;
    const send = (body: string) => fetch(`${endpoint}?limit=10&offset=0`, { method: 'POST', headers, body });
    const ok = await send(JSON.stringify(filter));
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(await ok.json()).toEqual({ count: 0, audit_logs: [] });
    const tampered = await send(JSON.stringify(filter).replace('✓', '✔'));
    expect(tampered.status).toBe(401);
  });
});
