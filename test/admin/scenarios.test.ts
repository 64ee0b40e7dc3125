import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';

const SM = '/v1/0123456789abcdef0123456789abcdef/workspaces/7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b/soc/playbooks';
const SM_SCOPE = { project_id: '0123456789abcdef0123456789abcdef', workspace_id: '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b' };

async function withWorkflow(options: Parameters<typeof testFlowtwin>[0] = {}) {
  const ft = await testFlowtwin(options);
  const wf = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody({ sleepSeconds: 10 }));
  const workflowId = wf.body.data.id as string;
  const execute = async () => (await ft.http.post(`/api/v2/workflows/${workflowId}/instances`).set(DD_KEYS).send({})).body.data.id as string;
  const status = async (id: string) => (await ft.http.get(`/api/v2/workflows/${workflowId}/instances/${id}`).set(DD_KEYS)).body.data.attributes;
  const scenario = async (body: object) => conforms('AddScenario', await ft.http.post('/__flowtwin/scenarios').send(body));
  return { ...ft, workflowId, execute, status, scenario };
}

describe('control plane: scenarios', () => {
  it('fails the next run of a workflow at the named step, once, and lets later runs succeed', async () => {
    const ft = await withWorkflow();
    const added = await ft.scenario({ vendor: 'datadog', workflow_id: ft.workflowId, outcome: 'FAILED', failStep: 'Sleep', times: 1 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: expect.any(String), vendor: 'datadog', target: ft.workflowId, outcome: 'fail', step: 'Sleep', times: 1, hits: 0 });
    const failing = await ft.execute();
    const fine = await ft.execute();
    ft.clock.advance(60_000);
    expect(await ft.status(failing)).toMatchObject({ instanceStatus: { detailsKind: 'FAILED', displayName: 'Failed' }, stepStateAssociations: [{ stepName: 'Sleep', stepState: 'FAILED' }], endTimestamp: '2026-01-15T10:00:10Z' });
    expect((await ft.status(fine)).instanceStatus.detailsKind).toBe('SUCCEEDED');
    expect(conforms('ListScenarios', await ft.http.get('/__flowtwin/scenarios')).body).toEqual({ scenarios: [] });
  });

  it('hangs a run until it is canceled, and sets step durations', async () => {
    const ft = await withWorkflow();
    await ft.scenario({ vendor: 'datadog', outcome: 'HANG', hangStep: 'Notify', stepDurationsMs: { Sleep: 500 } });
    const id = await ft.execute();
    ft.clock.advance(24 * 3600_000);
    expect(await ft.status(id)).toMatchObject({ instanceStatus: { detailsKind: 'IN_PROGRESS' }, stepStateAssociations: [{ stepName: 'Sleep', stepState: 'SUCCEEDED' }, { stepName: 'Notify', stepState: 'IN_PROGRESS' }] });
    await ft.http.put(`/api/v2/workflows/${ft.workflowId}/instances/${id}/cancel`).set(DD_KEYS).expect(200);
    expect((await ft.status(id)).stepStateAssociations).toEqual([{ stepName: 'Sleep', stepState: 'SUCCEEDED' }, { stepName: 'Notify', stepState: 'CANCELED' }]);
  });

  it('draws a probability scenario from the seeded generator: the same seed gives the same runs', async () => {
    const outcomes = async () => {
      const ft = await withWorkflow({ randomSeed: 7 });
      await ft.scenario({ vendor: 'datadog', outcome: 'FAILED', probability: 0.5 });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push(await ft.execute());
      ft.clock.advance(60_000);
      return Promise.all(ids.map(async (id) => (await ft.status(id)).instanceStatus.detailsKind as string));
    };
    const first = await outcomes();
    expect(new Set(first)).toEqual(new Set(['FAILED', 'SUCCEEDED']));
    expect(await outcomes()).toEqual(first);
  });

  it('fails SecMaster runs of a playbook at the named action', async () => {
    const ft = await testFlowtwin();
    const run = async () => (await ft.http.post('/__flowtwin/secmaster/trigger').send(SM_SCOPE)).body as { id: string; playbook: { id: string } };
    const first = await run(); // creates the default playbook
    await conforms('AddScenario', await ft.http.post('/__flowtwin/scenarios').send({ vendor: 'secmaster', playbook_id: first.playbook.id, outcome: 'FAILED', failAction: 'Block source IP', times: 1 }));
    const failing = await run();
    ft.clock.advance(60_000);
    const shown = await ft.http.get(`${SM}/instances/${failing.id}`).set('X-Auth-Token', 't');
    expect(shown.body.status).toBe('FAILED');
    const logs = await ft.http.post(`${SM}/instances/auditlogs?limit=10&offset=0`).set('X-Auth-Token', 't').send({ parent_instance_id: failing.id });
    expect(logs.body.audit_logs.map((l: { action_name: string; status: string }) => `${l.action_name}:${l.status}`).sort()).toEqual(['Block source IP:FAILED', 'Enrich alert:FINISHED']);
    expect((await ft.http.get(`${SM}/instances/${first.id}`).set('X-Auth-Token', 't')).body.status).toBe('FINISHED');
  });

  it.each([
    ['no vendor', { outcome: 'FAILED' }, /vendor must be one of datadog, secmaster, huawei-iam/],
    ['a vendor without runs', { vendor: 'huawei-iam', outcome: 'FAILED' }, /runs no instances/],
    ["another vendor's outcome word", { vendor: 'datadog', outcome: 'FINISHED' }, /outcome must be one of SUCCEEDED, FAILED, HANG/],
    ['a malformed workflow_id', { vendor: 'datadog', outcome: 'FAILED', workflow_id: 'wf-1' }, /workflow_id must be a UUID/],
    ['failStep with outcome HANG', { vendor: 'datadog', outcome: 'HANG', failStep: 'Sleep' }, /failStep needs outcome FAILED/],
    ['negative durations', { vendor: 'datadog', outcome: 'SUCCEEDED', stepDurationsMs: { Sleep: -1 } }, /stepDurationsMs must map step names to milliseconds/],
    ['zero times', { vendor: 'secmaster', outcome: 'FAILED', times: 0 }, /times must be a positive integer/],
    ['an unknown field', { vendor: 'secmaster', outcome: 'FAILED', failStep: 'x' }, /unknown field failStep/],
    ['a list', [], /a scenario is a JSON object/],
  ])('refuses %s with problem+json 400 and adds nothing', async (_label, body, detail) => {
    const ft = await testFlowtwin();
    const res = conforms('AddScenario', await ft.http.post('/__flowtwin/scenarios').send(body));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(detail);
    expect((await ft.http.get('/__flowtwin/scenarios')).body.scenarios).toEqual([]);
  });

  it('removes a scenario (204, then 404) and forgets all of them on reset', async () => {
    const ft = await withWorkflow();
    const a = await ft.scenario({ vendor: 'datadog', outcome: 'FAILED' });
    await ft.scenario({ vendor: 'datadog', outcome: 'HANG' });
    expect(conforms('DeleteScenario', await ft.http.delete(`/__flowtwin/scenarios/${a.body.id}`)).status).toBe(204);
    expect(conforms('DeleteScenario', await ft.http.delete(`/__flowtwin/scenarios/${a.body.id}`)).status).toBe(404);
    await ft.http.post('/__flowtwin/reset');
    expect((await ft.http.get('/__flowtwin/scenarios')).body.scenarios).toEqual([]);
  });
});

