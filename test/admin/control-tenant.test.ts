// A control call's vendor credentials name the tenant it acts for; credentials that name none are
// refused (401), never read as a global call: a mistyped key must not widen a reset to every tenant.
import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';
import { AK, signedHeaders, SK } from './signed.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const OTHER = 'fedcba9876543210fedcba9876543210';
/** A well-formed Authorization that verifies for no request (control-signature.test.ts covers verification). */
const SIGNED = (ak: string) => `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=host;x-sdk-date, Signature=${"0".repeat(64)}`;

async function withData() {
  const ft = await testFlowtwin({ vendors: { datadog: { auth: { keys: [{ apiKey: 'ci-api', appKey: 'ci-app', org: 'ci' }] } }, secmaster: { auth: { credentials: [{ ak: AK, sk: SK, project_id: PROJECT }] } } } });
  // The clock endpoint reports which tenant a call acted for, and creates nothing on a GET.
  const tenantOf = async (headers: Record<string, string>) => {
    const res = await ft.http.get('/__flowtwin/clock').set(headers);
    return res.status === 200 ? (res.body as { tenant?: string }).tenant ?? 'global' : res.status;
  };
  return { ft, tenantOf };
}

describe('control-plane calls with vendor credentials', () => {
  it('act for the tenant that valid credentials name, and globally with none', async () => {
    const { tenantOf } = await withData();
    expect(await tenantOf({})).toBe('global');
    expect(await tenantOf({ 'DD-API-KEY': 'ci-api', 'DD-APPLICATION-KEY': 'ci-app' })).toBe('ci');
    expect(await tenantOf(signedHeaders('get', '/__flowtwin/clock', undefined))).toBe(PROJECT);
    expect(await tenantOf(signedHeaders('get', '/__flowtwin/clock', undefined, { projectId: PROJECT }))).toBe(PROJECT);
  });

  it.each([
    ['one half of a Datadog key pair', { 'DD-API-KEY': 'ci-api' }, /DD-API-KEY and DD-APPLICATION-KEY/],
    ['a Datadog pair that is not configured', { 'DD-API-KEY': 'ci-api', 'DD-APPLICATION-KEY': 'typo' }, /do not name a Datadog org/],
    ['X-Project-Id alone', { 'X-Project-Id': PROJECT }, /needs an X-Auth-Token or an AK\/SK signature/],
    ['a token the fake IAM did not issue', { 'X-Auth-Token': 'made-up', 'X-Project-Id': PROJECT }, /not issued by flowtwin's IAM/],
    ['an access key that is not configured', { Authorization: SIGNED('NOPE0000') }, /access key NOPE0000 is not configured/],
    // Signed for the reset it is sent with: the signature verifies, the project claim does not.
    ['an access key of another project than X-Project-Id', signedHeaders('post', '/__flowtwin/reset', undefined, { projectId: OTHER }), /bound to another project/],
    ['an X-Project-Id that is no project id', { Authorization: SIGNED(AK), 'X-Project-Id': 'huawei-iam' }, /is not a project id/],
    ['an Authorization that is no signature', { Authorization: 'Bearer x' }, /not an SDK-HMAC-SHA256 signature/],
  ])('refuse %s with 401 and change nothing, even on a reset', async (_name, headers, message) => {
    const { ft } = await withData();
    const before = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    const reset = conforms('Reset', await ft.http.post('/__flowtwin/reset').set(headers));
    expect(reset.status).toBe(401);
    expect(reset.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(reset.body.detail).toMatch(message);
    const after = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(after.body).toEqual(before.body);
    expect((await ft.http.post('/__flowtwin/clock/advance').set(headers).send({ ms: 1000 })).status).toBe(401);
    expect((await ft.http.get('/__flowtwin/clock')).body.now).toBe(ft.clock.now());
  });

  it('takes the project of an issued token, and refuses it for another project or once expired', async () => {
    const { ft, tenantOf } = await withData();
    const issued = await ft.http.post('/v3/auth/tokens').send({
      auth: { identity: { methods: ['password'], password: { user: { name: 'alice', password: 'secret', domain: { name: 'd' } } } }, scope: { project: { id: PROJECT } } },
    });
    const token = issued.headers['x-subject-token'] as string;
    expect(await tenantOf({ 'X-Auth-Token': token })).toBe(PROJECT);
    expect(await tenantOf({ 'X-Auth-Token': token, 'X-Project-Id': OTHER })).toBe(401);
    ft.clock.advance(25 * 3600_000);
    expect(await tenantOf({ 'X-Auth-Token': token })).toBe(401);
  });
});
