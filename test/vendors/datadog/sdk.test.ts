// The official client, @datadog/datadog-api-client, against a listening flowtwin: the whole
// lifecycle through typed calls, the errors as the client surfaces them, and proof that every
// request reached the local server (none went to the real Datadog).
import { client, v2 } from '@datadog/datadog-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type RunningFlowtwin } from '../../../src/serve.js';
import { T0 } from '../../support/flowtwin.js';

const UNKNOWN_ID = 'aaa11111-aa11-aa11-aaaa-aaaaaa111111';

let ft: RunningFlowtwin;
let api: v2.WorkflowAutomationApi;
const violations: string[] = [];
const requests: { method: string; url: string; host: string; userAgent: string }[] = [];
/** Requests this file made through the client; the server must have seen exactly these. */
let calls = 0;

/** Counts a client call, so the server-side request count can be checked against it. */
async function sdk<T>(call: () => Promise<T>): Promise<T> {
  calls++;
  return call();
}

async function sdkError(call: () => Promise<unknown>): Promise<client.ApiException<unknown>> {
  try {
    await sdk(call);
  } catch (err) {
    expect(err).toBeInstanceOf(client.ApiException);
    return err as client.ApiException<unknown>;
  }
  throw new Error('expected the client to throw');
}

const spec = (sleepSeconds: number): v2.Spec => ({
  triggers: [{ startStepNames: ['Sleep'], apiTrigger: {} }],
  steps: [
    {
      name: 'Sleep',
      actionId: 'com.datadoghq.core.sleep',
      parameters: [{ name: 'durationSeconds', value: sleepSeconds }],
      outboundEdges: [{ nextStepName: 'Notify', branchName: 'main' }],
    },
    { name: 'Notify', actionId: 'com.datadoghq.core.noop' },
  ],
});

beforeAll(async () => {
  ft = await serve({
    port: 0,
    host: '127.0.0.1',
    now: () => T0,
    onResponseViolation: (v) => violations.push(`${v.method} ${v.path}: ${v.message}`),
  });
  ft.clock.freeze();
  ft.server.on('request', (req) => {
    requests.push({ method: String(req.method), url: String(req.url), host: String(req.headers.host), userAgent: String(req.headers['user-agent']) });
  });
  const configuration = client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(ft.url, {}),
    authMethods: { apiKeyAuth: 'sdk-api-key', appKeyAuth: 'sdk-app-key' },
  });
  api = new v2.WorkflowAutomationApi(configuration);
});

afterAll(async () => {
  await ft?.stop();
});

