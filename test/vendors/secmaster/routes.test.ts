// HW-ASSUME-21: the SDK's own literal path segments are never read as ids. ShowPlaybookStatistics'
// ".../soc/playbooks/statistics" is not ShowPlaybook with playbook_id "statistics".
import { describe, expect, it } from 'vitest';
import { verifyHar } from '../../../src/contract/har.js';
import { AUTH, AUTO_BLOCK, AUTO_BLOCK_VERSION, BASE, withFixtures } from './support.js';

const NO_SUCH_API = 'The API does not exist or has not been published in the environment';
const LITERALS = ['statistics', 'versions/approval', 'export', 'import'];

describe('SecMaster routes: literal SDK paths win over ids', () => {
  it('answers the gateway 404 APIGW.0101 for each unserved SDK path on every method, and journals none as ShowPlaybook', async () => {
    const ft = await withFixtures();
    for (const literal of LITERALS) {
      for (const method of ['get', 'post', 'put', 'delete'] as const) {
        const res = await ft.http[method](`${BASE}/${literal}`).set(AUTH);
        expect(res.status, `${method} ${literal}`).toBe(404);
        expect(res.body).toEqual({ error_msg: NO_SUCH_API, error_code: 'APIGW.0101', request_id: res.headers['x-request-id'] });
      }
    }
    // The served templates still take real ids.
    expect((await ft.http.get(`${BASE}/${AUTO_BLOCK}`).set(AUTH)).status).toBe(200);
    expect((await ft.http.get(`${BASE}/versions/${AUTO_BLOCK_VERSION}`).set(AUTH)).status).toBe(200);
    const journaled = (await ft.http.get('/__flowtwin/journal')).body.entries as { operation: string; path: string }[];
    expect(journaled.filter((e) => LITERALS.some((l) => e.path.endsWith(`/soc/playbooks/${l}`)))).toEqual([]);
  });

  it('verify-har lists those paths as unmatched, not as ShowPlaybook or ShowPlaybookVersion', () => {
    const entry = (path: string) => ({
      request: { method: 'GET', url: `https://secmaster.cn-north-4.myhuaweicloud.com${BASE}/${path}` },
      response: { status: 200, content: { mimeType: 'application/json', text: '{}' } },
    });
    const report = verifyHar({ log: { entries: [entry('statistics'), entry('versions/approval')] } });
    expect(report.unmatched).toEqual([`GET ${BASE}/statistics`, `GET ${BASE}/versions/approval`]);
    expect(report.operations.map((o) => o.operationId)).toEqual([]);
  });
});
