// --cors: a browser app on another origin calls the vendor APIs; its preflights are answered and
// the answers are readable, for the origins allowed only, and never on the control plane.
import { describe, expect, it } from 'vitest';
import { DD_KEYS, testFlowtwin } from '../support/flowtwin.js';

const APP = 'http://localhost:5173';
const preflight = { Origin: APP, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'dd-api-key,dd-application-key,content-type' };

describe('CORS on vendor routes', () => {
  it('answers a preflight for any origin with --cors, and marks answers readable with the vendor headers exposed', async () => {
    const ft = await testFlowtwin({ cors: true });
    const pre = await ft.http.options('/api/v2/workflows').set(preflight);
    expect(pre.status).toBe(204);
    expect(pre.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-headers': 'dd-api-key,dd-application-key,content-type',
      'access-control-max-age': '600',
    });
    expect(pre.headers['access-control-allow-methods']).toContain('POST');
    const list = await ft.http.get('/api/v2/workflows').set(DD_KEYS).set('Origin', APP);
    expect(list.status).toBe(200);
    expect(list.headers['access-control-allow-origin']).toBe(APP);
    expect(list.headers['access-control-expose-headers']).toContain('X-RateLimit-Remaining');
    // SecMaster too: every vendor prefix.
    const sm = await ft.http.options('/v1/0123456789abcdef0123456789abcdef/workspaces/w/soc/playbooks/instances').set(preflight);
    expect([sm.status, sm.headers['access-control-allow-origin']]).toEqual([204, APP]);
  });

  it('allows only the listed origins', async () => {
    const ft = await testFlowtwin({ cors: ['https://app.example'] });
    const other = await ft.http.options('/api/v2/workflows').set(preflight);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const listed = await ft.http.options('/api/v2/workflows').set({ ...preflight, Origin: 'https://app.example' });
    expect(listed.headers['access-control-allow-origin']).toBe('https://app.example');
  });

  it('leaves the control plane same-origin, and without --cors an OPTIONS stays the vendor’s 405', async () => {
    const withCors = await testFlowtwin({ cors: true });
    const control = await withCors.http.options('/__flowtwin/clock').set(preflight);
    expect(control.headers['access-control-allow-origin']).toBeUndefined();
    const without = await testFlowtwin();
    const res = await without.http.options('/api/v2/workflows').set(preflight);
    expect(res.status).toBe(405);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.allow).toBe('GET, POST');
  });
});
