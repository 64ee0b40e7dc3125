import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin, workflowBody } from '../../support/flowtwin.js';

type Ft = Awaited<ReturnType<typeof testFlowtwin>>;

const UNKNOWN_ID = 'aaa11111-aa11-aa11-aaaa-aaaaaa111111'; // not RFC 4122, but the right shape (recorded 404)
const NOT_FOUND = { errors: [{ detail: 'workflow not found' }] };
const JSONAPI = /^application\/vnd\.api\+json/;
const JSON_TYPE = /^application\/json/;

const step = (name: string, next?: string) => ({
  name,
  actionId: 'com.datadoghq.core.noop',
  ...(next ? { outboundEdges: [{ nextStepName: next, branchName: 'main' }] } : {}),
});

/** A valid spec with one trigger of the given kind (apiTrigger, monitorTrigger, ...). */
const specWith = (...kinds: string[]) => ({
  triggers: kinds.map((kind) => ({ startStepNames: ['Start'], [kind]: {} })),
  steps: [step('Start', 'End'), step('End')],
});

function body(attributes: Record<string, unknown>) {
  return { data: { type: 'workflows', attributes: { name: 'Workflow', spec: specWith('apiTrigger'), ...attributes } } };
}

async function create(ft: Ft, attributes: Record<string, unknown> = {}): Promise<string> {
  const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body(attributes));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

const names = (res: { body: { data: { attributes: { name: string } }[] } }) => res.body.data.map((d) => d.attributes.name);

