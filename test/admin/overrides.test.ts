import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DD_KEYS, DD_OTHER_ORG, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { MAX_OVERRIDES } from '../../src/http/overrides.js';
import { conforms } from './control-spec.js';

async function withRun() {
  const ft = await testFlowtwin();
  const wf = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody());
  const workflow = wf.body.data.id as string;
  const run = await ft.http.post(`/api/v2/workflows/${workflow}/instances`).set(DD_KEYS).send({});
  const instance = run.body.data.id as string;
  const path = `/api/v2/workflows/${workflow}/instances/${instance}`;
  const real = (await ft.http.get(path).set(DD_KEYS)).body;
  const attempt = async (override: object, headers: Record<string, string> = {}) =>
    conforms('AddOverride', await ft.http.post('/__flowtwin/overrides').set(headers).send(override));
  const add = async (override: object, headers: Record<string, string> = {}) => {
    const res = await attempt(override, headers);
    expect(res.status, res.body.detail).toBe(201);
    return res;
  };
  return { ...ft, workflow, instance, path, real, add, attempt };
}

const notFound = (detail: string) => ({ errors: [{ code: 'INSTANCE_NOT_FOUND', detail }] });
const noWorkflows = { data: [], meta: { page: { totalCount: 0, totalFilteredCount: 0 } } };

/** The instance as GetWorkflowInstance showed it, now failed. */
function failed(real: { data: { attributes: Record<string, unknown> } }) {
  return {
    ...real,
    data: {
      ...real.data,
      attributes: { ...real.data.attributes, instanceStatus: { detailsKind: 'FAILED', displayName: 'Failed' } },
    },
  };
}

