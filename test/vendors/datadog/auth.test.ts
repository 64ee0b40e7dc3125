import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../src/spec/load.js';
import { compileSpec } from '../../../src/spec/operations.js';
import { DD_KEYS, DD_OTHER_ORG, testFlowtwin, workflowBody } from '../../support/flowtwin.js';

type Ft = Awaited<ReturnType<typeof testFlowtwin>>;
type Headers = Record<string, string>;
type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

interface Ids {
  workflowId: string;
  instanceId: string;
}

interface Operation {
  operationId: string;
  method: Method;
  path: (ids: Ids) => string;
  body?: object;
  /** What the operation answers when the keys are good. */
  ok: number;
}

const WORKFLOWS = '/api/v2/workflows';

/** The nine operations of the spec, each with a request that succeeds given good keys. */
const OPERATIONS: Operation[] = [
  { operationId: 'ListWorkflows', method: 'get', path: () => WORKFLOWS, ok: 200 },
  { operationId: 'CreateWorkflow', method: 'post', path: () => WORKFLOWS, body: workflowBody({ name: 'New' }), ok: 201 },
  { operationId: 'GetWorkflow', method: 'get', path: (i) => `${WORKFLOWS}/${i.workflowId}`, ok: 200 },
  {
    operationId: 'UpdateWorkflow',
    method: 'patch',
    path: (i) => `${WORKFLOWS}/${i.workflowId}`,
    body: { data: { type: 'workflows', attributes: { description: 'changed' } } },
    ok: 200,
  },
  { operationId: 'DeleteWorkflow', method: 'delete', path: (i) => `${WORKFLOWS}/${i.workflowId}`, ok: 204 },
  { operationId: 'ListWorkflowInstances', method: 'get', path: (i) => `${WORKFLOWS}/${i.workflowId}/instances`, ok: 200 },
  { operationId: 'CreateWorkflowInstance', method: 'post', path: (i) => `${WORKFLOWS}/${i.workflowId}/instances`, body: {}, ok: 200 },
  { operationId: 'GetWorkflowInstance', method: 'get', path: (i) => `${WORKFLOWS}/${i.workflowId}/instances/${i.instanceId}`, ok: 200 },
  { operationId: 'CancelWorkflowInstance', method: 'put', path: (i) => `${WORKFLOWS}/${i.workflowId}/instances/${i.instanceId}/cancel`, ok: 200 },
];

const op = (id: string): Operation => {
  const found = OPERATIONS.find((o) => o.operationId === id);
  if (!found) throw new Error(`no operation ${id}`);
  return found;
};

function call(ft: Ft, operation: Operation, ids: Ids, headers: Headers) {
  const req = ft.http[operation.method](operation.path(ids)).set(headers);
  return operation.body === undefined ? req : req.send(operation.body);
}

/** A workflow with a running instance (a 300 s sleep) in the org of `keys`. */
async function seed(ft: Ft, keys: Headers = DD_KEYS): Promise<Ids> {
  const created = await ft.http.post(WORKFLOWS).set(keys).send(workflowBody());
  expect(created.status).toBe(201);
  const workflowId = created.body.data.id as string;
  const run = await ft.http.post(`${WORKFLOWS}/${workflowId}/instances`).set(keys).send({});
  expect(run.status).toBe(200);
  return { workflowId, instanceId: run.body.data.id as string };
}

async function instanceStatus(ft: Ft, ids: Ids, keys: Headers = DD_KEYS): Promise<string> {
  const res = await ft.http.get(`${WORKFLOWS}/${ids.workflowId}/instances/${ids.instanceId}`).set(keys);
  expect(res.status).toBe(200);
  return res.body.data.attributes.instanceStatus.detailsKind as string;
}

function expectForbidden(res: { status: number; headers: Record<string, string>; body: unknown }) {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({ errors: ['Forbidden'] });
}

const MISSING: [string, Headers][] = [
  ['no keys at all', {}],
  ['no DD-API-KEY', { 'DD-APPLICATION-KEY': DD_KEYS['DD-APPLICATION-KEY'] }],
  ['no DD-APPLICATION-KEY', { 'DD-API-KEY': DD_KEYS['DD-API-KEY'] }],
  ['empty keys', { 'DD-API-KEY': '', 'DD-APPLICATION-KEY': '' }],
  ['blank DD-API-KEY', { 'DD-API-KEY': '   ', 'DD-APPLICATION-KEY': DD_KEYS['DD-APPLICATION-KEY'] }],
];