describe('Datadog CreateWorkflow', () => {
  it('answers 201 application/vnd.api+json with the whole workflow, in the recorded key order', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody());
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    const { data } = res.body;
    expect(Object.keys(res.body)).toEqual(['data']);
    expect(Object.keys(data)).toEqual(['id', 'type', 'attributes', 'relationships']);
    expect(Object.keys(data.attributes)).toEqual(['createdAt', 'description', 'name', 'published', 'spec', 'tags', 'updatedAt']);
    expect(data.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(data.type).toBe('workflows');
    expect(data.attributes.name).toBe('Restart service');
    expect(data.attributes.spec).toEqual(workflowBody().data.attributes.spec);
  });

  it('defaults description to "", published to true, and sets createdAt == updatedAt to now, trimmed like Datadog', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({}));
    const attrs = res.body.data.attributes;
    expect(attrs.description).toBe('');
    expect(attrs.published).toBe(true);
    expect(attrs.tags).toEqual([]);
    expect(attrs.createdAt).toBe('2026-01-15T10:00:00Z');
    expect(attrs.updatedAt).toBe(attrs.createdAt);

    ft.clock.advance(1_250);
    const later = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({}));
    expect(later.body.data.attributes.createdAt).toBe('2026-01-15T10:00:01.25Z');
    expect(later.body.data.attributes.updatedAt).toBe('2026-01-15T10:00:01.25Z');
  });

  it('sorts the tags and drops duplicates', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ tags: ['team:sre', 'env:test', 'app:x', 'env:test'] }));
    expect(res.body.data.attributes.tags).toEqual(['app:x', 'env:test', 'team:sre']);
  });

  it('names the key pair\'s user as creator and owner, ignoring relationships sent in the body', async () => {
    const ft = await testFlowtwin();
    const sent = body({});
    const res = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send({ data: { ...sent.data, relationships: { creator: { data: { id: '11111111-1111-1111-1111-111111111111', type: 'users' } } } } });
    const { creator, owner } = res.body.data.relationships;
    expect(Object.keys(res.body.data.relationships)).toEqual(['creator', 'owner']);
    expect(creator.data).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'users' });
    expect(owner.data).toEqual(creator.data);
    expect(creator.data.id).not.toBe('11111111-1111-1111-1111-111111111111');
    const again = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ name: 'Second' }));
    expect(again.body.data.relationships.creator.data.id).toBe(creator.data.id);
  });

  it('stores webhookSecret but never echoes it, on create, get or list', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send(body({ webhookSecret: 's3cr3t-value', spec: specWith('githubWebhookTrigger') }));
    expect(res.status).toBe(201);
    expect(res.text).not.toContain('s3cr3t-value');
    expect(res.body.data.attributes).not.toHaveProperty('webhookSecret');
    const get = await ft.http.get(`/api/v2/workflows/${res.body.data.id}`).set(DD_KEYS);
    expect(get.text).not.toContain('s3cr3t-value');
    const list = await ft.http.get('/api/v2/workflows?filter[includeSpecs]=true').set(DD_KEYS);
    expect(list.text).not.toContain('s3cr3t-value');
  });

  it('answers with the spec keys in Datadog\'s order whatever order they were sent in', async () => {
    const ft = await testFlowtwin();
    const spec = {
      outputSchema: { parameters: [{ name: 'out', type: 'STRING', value: 'v' }] },
      inputSchema: { parameters: [{ name: 'in', type: 'STRING', defaultValue: 'd' }] },
      connectionEnvs: [{ env: 'default', connections: [{ connectionId: '11111111-1111-1111-1111-111111111111', label: 'INTEGRATION_DATADOG' }] }],
      handle: 'my-handle',
      steps: [step('Start')],
      triggers: [{ startStepNames: ['Start'], apiTrigger: {} }],
    };
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ spec }));
    expect(res.status).toBe(201);
    expect(Object.keys(res.body.data.attributes.spec)).toEqual(['triggers', 'steps', 'handle', 'connectionEnvs', 'inputSchema', 'outputSchema']);
    expect(res.body.data.attributes.spec).toEqual(spec);
    const get = await ft.http.get(`/api/v2/workflows/${res.body.data.id}`).set(DD_KEYS);
    expect(Object.keys(get.body.data.attributes.spec)).toEqual(['triggers', 'steps', 'handle', 'connectionEnvs', 'inputSchema', 'outputSchema']);
  });

  it('reports the recorded three errors, in order, for a 301-character description and spec:{}', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send({ data: { type: 'workflows', attributes: { name: 'Too long', description: 'x'.repeat(301), spec: {} } } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.text).toBe(
      JSON.stringify({
        errors: [
          { detail: 'workflow description exceeds size limit of [300] characters' },
          { detail: 'spec is invalid' },
          { detail: 'no trigger found. At least one trigger is required.' },
        ],
      }),
    );
    const list = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(list.body.meta.page.totalCount).toBe(0);
  });

  it('accepts a description of exactly 300 characters', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ description: 'x'.repeat(300) }));
    expect(res.status).toBe(201);
    expect(res.body.data.attributes.description).toHaveLength(300);
  });

  it('refuses a workflowTrigger next to another trigger', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ spec: specWith('workflowTrigger', 'apiTrigger') }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({ errors: [{ detail: 'workflowTrigger must be the only trigger' }] });
  });

  it('accepts a workflowTrigger on its own', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ spec: specWith('workflowTrigger') }));
    expect(res.status).toBe(201);
  });

  it('refuses a trigger kind used twice', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ spec: specWith('monitorTrigger', 'apiTrigger', 'monitorTrigger') }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ detail: 'trigger monitorTrigger appears more than once' }] });
  });

  it('calls a spec invalid when a start step or an edge names no step', async () => {
    const ft = await testFlowtwin();
    const badStart = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send(body({ spec: { triggers: [{ startStepNames: ['Nope'], apiTrigger: {} }], steps: [step('Start')] } }));
    expect(badStart.status).toBe(400);
    expect(badStart.body).toEqual({ errors: [{ detail: 'spec is invalid' }] });
    const badEdge = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send(body({ spec: { triggers: [{ startStepNames: ['Start'], apiTrigger: {} }], steps: [step('Start', 'Nope')] } }));
    expect(badEdge.body).toEqual({ errors: [{ detail: 'spec is invalid' }] });
  });

  it('answers a missing name with one Bad Request item in vnd.api+json', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http
      .post('/api/v2/workflows')
      .set(DD_KEYS)
      .send({ data: { type: 'workflows', attributes: { spec: specWith('apiTrigger') } } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({ errors: [{ status: '400', title: 'Bad Request', detail: expect.stringMatching(/^request body has an error: .*name/) }] });
  });

  it('answers an empty name like a missing one', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(body({ name: '' }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ status: '400', title: 'Bad Request' });
  });
});

