// SecMaster X-request-id on every response (success, error, gateway 401/404), repeated in 401 bodies,
// and the gateway's 404 APIGW.0101 body for unknown routes or methods.
import { describe, expect, it } from 'vitest';
import { T0 } from '../../support/flowtwin.js';
import { type Res, BASE, AUTH, REQUEST_ID, AUTO_BLOCK, AUTO_BLOCK_VERSION, I, withFixtures, list, auditLogs } from './support.js';

describe('SecMaster X-request-id', () => {
  it('is on every response, success or error, gateway or route-not-found, each one new', async () => {
    const ft = await withFixtures();
    const responses: Res[] = [
      await list(ft),
      await ft.http.get(`${BASE}/instances/${I.failed}`).set(AUTH),
      await ft.http.get(`${BASE}/instances/${I.failed}/topology`).set(AUTH),
      await auditLogs(ft, {}, {}),
      await ft.http.get(`${BASE}?limit=10&offset=0`).set(AUTH),
      await ft.http.get(`${BASE}/${AUTO_BLOCK}`).set(AUTH),
      await ft.http.get(`${BASE}/${AUTO_BLOCK}/versions`).set(AUTH),
      await ft.http.get(`${BASE}/versions/${AUTO_BLOCK_VERSION}`).set(AUTH),
      await ft.http.post(`${BASE}/instances/${I.failed}/operation`).set(AUTH).send({ operation: 'RETRY' }),
      await list(ft, 'limit=0&offset=0'),
      await ft.http.get(`${BASE}/instances/${I.finished}`),
      await ft.http.get(`${BASE}/instances/${I.finished}/nothing`).set(AUTH),
      await ft.http.delete(`${BASE}/instances/${I.finished}`).set(AUTH),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 401, 404, 404]);
    const requestIds = responses.map((r) => r.headers['x-request-id']);
    for (const id of requestIds) expect(id).toMatch(REQUEST_ID);
    expect(new Set(requestIds).size).toBe(requestIds.length);
    expect(requestIds.every((id) => id!.endsWith(`-${T0}-flowtwin`))).toBe(true);
  });

  it('is repeated as request_id in 401 bodies', async () => {
    const ft = await withFixtures();
    const res = await ft.http.get(`${BASE}/instances?limit=10&offset=0`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error_msg: 'Incorrect IAM authentication information: x-auth-token not found', error_code: 'APIGW.0301', request_id: res.headers['x-request-id'] });
  });

  it("comes with the gateway's 404 APIGW.0101 body for an unknown route or method", async () => {
    const ft = await withFixtures();
    for (const res of [await ft.http.get(`${BASE}/instances/${I.finished}/nothing`).set(AUTH), await ft.http.put(`${BASE}/instances/${I.finished}`).set(AUTH)]) {
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error_msg: 'The API does not exist or has not been published in the environment', error_code: 'APIGW.0101', request_id: res.headers['x-request-id'] });
    }
  });
});
