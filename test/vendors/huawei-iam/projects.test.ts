// IAM's GET /v3/projects (IAM-ASSUME-5): what Huawei's SDK calls when its credentials carry a region
// but no project id. Driven through the SDK core's own path (region -> processAuthParams -> IAM ->
// the signed SecMaster call), then the body, filters and refusals over HTTP.
import { BasicCredentials, Region } from '@huaweicloud/huaweicloud-sdk-core';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';
import type { HcClient } from '@huaweicloud/huaweicloud-sdk-core/HcClient.js';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_FIXTURES, serve, type RunningFlowtwin } from '../../../src/serve.js';
import { T0, testFlowtwin } from '../../support/flowtwin.js';

const FIXTURE_PROJECT = '0123456789abcdef0123456789abcdef';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const fixtures = JSON.parse(readFileSync(DEFAULT_FIXTURES, 'utf8')) as Record<string, unknown>;
let ft: RunningFlowtwin | undefined;
afterEach(async () => {
  await ft?.stop();
  ft = undefined;
});

// The SDK caches a looked-up project per AK and region for the whole process: each test its own AK.
let keys = 0;
const freshAk = () => `PROJECTLOOKUPAK${String(++keys).padStart(5, '0')}`;

/** An SDK client for a region whose endpoints and IAM are flowtwin, as a user points the SDK at it. */
function sdkClient(url: string, credential: BasicCredentials): HcClient {
  return new ClientBuilder<HcClient>((c) => c).withCredential(credential.withIamEndpoint(url)).withRegion(new Region('cn-north-4', [url])).build();
}

async function listInstances(client: HcClient) {
  return client.sendRequest<{ count?: number; httpStatusCode?: number }>({
    method: 'GET',
    url: `/v1/{project_id}/workspaces/${WS}/soc/playbooks/instances`,
    contentType: 'application/json',
    queryParams: { limit: 10, offset: 0 },
    pathParams: {},
    headers: {},
  } as never);
}

describe('IAM project lookup through the Huawei SDK core', () => {
  it('finds the fixture project of the region, so BasicCredentials without a project id reads its instances', async () => {
    ft = await serve({ port: 0, host: '127.0.0.1', fixtures });
    const credential = new BasicCredentials().withAk(freshAk()).withSk('any-secret-key-of-local-development');
    const res = await listInstances(sdkClient(ft.url, credential));
    expect(credential.getPathParams()).toEqual({ project_id: FIXTURE_PROJECT });
    expect(res.count).toBeGreaterThan(0);
  });

  it('with credentials configured, verifies the signature and gives the key its own project', async () => {
    const [ak, sk, project] = [freshAk(), 'configured-secret-key-0123456789', 'fedcba9876543210fedcba9876543210'];
    const other = freshAk();
    const credentials = [
      { ak, sk, project_id: project },
      { ak: other, sk, project_id: project },
    ];
    ft = await serve({ port: 0, host: '127.0.0.1', fixtures, vendors: { secmaster: { auth: { credentials } } } });
    const credential = new BasicCredentials().withAk(ak).withSk(sk);
    const res = await listInstances(sdkClient(ft.url, credential));
    expect(credential.getPathParams()).toEqual({ project_id: project });
    expect(res.count).toBe(0);

    // Another configured key (the SDK caches a looked-up project per key), signed with a wrong secret.
    const wrong = new BasicCredentials().withAk(other).withSk('not-the-secret-key-000000000000');
    const failure = await listInstances(sdkClient(ft.url, wrong)).catch((e: unknown) => e);
    expect(failure).toMatchObject({ httpStatusCode: 401, errorCode: 401, errorMsg: 'The signature does not match: verify aksk signature fail.' });
  });
});