describe('Datadog GetWorkflow', () => {
  it('returns what create returned, full spec included', async () => {
    const ft = await testFlowtwin();
    const created = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody());
    ft.clock.advance(60_000);
    const res = await ft.http.get(`/api/v2/workflows/${created.body.data.id}`).set(DD_KEYS);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual(created.body);
  });

  it('answers a malformed id with the recorded 400 Invalid Parameter body, camelCase workflowId included', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get('/api/v2/workflows/bad-format').set(DD_KEYS);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.text).toBe('{"errors":[{"status":"400","title":"Invalid Parameter","detail":"invalid parameter \\"workflowId\\" in \\"path\\"; expected type \\"uuid\\""}]}');
  });

  it('checks only the 8-4-4-4-12 hex shape: a non-RFC-4122 id gets 404 workflow not found', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get(`/api/v2/workflows/${UNKNOWN_ID}`).set(DD_KEYS);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual(NOT_FOUND);
  });
});

describe('Datadog UpdateWorkflow', () => {
  it('changes only the attributes sent, advances updatedAt and keeps createdAt', async () => {
    const ft = await testFlowtwin();
    const created = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody());
    const id = created.body.data.id as string;
    ft.clock.advance(5_000);
    const res = await ft.http.patch(`/api/v2/workflows/${id}`).set(DD_KEYS).send({ data: { type: 'workflows', attributes: { description: 'Now documented' } } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    const before = created.body.data.attributes;
    expect(res.body.data.attributes).toEqual({ ...before, description: 'Now documented', updatedAt: '2026-01-15T10:00:05Z' });
    expect(res.body.data.attributes.createdAt).toBe('2026-01-15T10:00:00Z');
    expect(res.body.data.relationships).toEqual(created.body.data.relationships);

    const get = await ft.http.get(`/api/v2/workflows/${id}`).set(DD_KEYS);
    expect(get.body).toEqual(res.body);
  });

  it('replaces the whole spec, sorts new tags and can unpublish', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft, { tags: ['a:1'] });
    const spec = { triggers: [{ startStepNames: ['Only'], monitorTrigger: { rateLimit: { count: 1, interval: '3600s' } } }], steps: [step('Only')] };
    const res = await ft.http
      .patch(`/api/v2/workflows/${id}`)
      .set(DD_KEYS)
      .send({ data: { type: 'workflows', attributes: { spec, tags: ['z:1', 'b:2'], published: false, name: 'Renamed' } } });
    expect(res.status).toBe(200);
    expect(res.body.data.attributes).toMatchObject({ spec, tags: ['b:2', 'z:1'], published: false, name: 'Renamed' });
  });

  it('ignores the body data.id: the path id wins (recorded)', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft, { name: 'Path one' });
    const other = '22222222-2222-2222-2222-222222222222';
    const res = await ft.http.patch(`/api/v2/workflows/${id}`).set(DD_KEYS).send({ data: { type: 'workflows', id: other, attributes: { name: 'Changed' } } });
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(id);
    expect((await ft.http.get(`/api/v2/workflows/${id}`).set(DD_KEYS)).body.data.attributes.name).toBe('Changed');
    expect((await ft.http.get(`/api/v2/workflows/${other}`).set(DD_KEYS)).status).toBe(404);
  });

  it('reports the recorded three errors for a long description and spec:{}, and changes nothing', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft);
    ft.clock.advance(1_000);
    const res = await ft.http
      .patch(`/api/v2/workflows/${id}`)
      .set(DD_KEYS)
      .send({ data: { type: 'workflows', attributes: { description: 'd'.repeat(368), spec: {} } } });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({
      errors: [
        { detail: 'workflow description exceeds size limit of [300] characters' },
        { detail: 'spec is invalid' },
        { detail: 'no trigger found. At least one trigger is required.' },
      ],
    });
    const get = await ft.http.get(`/api/v2/workflows/${id}`).set(DD_KEYS);
    expect(get.body.data.attributes.description).toBe('');
    expect(get.body.data.attributes.updatedAt).toBe('2026-01-15T10:00:00Z');
  });

  it('answers an unknown id with 404 workflow not found and a malformed one with 400 Invalid Parameter', async () => {
    const ft = await testFlowtwin();
    const patch = { data: { type: 'workflows', attributes: { name: 'x' } } };
    const missing = await ft.http.patch(`/api/v2/workflows/${UNKNOWN_ID}`).set(DD_KEYS).send(patch);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(JSONAPI);
    expect(missing.body).toEqual(NOT_FOUND);
    const malformed = await ft.http.patch('/api/v2/workflows/bad-format').set(DD_KEYS).send(patch);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ status: '400', title: 'Invalid Parameter', detail: 'invalid parameter "workflowId" in "path"; expected type "uuid"' }]);
  });

  it('answers 404 for an unknown id even when the new attributes also break the rules', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http
      .patch(`/api/v2/workflows/${UNKNOWN_ID}`)
      .set(DD_KEYS)
      .send({ data: { type: 'workflows', attributes: { description: 'd'.repeat(301), spec: {} } } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(NOT_FOUND);
  });

  it('needs data.attributes, even if empty', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft);
    const res = await ft.http.patch(`/api/v2/workflows/${id}`).set(DD_KEYS).send({ data: { type: 'workflows' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ status: '400', title: 'Bad Request', detail: expect.stringContaining('attributes') });
    const empty = await ft.http.patch(`/api/v2/workflows/${id}`).set(DD_KEYS).send({ data: { type: 'workflows', attributes: {} } });
    expect(empty.status).toBe(200);
  });
});

