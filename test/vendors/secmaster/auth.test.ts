// SecMaster auth as the API gateway does it: AK/SK signatures made by Huawei's own SDK signer
// (@huaweicloud/huaweicloud-sdk-core AKSKSigner), IAM tokens from flowtwin's fake IAM, the
// gateway's 401 body, and project isolation. Every response is also validated against its spec.
import { stringify } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import type { FlowtwinOptions } from '../../../src/http/app.js';
import { T0, testFlowtwin } from '../../support/flowtwin.js';

type Ft = Awaited<ReturnType<typeof testFlowtwin>>;
type Method = 'get' | 'post';
type Query = Record<string, string | number>;

const PROJECT = '0123456789abcdef0123456789abcdef';
const OTHER_PROJECT = 'fedcba9876543210fedcba9876543210';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const base = (project: string) => `/v1/${project}/workspaces/${WS}/soc/playbooks`;
const BASE = base(PROJECT);
const DEV_TOKEN = { 'X-Auth-Token': 'local-development-token' };
const REQUEST_ID = /^[0-9a-f-]{36}-\d+-flowtwin$/;

const AK = 'TESTAK1234567890';
const SK = 'TESTSKabcdefghijklmnopqrstuvwxyz0123';
const OTHER_AK = 'OTHERAK000000000';
const OTHER_SK = 'OTHERSKabcdefghijklmnopqrstuvwxyz99';
const HOST = 'localhost:8080';
const CREDENTIALS: FlowtwinOptions = {
  vendors: {
    secmaster: {
      auth: {
        credentials: [
          { ak: AK, sk: SK, project_id: PROJECT },
          { ak: OTHER_AK, sk: OTHER_SK, project_id: OTHER_PROJECT },
        ],
      },
    },
  },
};

/** X-Sdk-Date for T0 + ms: the harness's wall clock is T0 too, so the server sees no skew. */
const sdkDate = (ms = 0): string => `${new Date(T0 + ms).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

interface SignOptions {
  query?: Query;
  body?: unknown;
  ak?: string;
  sk?: string;
  /** X-Project-Id, as the SDK sends it when the credential has a project id; null: not sent. */
  projectId?: string | null;
  date?: string;
}

/**
 * The headers Huawei's SDK signer gives a request, built the way HcClient builds it: content-type
 * application/json, X-Project-Id, X-Sdk-Date, the endpoint's host, the query and the JSON body.
 */
function sdkHeaders(method: Method, path: string, o: SignOptions = {}): Record<string, string> {
  const credential = new BasicCredentials().withAk(o.ak ?? AK).withSk(o.sk ?? SK);
  const projectId = o.projectId === undefined ? PROJECT : o.projectId;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'X-Sdk-Date': o.date ?? sdkDate() };
  if (projectId !== null) headers['X-Project-Id'] = projectId;
  const request = { endpoint: `http://${HOST}${path}`, method: method.toUpperCase(), queryParams: o.query ?? {}, headers, data: o.body };
  return AKSKSigner.sign(request, credential) as Record<string, string>;
}

/** Sends a request signed by the SDK signer; `wireBody` replaces the body actually sent. */
function signed(ft: Ft, method: Method, path: string, o: SignOptions & { wireBody?: string } = {}) {
  const url = o.query ? `${path}?${stringify(o.query)}` : path;
  const req = ft.http[method](url).set(sdkHeaders(method, path, o));
  const body = o.wireBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  return body === undefined ? req : req.send(body);
}

