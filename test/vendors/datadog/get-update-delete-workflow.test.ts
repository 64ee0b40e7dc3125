// Datadog GetWorkflow, UpdateWorkflow and DeleteWorkflow: what each answers for a known, unknown
// or malformed id, partial updates, and what a delete leaves reachable.
import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin, workflowBody } from '../../support/flowtwin.js';
import { UNKNOWN_ID, NOT_FOUND, JSONAPI, JSON_TYPE, step, create } from './support.js';

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