describe('IAM GET /v3/projects over HTTP', () => {
  const signedLike = { Authorization: `SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=${'0'.repeat(64)}`, 'X-Sdk-Date': '' };
  // testFlowtwin's wall clock reads T0 too.
  const sdkDate = () => `${new Date(T0).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

  it('answers the documented body: one project named for the region, under links', async () => {
    const t = await testFlowtwin();
    const res = await t.http.get('/v3/projects?name=ap-southeast-1').set({ ...signedLike, 'X-Sdk-Date': sdkDate() });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const [project] = res.body.projects;
    expect(res.body).toEqual({
      links: { self: expect.stringMatching(/\/v3\/projects\?name=ap-southeast-1$/), previous: null, next: null },
      projects: [
        {
          is_domain: false,
          description: '',
          links: { self: expect.stringMatching(new RegExp(`/v3/projects/${project.id}$`)) },
          enabled: true,
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
          parent_id: project.domain_id,
          domain_id: expect.any(String),
          name: 'ap-southeast-1',
        },
      ],
    });
    expect(Object.keys(project)).toEqual(['is_domain', 'description', 'links', 'enabled', 'id', 'parent_id', 'domain_id', 'name']);
    // A password token scoped to the same region lands in the same project.
    const token = await t.http.post('/v3/auth/tokens').send({
      auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'x' } } }, scope: { project: { name: 'ap-southeast-1' } } },
    });
    expect(token.body.token.project.id).toBe(project.id);
    const byToken = await t.http.get('/v3/projects').set('X-Auth-Token', String(token.headers['x-subject-token']));
    expect(byToken.body.projects.map((p: { id: string; name: string }) => [p.id, p.name])).toEqual([[project.id, 'ap-southeast-1']]);
    const otherRegion = await t.http.get('/v3/projects?name=cn-north-4').set('X-Auth-Token', String(token.headers['x-subject-token']));
    expect(otherRegion.body.projects).toEqual([]);
  });

  it('matches nothing for enabled=false, is_domain=true or another domain_id, and pages with per_page', async () => {
    const t = await testFlowtwin();
    const get = (q: string) => t.http.get(`/v3/projects?${q}`).set({ ...signedLike, 'X-Sdk-Date': sdkDate() });
    const one = (await get('name=cn-north-4')).body.projects[0];
    for (const q of ['name=cn-north-4&enabled=false', 'name=cn-north-4&is_domain=true', 'name=cn-north-4&domain_id=other', 'parent_id=other', 'name=cn-north-4&page=2&per_page=1']) {
      const res = await get(q);
      expect(res.status, q).toBe(200);
      expect(res.body.projects, q).toEqual([]);
    }
    for (const q of ['name=cn-north-4&enabled=true&is_domain=false', `domain_id=${one.domain_id}&parent_id=${one.domain_id}`, 'page=1&per_page=1']) {
      expect((await get(q)).body.projects.map((p: { id: string }) => p.id), q).toEqual([one.id]);
    }
  });

  it.each([
    ['no credentials', {}, 401, 'The request you have made requires authentication: send X-Auth-Token or sign with AK/SK.'],
    ['an unknown token', { 'X-Auth-Token': 'MIIFTnot-a-token' }, 401, 'The request you have made requires authentication.'],
    ['an Authorization that is no signature', { Authorization: 'Basic abc' }, 401, 'The Authorization header is not an SDK-HMAC-SHA256 signature.'],
    ['a signature without X-Sdk-Date', { Authorization: signedLike.Authorization }, 401, 'x-sdk-date is missing or malformed'],
  ])('refuses %s with a Keystone-shaped %i', async (_label, headers, status, message) => {
    const t = await testFlowtwin();
    const res = await t.http.get('/v3/projects?name=cn-north-4').set(headers as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code: status, message, title: 'Unauthorized' } });
  });

  it.each([
    ['per_page=0', 'per_page'],
    ['per_page=5001', 'per_page'],
    ['enabled=maybe', 'enabled'],
  ])('refuses %s with a Keystone-shaped 400 naming the parameter', async (q, name) => {
    const t = await testFlowtwin();
    const res = await t.http.get(`/v3/projects?${q}`).set({ ...signedLike, 'X-Sdk-Date': sdkDate() });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 400, title: 'Bad Request', message: expect.stringContaining(name) });
  });
});