describe('Datadog DeleteWorkflow', () => {
  it('answers 204 with no body and no content type, then 404 on get and on a second delete', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft);
    const res = await ft.http.delete(`/api/v2/workflows/${id}`).set(DD_KEYS);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers).not.toHaveProperty('content-type');

    const get = await ft.http.get(`/api/v2/workflows/${id}`).set(DD_KEYS);
    expect(get.status).toBe(404);
    expect(get.headers['content-type']).toMatch(JSONAPI);
    expect(get.text).toBe('{"errors":[{"detail":"workflow not found"}]}');

    const again = await ft.http.delete(`/api/v2/workflows/${id}`).set(DD_KEYS);
    expect(again.status).toBe(404);
    expect(again.headers['content-type']).toMatch(JSONAPI);
    expect(again.body).toEqual(NOT_FOUND);
  });

  it('leaves the other workflows alone and drops the deleted one from the list', async () => {
    const ft = await testFlowtwin();
    const keep = await create(ft, { name: 'Keep' });
    const drop = await create(ft, { name: 'Drop' });
    await ft.http.delete(`/api/v2/workflows/${drop}`).set(DD_KEYS).expect(204);
    const list = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(list.body.data.map((d: { id: string }) => d.id)).toEqual([keep]);
    expect(list.body.meta.page).toEqual({ totalCount: 1, totalFilteredCount: 1 });
  });

  it('makes the workflow\'s instances unreachable through get, list and execute', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft);
    const run = await ft.http.post(`/api/v2/workflows/${id}/instances`).set(DD_KEYS).send({});
    const instanceId = run.body.data.id as string;
    await ft.http.delete(`/api/v2/workflows/${id}`).set(DD_KEYS).expect(204);
    for (const res of [
      await ft.http.get(`/api/v2/workflows/${id}/instances/${instanceId}`).set(DD_KEYS),
      await ft.http.get(`/api/v2/workflows/${id}/instances`).set(DD_KEYS),
      await ft.http.post(`/api/v2/workflows/${id}/instances`).set(DD_KEYS).send({}),
    ]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.body).toEqual({ errors: [{ code: 'WORKFLOW_NOT_FOUND', detail: 'workflow not found' }] });
    }
  });

  // BUG (src): the spec says DeleteWorkflow "deletes the workflow and its instances", but only the
  // workflow record goes; cancel (which does not look the workflow up) still finds and cancels the
  // orphaned instance with 200. Remove `.fails` once DeleteWorkflow deletes the instances.
  it('deletes the workflow\'s instances too: cancel of one of them then answers 404 INSTANCE_NOT_FOUND', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft);
    const run = await ft.http.post(`/api/v2/workflows/${id}/instances`).set(DD_KEYS).send({});
    const instanceId = run.body.data.id as string;
    await ft.http.delete(`/api/v2/workflows/${id}`).set(DD_KEYS).expect(204);
    const cancel = await ft.http.put(`/api/v2/workflows/${id}/instances/${instanceId}/cancel`).set(DD_KEYS);
    expect(cancel.status).toBe(404);
    expect(cancel.body).toEqual({ errors: [{ code: 'INSTANCE_NOT_FOUND', detail: `instance ${instanceId} not found` }] });
  });

  it('answers an unknown id with 404 and a malformed one with 400 Invalid Parameter', async () => {
    const ft = await testFlowtwin();
    const missing = await ft.http.delete(`/api/v2/workflows/${UNKNOWN_ID}`).set(DD_KEYS);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(NOT_FOUND);
    const malformed = await ft.http.delete('/api/v2/workflows/bad-format').set(DD_KEYS);
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(JSONAPI);
    expect(malformed.body.errors[0].title).toBe('Invalid Parameter');
  });
});

