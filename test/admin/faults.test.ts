import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';

async function withRun(options: Parameters<typeof testFlowtwin>[0] = {}) {
  const ft = await testFlowtwin(options);
  const wf = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody());
  const run = await ft.http.post(`/api/v2/workflows/${wf.body.data.id}/instances`).set(DD_KEYS).send({});
  return { ...ft, path: `/api/v2/workflows/${wf.body.data.id}/instances/${run.body.data.id}` };
}

const addFault = async (ft: Awaited<ReturnType<typeof withRun>>, fault: object) => conforms('AddFault', await ft.http.post('/__flowtwin/faults').send(fault));

describe('control plane: faults', () => {
  it('answers the next two GetWorkflowInstance with 429 and Datadog rate-limit headers, then normally', async () => {
    const ft = await withRun();
    const added = await addFault(ft, { vendor: 'datadog', operation: 'GetWorkflowInstance', times: 2, status: 429 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: expect.any(String), hits: 0, status: 429, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await ft.http.get(ft.path).set(DD_KEYS);
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ errors: ['Too many requests'] });
      expect(res.headers).toMatchObject({ 'x-ratelimit-limit': expect.any(String), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': expect.any(String), 'x-ratelimit-period': expect.any(String), 'x-ratelimit-name': expect.any(String) });
    }
    expect((await ft.http.get(ft.path).set(DD_KEYS)).status).toBe(200);
    expect(conforms('ListFaults', await ft.http.get('/__flowtwin/faults')).body).toEqual({ faults: [] });
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).status).toBe(200);
  });

  it('delays a matching request by latencyMs', async () => {
    const ft = await withRun();
    await addFault(ft, { operation: 'GetWorkflowInstance', latencyMs: 300, times: 1 });
    const started = performance.now();
    const res = await ft.http.get(ft.path).set(DD_KEYS);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('drops the connection without an answer, and journals it with status 0', async () => {
    const ft = await withRun();
    await addFault(ft, { path: ft.path.split('/').pop()!, drop: true, times: 1 });
    await expect(ft.http.get(ft.path).set(DD_KEYS)).rejects.toThrow(/socket hang up|ECONNRESET/);
    const journal = await ft.http.get('/__flowtwin/journal?operation=GetWorkflowInstance');
    expect(journal.body.entries.map((e: { status: number }) => e.status)).toEqual([0]);
  });

  it('cuts a body short after announcing its full length', async () => {
    const ft = await withRun();
    await addFault(ft, { operation: 'GetWorkflowInstance', truncate: true });
    const server = createServer(ft.handler).listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const res = await fetch(`http://127.0.0.1:${port}${ft.path}`, { headers: DD_KEYS });
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow();
    } finally {
      server.close();
    }
  });

  it('fires a probability rule in the same pattern for the same seed', async () => {
    const pattern = async () => {
      const ft = await withRun({ randomSeed: 42 });
      await addFault(ft, { operation: 'ListWorkflows', probability: 0.5, status: 503 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).status);
      return statuses;
    };
    // Seed 42's pattern, written out: a rerun must match it, not merely itself.
    const seed42 = [200, 503, 200, 200, 503, 200, 503, 200, 200, 503, 503, 200, 200, 503, 503, 200, 200, 200, 503, 503];
    expect(await pattern()).toEqual(seed42);
    expect(await pattern()).toEqual(seed42);
  });

  it('answers an injected SecMaster 429 with the gateway throttling body and an X-request-id', async () => {
    const ft = await withRun();
    await addFault(ft, { vendor: 'secmaster', status: 429 });
    const res = await ft.http.get('/v1/0123456789abcdef0123456789abcdef/workspaces/7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b/soc/playbooks/instances?limit=1&offset=0').set('X-Auth-Token', 't');
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ error_code: 'APIGW.0308', request_id: res.headers['x-request-id'] });
  });

  it.each([
    ['an unknown vendor', { vendor: 'aws', status: 500 }, /vendor must be one of datadog, secmaster, huawei-iam/],
    ['an unknown operation', { vendor: 'datadog', operation: 'ShowPlaybookInstance', status: 500 }, /operation must be an operationId of datadog's spec/],
    ['no effect', { vendor: 'datadog' }, /needs an effect/],
    ['a success status', { status: 200 }, /status must be an integer from 400 to 599/],
    ['zero times', { status: 500, times: 0 }, /times must be an integer from 1/],
    ['a probability over 1', { status: 500, probability: 2 }, /probability must be/],
    ['an unknown field', { status: 500, colour: 'red' }, /unknown field colour/],
    ['drop with a status', { status: 500, drop: true }, /exclude each other/],
    ['a string drop', { drop: 'yes' }, /drop must be a boolean/],
    ['an array', [], /a fault is a JSON object/],
  ])('refuses %s with problem+json 400 and adds nothing', async (_label, body, detail) => {
    const ft = await withRun();
    const res = await addFault(ft, body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(detail);
    expect((await ft.http.get('/__flowtwin/faults')).body.faults).toEqual([]);
  });

  it('removes a rule by id (204), answers 404 for an unknown id, and clears all rules on reset', async () => {
    const ft = await withRun();
    const a = await addFault(ft, { latencyMs: 1 });
    await addFault(ft, { latencyMs: 2 });
    expect(conforms('DeleteFault', await ft.http.delete(`/__flowtwin/faults/${a.body.id}`)).status).toBe(204);
    expect(conforms('DeleteFault', await ft.http.delete(`/__flowtwin/faults/${a.body.id}`)).status).toBe(404);
    expect((await ft.http.get('/__flowtwin/faults')).body.faults).toHaveLength(1);
    await ft.http.post('/__flowtwin/reset');
    expect(conforms('ListFaults', await ft.http.get('/__flowtwin/faults')).body.faults).toEqual([]);
  });
});

describe('control plane: faults scoped to a tenant', () => {
  it("fails only the calling org's requests", async () => {
    const ft = await withRun();
    const other = { 'DD-API-KEY': 'other-api-key', 'DD-APPLICATION-KEY': 'other-app-key' };
    const added = conforms('AddFault', await ft.http.post('/__flowtwin/faults').set(DD_KEYS).send({ operation: 'ListWorkflows', status: 503 }));
    expect(added.body.tenant).toMatch(/^dd-/);
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).status).toBe(503);
    expect((await ft.http.get('/api/v2/workflows').set(other)).status).toBe(200);
    expect(conforms('ListFaults', await ft.http.get('/__flowtwin/faults').set(other)).body.faults).toEqual([]);
  });

  it('does not fire on a request without credentials: the rule keeps its one hit for its own org', async () => {
    const ft = await withRun();
    const refused = await ft.http.get('/api/v2/workflows');
    const added = conforms('AddFault', await ft.http.post('/__flowtwin/faults').set(DD_KEYS).send({ operation: 'ListWorkflows', status: 503, times: 1 }));
    // Unauthenticated: the same refusal as without the rule, and the rule is not spent.
    const anonymous = await ft.http.get('/api/v2/workflows');
    expect([anonymous.status, anonymous.body]).toEqual([refused.status, refused.body]);
    expect(anonymous.status).toBe(403);
    expect(conforms('ListFaults', await ft.http.get('/__flowtwin/faults').set(DD_KEYS)).body.faults).toEqual([{ ...added.body, hits: 0 }]);
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).status).toBe(503);
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).status).toBe(200);
  });
});