describe('control plane: scenarios scoped to a tenant', () => {
  it('fails only the runs of the org whose keys the call carried', async () => {
    const ft = await testFlowtwin();
    const other = { 'DD-API-KEY': 'other-api-key', 'DD-APPLICATION-KEY': 'other-app-key' };
    const start = async (keys: Record<string, string>) => {
      const wf = await ft.http.post('/api/v2/workflows').set(keys).send(workflowBody({ sleepSeconds: 1 }));
      const run = await ft.http.post(`/api/v2/workflows/${wf.body.data.id}/instances`).set(keys).send({});
      return async () => (await ft.http.get(`/api/v2/workflows/${wf.body.data.id}/instances/${run.body.data.id}`).set(keys)).body.data.attributes.instanceStatus.detailsKind;
    };
    const added = conforms('AddScenario', await ft.http.post('/__flowtwin/scenarios').set(DD_KEYS).send({ vendor: 'datadog', outcome: 'FAILED' }));
    expect(added.body.tenant).toMatch(/^dd-/);
    const mine = await start(DD_KEYS);
    const theirs = await start(other);
    ft.clock.advance(10_000);
    expect(await mine()).toBe('FAILED');
    expect(await theirs()).toBe('SUCCEEDED');
    expect(conforms('ListScenarios', await ft.http.get('/__flowtwin/scenarios').set(other)).body.scenarios).toEqual([]);
    expect((await ft.http.get('/__flowtwin/scenarios').set(DD_KEYS)).body.scenarios).toHaveLength(1);
  });
});