describe('Datadog ListWorkflows', () => {
  it('answers 200 vnd.api+json with items whose spec is null, and page counters', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft, { name: 'Only one', tags: ['b:1', 'a:1'] });
    const res = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(JSONAPI);
    expect(res.body).toEqual({
      data: [
        {
          id,
          type: 'workflows',
          attributes: {
            createdAt: '2026-01-15T10:00:00Z',
            description: '',
            name: 'Only one',
            published: true,
            spec: null,
            tags: ['a:1', 'b:1'],
            updatedAt: '2026-01-15T10:00:00Z',
          },
          relationships: { creator: { data: { id: expect.any(String), type: 'users' } }, owner: { data: { id: expect.any(String), type: 'users' } } },
        },
      ],
      meta: { page: { totalCount: 1, totalFilteredCount: 1 } },
    });
  });

  it('answers an org without workflows with an empty page', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], meta: { page: { totalCount: 0, totalFilteredCount: 0 } } });
  });

  it('includes the full spec only with filter[includeSpecs]=true', async () => {
    const ft = await testFlowtwin();
    const id = await create(ft);
    const get = await ft.http.get(`/api/v2/workflows/${id}`).set(DD_KEYS);
    const without = await ft.http.get('/api/v2/workflows?filter[includeSpecs]=false').set(DD_KEYS);
    expect(without.body.data[0].attributes.spec).toBeNull();
    const withSpecs = await ft.http.get('/api/v2/workflows?filter[includeSpecs]=true').set(DD_KEYS);
    expect(withSpecs.body.data[0].attributes.spec).toEqual(get.body.data.attributes.spec);
    expect(withSpecs.body.data[0]).toEqual(get.body.data);
  });

  it('leaves unpublished workflows out by default, while totalCount still counts them', async () => {
    const ft = await testFlowtwin();
    await create(ft, { name: 'Live' });
    await create(ft, { name: 'Draft', published: false });
    const res = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(names(res)).toEqual(['Live']);
    expect(res.body.meta.page).toEqual({ totalCount: 2, totalFilteredCount: 1 });

    const all = await ft.http.get('/api/v2/workflows?filter[includeUnpublished]=true&sort=name').set(DD_KEYS);
    expect(names(all)).toEqual(['Draft', 'Live']);
    expect(all.body.meta.page).toEqual({ totalCount: 2, totalFilteredCount: 2 });
    expect(all.body.data[0].attributes.published).toBe(false);
  });

  it('filters by a case-insensitive substring of the name', async () => {
    const ft = await testFlowtwin();
    await create(ft, { name: 'Restart service' });
    await create(ft, { name: 'Rotate keys' });
    await create(ft, { name: 'Page on-call' });
    const res = await ft.http.get('/api/v2/workflows?filter[query]=ROTATE').set(DD_KEYS);
    expect(names(res)).toEqual(['Rotate keys']);
    expect(res.body.meta.page).toEqual({ totalCount: 3, totalFilteredCount: 1 });
    const sub = await ft.http.get('/api/v2/workflows?filter[query]=TA&sort=name').set(DD_KEYS);
    expect(names(sub)).toEqual(['Restart service', 'Rotate keys']);
    const none = await ft.http.get('/api/v2/workflows?filter[query]=nothing-matches').set(DD_KEYS);
    expect(none.body).toEqual({ data: [], meta: { page: { totalCount: 3, totalFilteredCount: 0 } } });
  });

  it('treats a query with a colon as a key:value tag filter', async () => {
    const ft = await testFlowtwin();
    await create(ft, { name: 'SRE one', tags: ['team:sre', 'env:prod'] });
    await create(ft, { name: 'DB one', tags: ['team:db'] });
    await create(ft, { name: 'team:sre in the name only' });
    const res = await ft.http.get('/api/v2/workflows?filter[query]=team:sre').set(DD_KEYS);
    expect(names(res)).toEqual(['SRE one']);
    const upper = await ft.http.get('/api/v2/workflows?filter[query]=TEAM:DB').set(DD_KEYS);
    expect(names(upper)).toEqual(['DB one']);
    const partial = await ft.http.get('/api/v2/workflows?filter[query]=team:s').set(DD_KEYS);
    expect(names(partial)).toEqual([]);
  });

  it('filters by trigger kind: filter[triggerIds]=api matches an apiTrigger, repeated values OR together', async () => {
    const ft = await testFlowtwin();
    await create(ft, { name: 'By API', spec: specWith('apiTrigger') });
    await create(ft, { name: 'By monitor', spec: specWith('monitorTrigger') });
    await create(ft, { name: 'By schedule', spec: specWith('scheduleTrigger') });
    await create(ft, { name: 'By monitor and API', spec: specWith('monitorTrigger', 'apiTrigger') });

    const api = await ft.http.get('/api/v2/workflows?filter[triggerIds]=api&sort=name').set(DD_KEYS);
    expect(names(api)).toEqual(['By API', 'By monitor and API']);
    expect(api.body.meta.page).toEqual({ totalCount: 4, totalFilteredCount: 2 });

    const two = await ft.http.get('/api/v2/workflows?filter[triggerIds]=schedule&filter[triggerIds]=monitor&sort=name').set(DD_KEYS);
    expect(names(two)).toEqual(['By monitor', 'By monitor and API', 'By schedule']);

    const none = await ft.http.get('/api/v2/workflows?filter[triggerIds]=githubWebhook').set(DD_KEYS);
    expect(names(none)).toEqual([]);
  });

  it('sorts newest createdAt first by default and with sort=-createdAt, oldest first with sort=createdAt', async () => {
    const ft = await testFlowtwin();
    for (const name of ['first', 'second', 'third']) {
      await create(ft, { name });
      ft.clock.advance(1_000);
    }
    expect(names(await ft.http.get('/api/v2/workflows').set(DD_KEYS))).toEqual(['third', 'second', 'first']);
    expect(names(await ft.http.get('/api/v2/workflows?sort=-createdAt').set(DD_KEYS))).toEqual(['third', 'second', 'first']);
    expect(names(await ft.http.get('/api/v2/workflows?sort=createdAt').set(DD_KEYS))).toEqual(['first', 'second', 'third']);
  });

  it('sorts by name case-insensitively with sort=name and in reverse with sort=-name', async () => {
    const ft = await testFlowtwin();
    for (const name of ['charlie', 'Bravo', 'alpha', 'Delta']) await create(ft, { name });
    expect(names(await ft.http.get('/api/v2/workflows?sort=name').set(DD_KEYS))).toEqual(['alpha', 'Bravo', 'charlie', 'Delta']);
    expect(names(await ft.http.get('/api/v2/workflows?sort=-name').set(DD_KEYS))).toEqual(['Delta', 'charlie', 'Bravo', 'alpha']);
  });

  it('sorts by updatedAt after an update moves a workflow to the front', async () => {
    const ft = await testFlowtwin();
    const first = await create(ft, { name: 'first' });
    ft.clock.advance(1_000);
    await create(ft, { name: 'second' });
    ft.clock.advance(1_000);
    await ft.http.patch(`/api/v2/workflows/${first}`).set(DD_KEYS).send({ data: { type: 'workflows', attributes: { description: 'touched' } } }).expect(200);
    expect(names(await ft.http.get('/api/v2/workflows?sort=-updatedAt').set(DD_KEYS))).toEqual(['first', 'second']);
  });

  it('pages with limit and page, counting every match in totalFilteredCount', async () => {
    const ft = await testFlowtwin();
    for (const name of ['w1', 'w2', 'w3', 'w4', 'w5']) await create(ft, { name });
    const page = (n: number) => ft.http.get(`/api/v2/workflows?sort=name&limit=2&page=${n}`).set(DD_KEYS);
    const pages = await Promise.all([0, 1, 2, 3].map(page));
    expect(pages.map(names)).toEqual([['w1', 'w2'], ['w3', 'w4'], ['w5'], []]);
    for (const p of pages) expect(p.body.meta.page).toEqual({ totalCount: 5, totalFilteredCount: 5 });
  });

  it('returns at most 50 workflows without limit', async () => {
    const ft = await testFlowtwin();
    for (let i = 0; i < 51; i++) await create(ft, { name: `w${String(i).padStart(2, '0')}` });
    const res = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(res.body.data).toHaveLength(50);
    expect(res.body.meta.page).toEqual({ totalCount: 51, totalFilteredCount: 51 });
    const max = await ft.http.get('/api/v2/workflows?limit=100').set(DD_KEYS);
    expect(max.body.data).toHaveLength(51);
  });

  it.each([['0'], ['101'], ['abc'], ['1.5'], ['-1']])('refuses limit=%s with 400 and a string error', async (limit) => {
    const ft = await testFlowtwin();
    const res = await ft.http.get(`/api/v2/workflows?limit=${limit}`).set(DD_KEYS);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(JSON_TYPE);
    expect(res.body).toEqual({ errors: [expect.stringMatching(/^invalid parameter "limit" in "query"; .+/)] });
    expect(res.body.errors).toHaveLength(1);
  });

  // MISMATCH (src vs spec/docs): DD-ASSUME-4 documents the exact message "expected an integer from 1
  // to 100", but the fake sends the validator's words ("must be >= 1", "must be <= 100", "must be
  // integer"). Remove `.fails` once ListWorkflows sends the documented text.
  it('words a bad limit as DD-ASSUME-4 documents it', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get('/api/v2/workflows?limit=101').set(DD_KEYS);
    expect(res.body).toEqual({ errors: ['invalid parameter "limit" in "query"; expected an integer from 1 to 100'] });
  });

  it('refuses a negative page, an unknown sort field and a non-boolean filter flag in the same dialect', async () => {
    const ft = await testFlowtwin();
    for (const [query, name] of [
      ['page=-1', 'page'],
      ['sort=size', 'sort'],
      ['sort=name,', 'sort'],
      ['filter[includeSpecs]=yes', 'filter[includeSpecs]'],
      ['filter[includeUnpublished]=2', 'filter[includeUnpublished]'],
    ] as const) {
      const res = await ft.http.get(`/api/v2/workflows?${query}`).set(DD_KEYS);
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type']).toMatch(JSON_TYPE);
      expect(res.body.errors).toEqual([expect.stringContaining(`invalid parameter "${name}" in "query"; `)]);
    }
  });
});
