// With Huawei credentials configured, a control call signed with AK/SK acts for the key's project
// only if the signature verifies as the gateway would verify it: an access key is no secret, so a
// made-up, stale, replayed or altered signature is refused (401 problem+json) and changes nothing.
import { describe, expect, it } from 'vitest';
import type { FlowtwinOptions } from '../../src/http/app.js';
import { testFlowtwin } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';
import { AK, sdkDate, signedHeaders, SK, type SignOptions } from './signed.js';

const PROJECT = '0123456789abcdef0123456789abcdef';
const WS = '7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b';
const CONFIGURED: FlowtwinOptions = { vendors: { secmaster: { auth: { credentials: [{ ak: AK, sk: SK, project_id: PROJECT }] } } } };

async function withRun(options: FlowtwinOptions = CONFIGURED) {
  const ft = await testFlowtwin(options);
  expect((await ft.http.post('/__flowtwin/secmaster/trigger').send({ project_id: PROJECT, workspace_id: WS })).status).toBe(201);
  const runs = async () => (await ft.http.get('/__flowtwin/instances?vendor=secmaster')).body.instances.length as number;
  /** Sends `method target` with `body`, signed for `signedAs` (by default the same request). */
  const send = (method: 'get' | 'post', target: string, body: unknown, o: SignOptions & { signedAs?: [string, string, unknown] } = {}) => {
    const [sMethod, sTarget, sBody] = o.signedAs ?? [method, target, body];
    const req = ft.http[method](target).set(signedHeaders(sMethod, sTarget, sBody, o));
    return body === undefined ? req : req.send(JSON.stringify(body));
  };
  return { ft, runs, send };
}

describe('control calls signed with AK/SK, credentials configured', () => {
  it('act for the key\'s project when the signature verifies: path, query and body included', async () => {
    const { ft, send } = await withRun();
    const clock = conforms('GetClock', await send('get', '/__flowtwin/clock', undefined));
    expect(clock.status).toBe(200);
    expect(clock.body.tenant).toBe(PROJECT);
    const advanced = conforms('AdvanceClock', await send('post', '/__flowtwin/clock/advance', { ms: 1000 }, { projectId: PROJECT }));
    expect(advanced.status).toBe(200);
    expect(advanced.body).toMatchObject({ tenant: PROJECT, own: true });
    expect(conforms('ListJournal', await send('get', '/__flowtwin/journal?operation=ListPlaybooks&vendor=secmaster', undefined)).status).toBe(200);
    expect(conforms('Reset', await send('post', '/__flowtwin/reset', undefined)).body.status).toBe('reset');
    expect((await ft.http.get('/__flowtwin/instances?vendor=secmaster')).body.instances).toEqual([]);
  });

  it.each([
    ['made up (no X-Sdk-Date, a signature of zeros)', { headers: { Authorization: `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;x-sdk-date, Signature=${'0'.repeat(64)}` } }, /x-sdk-date is missing/],
    ['made with another secret key', { sk: 'not-the-secret-key' }, /not this request's/],
    ['of another request (the clock, replayed on reset)', { signedAs: ['get', '/__flowtwin/clock', undefined] }, /not this request's/],
    ['of another body', { signedAs: ['post', '/__flowtwin/reset', { seed: false }] }, /not this request's/],
    ['of another query', { target: '/__flowtwin/reset?x=2', signedAs: ['post', '/__flowtwin/reset?x=1', undefined] }, /not this request's/],
    ['dated 16 minutes ago', { date: sdkDate(-16 * 60_000) }, /more than 15 minutes away/],
  ] as const)('refuse a signature %s with 401 problem+json, and reset nothing', async (_name, o, message) => {
    const { ft, runs, send } = await withRun();
    const options = o as SignOptions & { headers?: Record<string, string>; target?: string; signedAs?: [string, string, unknown] };
    const target = options.target ?? '/__flowtwin/reset';
    const res = conforms('Reset', options.headers ? await ft.http.post(target).set(options.headers) : await send('post', target, undefined, options));
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/AK\/SK signature does not verify/);
    expect(res.body.detail).toMatch(message);
    expect(await runs()).toBe(1);
    const advance = await send('post', '/__flowtwin/clock/advance', { ms: 5000 }, { sk: 'not-the-secret-key' });
    expect(conforms('AdvanceClock', advance).status).toBe(401);
    expect((await ft.http.get('/__flowtwin/clock')).body.now).toBe(ft.clock.now());
    expect((await ft.http.get('/__flowtwin/clock').set({ 'X-Auth-Token': 'x' })).status).toBe(401);
  });

  it('without credentials configured, a well-formed signature still names its X-Project-Id (local development)', async () => {
    const { ft } = await withRun({ vendors: { secmaster: { auth: {} } } });
    const clock = await ft.http.get('/__flowtwin/clock').set(signedHeaders('get', '/__flowtwin/clock', undefined, { sk: 'anything', projectId: PROJECT }));
    expect(conforms('GetClock', clock).body.tenant).toBe(PROJECT);
  });
});
