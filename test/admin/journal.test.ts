import { describe, expect, it } from 'vitest';
import { DD_KEYS, DD_OTHER_ORG, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';

async function withRun() {
  const ft = await testFlowtwin();
  const wf = await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody());
  const run = await ft.http.post(`/api/v2/workflows/${wf.body.data.id}/instances`).set(DD_KEYS).send({ meta: { payload: { password: 'hunter2', input: 'x' } } });
  return { ...ft, workflowId: wf.body.data.id as string, instanceId: run.body.data.id as string };
}

describe('control plane: journal', () => {
  it('lists what the vendor APIs received, filtered by operation, with secrets masked', async () => {
    const ft = await withRun();
    const res = conforms('ListJournal', await ft.http.get('/__flowtwin/journal').query({ operation: 'CreateWorkflowInstance' }));
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(1);
    expect(res.body.entries[0]).toMatchObject({
      vendor: 'datadog',
      operationId: 'CreateWorkflowInstance',
      method: 'POST',
      status: 200,
      params: { workflow_id: ft.workflowId },
      requestBody: { meta: { payload: { password: '***', input: 'x' } } },
      responseBody: { data: { id: ft.instanceId } },
    });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(JSON.stringify(res.body)).not.toContain('test-app-key');
  });

  it('filters by vendor, status and tenant, and refuses unknown or bad filters', async () => {
    const ft = await withRun();
    await ft.http.get('/api/v2/workflows/bad-format').set(DD_KEYS);
    await ft.http.get('/api/v2/workflows').set(DD_OTHER_ORG);
    expect(conforms('ListJournal', await ft.http.get('/__flowtwin/journal?status=400')).body.entries.map((e: { operationId: string }) => e.operationId)).toEqual(['GetWorkflow']);
    const all = conforms('ListJournal', await ft.http.get('/__flowtwin/journal?vendor=datadog')).body.entries as { tenant: string }[];
    expect(new Set(all.map((e) => e.tenant)).size).toBe(2);
    const mine = conforms('ListJournal', await ft.http.get(`/__flowtwin/journal?tenant=${all[0]!.tenant}`)).body;
    expect(mine.count).toBe(3);
    for (const bad of ['status=abc', 'since=yesterday', 'colour=red', 'vendor=']) {
      const res = conforms('ListJournal', await ft.http.get(`/__flowtwin/journal?${bad}`));
      expect(res.status, bad).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('verifies "exactly 2 cancels of instance X": 200 when it holds, 409 with what was seen when not', async () => {
    const ft = await withRun();
    const cancel = () => ft.http.put(`/api/v2/workflows/${ft.workflowId}/instances/${ft.instanceId}/cancel`).set(DD_KEYS);
    await cancel();
    await cancel();
    const query = { operation: 'CancelWorkflowInstance', params: { instance_id: ft.instanceId } };
    const ok = conforms('VerifyJournal', await ft.http.post('/__flowtwin/journal/verify').send({ ...query, count: 2 }));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ verified: true, count: 2 });
    const no = conforms('VerifyJournal', await ft.http.post('/__flowtwin/journal/verify').send({ ...query, count: 1 }));
    expect(no.status).toBe(409);
    expect(no.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(no.text)).toMatchObject({ expected: 1, seen: 2, detail: 'expected 1 matching request(s), saw 2', entries: [{ status: 200 }, { status: 400 }] });
    const zero = conforms('VerifyJournal', await ft.http.post('/__flowtwin/journal/verify').send({ operation: 'DeleteWorkflow', count: 0 }));
    expect(zero.status).toBe(200);
  });

  it('refuses a verify without a count or with a bad filter, and forgets everything on reset', async () => {
    const ft = await withRun();
    for (const body of [{}, { count: -1 }, { count: 1.5 }, { count: 1, params: { instance_id: 5 } }, { count: 1, status: 'x' }]) {
      expect(conforms('VerifyJournal', await ft.http.post('/__flowtwin/journal/verify').send(body)).status, JSON.stringify(body)).toBe(400);
    }
    await ft.http.post('/__flowtwin/reset').send({ seed: false });
    expect(conforms('ListJournal', await ft.http.get('/__flowtwin/journal')).body.count).toBe(0);
  });

  it('keeps only the newest entries beyond its limit', async () => {
    const ft = await testFlowtwin({ journalLimit: 3 });
    for (let i = 0; i < 5; i++) await ft.http.get(`/api/v2/workflows?limit=${i + 1}`).set(DD_KEYS);
    const res = conforms('ListJournal', await ft.http.get('/__flowtwin/journal'));
    expect(res.body.entries.map((e: { query: { limit: string } }) => e.query.limit)).toEqual(['3', '4', '5']);
  });
});

describe('control plane: journal scoped by credentials', () => {
  it("keeps each tenant's requests apart: another org's or unauthenticated traffic pushes none of them out", async () => {
    const ft = await testFlowtwin({ journalLimit: 3 });
    await ft.http.get('/api/v2/workflows?limit=1').set(DD_KEYS);
    await ft.http.get('/api/v2/workflows?limit=2').set(DD_KEYS);
    for (let i = 0; i < 10; i++) await ft.http.get('/api/v2/workflows').set(DD_OTHER_ORG);
    for (let i = 0; i < 10; i++) await ft.http.get('/api/v2/workflows');
    const mine = conforms('ListJournal', await ft.http.get('/__flowtwin/journal').set(DD_KEYS)).body;
    expect(mine.entries.map((e: { seq: number; query: { limit?: string } }) => [e.seq, e.query.limit])).toEqual([
      [1, '1'],
      [2, '2'],
    ]);
    expect(conforms('VerifyJournal', await ft.http.post('/__flowtwin/journal/verify').set(DD_KEYS).send({ operation: 'ListWorkflows', count: 2 })).status).toBe(200);
    // Without credentials: every tenant's log and the unauthenticated one, each its last 3, merged by
    // seq, which numbers every request (22 here) across the logs.
    const all = conforms('ListJournal', await ft.http.get('/__flowtwin/journal')).body.entries as { seq: number; tenant?: string; status: number }[];
    expect(all.map((e) => e.seq)).toEqual([1, 2, 10, 11, 12, 20, 21, 22]);
    expect(all.slice(5).every((e) => e.tenant === undefined && e.status === 403)).toBe(true);
    expect(conforms('VerifyJournal', await ft.http.post('/__flowtwin/journal/verify').send({ operation: 'ListWorkflows', status: 403, count: 3 })).status).toBe(200);
  });

  it("a tenant's reset empties its journal only", async () => {
    const ft = await withRun();
    await ft.http.get('/api/v2/workflows').set(DD_OTHER_ORG);
    expect((await ft.http.post('/__flowtwin/reset').set(DD_OTHER_ORG)).status).toBe(200);
    expect(conforms('ListJournal', await ft.http.get('/__flowtwin/journal').set(DD_OTHER_ORG)).body.count).toBe(0);
    expect(conforms('ListJournal', await ft.http.get('/__flowtwin/journal').set(DD_KEYS)).body.count).toBe(2);
    expect(conforms('ListJournal', await ft.http.get('/__flowtwin/journal')).body.count).toBe(2);
  });

  it("shows and verifies only the calling org's requests", async () => {
    const ft = await withRun();
    await ft.http.get('/api/v2/workflows').set(DD_OTHER_ORG);
    const mine = conforms('ListJournal', await ft.http.get('/__flowtwin/journal').set(DD_KEYS)).body;
    expect(mine.entries.map((e: { operationId: string }) => e.operationId)).toEqual(['CreateWorkflow', 'CreateWorkflowInstance']);
    const theirs = conforms('VerifyJournal', await ft.http.post('/__flowtwin/journal/verify').set(DD_OTHER_ORG).send({ operation: 'CreateWorkflow', count: 0 }));
    expect(theirs.status).toBe(200);
  });
});