describe('Datadog auth: missing keys', () => {
  it('has a row for each of the nine operations of the spec', () => {
    const ids = compileSpec(loadSpec('datadog-workflow-automation.yaml')).operations.map((o) => o.operationId);
    expect([...ids].sort()).toEqual(OPERATIONS.map((o) => o.operationId).sort());
  });

  describe.each(OPERATIONS.map((o) => [o.operationId, o] as const))('%s', (_name, operation) => {
    it.each(MISSING)('answers 403 {"errors":["Forbidden"]} with %s, and changes nothing', async (_label, headers) => {
      const ft = await testFlowtwin();
      const ids = await seed(ft);
      expectForbidden(await call(ft, operation, ids, headers));

      const list = await ft.http.get(WORKFLOWS).set(DD_KEYS);
      expect(list.body.meta.page.totalCount).toBe(1);
      const get = await ft.http.get(`${WORKFLOWS}/${ids.workflowId}`).set(DD_KEYS);
      expect(get.body.data.attributes.description).toBe('');
      const instances = await ft.http.get(`${WORKFLOWS}/${ids.workflowId}/instances`).set(DD_KEYS);
      expect(instances.body.meta.page.totalCount).toBe(1);
      expect(await instanceStatus(ft, ids)).toBe('IN_PROGRESS');
    });

    it(`answers ${operation.ok} to the same request with both keys`, async () => {
      const ft = await testFlowtwin();
      const ids = await seed(ft);
      const res = await call(ft, operation, ids, DD_KEYS);
      expect(res.status).toBe(operation.ok);
    });
  });

  it('checks the keys before the request: a malformed id without keys is still 403', async () => {
    const ft = await testFlowtwin();
    expectForbidden(await ft.http.get(`${WORKFLOWS}/bad-format`));
    expectForbidden(await ft.http.get(`${WORKFLOWS}/malformed/instances/malformed`));
    expectForbidden(await ft.http.post(WORKFLOWS).set('content-type', 'application/json').send('{not json'));
  });
});

