import { describe, expect, it } from 'vitest';
import { INSTANCE_KIND } from '../../../src/vendors/datadog/context.js';
import { DD_KEYS, T0, testFlowtwin, workflowBody } from '../../support/flowtwin.js';

async function withWorkflow(sleepSeconds = 300) {
  const ft = await testFlowtwin();
  const created = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody({ sleepSeconds }));
  expect(created.status).toBe(201);
  return { ...ft, workflowId: created.body.data.id as string };
}

async function execute(ft: Awaited<ReturnType<typeof withWorkflow>>) {
  const res = await ft.http
    .post(`/api/v2/workflows/${ft.workflowId}/instances`)
    .set(DD_KEYS)
    .send({ meta: { payload: { input: 'value' } } });
  expect(res.status).toBe(200);
  return res.body.data.id as string;
}

describe('Datadog workflow instances', () => {
  it('executes a workflow with 200 and the real body: attributes, type and meta.workflowId', async () => {
    const ft = await withWorkflow();
    const res = await ft.http.post(`/api/v2/workflows/${ft.workflowId}/instances`).set(DD_KEYS).send({});
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ data: { attributes: {}, id: expect.any(String), type: 'instances' }, meta: { workflowId: ft.workflowId } });
  });

  it('runs the steps over virtual time: sleep for its durationSeconds, then the next step, then SUCCEEDED', async () => {
    const ft = await withWorkflow(300);
    const id = await execute(ft);
    const get = () => ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances/${id}`).set(DD_KEYS);

    let res = await get();
    expect(res.body.data.attributes.instanceStatus).toEqual({ detailsKind: 'IN_PROGRESS', displayName: 'Running' });
    expect(res.body.data.attributes.stepStateAssociations).toEqual([{ stepName: 'Sleep', stepState: 'IN_PROGRESS' }]);
    expect(res.body.data.attributes).not.toHaveProperty('endTimestamp');

    ft.clock.advance(300_000);
    res = await get();
    expect(res.body.data.attributes.stepStateAssociations).toEqual([
      { stepName: 'Sleep', stepState: 'SUCCEEDED' },
      { stepName: 'Notify', stepState: 'IN_PROGRESS' },
    ]);

    ft.clock.advance(1_000);
    res = await get();
    expect(res.body.data.attributes.instanceStatus).toEqual({ detailsKind: 'SUCCEEDED', displayName: 'Succeeded' });
    expect(res.body.data.attributes.startTimestamp).toBe('2026-01-15T10:00:00Z');
    expect(res.body.data.attributes.endTimestamp).toBe('2026-01-15T10:05:01Z');
  });

  it('answers GET with relationships, the spec version and workflow in included, and meta', async () => {
    const ft = await withWorkflow();
    const id = await execute(ft);
    const res = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances/${id}`).set(DD_KEYS);
    expect(res.status).toBe(200);
    const { data, included, meta } = res.body;
    expect(data.id).toBe(id);
    expect(data.type).toBe('instances');
    expect(data.relationships.workflow.data).toEqual({ id: ft.workflowId, type: 'workflows' });
    expect(data.attributes.source.api.actingUser).toMatchObject({ userName: expect.any(String), userUuid: expect.any(String) });
    expect(data.attributes.sourceForTemplating).toMatchObject({
      name: 'Restart service',
      type: 'api',
      url: `https://app.datadoghq.com/workflow/${ft.workflowId}?instance=${id}`,
    });
    const specVersion = included.find((i: { type: string }) => i.type === 'spec_versions');
    expect(specVersion.id).toBe(data.relationships.specVersion.data.id);
    expect(specVersion.attributes.spec.steps[0].name).toBe('Sleep');
    expect(included.find((i: { type: string }) => i.type === 'workflows').attributes.name).toBe('Restart service');
    expect(meta).toEqual({ outputsTooBig: false, sourceTooBig: false, triggerTooBig: false });
  });

  it('cancels a running instance: 200 {}, then CANCELED with the running step CANCELED and an endTimestamp', async () => {
    const ft = await withWorkflow();
    const id = await execute(ft);
    ft.clock.advance(2_500);
    const cancel = await ft.http.put(`/api/v2/workflows/${ft.workflowId}/instances/${id}/cancel`).set(DD_KEYS);
    expect(cancel.status).toBe(200);
    expect(cancel.body).toEqual({});
    ft.clock.advance(10 * 60_000);
    const res = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances/${id}`).set(DD_KEYS);
    expect(res.body.data.attributes.instanceStatus).toEqual({ detailsKind: 'CANCELED', displayName: 'Canceled' });
    expect(res.body.data.attributes.stepStateAssociations).toEqual([{ stepName: 'Sleep', stepState: 'CANCELED' }]);
    expect(res.body.data.attributes.endTimestamp).toBe('2026-01-15T10:00:02.5Z');
  });

  it('refuses to cancel an instance that already finished, and leaves it SUCCEEDED', async () => {
    const ft = await withWorkflow(1);
    const id = await execute(ft);
    ft.clock.advance(60_000);
    const res = await ft.http.put(`/api/v2/workflows/${ft.workflowId}/instances/${id}/cancel`).set(DD_KEYS);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ code: 'INVALID_INSTANCE_STATE', detail: `instance ${id} is not running (status SUCCEEDED)` }] });
    const after = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances/${id}`).set(DD_KEYS);
    expect(after.body.data.attributes.instanceStatus.detailsKind).toBe('SUCCEEDED');
  });

  it('gives exactly one transition for fifty parallel cancels of one instance', async () => {
    const ft = await withWorkflow();
    const id = await execute(ft);
    const results = await Promise.all(Array.from({ length: 50 }, () => ft.http.put(`/api/v2/workflows/${ft.workflowId}/instances/${id}/cancel`).set(DD_KEYS)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400).every((r) => r.body.errors[0].code === 'INVALID_INSTANCE_STATE')).toBe(true);
    const list = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances`).set(DD_KEYS);
    expect(list.body.meta.canceledCount).toBe(1);
  });

  it('lists instances newest first with paging and the real meta counters', async () => {
    const ft = await withWorkflow(10);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await execute(ft));
      ft.clock.advance(1_000);
    }
    await ft.http.put(`/api/v2/workflows/${ft.workflowId}/instances/${ids[0]}/cancel`).set(DD_KEYS).expect(200);
    ft.clock.advance(9_500); // ids[1] (started at +1s) has now finished: 10s sleep + 1s step
    const res = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances`).query({ 'page[size]': 2, 'page[number]': 0 }).set(DD_KEYS);
    expect(res.status).toBe(200);
    expect(res.body.data.map((d: { id: string }) => d.id)).toEqual([ids[2], ids[1]]);
    expect(res.body.data[0].attributes).not.toHaveProperty('stepStateAssociations');
    expect(res.body.meta).toEqual({ canceledCount: 1, failedCount: 0, page: { totalCount: 3, totalFilteredCount: 3 }, succeededCount: 1 });
    const page2 = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances?page[size]=2&page[number]=1`).set(DD_KEYS);
    expect(page2.body.data.map((d: { id: string }) => d.id)).toEqual([ids[0]]);
  });

  it('reports a malformed workflow_id before a malformed instance_id, without echoing the value', async () => {
    const ft = await withWorkflow();
    const res = await ft.http.get('/api/v2/workflows/malformed/instances/malformed').set(DD_KEYS);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ code: 'INVALID_FIELD_VALUE', detail: 'value <no value> is invalid for field workflow_id' }] });
    const inst = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances/malformed`).set(DD_KEYS);
    expect(inst.body.errors[0].detail).toBe('value <no value> is invalid for field instance_id');
  });

  it('says WORKFLOW_NOT_FOUND on GET but INSTANCE_NOT_FOUND on cancel for the same unknown ids, as recorded', async () => {
    const ft = await withWorkflow();
    const path = '/api/v2/workflows/aaa11111-aa11-aa11-aaaa-aaaaaa111111/instances/e0c64dc8-f946-4ae8-8d79-54569031ce67';
    const get = await ft.http.get(path).set(DD_KEYS);
    expect(get.status).toBe(404);
    expect(get.body).toEqual({ errors: [{ code: 'WORKFLOW_NOT_FOUND', detail: 'workflow not found' }] });
    const cancel = await ft.http.put(`${path}/cancel`).set(DD_KEYS);
    expect(cancel.status).toBe(404);
    expect(cancel.body).toEqual({ errors: [{ code: 'INSTANCE_NOT_FOUND', detail: 'instance e0c64dc8-f946-4ae8-8d79-54569031ce67 not found' }] });
  });

  it("answers 404 INSTANCE_NOT_FOUND for an instance read or cancelled through another workflow's path, and leaves it running", async () => {
    const ft = await withWorkflow();
    const id = await execute(ft);
    const other = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send(workflowBody({ name: 'Other' }));
    const wrongPath = `/api/v2/workflows/${other.body.data.id}/instances/${id}`;
    const notFound = { errors: [{ code: 'INSTANCE_NOT_FOUND', detail: `instance ${id} not found` }] };
    const get = await ft.http.get(wrongPath).set(DD_KEYS);
    expect([get.status, get.body]).toEqual([404, notFound]);
    const cancel = await ft.http.put(`${wrongPath}/cancel`).set(DD_KEYS);
    expect([cancel.status, cancel.body]).toEqual([404, notFound]);
    // The cancel through the wrong path changed nothing: through its own workflow it is still running.
    const own = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances/${id}`).set(DD_KEYS);
    expect(own.body.data.attributes.instanceStatus.detailsKind).toBe('IN_PROGRESS');
    expect((await ft.http.get(`${wrongPath.replace(`/${id}`, '')}`).set(DD_KEYS)).body.data).toEqual([]);
  });

  it("stores the execute request's meta.payload with the run, and no payload for a run executed without one", async () => {
    const ft = await withWorkflow();
    const withPayload = await execute(ft);
    const bare = (await ft.http.post(`/api/v2/workflows/${ft.workflowId}/instances`).set(DD_KEYS).send({})).body.data.id as string;
    const [entry] = await ft.journal.query({ operation: 'CreateWorkflowInstance' });
    const attrs = async (id: string) => (await ft.store.get<{ attrs: Record<string, unknown> }>(INSTANCE_KIND, entry!.tenant!, id))!.data.attrs;
    expect(await attrs(withPayload)).toMatchObject({ payload: { input: 'value' }, source: 'api' });
    expect(await attrs(bare)).not.toHaveProperty('payload');
  });

  it('refuses page[size] over 100 and a non-integer page[number]', async () => {
    const ft = await withWorkflow();
    const big = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances?page[size]=101`).set(DD_KEYS);
    expect(big.status).toBe(400);
    expect(big.body.errors[0]).toEqual({ code: 'INVALID_FIELD_VALUE', detail: 'value <no value> is invalid for field page[size]' });
    const word = await ft.http.get(`/api/v2/workflows/${ft.workflowId}/instances?page[number]=two`).set(DD_KEYS);
    expect(word.status).toBe(400);
    expect(word.body.errors[0].detail).toContain('page[number]');
  });

  it('executes only a published workflow with an apiTrigger; publishing it or adding the trigger lets it run (DD-ASSUME-29)', async () => {
    const ft = await testFlowtwin();
    const body = workflowBody({ sleepSeconds: 60 });
    const draft = { data: { ...body.data, attributes: { ...body.data.attributes, published: false } } };
    const id = (await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(draft)).body.data.id as string;
    const run = () => ft.http.post(`/api/v2/workflows/${id}/instances`).set(DD_KEYS).send({});
    const refused = await run();
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      errors: [{ code: 'WORKFLOW_NOT_PUBLISHED', detail: `workflow ${id} is not published; publish it before triggering it with a POST request` }],
    });

    // Published, but its only trigger is a monitor's: still not executable by API.
    const spec = { ...body.data.attributes.spec, triggers: [{ startStepNames: ['Sleep'], monitorTrigger: {} }] };
    const patch = (attributes: object) =>
      ft.http
        .patch(`/api/v2/workflows/${id}`)
        .set(DD_KEYS)
        .send({ data: { type: 'workflows', attributes } });
    expect((await patch({ published: true, spec })).status).toBe(200);
    const noTrigger = await run();
    expect(noTrigger.status).toBe(400);
    expect(noTrigger.body).toEqual({ errors: [{ code: 'NO_API_TRIGGER', detail: `workflow ${id} has no apiTrigger; add one to execute it through the API` }] });
    expect((await ft.http.get(`/api/v2/workflows/${id}/instances`).set(DD_KEYS)).body.meta.page.totalCount).toBe(0);

    expect((await patch({ spec: { ...spec, triggers: [...spec.triggers, { startStepNames: ['Sleep'], apiTrigger: {} }] } })).status).toBe(200);
    expect((await run()).status).toBe(200);
    expect((await ft.http.get(`/api/v2/workflows/${id}/instances`).set(DD_KEYS)).body.meta.page.totalCount).toBe(1);
  });

  it('answers 404 WORKFLOW_NOT_FOUND when executing an unknown workflow (assumed)', async () => {
    const ft = await withWorkflow();
    const res = await ft.http.post('/api/v2/workflows/aaa11111-aa11-aa11-aaaa-aaaaaa111111/instances').set(DD_KEYS).send({});
    expect(res.status).toBe(404);
    expect(res.body.errors[0].code).toBe('WORKFLOW_NOT_FOUND');
  });

  it('keeps T0 out of the way: the test clock really is frozen', async () => {
    const ft = await withWorkflow();
    expect(ft.clock.now()).toBe(T0);
  });
});