describe('control plane: scenario outputs', () => {
  it('gives a Datadog run its outputs once it has succeeded, and {} before', async () => {
    const ft = await withWorkflow();
    await ft.scenario({ vendor: 'datadog', workflow_id: ft.workflowId, outcome: 'SUCCEEDED', outputs: { ticket: 'OPS-42', restarted: 3 } });
    const id = await ft.execute();
    expect((await ft.status(id)).outputs).toEqual({});
    ft.clock.advance(60_000);
    expect(await ft.status(id)).toMatchObject({ instanceStatus: { detailsKind: 'SUCCEEDED' }, outputs: { ticket: 'OPS-42', restarted: 3 } });
  });

  it("writes a SecMaster action's outputs into its audit log once the action has finished", async () => {
    const ft = await testFlowtwin();
    const run = async () => (await ft.http.post('/__flowtwin/secmaster/trigger').send(SM_SCOPE)).body as { id: string; playbook: { id: string } };
    const first = await run();
    await ft.http.post('/__flowtwin/scenarios').send({ vendor: 'secmaster', playbook_id: first.playbook.id, outcome: 'FINISHED', outputs: { 'Block source IP': { blocked: ['203.0.113.9'] } } }).expect(201);
    const second = await run();
    ft.clock.advance(60_000);
    const logs = await ft.http.post(`${SM}/instances/auditlogs?limit=10&offset=0`).set('X-Auth-Token', 't').send({ parent_instance_id: second.id });
    const outputs = Object.fromEntries(logs.body.audit_logs.map((l: { action_name: string; output: string }) => [l.action_name, l.output]));
    expect(outputs).toEqual({ 'Block source IP': '{"blocked":["203.0.113.9"]}', 'Enrich alert': '{"result":"success"}', 'Notify on-call': '{"result":"success"}' });
  });

  it.each([
    ['an array', [1], /outputs must be a JSON object/],
    ['more than 64 KiB', { big: 'x'.repeat(70_000) }, /outputs must be at most 65536 bytes/],
  ])('refuses outputs that are %s', async (_label, outputs, detail) => {
    const ft = await testFlowtwin();
    const res = conforms('AddScenario', await ft.http.post('/__flowtwin/scenarios').send({ vendor: 'datadog', outcome: 'SUCCEEDED', outputs }));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(detail);
  });
});