describe('Datadog through the official TypeScript client', () => {
  it('listens on a local address', () => {
    expect(ft.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('drives a whole lifecycle: create, list, execute, get, list instances, cancel, run to success, update, delete', async () => {
    // createWorkflow: typed result, dates parsed by the client.
    const created = await sdk(() =>
      api.createWorkflow({
        body: { data: { type: 'workflows', attributes: { name: 'SDK workflow', tags: ['team:sre', 'app:sdk'], spec: spec(300) } } },
      }),
    );
    const workflowId = created.data?.id;
    expect(workflowId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    if (!workflowId) throw new Error('no workflow id');
    expect(created.data?.type).toBe('workflows');
    expect(created.data?.attributes.name).toBe('SDK workflow');
    expect(created.data?.attributes.description).toBe('');
    expect(created.data?.attributes.published).toBe(true);
    expect(created.data?.attributes.tags).toEqual(['app:sdk', 'team:sre']);
    expect(created.data?.attributes.createdAt).toEqual(new Date(T0));
    expect(created.data?.attributes.updatedAt).toEqual(new Date(T0));
    expect(created.data?.attributes.spec.steps?.map((s) => s.name)).toEqual(['Sleep', 'Notify']);
    expect(created.data?.relationships?.creator?.data?.type).toBe('users');
    expect(created.data?.relationships?.owner?.data?.id).toBe(created.data?.relationships?.creator?.data?.id);

    // listWorkflows: the trigger filter as the client encodes it (repeated filter[triggerIds]).
    const list = await sdk(() => api.listWorkflows({ filterTriggerIds: ['api'], filterIncludeSpecs: true, limit: 10, page: 0 }));
    expect(list.data?.map((w) => w.id)).toEqual([workflowId]);
    expect(list.data?.[0]?.attributes.spec?.triggers).toHaveLength(1);
    expect(list.meta?.page).toMatchObject({ totalCount: 1, totalFilteredCount: 1 });
    const noSpecs = await sdk(() => api.listWorkflows({ filterQuery: 'sdk' }));
    expect(noSpecs.data?.[0]?.attributes.spec).toBeNull();
    const none = await sdk(() => api.listWorkflows({ filterTriggerIds: ['monitor', 'schedule'] }));
    expect(none.data).toEqual([]);

    // createWorkflowInstance: 200 with extras beyond the client's model in additionalProperties.
    const run = await sdk(() => api.createWorkflowInstance({ workflowId, body: { meta: { payload: { input: 'value' } } } }));
    const instanceId = run.data?.id;
    if (!instanceId) throw new Error('no instance id');
    expect(run.data?.additionalProperties).toEqual({ attributes: {}, type: 'instances' });
    expect(run.additionalProperties).toEqual({ meta: { workflowId } });

    // getWorkflowInstance: the client models only attributes.id (DD-DRIFT-4); the rest is kept aside.
    ft.clock.advance(2_000);
    const got = await sdk(() => api.getWorkflowInstance({ workflowId, instanceId }));
    expect(got.data?.attributes?.id).toBeUndefined();
    const attrs = got.data?.attributes?.additionalProperties ?? {};
    expect(attrs.instanceStatus).toEqual({ detailsKind: 'IN_PROGRESS', displayName: 'Running' });
    expect(attrs.stepStateAssociations).toEqual([{ stepName: 'Sleep', stepState: 'IN_PROGRESS' }]);
    expect(attrs.startTimestamp).toBe('2026-01-15T10:00:00Z');
    expect(attrs).not.toHaveProperty('endTimestamp');
    expect(attrs.source?.api?.actingUser?.userUuid).toBe(created.data?.relationships?.creator?.data?.id);
    expect(got.data?.additionalProperties).toMatchObject({
      id: instanceId,
      type: 'instances',
      relationships: { workflow: { data: { id: workflowId, type: 'workflows' } } },
    });
    expect(got.additionalProperties?.meta).toEqual({ outputsTooBig: false, sourceTooBig: false, triggerTooBig: false });

    // listWorkflowInstances
    const instances = await sdk(() => api.listWorkflowInstances({ workflowId, pageSize: 10, pageNumber: 0 }));
    expect(instances.data?.map((i) => i.id)).toEqual([instanceId]);
    expect(instances.meta?.page?.totalCount).toBe(1);
    expect(instances.meta?.page?.additionalProperties).toEqual({ totalFilteredCount: 1 });
    expect(instances.meta?.additionalProperties).toEqual({ canceledCount: 0, failedCount: 0, succeededCount: 0 });

    // cancelWorkflowInstance: the real body is {} (DD-DRIFT-3).
    const cancel = await sdk(() => api.cancelWorkflowInstance({ workflowId, instanceId }));
    expect(cancel.data).toBeUndefined();
    const canceled = await sdk(() => api.getWorkflowInstance({ workflowId, instanceId }));
    expect(canceled.data?.attributes?.additionalProperties?.instanceStatus).toEqual({ detailsKind: 'CANCELED', displayName: 'Canceled' });
    expect(canceled.data?.attributes?.additionalProperties?.endTimestamp).toBe('2026-01-15T10:00:02Z');

    // A second instance runs to completion over virtual time: 300 s sleep, then a 1 s step.
    const second = await sdk(() => api.createWorkflowInstance({ workflowId, body: {} }));
    const secondId = second.data?.id;
    if (!secondId) throw new Error('no instance id');
    ft.clock.advance(300_000);
    const midway = await sdk(() => api.getWorkflowInstance({ workflowId, instanceId: secondId }));
    expect(midway.data?.attributes?.additionalProperties?.instanceStatus?.detailsKind).toBe('IN_PROGRESS');
    ft.clock.advance(1_000);
    const done = await sdk(() => api.getWorkflowInstance({ workflowId, instanceId: secondId }));
    expect(done.data?.attributes?.additionalProperties?.instanceStatus).toEqual({ detailsKind: 'SUCCEEDED', displayName: 'Succeeded' });
    expect(done.data?.attributes?.additionalProperties?.stepStateAssociations).toEqual([
      { stepName: 'Sleep', stepState: 'SUCCEEDED' },
      { stepName: 'Notify', stepState: 'SUCCEEDED' },
    ]);
    const counted = await sdk(() => api.listWorkflowInstances({ workflowId }));
    expect(counted.data?.map((i) => i.id)).toEqual([secondId, instanceId]);
    expect(counted.meta?.additionalProperties).toEqual({ canceledCount: 1, failedCount: 0, succeededCount: 1 });

    // updateWorkflow: partial; updatedAt moves, createdAt stays; a body id is ignored.
    const updated = await sdk(() =>
      api.updateWorkflow({
        workflowId,
        body: { data: { type: 'workflows', id: '22222222-2222-2222-2222-222222222222', attributes: { description: 'Updated through the SDK' } } },
      }),
    );
    expect(updated.data?.id).toBe(workflowId);
    expect(updated.data?.attributes.description).toBe('Updated through the SDK');
    expect(updated.data?.attributes.name).toBe('SDK workflow');
    expect(updated.data?.attributes.createdAt).toEqual(new Date(T0));
    expect(updated.data?.attributes.updatedAt).toEqual(new Date(T0 + 303_000));
    const fetched = await sdk(() => api.getWorkflow({ workflowId }));
    expect(fetched.data?.attributes.description).toBe('Updated through the SDK');

    // deleteWorkflow: 204, then the client's 404.
    await expect(sdk(() => api.deleteWorkflow({ workflowId }))).resolves.toBeUndefined();
    const gone = await sdkError(() => api.getWorkflow({ workflowId }));
    expect(gone.code).toBe(404);
    expect(gone.body).toEqual({ errors: [{ detail: 'workflow not found' }] });
  });

  it('pages through listWorkflowsWithPagination until a short page', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) {
      await sdk(() => api.createWorkflow({ body: { data: { type: 'workflows', attributes: { name, spec: spec(1) } } } }));
    }
    const seen: string[] = [];
    const before = requests.length;
    for await (const item of api.listWorkflowsWithPagination({ limit: 2, filterQuery: 'page-', sort: 'name' })) seen.push(item.attributes.name);
    calls += requests.length - before;
    expect(seen).toEqual(['page-a', 'page-b', 'page-c']);
    expect(requests.length - before).toBe(2);
    const sent = requests.slice(before).map((r) => new URL(r.url, ft.url));
    expect(sent.map((u) => u.pathname)).toEqual(['/api/v2/workflows', '/api/v2/workflows']);
    expect(sent.map((u) => Object.fromEntries(u.searchParams))).toEqual([
      { limit: '2', page: '0', sort: 'name', 'filter[query]': 'page-' },
      { limit: '2', page: '1', sort: 'name', 'filter[query]': 'page-' },
    ]);
  });

  it('throws ApiException 404 with the body for an unknown workflow', async () => {
    const err = await sdkError(() => api.getWorkflow({ workflowId: UNKNOWN_ID }));
    expect(err.code).toBe(404);
    expect(err.body).toEqual({ errors: [{ detail: 'workflow not found' }] });
  });

  it('throws ApiException 400 with the Invalid Parameter body for a malformed id', async () => {
    const err = await sdkError(() => api.getWorkflow({ workflowId: 'bad-format' }));
    expect(err.code).toBe(400);
    expect(err.body).toEqual({
      errors: [{ status: '400', title: 'Invalid Parameter', detail: 'invalid parameter "workflowId" in "path"; expected type "uuid"' }],
    });
  });

  it('surfaces the recorded instance errors as raw bodies: objects where the client expects strings', async () => {
    const err = await sdkError(() => api.getWorkflowInstance({ workflowId: UNKNOWN_ID, instanceId: 'e0c64dc8-f946-4ae8-8d79-54569031ce67' }));
    expect(err.code).toBe(404);
    expect(err.body).toEqual({ errors: [{ code: 'WORKFLOW_NOT_FOUND', detail: 'workflow not found' }] });
    const cancel = await sdkError(() => api.cancelWorkflowInstance({ workflowId: 'malformed', instanceId: 'malformed' }));
    expect(cancel.code).toBe(400);
    expect(cancel.body).toEqual({ errors: [{ code: 'INVALID_FIELD_VALUE', detail: 'value <no value> is invalid for field workflow_id' }] });
  });

  it('reports the business rules of create as a 400 the client can read', async () => {
    const err = await sdkError(() =>
      api.createWorkflow({ body: { data: { type: 'workflows', attributes: { name: 'Bad', description: 'x'.repeat(301), spec: {} } } } }),
    );
    expect(err.code).toBe(400);
    expect(err.body).toMatchObject({
      errors: [
        { detail: 'workflow description exceeds size limit of [300] characters' },
        { detail: 'spec is invalid' },
        { detail: 'no trigger found. At least one trigger is required.' },
      ],
    });
  });

  it('refuses to execute an unpublished workflow, then one without an apiTrigger, as 400s the client reads (DD-ASSUME-29)', async () => {
    const draft = await sdk(() =>
      api.createWorkflow({ body: { data: { type: 'workflows', attributes: { name: 'Draft', published: false, spec: spec(60) } } } }),
    );
    const draftId = draft.data!.id!;
    const unpublished = await sdkError(() => api.createWorkflowInstance({ workflowId: draftId, body: {} }));
    expect(unpublished.code).toBe(400);
    expect(unpublished.body).toEqual({
      errors: [{ code: 'WORKFLOW_NOT_PUBLISHED', detail: `workflow ${draftId} is not published; publish it before triggering it with a POST request` }],
    });

    const byMonitor: v2.Spec = { ...spec(60), triggers: [{ startStepNames: ['Sleep'], monitorTrigger: {} }] };
    const monitored = await sdk(() => api.createWorkflow({ body: { data: { type: 'workflows', attributes: { name: 'Monitor only', spec: byMonitor } } } }));
    const monitoredId = monitored.data!.id!;
    const noTrigger = await sdkError(() => api.createWorkflowInstance({ workflowId: monitoredId, body: {} }));
    expect(noTrigger.code).toBe(400);
    expect(noTrigger.body).toEqual({
      errors: [{ code: 'NO_API_TRIGGER', detail: `workflow ${monitoredId} has no apiTrigger; add one to execute it through the API` }],
    });
    // Neither refusal left a run behind.
    for (const workflowId of [draftId, monitoredId]) {
      expect((await sdk(() => api.listWorkflowInstances({ workflowId }))).data).toEqual([]);
    }
  });

  it('reads, runs and cancels through upper-case ids as through lower-case ones, answering lower case (DD-ASSUME-30)', async () => {
    const created = await sdk(() => api.createWorkflow({ body: { data: { type: 'workflows', attributes: { name: 'Case', spec: spec(600) } } } }));
    const id = created.data!.id!;
    const ID = id.toUpperCase();
    expect(ID).not.toBe(id);
    expect((await sdk(() => api.getWorkflow({ workflowId: ID }))).data?.id).toBe(id);
    const run = await sdk(() => api.createWorkflowInstance({ workflowId: ID, body: {} }));
    expect(run.additionalProperties).toEqual({ meta: { workflowId: id } });
    const instanceId = run.data!.id!;
    expect((await sdk(() => api.listWorkflowInstances({ workflowId: ID }))).data?.map((i) => i.id)).toEqual([instanceId]);
    expect(await sdk(() => api.cancelWorkflowInstance({ workflowId: ID, instanceId: instanceId.toUpperCase() }))).toEqual({});
    const got = await sdk(() => api.getWorkflowInstance({ workflowId: id, instanceId: instanceId.toUpperCase() }));
    expect(got.data?.attributes?.additionalProperties?.instanceStatus).toEqual({ detailsKind: 'CANCELED', displayName: 'Canceled' });
    await sdk(() => api.deleteWorkflow({ workflowId: ID }));
    expect((await sdkError(() => api.getWorkflow({ workflowId: id }))).code).toBe(404);
  });

  it('gives a status the client does not declare as "Unknown API Status Code": 400 on delete (DD-ASSUME-10)', async () => {
    const err = await sdkError(() => api.deleteWorkflow({ workflowId: 'bad-format' }));
    expect(err.code).toBe(400);
    expect(String(err.body)).toMatch(/^Unknown API Status Code!/);
    expect(String(err.body)).toContain('Invalid Parameter');
  });

  it('answers 403 to a client configured with an API key but no application key', async () => {
    // appKeyAuth is present but undefined so that the client does not fill it in from DD_APP_KEY.
    const configuration = client.createConfiguration({
      baseServer: new client.BaseServerConfiguration(ft.url, {}),
      authMethods: { apiKeyAuth: 'sdk-api-key', appKeyAuth: undefined },
    });
    const keyless = new v2.WorkflowAutomationApi(configuration);
    const err = await sdkError(() => keyless.listWorkflows());
    expect(err.code).toBe(403);
    expect(err.body).toEqual({ errors: ['Forbidden'] });
  });

  it("sent every request to the local server, with the client's own user agent, and every response matched the spec", () => {
    expect(calls).toBeGreaterThan(20);
    expect(requests).toHaveLength(calls);
    const host = new URL(ft.url).host;
    for (const r of requests) {
      expect(r.host).toBe(host);
      expect(r.url).toMatch(/^\/api\/v2\/workflows/);
      expect(r.userAgent).toMatch(/^datadog-api-client-typescript\//);
    }
    expect(violations).toEqual([]);
  });
});