describe('Datadog auth: tenants (one key pair, one org)', () => {
  it('hides one org\'s workflow from another on get, update and delete, and leaves it untouched', async () => {
    const ft = await testFlowtwin();
    const ids = await seed(ft);
    const path = `${WORKFLOWS}/${ids.workflowId}`;
    const notFound = { errors: [{ detail: 'workflow not found' }] };

    const get = await ft.http.get(path).set(DD_OTHER_ORG);
    expect(get.status).toBe(404);
    expect(get.headers['content-type']).toMatch(/^application\/vnd\.api\+json/);
    expect(get.body).toEqual(notFound);

    const update = await ft.http.patch(path).set(DD_OTHER_ORG).send({ data: { type: 'workflows', attributes: { name: 'Hijacked' } } });
    expect(update.status).toBe(404);
    expect(update.body).toEqual(notFound);

    const del = await ft.http.delete(path).set(DD_OTHER_ORG);
    expect(del.status).toBe(404);
    expect(del.body).toEqual(notFound);

    const mine = await ft.http.get(path).set(DD_KEYS);
    expect(mine.status).toBe(200);
    expect(mine.body.data.attributes.name).toBe('Restart service');
  });

  it('lists only the caller\'s own workflows, and counts only those', async () => {
    const ft = await testFlowtwin();
    await seed(ft);
    const theirs = await ft.http.post(WORKFLOWS).set(DD_OTHER_ORG).send(workflowBody({ name: 'Other org' }));
    const other = await ft.http.get(`${WORKFLOWS}?filter[includeUnpublished]=true`).set(DD_OTHER_ORG);
    expect(other.body.data.map((d: { id: string }) => d.id)).toEqual([theirs.body.data.id]);
    expect(other.body.meta.page).toEqual({ totalCount: 1, totalFilteredCount: 1 });
    const mine = await ft.http.get(WORKFLOWS).set(DD_KEYS);
    expect(mine.body.data.map((d: { attributes: { name: string } }) => d.attributes.name)).toEqual(['Restart service']);
  });

  it('does not let another org execute, list, get or cancel the first org\'s instances', async () => {
    const ft = await testFlowtwin();
    const ids = await seed(ft);
    const base = `${WORKFLOWS}/${ids.workflowId}/instances`;
    const workflowNotFound = { errors: [{ code: 'WORKFLOW_NOT_FOUND', detail: 'workflow not found' }] };

    for (const res of [
      await ft.http.post(base).set(DD_OTHER_ORG).send({}),
      await ft.http.get(base).set(DD_OTHER_ORG),
      await ft.http.get(`${base}/${ids.instanceId}`).set(DD_OTHER_ORG),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual(workflowNotFound);
    }
    const cancel = await ft.http.put(`${base}/${ids.instanceId}/cancel`).set(DD_OTHER_ORG);
    expect(cancel.status).toBe(404);
    expect(cancel.body).toEqual({ errors: [{ code: 'INSTANCE_NOT_FOUND', detail: `instance ${ids.instanceId} not found` }] });

    expect(await instanceStatus(ft, ids)).toBe('IN_PROGRESS');
    const list = await ft.http.get(base).set(DD_KEYS);
    expect(list.body.meta.page.totalCount).toBe(1);
  });

  it('gives each org its own user as creator', async () => {
    const ft = await testFlowtwin();
    const a = await ft.http.post(WORKFLOWS).set(DD_KEYS).send(workflowBody());
    const b = await ft.http.post(WORKFLOWS).set(DD_OTHER_ORG).send(workflowBody());
    expect(a.body.data.relationships.creator.data.id).not.toBe(b.body.data.relationships.creator.data.id);
  });
});

describe('Datadog auth: configured keys', () => {
  const ADMIN = { 'DD-API-KEY': 'acme-admin-api', 'DD-APPLICATION-KEY': 'acme-admin-app' };
  const READER = { 'DD-API-KEY': 'acme-reader-api', 'DD-APPLICATION-KEY': 'acme-reader-app' };
  const OPERATOR = { 'DD-API-KEY': 'acme-ops-api', 'DD-APPLICATION-KEY': 'acme-ops-app' };
  const GLOBEX = { 'DD-API-KEY': 'globex-api', 'DD-APPLICATION-KEY': 'globex-app' };

  const configured = () =>
    testFlowtwin({
      vendors: {
        datadog: {
          auth: {
            keys: [
              { apiKey: ADMIN['DD-API-KEY'], appKey: ADMIN['DD-APPLICATION-KEY'], org: 'acme', user: { name: 'Ada Admin', email: 'ada@acme.test' } },
              { apiKey: READER['DD-API-KEY'], appKey: READER['DD-APPLICATION-KEY'], org: 'acme', permissions: ['workflows_read'] },
              {
                apiKey: OPERATOR['DD-API-KEY'],
                appKey: OPERATOR['DD-APPLICATION-KEY'],
                org: 'acme',
                permissions: ['workflows_read', 'workflows_run'],
                user: { name: 'Otto Ops', email: 'otto@acme.test' },
              },
              { apiKey: GLOBEX['DD-API-KEY'], appKey: GLOBEX['DD-APPLICATION-KEY'], org: 'globex' },
            ],
          },
        },
      },
    });

  // "" is refused by the config schema (an org name has at least one character), "huawei-iam" by the auth itself.
  it.each([
    ['', '/datadog/auth/keys/0/org must NOT have fewer than 1 characters'],
    ['huawei-iam', 'datadog.auth.keys[0].org "huawei-iam" is reserved by flowtwin'],
  ])('refuses at start an org named %j, a tenant flowtwin keeps for itself', async (org, message) => {
    await expect(testFlowtwin({ vendors: { datadog: { auth: { keys: [{ apiKey: 'a', appKey: 'b', org }] } } } })).rejects.toThrow(message);
  });

  it('refuses a key pair that is not configured, and a known API key with the wrong application key', async () => {
    const ft = await configured();
    for (const keys of [DD_KEYS, { 'DD-API-KEY': ADMIN['DD-API-KEY'], 'DD-APPLICATION-KEY': READER['DD-APPLICATION-KEY'] }]) {
      expectForbidden(await ft.http.get(WORKFLOWS).set(keys));
      expectForbidden(await ft.http.post(WORKFLOWS).set(keys).send(workflowBody()));
    }
    const list = await ft.http.get(WORKFLOWS).set(ADMIN);
    expect(list.status).toBe(200);
    expect(list.body.meta.page.totalCount).toBe(0);
  });

  it('lets two key pairs of the same org share workflows and instances', async () => {
    const ft = await configured();
    const ids = await seed(ft, ADMIN);
    const seen = await ft.http.get(`${WORKFLOWS}/${ids.workflowId}`).set(OPERATOR);
    expect(seen.status).toBe(200);
    const run = await ft.http.post(`${WORKFLOWS}/${ids.workflowId}/instances`).set(OPERATOR).send({});
    expect(run.status).toBe(200);
    const list = await ft.http.get(`${WORKFLOWS}/${ids.workflowId}/instances`).set(ADMIN);
    expect(list.body.data.map((d: { id: string }) => d.id)).toEqual([run.body.data.id, ids.instanceId]);
    expect(list.body.data[0].attributes.source.api.actingUser).toMatchObject({ userName: 'Otto Ops', userEmail: 'otto@acme.test' });
    expect(list.body.data[1].attributes.source.api.actingUser).toMatchObject({ userName: 'Ada Admin', userEmail: 'ada@acme.test' });

    const globex = await ft.http.get(`${WORKFLOWS}/${ids.workflowId}`).set(GLOBEX);
    expect(globex.status).toBe(404);
    expect((await ft.http.get(WORKFLOWS).set(GLOBEX)).body.meta.page.totalCount).toBe(0);
  });

  it('lets a workflows_read key list and get, and answers 403 to create, update, delete, execute and cancel', async () => {
    const ft = await configured();
    const ids = await seed(ft, ADMIN);

    for (const id of ['ListWorkflows', 'GetWorkflow', 'ListWorkflowInstances', 'GetWorkflowInstance']) {
      const res = await call(ft, op(id), ids, READER);
      expect(res.status, id).toBe(200);
    }
    for (const id of ['CreateWorkflow', 'UpdateWorkflow', 'DeleteWorkflow', 'CreateWorkflowInstance', 'CancelWorkflowInstance']) {
      const res = await call(ft, op(id), ids, READER);
      expect(res.status, id).toBe(403);
      expect(res.body, id).toEqual({ errors: ['Forbidden'] });
    }

    const list = await ft.http.get(WORKFLOWS).set(ADMIN);
    expect(list.body.meta.page.totalCount).toBe(1);
    expect(list.body.data[0].attributes.description).toBe('');
    const instances = await ft.http.get(`${WORKFLOWS}/${ids.workflowId}/instances`).set(ADMIN);
    expect(instances.body.meta.page.totalCount).toBe(1);
    expect(await instanceStatus(ft, ids, ADMIN)).toBe('IN_PROGRESS');
  });

  it('lets a workflows_run key execute and cancel but not change workflows', async () => {
    const ft = await configured();
    const ids = await seed(ft, ADMIN);
    expect((await call(ft, op('CancelWorkflowInstance'), ids, OPERATOR)).status).toBe(200);
    expect(await instanceStatus(ft, ids, ADMIN)).toBe('CANCELED');
    expect((await call(ft, op('CreateWorkflowInstance'), ids, OPERATOR)).status).toBe(200);
    for (const id of ['CreateWorkflow', 'UpdateWorkflow', 'DeleteWorkflow']) {
      expectForbidden(await call(ft, op(id), ids, OPERATOR));
    }
  });

  it('names the configured user as the workflow\'s creator, whichever key of the org reads it', async () => {
    const ft = await configured();
    const created = await ft.http.post(WORKFLOWS).set(ADMIN).send(workflowBody());
    const read = await ft.http.get(`${WORKFLOWS}/${created.body.data.id}`).set(READER);
    expect(read.body.data.relationships.creator.data.id).toBe(created.body.data.relationships.creator.data.id);
    const other = await ft.http.post(WORKFLOWS).set(GLOBEX).send(workflowBody());
    expect(other.body.data.relationships.creator.data.id).not.toBe(created.body.data.relationships.creator.data.id);
  });
});
