// The request limits at and just past their boundary: URL length (each vendor's 414, problem+json on
// the control plane), header size (node's 431, the server unharmed) and instances per tenant (the
// vendor's refusal). Each refusal is checked for its status, body and that nothing changed.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/spec/load.js';
import { compileSpec } from '../../src/spec/operations.js';
import { validateResponse } from '../../src/spec/validate-response.js';
import { serve, type RunningFlowtwin } from '../../src/serve.js';
import { DEFAULT_FIXTURES, readJsonFile } from '../../src/serve.js';
import { DD_KEYS, testFlowtwin } from '../support/flowtwin.js';
import { create } from '../vendors/datadog/support.js';
import { AUTH, BASE, PROJECT, REQUEST_ID, trigger, WS } from '../vendors/secmaster/support.js';

const fixtures = readJsonFile(DEFAULT_FIXTURES, 'fixtures file');
const specs = {
  datadog: compileSpec(loadSpec('datadog-workflow-automation.yaml')),
  secmaster: compileSpec(loadSpec('huawei-secmaster-playbooks.yaml')),
  iam: compileSpec(loadSpec('huawei-iam.yaml')),
};
const MAX_URL = 600;

/** `path` padded through a query parameter to exactly `length` bytes. */
function urlOf(path: string, param: string, length: number): string {
  const head = `${path}${path.includes('?') ? '&' : '?'}${param}=`;
  return head + 'a'.repeat(length - head.length);
}

/** The refusal as the spec declares it for that operation. */
function expectDeclared(spec: keyof typeof specs, operationId: string, res: { status: number; headers: Record<string, string>; body: unknown }): void {
  const op = specs[spec].byId.get(operationId)!;
  expect(validateResponse(op, res.status, res.headers['content-type'], res.body).map((v) => v.message)).toEqual([]);
}

describe('URL length (--max-url-length)', () => {
  it('answers a Datadog URL at the limit and refuses one byte more with the gateway string error, journaling nothing', async () => {
    const ft = await testFlowtwin({ fixtures, maxUrlLength: MAX_URL });
    const at = await ft.http.get(urlOf('/api/v2/workflows', 'filter[query]', MAX_URL)).set(DD_KEYS);
    expect(at.status).toBe(200);
    const before = (await ft.journal.query({})).length;

    const over = await ft.http.get(urlOf('/api/v2/workflows', 'filter[query]', MAX_URL + 1)).set(DD_KEYS);
    expect(over.status).toBe(414);
    expect(over.headers['content-type']).toMatch(/^application\/json/);
    expect(over.body).toEqual({ errors: [`Request-URI Too Large: the URL is over ${MAX_URL} bytes`] });
    expectDeclared('datadog', 'ListWorkflows', over);
    const execute = await ft.http.post(urlOf(`/api/v2/workflows/${'0'.repeat(8)}/instances`, 'x', MAX_URL + 1)).set(DD_KEYS).send({});
    expect(execute.status).toBe(414);
    expect((await ft.journal.query({})).length).toBe(before);
  });

  it("answers SecMaster's URL at the limit and refuses one byte more with the gateway's 414 APIGW.0201", async () => {
    const ft = await testFlowtwin({ fixtures, maxUrlLength: MAX_URL });
    const path = `${BASE}/instances?limit=10&offset=0`;
    const atLimit = await ft.http.get(urlOf(path, 'pad', MAX_URL)).set(AUTH);
    expect(atLimit.status, JSON.stringify(atLimit.body)).toBe(200);

    const over = await ft.http.get(urlOf(path, 'pad', MAX_URL + 1)).set(AUTH);
    expect(over.status).toBe(414);
    expect(over.body).toEqual({ error_msg: 'Request URI too large', error_code: 'APIGW.0201', request_id: expect.stringMatching(REQUEST_ID) });
    expect(over.headers['x-request-id']).toBe(over.body.request_id);
    expectDeclared('secmaster', 'ListPlaybookInstances', over);
    // Before the credentials: the gateway refuses the line, not the caller.
    expect((await ft.http.get(urlOf(path, 'pad', MAX_URL + 1))).status).toBe(414);
  });

  it('refuses an over-long IAM URL in Keystone shape, and a control URL in problem+json', async () => {
    const ft = await testFlowtwin({ fixtures, maxUrlLength: MAX_URL });
    const iam = await ft.http.post(urlOf('/v3/auth/tokens', 'nocatalog', MAX_URL + 1)).send({});
    expect(iam.status).toBe(414);
    expect(iam.body).toEqual({ error: { code: 414, title: 'Request-URI Too Long', message: `Request URI too large: the URL is over ${MAX_URL} bytes` } });
    expectDeclared('iam', 'KeystoneCreateUserTokenByPassword', iam);

    expect((await ft.http.get(urlOf('/__flowtwin/journal', 'tenant', MAX_URL))).status).toBe(200);
    const control = await ft.http.get(urlOf('/__flowtwin/journal', 'tenant', MAX_URL + 1));
    expect(control.status).toBe(414);
    expect(control.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(control.text)).toEqual({ type: 'about:blank', title: 'URI Too Long', status: 414, detail: `the URL is over ${MAX_URL} bytes, the most the control plane accepts (--max-url-length)` });
  });

  it('defaults to 8192 bytes', async () => {
    const ft = await testFlowtwin({ fixtures });
    expect((await ft.http.get(urlOf('/api/v2/workflows', 'filter[query]', 8192)).set(DD_KEYS)).status).toBe(200);
    expect((await ft.http.get(urlOf('/api/v2/workflows', 'filter[query]', 8193)).set(DD_KEYS)).status).toBe(414);
  });
});