async function trigger(ft: Ft, project = PROJECT): Promise<string> {
  const res = await ft.http.post('/__flowtwin/secmaster/trigger').send({ project_id: project, workspace_id: WS });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

function expectGatewayError(res: { status: number; headers: Record<string, string>; body: unknown }, reason: string | RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body as { error_msg: string; error_code: string; request_id: string };
  expect(Object.keys(body).sort()).toEqual(['error_code', 'error_msg', 'request_id']);
  expect(body.error_code).toBe('APIGW.0301');
  if (typeof reason === 'string') expect(body.error_msg).toBe(`Incorrect IAM authentication information: ${reason}`);
  else expect(body.error_msg).toMatch(reason);
  expect(body.request_id).toMatch(REQUEST_ID);
  expect(res.headers['x-request-id']).toBe(body.request_id);
}

const LIST = { limit: 10, offset: 0 };
const UNKNOWN_ID = '11111111-2222-4333-8444-555555555555';

/** The nine operations, each with a request that succeeds given credentials (the id may be unknown: 400 then). */
const OPERATIONS: { operationId: string; method: Method; path: string; body?: object }[] = [
  { operationId: 'ListPlaybookInstances', method: 'get', path: `${BASE}/instances?limit=10&offset=0` },
  { operationId: 'ShowPlaybookInstance', method: 'get', path: `${BASE}/instances/${UNKNOWN_ID}` },
  { operationId: 'ChangePlaybookInstance', method: 'post', path: `${BASE}/instances/${UNKNOWN_ID}/operation`, body: { operation: 'TERMINATE' } },
  { operationId: 'ListPlaybookAuditLogs', method: 'post', path: `${BASE}/instances/auditlogs?limit=10&offset=0`, body: {} },
  { operationId: 'ShowPlaybookTopology', method: 'get', path: `${BASE}/instances/${UNKNOWN_ID}/topology` },
  { operationId: 'ListPlaybooks', method: 'get', path: `${BASE}?limit=10&offset=0` },
  { operationId: 'ShowPlaybook', method: 'get', path: `${BASE}/${UNKNOWN_ID}` },
  { operationId: 'ListPlaybookVersions', method: 'get', path: `${BASE}/${UNKNOWN_ID}/versions` },
  { operationId: 'ShowPlaybookVersion', method: 'get', path: `${BASE}/versions/${UNKNOWN_ID}` },
];

describe('SecMaster auth: no or malformed credentials', () => {
  describe.each(OPERATIONS.map((o) => [o.operationId, o] as const))('%s', (_id, op) => {
    it('answers 401 APIGW.0301 "x-auth-token not found" without credentials, request_id equal to X-request-id', async () => {
      const ft = await testFlowtwin();
      const req = ft.http[op.method](op.path);
      expectGatewayError(await (op.body ? req.send(op.body) : req), 'x-auth-token not found');
    });

    it('answers 401 "verify aksk signature fail" to an Authorization header that is not SDK-HMAC-SHA256', async () => {
      const ft = await testFlowtwin();
      const req = ft.http[op.method](op.path).set('Authorization', 'Bearer abc');
      expectGatewayError(await (op.body ? req.send(op.body) : req), 'verify aksk signature fail');
    });
  });

  it('checks credentials before anything else: malformed ids and bodies without credentials are still 401', async () => {
    const ft = await testFlowtwin();
    expectGatewayError(await ft.http.get('/v1/bad/workspaces/bad/soc/playbooks/instances/bad'), 'x-auth-token not found');
    expectGatewayError(await ft.http.post(`${BASE}/instances/bad/operation`).set('content-type', 'application/json').send('{nope'), 'x-auth-token not found');
  });

  it('checks credentials before a malformed percent-escape in the path: 401, not 400', async () => {
    const ft = await testFlowtwin();
    expectGatewayError(await ft.http.get(`${BASE}/instances/%E0%A4%A`), 'x-auth-token not found');
  });

  it.each([
    ['no Signature', `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date`],
    ['a short signature', `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=abc`],
    ['another algorithm', `SDK-HMAC-SHA1 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=${'a'.repeat(64)}`],
  ])('refuses a malformed Authorization header (%s) with 401', async (_label, value) => {
    const ft = await testFlowtwin();
    const res = await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set('Authorization', value).set('X-Sdk-Date', sdkDate());
    expectGatewayError(res, 'verify aksk signature fail');
  });

  it('refuses, even with no credentials configured, a signature without host among the signed headers or without X-Sdk-Date', async () => {
    const ft = await testFlowtwin();
    const auth = `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=content-type;x-sdk-date, Signature=${'a'.repeat(64)}`;
    expectGatewayError(await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set('Authorization', auth).set('X-Sdk-Date', sdkDate()), 'verify aksk signature fail');
    const noDate = `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=${'a'.repeat(64)}`;
    expectGatewayError(await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set('Authorization', noDate), 'x-sdk-date is missing or malformed');
  });

  it('accepts any well-formed token or signature when no credentials are configured (local development)', async () => {
    const ft = await testFlowtwin();
    expect((await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set(DEV_TOKEN)).status).toBe(200);
    const wrongKey = await signed(ft, 'get', `${BASE}/instances`, { query: LIST, sk: 'not-the-real-secret' });
    expect(wrongKey.status).toBe(200);
  });
});

describe('SecMaster auth: AK/SK signed by the SDK signer, credentials configured', () => {
  it('accepts a GET signed by AKSKSigner, query included, and answers as usual', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    await trigger(ft);
    // A space and a "+" in the query: both sides must encode them the same way.
    const query = { limit: 10, offset: 0, name: 'flowtwin default', from_date: '2026-01-15T10:00:00.000Z+0000' };
    const res = await signed(ft, 'get', `${BASE}/instances`, { query: { ...query, name: 'default-playbook' } });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(1);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    const spaced = await signed(ft, 'get', `${BASE}/instances`, { query });
    expect(spaced.status).toBe(200);
    expect(spaced.body.count).toBe(0);
  });

  it('accepts a request prepared by BasicCredentials.processAuthRequest, the SDK\'s own path from HcClient to the signer', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const id = await trigger(ft);
    const credential = new BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT);
    const prepared = await credential.processAuthRequest(undefined as never, {
      endpoint: `http://${HOST}`,
      url: `/v1/{project_id}/workspaces/${WS}/soc/playbooks/instances/${id}/operation`,
      method: 'POST',
      queryParams: {},
      headers: { 'content-type': 'application/json', 'X-Sdk-Date': sdkDate() },
      data: { operation: 'TERMINATE' },
    });
    const headers = prepared.headers as Record<string, string>;
    expect(Object.keys(headers).sort()).toEqual(['Authorization', 'X-Project-Id', 'X-Sdk-Date', 'content-type', 'host']);
    const res = await ft.http.post(new URL(prepared.endpoint as string).pathname).set(headers).send(JSON.stringify(prepared.data));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'TERMINATING' });
  });

  it('accepts a GET as the SDK sends it: with a signed `{}` body, as every generated operation has `data: {}`', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    await trigger(ft);
    const credential = new BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT);
    const prepared = await credential.processAuthRequest(undefined as never, {
      endpoint: `http://${HOST}`,
      url: `/v1/{project_id}/workspaces/${WS}/soc/playbooks/instances`,
      method: 'GET',
      queryParams: { limit: 10, offset: 0 },
      headers: { 'content-type': 'application/json', 'X-Sdk-Date': sdkDate() },
      data: {},
    });
    const res = await ft.http
      .get(new URL(prepared.endpoint as string).pathname)
      .query({ limit: 10, offset: 0 })
      .set(prepared.headers as Record<string, string>)
      .send('{}');
    expect(res.status, res.text).toBe(200);
    expect(res.body.count).toBe(1);
  });

  it('accepts a signed query with characters both sides must percent-encode alike', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const res = await signed(ft, 'get', `${BASE}/instances`, { query: { limit: 10, offset: 0, dataobject_name: "a*b!(c)'~é/x y+z%" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ count: 0, instances: [] });
  });

  it('builds the request the way HcClient does: the SDK signer signs content-type;host;x-project-id;x-sdk-date', () => {
    const headers = sdkHeaders('get', `${BASE}/instances`, { query: LIST });
    expect(headers.Authorization).toMatch(new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$`));
    expect(headers).toMatchObject({ host: HOST, 'X-Sdk-Date': '20260115T100000Z', 'X-Project-Id': PROJECT });
  });

  it('accepts a signed POST with a JSON body, and refuses the same request with one byte of the body changed', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const id = await trigger(ft);
    const path = `${BASE}/instances/${id}/operation`;
    const tampered = await signed(ft, 'post', path, { body: { operation: 'TERMINATE' }, wireBody: '{"operation":"TERMINATf"}' });
    expectGatewayError(tampered, 'verify aksk signature fail');
    const show = () => signed(ft, 'get', `${BASE}/instances/${id}`);
    expect((await show()).body.status).toBe('RUNNING');

    const res = await signed(ft, 'post', path, { body: { operation: 'TERMINATE' } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('TERMINATING');
  });

  it('refuses a signed audit-log filter whose body changed by one byte', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const path = `${BASE}/instances/auditlogs`;
    const ok = await signed(ft, 'post', path, { query: LIST, body: { status: 'FINISHED' } });
    expect(ok.status).toBe(200);
    const changed = await signed(ft, 'post', path, { query: LIST, body: { status: 'FINISHED' }, wireBody: '{"status":"FINISHES"}' });
    expectGatewayError(changed, 'verify aksk signature fail');
  });

  it('refuses a request whose query or path changed after signing', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const headers = sdkHeaders('get', `${BASE}/instances`, { query: LIST });
    expectGatewayError(await ft.http.get(`${BASE}/instances?limit=11&offset=0`).set(headers), 'verify aksk signature fail');
    expectGatewayError(await ft.http.get(`${BASE}?limit=10&offset=0`).set(headers), 'verify aksk signature fail');
  });

  it('refuses a signature made with the wrong secret key', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    expectGatewayError(await signed(ft, 'get', `${BASE}/instances`, { query: LIST, sk: `${SK}x` }), 'verify aksk signature fail');
  });

  it('refuses an unknown AK with "ak not exist"', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const res = await signed(ft, 'get', `${BASE}/instances`, { query: LIST, ak: 'UNKNOWNAK0000000' });
    expectGatewayError(res, 'Get secretKey failed,ak:UNKNOWNAK0000000,err:ak not exist');
  });

  it('refuses an X-Sdk-Date 20 minutes before or after the wall clock, and accepts one 14 minutes off', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const stale = 'the signature has expired: x-sdk-date is more than 15 minutes away';
    expectGatewayError(await signed(ft, 'get', `${BASE}/instances`, { query: LIST, date: sdkDate(-20 * 60_000) }), stale);
    expectGatewayError(await signed(ft, 'get', `${BASE}/instances`, { query: LIST, date: sdkDate(20 * 60_000) }), stale);
    expect((await signed(ft, 'get', `${BASE}/instances`, { query: LIST, date: sdkDate(-14 * 60_000) })).status).toBe(200);
  });

  it('refuses a malformed X-Sdk-Date', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const headers = { ...sdkHeaders('get', `${BASE}/instances`, { query: LIST }), 'X-Sdk-Date': '2026-01-15T10:00:00Z' };
    expectGatewayError(await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set(headers), 'x-sdk-date is missing or malformed');
  });

  it("refuses another project's path: with this project's X-Project-Id, and with the other project's", async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const other = `${base(OTHER_PROJECT)}/instances`;
    expectGatewayError(await signed(ft, 'get', other, { query: LIST }), `x-project-id ${PROJECT} does not match the project in the path`);
    expectGatewayError(await signed(ft, 'get', other, { query: LIST, projectId: OTHER_PROJECT }), `the access key is bound to another project than ${OTHER_PROJECT}`);
    expectGatewayError(await signed(ft, 'get', other, { query: LIST, projectId: null }), `the access key is bound to another project than ${OTHER_PROJECT}`);
    // The other project's own key works there.
    expect((await signed(ft, 'get', other, { query: LIST, ak: OTHER_AK, sk: OTHER_SK, projectId: OTHER_PROJECT })).status).toBe(200);
  });

  it('refuses a token flowtwin never issued once credentials are configured', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    expectGatewayError(await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set(DEV_TOKEN), 'decrypt token fail');
  });
});

describe('SecMaster auth: projects are tenants', () => {
  it('keeps the instances, logs and playbooks of project A invisible to project B', async () => {
    const ft = await testFlowtwin();
    const id = await trigger(ft, PROJECT);
    const b = base(OTHER_PROJECT);

    const mine = await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set(DEV_TOKEN);
    expect(mine.body.count).toBe(1);
    const list = await ft.http.get(`${b}/instances?limit=10&offset=0`).set(DEV_TOKEN);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ count: 0, instances: [] });

    const notFound = { code: 'SecMaster.20030001', message: `playbook instance ${id} does not exist` };
    const show = await ft.http.get(`${b}/instances/${id}`).set(DEV_TOKEN);
    expect(show.status).toBe(400);
    expect(show.body).toEqual(notFound);
    const topology = await ft.http.get(`${b}/instances/${id}/topology`).set(DEV_TOKEN);
    expect(topology.body).toEqual(notFound);
    const operation = await ft.http.post(`${b}/instances/${id}/operation`).set(DEV_TOKEN).send({ operation: 'TERMINATE' });
    expect(operation.status).toBe(400);
    expect(operation.body).toEqual(notFound);
    const logs = await ft.http.post(`${b}/instances/auditlogs?limit=10&offset=0`).set(DEV_TOKEN).send({});
    expect(logs.body).toEqual({ count: 0, audit_logs: [] });
    const playbooks = await ft.http.get(`${b}?limit=10&offset=0`).set(DEV_TOKEN);
    expect(playbooks.body.total).toBe(0);

    // B's TERMINATE changed nothing in A.
    expect((await ft.http.get(`${BASE}/instances/${id}`).set(DEV_TOKEN)).body.status).toBe('RUNNING');
  });
});

const PASSWORD_BODY = (project: { id?: string; name?: string }, user = { name: 'alice', password: 'secret' }) => ({
  auth: {
    identity: { methods: ['password'], password: { user: { ...user, domain: { name: 'example-domain' } } } },
    scope: { project },
  },
});

async function issue(ft: Ft, project: { id?: string; name?: string } = { id: PROJECT }) {
  const res = await ft.http.post('/v3/auth/tokens').send(PASSWORD_BODY(project));
  expect(res.status).toBe(201);
  return { token: res.headers['x-subject-token'] as string, body: res.body };
}

describe('a token and a signature on one request (HW-ASSUME-22)', () => {
  it('judges by the token alone: a valid token passes with a bad signature, an invalid one fails with a good signature', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const { token } = await issue(ft);
    const path = `${BASE}/instances`;
    const query = { limit: 10, offset: 0 };
    const good = sdkHeaders('get', path, { query });
    const bad = sdkHeaders('get', path, { query, sk: 'not-the-secret-key-of-this-ak-0000' });
    const send = (headers: Record<string, string>) => ft.http.get(`${path}?${stringify(query)}`).set(headers);
    expect((await send({ ...bad, 'X-Auth-Token': token })).status).toBe(200);
    expect((await send(bad)).status).toBe(401);
    const refused = await send({ ...good, 'X-Auth-Token': 'MIIFnot-a-token-flowtwin-issued' });
    expect(refused.status).toBe(401);
    expect(refused.body.error_code).toBe('APIGW.0301');
    expect((await send(good)).status).toBe(200);
  });
});

describe('Huawei IAM tokens on SecMaster', () => {
  it('issues a token with 201, the X-Subject-Token header, and a body valid for 24 h from issued_at', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/v3/auth/tokens').send(PASSWORD_BODY({ id: PROJECT, name: 'cn-north-4' }));
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-subject-token']).toMatch(/^MIIF/);
    const { token } = res.body;
    expect(token).toMatchObject({
      issued_at: '2026-01-15T10:00:00.000000Z',
      expires_at: '2026-01-16T10:00:00.000000Z',
      methods: ['password'],
      catalog: [],
      project: { id: PROJECT, name: 'cn-north-4', domain: { name: 'example-domain' } },
      user: { name: 'alice', domain: { name: 'example-domain' } },
    });
    expect(Date.parse(token.expires_at) - Date.parse(token.issued_at)).toBe(24 * 3_600_000);
    // Only a hash is stored: the token itself appears nowhere in the store.
    expect(JSON.stringify(await ft.store.scan('huawei.iam.token', 'huawei-iam'))).not.toContain(res.headers['x-subject-token']);
  });

  it('lets the token act on its own project, with credentials configured too', async () => {
    const ft = await testFlowtwin(CREDENTIALS);
    const { token } = await issue(ft);
    const res = await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set('X-Auth-Token', token);
    expect(res.status).toBe(200);
  });

  it('scopes a token asked for by project name to that name\'s project id', async () => {
    const ft = await testFlowtwin();
    const { token, body } = await issue(ft, { name: 'ap-southeast-1' });
    const projectId = body.token.project.id as string;
    expect(projectId).toMatch(/^[0-9a-f]{32}$/);
    expect((await ft.http.get(`${base(projectId)}/instances?limit=10&offset=0`).set('X-Auth-Token', token)).status).toBe(200);
    expectGatewayError(await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set('X-Auth-Token', token), `the token is scoped to another project than ${PROJECT}`);
  });

  it('refuses the token on another project', async () => {
    const ft = await testFlowtwin();
    const { token } = await issue(ft);
    const res = await ft.http.get(`${base(OTHER_PROJECT)}/instances?limit=10&offset=0`).set('X-Auth-Token', token);
    expectGatewayError(res, `the token is scoped to another project than ${OTHER_PROJECT}`);
  });

  it('expires the token 24 h of virtual time after it was issued', async () => {
    const ft = await testFlowtwin();
    const { token } = await issue(ft);
    const list = () => ft.http.get(`${BASE}/instances?limit=10&offset=0`).set('X-Auth-Token', token);
    ft.clock.advance(24 * 3_600_000 - 1);
    expect((await list()).status).toBe(200);
    ft.clock.advance(1);
    expectGatewayError(await list(), 'token expires, expires_at: 2026-01-16T10:00:00.000Z');
  });

  it('validates a token with GET /v3/auth/tokens: 200 and the token, 404 once it expired', async () => {
    const ft = await testFlowtwin();
    const { token, body } = await issue(ft);
    const validate = () => ft.http.get('/v3/auth/tokens').set('X-Auth-Token', token).set('X-Subject-Token', token);
    const res = await validate();
    expect(res.status).toBe(200);
    expect(res.headers['x-subject-token']).toBe(token);
    expect(res.body).toEqual(body);

    const caller = await issue(ft);
    ft.clock.advance(24 * 3_600_000);
    // The caller's token expired too: 401 before the subject is even looked at.
    const late = await ft.http.get('/v3/auth/tokens').set('X-Auth-Token', caller.token).set('X-Subject-Token', token);
    expect(late.status).toBe(401);
    expect(late.body).toEqual({ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
  });

  it('answers 404 for a subject token that expired while the caller\'s is still valid', async () => {
    const ft = await testFlowtwin();
    const subject = await issue(ft);
    ft.clock.advance(23 * 3_600_000);
    const caller = await issue(ft);
    ft.clock.advance(3_600_000);
    const res = await ft.http.get('/v3/auth/tokens').set('X-Auth-Token', caller.token).set('X-Subject-Token', subject.token);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 404, message: 'The token is unknown or has expired.', title: 'Not Found' } });
  });

  it('answers 404 for an unknown subject token, and 400 when X-Subject-Token is missing', async () => {
    const ft = await testFlowtwin();
    const { token } = await issue(ft);
    const unknown = await ft.http.get('/v3/auth/tokens').set('X-Auth-Token', token).set('X-Subject-Token', 'MIIFnope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 404, message: 'The token is unknown or has expired.', title: 'Not Found' } });
    const missing = await ft.http.get('/v3/auth/tokens').set('X-Auth-Token', token);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 400, title: 'Bad Request' });
  });

  it('refuses a password body that breaks the spec with a Keystone-style 400', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.post('/v3/auth/tokens').send({ auth: { identity: { methods: ['token'], password: { user: { name: 'alice', password: 'x' } } } } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 400, title: 'Bad Request' });
  });

  describe('with IAM users configured', () => {
    const USERS: FlowtwinOptions = { vendors: { 'huawei-iam': { users: [{ name: 'alice', password: 's3cret', project_id: PROJECT, domain: 'example-domain' }] } } };

    it('refuses a wrong password or an unknown user with a Keystone-style 401', async () => {
      const ft = await testFlowtwin(USERS);
      const wrong = { error: { code: 401, message: 'The username or password is wrong.', title: 'Unauthorized' } };
      const bad = await ft.http.post('/v3/auth/tokens').send(PASSWORD_BODY({ id: PROJECT }, { name: 'alice', password: 'wrong' }));
      expect(bad.status).toBe(401);
      expect(bad.headers['content-type']).toMatch(/^application\/json/);
      expect(bad.headers['x-subject-token']).toBeUndefined();
      expect(bad.body).toEqual(wrong);
      const nobody = await ft.http.post('/v3/auth/tokens').send(PASSWORD_BODY({ id: PROJECT }, { name: 'mallory', password: 's3cret' }));
      expect(nobody.status).toBe(401);
      expect(nobody.body).toEqual(wrong);
    });

    it("issues the user's token for the user's project, and refuses a scope of another project", async () => {
      const ft = await testFlowtwin(USERS);
      const ok = await ft.http.post('/v3/auth/tokens').send(PASSWORD_BODY({ name: 'cn-north-4' }, { name: 'alice', password: 's3cret' }));
      expect(ok.status).toBe(201);
      expect(ok.body.token.project.id).toBe(PROJECT);
      expect((await ft.http.get(`${BASE}/instances?limit=10&offset=0`).set('X-Auth-Token', ok.headers['x-subject-token'] as string)).status).toBe(200);
      const other = await ft.http.post('/v3/auth/tokens').send(PASSWORD_BODY({ id: OTHER_PROJECT }, { name: 'alice', password: 's3cret' }));
      expect(other.status).toBe(401);
      expect(other.body).toEqual({ error: { code: 401, message: `user alice has no access to project ${OTHER_PROJECT}`, title: 'Unauthorized' } });
    });
  });
});