describe('control plane: a scenario for one running instance', () => {
  it('fails a running Datadog instance at a later step, keeping what already happened', async () => {
    const ft = await withWorkflow();
    const id = await ft.execute();
    const other = await ft.execute();
    ft.clock.advance(4_000);
    const res = conforms('AddScenario', await ft.http.post('/__flowtwin/scenarios').set(DD_KEYS).send({ vendor: 'datadog', instance_id: id, outcome: 'FAILED', failStep: 'Notify', stepDurationsMs: { Sleep: 6_000 } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(String), instance: id, outcome: 'fail', step: 'Notify', hits: 1, tenant: expect.stringMatching(/^dd-/) });
    // Sleep had run 4 s of its new 6 s: it ends at +6 s, then Notify runs its 1 s and fails.
    ft.clock.advance(1_000);
    expect(await ft.status(id)).toMatchObject({ instanceStatus: { detailsKind: 'IN_PROGRESS' }, stepStateAssociations: [{ stepName: 'Sleep', stepState: 'IN_PROGRESS' }] });
    ft.clock.advance(10_000);
    expect(await ft.status(id)).toMatchObject({
      instanceStatus: { detailsKind: 'FAILED' },
      startTimestamp: '2026-01-15T10:00:00Z',
      endTimestamp: '2026-01-15T10:00:07Z',
      stepStateAssociations: [{ stepName: 'Sleep', stepState: 'SUCCEEDED' }, { stepName: 'Notify', stepState: 'FAILED' }],
    });
    expect((await ft.status(other)).instanceStatus.detailsKind).toBe('SUCCEEDED');
    expect((await ft.http.get('/__flowtwin/scenarios')).body.scenarios).toEqual([]);
  });

  it('makes a running instance hang until it is canceled', async () => {
    const ft = await withWorkflow();
    const id = await ft.execute();
    await ft.http.post('/__flowtwin/scenarios').set(DD_KEYS).send({ vendor: 'datadog', instance_id: id, outcome: 'HANG', hangStep: 'Sleep' }).expect(201);
    ft.clock.advance(7 * 24 * 3600_000);
    expect((await ft.status(id)).instanceStatus.detailsKind).toBe('IN_PROGRESS');
    await ft.http.put(`/api/v2/workflows/${ft.workflowId}/instances/${id}/cancel`).set(DD_KEYS).expect(200);
    expect((await ft.status(id)).instanceStatus.detailsKind).toBe('CANCELED');
  });

  it('steers a running SecMaster instance by action name, with outputs', async () => {
    const ft = await testFlowtwin();
    const run = (await ft.http.post('/__flowtwin/secmaster/trigger').send(SM_SCOPE)).body as { id: string };
    const token = { 'X-Auth-Token': 't', 'X-Project-Id': SM_SCOPE.project_id };
    const res = conforms('AddScenario', await ft.http.post('/__flowtwin/scenarios').set(token).send({ vendor: 'secmaster', instance_id: run.id, outcome: 'FAILED', failAction: 'Notify on-call', outputs: { 'Block source IP': { blocked: 1 } } }));
    expect(res.status).toBe(201);
    expect(res.body.tenant).toBe(SM_SCOPE.project_id);
    ft.clock.advance(60_000);
    expect((await ft.http.get(`${SM}/instances/${run.id}`).set('X-Auth-Token', 't')).body.status).toBe('FAILED');
    const logs = await ft.http.post(`${SM}/instances/auditlogs?limit=10&offset=0`).set('X-Auth-Token', 't').send({ parent_instance_id: run.id });
    const seen = Object.fromEntries(logs.body.audit_logs.map((l: { action_name: string; status: string; output: string }) => [l.action_name, `${l.status} ${l.output}`]));
    expect(seen).toEqual({ 'Enrich alert': 'FINISHED {"result":"success"}', 'Block source IP': 'FINISHED {"blocked":1}', 'Notify on-call': 'FAILED {}' });
  });

  it.each([
    ['without credentials', {}, (id: string) => ({ vendor: 'datadog', instance_id: id, outcome: 'FAILED' }), 400, /needs the credentials of its owner/],
    ["with another org's keys", { 'DD-API-KEY': 'other-api-key', 'DD-APPLICATION-KEY': 'other-app-key' }, (id: string) => ({ vendor: 'datadog', instance_id: id, outcome: 'FAILED' }), 404, /no datadog instance .* belongs to the tenant/],
    ['with times', DD_KEYS, (id: string) => ({ vendor: 'datadog', instance_id: id, outcome: 'FAILED', times: 2 }), 400, /takes no times/],
    ['with a workflow_id too', DD_KEYS, (id: string) => ({ vendor: 'datadog', instance_id: id, workflow_id: id, outcome: 'FAILED' }), 400, /takes no workflow_id/],
    ['with a malformed instance_id', DD_KEYS, () => ({ vendor: 'datadog', instance_id: 'i-1', outcome: 'FAILED' }), 400, /instance_id must be a UUID/],
  ])('refuses a one-instance scenario %s and leaves the run alone', async (_label, headers, body, status, detail) => {
    const ft = await withWorkflow();
    const id = await ft.execute();
    const res = conforms('AddScenario', await ft.http.post('/__flowtwin/scenarios').set(headers).send(body(id)));
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(detail);
    ft.clock.advance(60_000);
    expect((await ft.status(id)).instanceStatus.detailsKind).toBe('SUCCEEDED');
  });

  it('answers 409 for an instance that no longer runs, and changes nothing', async () => {
    const ft = await withWorkflow();
    const id = await ft.execute();
    ft.clock.advance(60_000);
    const res = conforms('AddScenario', await ft.http.post('/__flowtwin/scenarios').set(DD_KEYS).send({ vendor: 'datadog', instance_id: id, outcome: 'FAILED' }));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ title: 'Conflict', detail: expect.stringMatching(/is SUCCEEDED: only a running instance can be steered/) });
    expect(await ft.status(id)).toMatchObject({ instanceStatus: { detailsKind: 'SUCCEEDED' }, endTimestamp: '2026-01-15T10:00:11Z' });
  });
});