describe('control plane: response overrides', () => {
  it('answers the next matching request with the given body, journals it as overridden, then answers normally', async () => {
    const ft = await withRun();
    const body = failed(ft.real);
    const added = await ft.add({ operation: 'GetWorkflowInstance', match: { params: { instance_id: ft.instance } }, status: 200, body, times: 1 });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: expect.any(String), vendor: 'datadog', operation: 'GetWorkflowInstance', match: { params: { instance_id: ft.instance } }, status: 200, body, times: 1, hits: 0 });
    const overridden = await ft.http.get(ft.path).set(DD_KEYS);
    expect([overridden.status, overridden.body]).toEqual([200, body]);
    expect(overridden.headers['content-type']).toMatch(/^application\/json/);
    // Spent after one: the simulation answers again, and it was never told the run failed.
    const after = await ft.http.get(ft.path).set(DD_KEYS);
    expect(after.body.data.attributes.instanceStatus.detailsKind).toBe('IN_PROGRESS');
    const journal = conforms('ListJournal', await ft.http.get('/__flowtwin/journal?operation=GetWorkflowInstance'));
    expect(journal.body.entries.map((e: { override?: string; status: number }) => [e.status, e.override])).toEqual([
      [200, undefined],
      [200, added.body.id],
      [200, undefined],
    ]);
    expect(conforms('ListOverrides', await ft.http.get('/__flowtwin/overrides')).body).toEqual({ overrides: [] });
  });

  it('matches by path parameter, query value and request body fields, and leaves other requests alone', async () => {
    const ft = await withRun();
    await ft.add({ operation: 'GetWorkflowInstance', match: { params: { instance_id: '00000000-0000-4000-8000-00000000ffff' } }, status: 200, body: failed(ft.real) });
    expect((await ft.http.get(ft.path).set(DD_KEYS)).body).toEqual(ft.real);

    const page = { data: [], meta: { canceledCount: 0, failedCount: 0, succeededCount: 0, page: { totalCount: 0, totalFilteredCount: 0 } } };
    await ft.add({ operation: 'ListWorkflowInstances', match: { query: { 'page[size]': '7' } }, status: 200, body: page });
    const list = `/api/v2/workflows/${ft.workflow}/instances`;
    expect((await ft.http.get(`${list}?page[size]=7`).set(DD_KEYS)).body).toEqual(page);
    expect((await ft.http.get(`${list}?page[size]=8`).set(DD_KEYS)).body.data).toHaveLength(1);

    const rejected = { errors: [{ code: 'INVALID_REQUEST_BODY', detail: 'payload refused by the test' }] };
    await ft.add({ operation: 'CreateWorkflowInstance', match: { body: { meta: { payload: { env: 'prod' } } } }, status: 400, body: rejected });
    const prod = await ft.http.post(list).set(DD_KEYS).send({ meta: { payload: { env: 'prod', region: 'eu' } } });
    expect([prod.status, prod.body]).toEqual([400, rejected]);
    const staging = await ft.http.post(list).set(DD_KEYS).send({ meta: { payload: { env: 'staging' } } });
    expect(staging.status).toBe(200);
    // The overridden execute started nothing: one run before, one from staging.
    expect((await ft.http.get(list).set(DD_KEYS)).body.data).toHaveLength(2);
  });

  it(`keeps at most ${MAX_OVERRIDES} overrides, and says how to make room`, async () => {
    const ft = await withRun();
    for (let i = 0; i < MAX_OVERRIDES; i++) await ft.add({ operation: 'GetWorkflowInstance', status: 404, body: notFound(`n${i}`) });
    const full = await ft.attempt({ operation: 'GetWorkflowInstance', status: 404, body: notFound('one more') });
    expect([full.status, full.body.detail]).toEqual([400, `at most ${MAX_OVERRIDES} overrides at a time; remove some (DELETE /__flowtwin/overrides/{id}) or reset`]);
    await ft.http.delete(`/__flowtwin/overrides/override-1`).expect(204);
    expect((await ft.attempt({ operation: 'GetWorkflowInstance', status: 404, body: notFound('room') })).status).toBe(201);
  });

  it('tries the newest override first, counts its hits, and lists newest first', async () => {
    const ft = await withRun();
    const older = await ft.add({ operation: 'GetWorkflowInstance', status: 404, body: notFound('older') });
    const newer = await ft.add({ operation: 'GetWorkflowInstance', status: 404, body: notFound('newer'), times: 2 });
    const bodies = [];
    for (let i = 0; i < 3; i++) bodies.push((await ft.http.get(ft.path).set(DD_KEYS)).body.errors[0].detail);
    expect(bodies).toEqual(['newer', 'newer', 'older']);
    expect(conforms('ListOverrides', await ft.http.get('/__flowtwin/overrides')).body.overrides).toEqual([{ ...older.body, hits: 1 }]);
    await ft.add({ operation: 'ListWorkflows', status: 200, body: noWorkflows });
    expect((await ft.http.get('/__flowtwin/overrides')).body.overrides.map((o: { operation: string }) => o.operation)).toEqual(['ListWorkflows', 'GetWorkflowInstance']);
    void newer;
  });

  it('removes one override, answers 404 for an unknown one, and a reset removes them all', async () => {
    const ft = await withRun();
    const a = await ft.add({ operation: 'GetWorkflowInstance', status: 404, body: notFound('gone') });
    await ft.add({ operation: 'ListWorkflows', status: 200, body: noWorkflows });
    expect(conforms('DeleteOverride', await ft.http.delete(`/__flowtwin/overrides/${a.body.id}`)).status).toBe(204);
    expect((await ft.http.get(ft.path).set(DD_KEYS)).status).toBe(200);
    const missing = conforms('DeleteOverride', await ft.http.delete(`/__flowtwin/overrides/${a.body.id}`));
    expect([missing.status, missing.body.detail]).toEqual([404, `no override ${a.body.id}`]);
    await ft.http.post('/__flowtwin/reset');
    expect((await ft.http.get('/__flowtwin/overrides')).body.overrides).toEqual([]);
  });

  it('sends its headers over the vendor’s own, and text as it is under a content type that is not JSON', async () => {
    const ft = await testFlowtwin();
    const page = '<html><body>502 Bad Gateway</body></html>';
    const added = conforms('AddOverride', await ft.http.post('/__flowtwin/overrides').send({
      vendor: 'secmaster', operation: 'ListPlaybookInstances', status: 502, offSpec: true,
      headers: { 'Content-Type': 'text/html', 'X-request-id': 'from-the-test', 'Retry-After': '3' }, body: page,
    }));
    expect(added.status).toBe(201);
    const res = await ft.http.get('/v1/0123456789abcdef0123456789abcdef/workspaces/ws/soc/playbooks/instances').set('X-Auth-Token', 'flowtwin-dev-token');
    expect(res.status).toBe(502);
    expect(res.headers).toMatchObject({ 'content-type': 'text/html', 'x-request-id': 'from-the-test', 'retry-after': '3' });
    expect(res.text).toBe(page);
  });

  it('keeps refusing a caller without credentials, and keeps the override for one that has them', async () => {
    const ft = await withRun();
    await ft.add({ operation: 'GetWorkflowInstance', status: 200, body: failed(ft.real), times: 1 });
    const anonymous = await ft.http.get(ft.path);
    expect(anonymous.status).toBe(403);
    expect((await ft.http.get(ft.path).set(DD_KEYS)).body.data.attributes.instanceStatus.detailsKind).toBe('FAILED');
  });

  it('answers only the calling tenant’s requests when the control call carried its credentials', async () => {
    const ft = await withRun();
    const marked = { data: [], meta: { page: { totalCount: 99, totalFilteredCount: 0 } } };
    const added = await ft.add({ operation: 'ListWorkflows', status: 200, body: marked }, DD_KEYS);
    expect(added.body.tenant).toMatch(/^dd-/);
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).body).toEqual(marked);
    expect((await ft.http.get('/api/v2/workflows').set(DD_OTHER_ORG)).body.meta.page.totalCount).toBe(0);
    expect((await ft.http.get('/__flowtwin/overrides').set(DD_OTHER_ORG)).body.overrides).toEqual([]);
    expect((await ft.http.delete(`/__flowtwin/overrides/${added.body.id}`).set(DD_OTHER_ORG)).status).toBe(404);
  });

  it('refuses an answer its operation’s spec does not allow, saying what is wrong, unless it is off spec on purpose', async () => {
    const ft = await withRun();
    const broken = { ...ft.real, data: { ...ft.real.data, attributes: { ...ft.real.data.attributes, instanceStatus: { detailsKind: 'FAILURE', displayName: 'Failed' } } } };
    const refused = await ft.attempt({ operation: 'GetWorkflowInstance', status: 200, body: broken });
    expect([refused.status, refused.body.detail]).toEqual([
      400,
      'body of 200 from GetWorkflowInstance does not match its schema: /data/attributes/instanceStatus/detailsKind must be equal to one of the allowed values ("IN_PROGRESS", "SUCCEEDED", "FAILED", "CANCELED"); send "offSpec": true to answer it anyway',
    ]);
    const teapot = await ft.attempt({ operation: 'GetWorkflowInstance', status: 418, body: {} });
    expect(teapot.body.detail).toBe('status 418 is not declared for GetWorkflowInstance; send "offSpec": true to answer it anyway');
    const noBody = await ft.attempt({ operation: 'DeleteWorkflow', status: 204, body: { deleted: true } });
    expect(noBody.body.detail).toMatch(/^status 204 of DeleteWorkflow declares no body, but one was sent/);
    expect((await ft.http.get('/__flowtwin/overrides')).body.overrides).toEqual([]);

    const off = await ft.add({ operation: 'GetWorkflowInstance', status: 200, body: broken, offSpec: true });
    expect(off.status).toBe(201);
    expect((await ft.http.get(ft.path).set(DD_KEYS)).body).toEqual(broken);
  });

  it.each([
    ['not an object', [1], 'an override is a JSON object'],
    ['an unknown field', { operation: 'ListWorkflows', status: 200, body: { data: [] }, delay: 5 }, 'unknown field delay; an override has vendor, operation, match, status, headers, body, times, offSpec'],
    ['no operation', { status: 200 }, 'operation must be an operationId of a vendor’s spec, e.g. ListWorkflows'],
    ['an operation of another vendor', { vendor: 'secmaster', operation: 'ListWorkflows', status: 200 }, /^operation must be an operationId of secmaster's spec/],
    ['an unknown vendor', { vendor: 'zapier', operation: 'ListWorkflows', status: 200 }, /^vendor must be one of datadog, /],
    ['no status', { operation: 'ListWorkflows', body: { data: [] } }, 'status must be an integer from 200 to 599'],
    ['a status out of range', { operation: 'ListWorkflows', status: 600 }, 'status must be an integer from 200 to 599'],
    ['an interim status', { operation: 'ListWorkflows', status: 101, offSpec: true }, 'status must be an integer from 200 to 599'],
    ['a header value with a line break', { operation: 'ListWorkflows', status: 200, body: { data: [] }, offSpec: true, headers: { 'X-Note': 'a\r\nSet-Cookie: x=1' } }, 'header X-Note: its value has characters HTTP does not allow (a line break?)'],
    ['a framing header', { operation: 'ListWorkflows', status: 200, body: { data: [] }, offSpec: true, headers: { 'content-length': '3' } }, 'header content-length is set by flowtwin from the body it sends; leave it out'],
    ['headers that are not strings', { operation: 'ListWorkflows', status: 200, body: { data: [] }, headers: { 'Retry-After': 3 } }, 'headers must be an object of strings, e.g. {"Retry-After": "2"}'],
    ['a header name with a space', { operation: 'ListWorkflows', status: 200, body: { data: [] }, headers: { 'Retry After': '3' } }, 'header name "Retry After" is not a valid HTTP header name'],
    ['times of 0', { operation: 'ListWorkflows', status: 200, body: { data: [] }, times: 0 }, 'times must be an integer from 1 to 1000000'],
    ['offSpec that is not a boolean', { operation: 'ListWorkflows', status: 200, body: { data: [] }, offSpec: 'yes' }, 'offSpec must be a boolean'],
    ['a match that is not an object', { operation: 'ListWorkflows', status: 200, body: { data: [] }, match: 'x' }, 'match must be an object with params, query or body'],
    ['an unknown match field', { operation: 'ListWorkflows', status: 200, body: { data: [] }, match: { path: '/x' } }, 'unknown field match.path; match has params, query, body'],
    ['a path parameter the operation lacks', { operation: 'GetWorkflowInstance', status: 404, body: { errors: [] }, match: { params: { id: 'x' } } }, 'match.params: GetWorkflowInstance has no path parameter id (it has workflow_id, instance_id)'],
    ['a query parameter the operation lacks', { operation: 'ListWorkflows', status: 200, body: { data: [] }, match: { query: { size: '1' } } }, /^match.query: ListWorkflows has no query parameter size \(it has /],
    ['a query value that is not a string', { operation: 'ListWorkflows', status: 200, body: { data: [] }, match: { query: { 'page[size]': 1 } } }, 'match.query must be an object of strings'],
    ['a body match on an operation without a body', { operation: 'ListWorkflows', status: 200, body: { data: [] }, match: { body: { a: 1 } } }, 'match.body: ListWorkflows takes no request body'],
    ['a body match that is not an object', { operation: 'CreateWorkflowInstance', status: 400, body: { errors: [] }, match: { body: [1] } }, 'match.body must be an object of the fields to look for'],
  ])('refuses %s with 400 and what to fix', async (_what, override, message) => {
    const ft = await testFlowtwin();
    const res = conforms('AddOverride', await ft.http.post('/__flowtwin/overrides').send(override));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    if (typeof message === 'string') expect(res.body.detail).toBe(message);
    else expect(res.body.detail).toMatch(message);
  });
});

describe('response overrides: the README’s examples', () => {
  it('are accepted as written, and answer as the README says', async () => {
    const ft = await withRun();
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8').replaceAll("'$RUN'", ft.instance);
    const bodies = [...readme.matchAll(/curl -s \$CT localhost:4010\/__flowtwin\/overrides -d '([^']*)'/g)].map((m) => JSON.parse(m[1]!) as object);
    expect(bodies).toHaveLength(3);
    for (const body of bodies) await ft.add(body);
    const gone = await ft.http.get(ft.path).set(DD_KEYS);
    expect([gone.status, gone.body.errors[0].code]).toEqual([404, 'INSTANCE_NOT_FOUND']);
    expect((await ft.http.get(ft.path).set(DD_KEYS)).status).toBe(200);
    const prod = await ft.http.post(`/api/v2/workflows/${ft.workflow}/instances`).set(DD_KEYS).send({ meta: { payload: { env: 'prod' } } });
    expect([prod.status, prod.body.errors[0].detail]).toEqual([400, 'prod is frozen']);
  });
});