describe('header size (--max-header-size)', () => {
  let running: RunningFlowtwin | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  /** One raw HTTP/1.1 exchange: node's own answers never reach express, so no client library in between. */
  function raw(port: number, headerBytes: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      socket.on('data', (d) => (text += d));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      const head = 'GET /__flowtwin/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Pad: ';
      const tail = '\r\n\r\n';
      socket.end(head + 'p'.repeat(headerBytes - head.length - tail.length) + tail);
    });
  }

  it('answers a request whose head is at the limit, and a bare 431 with a closed connection past it; the server keeps serving', async () => {
    running = await serve({ port: 0, maxHeaderSize: 4096 });
    const port = Number(new URL(running.url).port);
    // node's parser counts the head give or take some framing bytes (28 here): a head of exactly the
    // limit passes, one 64 bytes over does not.
    expect(await raw(port, 4096)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const refused = await raw(port, 4096 + 64);
    expect(refused).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(refused).toMatch(/\r\nConnection: close\r\n/i);
    expect((await fetch(`${running.url}/__flowtwin/health`)).status).toBe(200);
  });

  it("defaults to node's 16384 bytes", async () => {
    running = await serve({ port: 0 });
    const port = Number(new URL(running.url).port);
    expect(await raw(port, 16384)).toMatch(/^HTTP\/1\.1 200 /);
    expect(await raw(port, 16384 + 64)).toMatch(/^HTTP\/1\.1 431 /);
  });
});

describe('instances per tenant (--max-instances-per-tenant)', () => {
  it('lets a Datadog org execute up to the limit, then answers 400 INSTANCE_LIMIT_EXCEEDED and creates nothing; a reset frees it', async () => {
    const ft = await testFlowtwin({ maxInstancesPerTenant: 3 });
    const workflow = await create(ft);
    const execute = () => ft.http.post(`/api/v2/workflows/${workflow}/instances`).set(DD_KEYS).send({});
    for (let i = 0; i < 3; i++) expect((await execute()).status).toBe(200);
    await ft.http.post('/__flowtwin/scenarios').send({ vendor: 'datadog', outcome: 'FAILED', times: 1 }).expect(201);

    const refused = await execute();
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(refused.body).toEqual({ errors: [{ code: 'INSTANCE_LIMIT_EXCEEDED', detail: 'limit of 3 workflow instances per org reached' }] });
    expect((await execute()).status).toBe(400);
    const list = await ft.http.get(`/api/v2/workflows/${workflow}/instances`).set(DD_KEYS);
    expect(list.body.meta.page.totalCount).toBe(3);
    // The refused runs did not use up the scenario meant for the next run.
    expect((await ft.http.get('/__flowtwin/scenarios')).body.scenarios).toEqual([expect.objectContaining({ times: 1, hits: 0 })]);
    // Another org has its own count.
    const other = { 'DD-API-KEY': 'limit-other-api', 'DD-APPLICATION-KEY': 'limit-other-app' };
    const theirs = (await ft.http.post('/api/v2/workflows').set(other).send({ data: { type: 'workflows', attributes: { name: 'W', spec: { triggers: [{ startStepNames: ['S'], apiTrigger: {} }], steps: [{ name: 'S', actionId: 'com.datadoghq.core.sleep', parameters: [{ name: 'durationSeconds', value: 1 }] }] } } } })).body.data.id as string;
    expect((await ft.http.post(`/api/v2/workflows/${theirs}/instances`).set(other).send({})).status).toBe(200);

    await ft.reset({ seed: false });
    const again = await create(ft);
    expect((await ft.http.post(`/api/v2/workflows/${again}/instances`).set(DD_KEYS).send({})).status).toBe(200);
  });

  it('counts the fixtures: a SecMaster project with its 6 fixture runs and a limit of 7 gets one trigger, then 400 and no run, no default playbook', async () => {
    const ft = await testFlowtwin({ fixtures, maxInstancesPerTenant: 7 });
    const count = async () => (await ft.http.get(`${BASE}/instances`).set(AUTH).query({ limit: 100, offset: 0 })).body.count as number;
    expect(await count()).toBe(6);
    const OTHER_WS = '11111111-2222-4333-8444-555555555555';
    expect((await trigger(ft)).status).toBe(201);

    const refused = await trigger(ft, { workspace_id: OTHER_WS });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.text)).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: `project ${PROJECT} has reached the limit of 7 playbook instances (flowtwin serve --max-instances-per-tenant); a reset frees it`,
    });
    expect(await count()).toBe(7);
    // Nothing was written: not even the workspace the refused trigger named (HW-ASSUME-24).
    const playbooks = await ft.http.get(`/v1/${PROJECT}/workspaces/${OTHER_WS}/soc/playbooks`).set(AUTH).query({ limit: 100, offset: 0 });
    expect([playbooks.status, playbooks.body.code]).toEqual([403, 'SecMaster.20010001']);
    expect(WS).not.toBe(OTHER_WS);
  });
});
