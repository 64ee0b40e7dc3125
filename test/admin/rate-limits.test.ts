import { ClientRequestException } from '@huaweicloud/huaweicloud-sdk-core/exception/ClientRequestException.js';
import { ExceptionUtil } from '@huaweicloud/huaweicloud-sdk-core/exception/ExceptionUtil.js';
import { describe, expect, it } from 'vitest';
import { DD_KEYS, DD_OTHER_ORG, T0, testFlowtwin } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';
import { createFlowtwin } from '../../src/http/app.js';

const RULE = { vendor: 'datadog', name: 'workflows_list', limit: 2, period: 60, operations: ['ListWorkflows'] };

describe('control plane: rate limits', () => {
  it('are off by default: no X-RateLimit headers', async () => {
    const ft = await testFlowtwin();
    const res = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    expect(conforms('GetRateLimits', await ft.http.get('/__flowtwin/rate-limits')).body).toEqual({ rules: [] });
  });

  it('count per tenant and group, send Datadog headers on every response, and 429 when exhausted until the period resets', async () => {
    const ft = await testFlowtwin();
    expect(conforms('SetRateLimits', await ft.http.put('/__flowtwin/rate-limits').send({ rules: [RULE] })).body).toEqual({ rules: [RULE] });
    const first = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    // T0 is 10:00:00 UTC, so the 60 s period has 60 s left.
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-period': '60', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '60', 'x-ratelimit-name': 'workflows_list' });
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).headers['x-ratelimit-remaining']).toBe('0');
    const limited = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ errors: ['Too many requests'] });
    expect(limited.headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '60', 'x-ratelimit-name': 'workflows_list' });
    // Another org and another group are not affected.
    expect((await ft.http.get('/api/v2/workflows').set(DD_OTHER_ORG)).status).toBe(200);
    expect((await ft.http.get('/api/v2/workflows/bad-format').set(DD_KEYS)).headers['x-ratelimit-limit']).toBeUndefined();
    ft.clock.advance(60_000);
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).status).toBe(200);
    expect(ft.clock.now()).toBe(T0 + 60_000);
  });

  it('answers SecMaster over its limit with the gateway throttling error', async () => {
    const ft = await testFlowtwin();
    await ft.http.put('/__flowtwin/rate-limits').send({ rules: [{ vendor: 'secmaster', name: 'all', limit: 0, period: 1 }] }).expect(200);
    const res = await ft.http.get('/v1/0123456789abcdef0123456789abcdef/workspaces/7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b/soc/playbooks/instances?limit=1&offset=0').set('X-Auth-Token', 't');
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ error_code: 'APIGW.0308' });
  });

  it("states the SecMaster rule that throttled, its period in the gateway's words, as the SDK core raises it (HW-ASSUME-17)", async () => {
    const ft = await testFlowtwin();
    const path = '/v1/0123456789abcdef0123456789abcdef/workspaces/7a3f1c2e-5b4d-4e6f-8a9b-0c1d2e3f4a5b/soc/playbooks/instances?limit=1&offset=0';
    const throttled = async (limit: number, period: number) => {
      await ft.http.put('/__flowtwin/rate-limits').send({ rules: [{ vendor: 'secmaster', name: 'all', limit, period }] }).expect(200);
      for (let i = 0; i < limit; i++) expect((await ft.http.get(path).set('X-Auth-Token', 't')).status).toBe(200);
      const res = await ft.http.get(path).set('X-Auth-Token', 't');
      expect(res.status).toBe(429);
      const err = ExceptionUtil.generalException({ status: res.status, data: res.body, requestId: res.headers['x-request-id'] }) as ClientRequestException;
      expect(err).toBeInstanceOf(ClientRequestException);
      expect(err.errorCode).toBe('APIGW.0308');
      expect(err.requestId).toBe(res.headers['x-request-id']);
      return err.errorMsg;
    };
    const policy = 'The throttling threshold has been reached: policy user over ratelimit';
    expect(await throttled(2, 60)).toBe(`${policy},limit:2,time:1 minute`);
    expect(await throttled(0, 5)).toBe(`${policy},limit:0,time:5 second`);
    expect(await throttled(1, 90)).toBe(`${policy},limit:1,time:90 second`);
    expect(await throttled(0, 7200)).toBe(`${policy},limit:0,time:2 hour`);
    expect(await throttled(0, 86_400)).toBe(`${policy},limit:0,time:1 day`);
    // An injected 429 has no rule: the gateway's common default.
    await ft.http.put('/__flowtwin/rate-limits').send({ rules: [] }).expect(200);
    await ft.http.post('/__flowtwin/faults').send({ vendor: 'secmaster', status: 429, times: 1 }).expect(201);
    expect((await ft.http.get(path).set('X-Auth-Token', 't')).body.error_msg).toBe(`${policy},limit:100,time:1 minute`);
  });

  it('turn off with an empty list, come back from the start options after a reset, and refuse bad rules', async () => {
    const ft = await testFlowtwin({ rateLimits: [RULE] });
    conforms('SetRateLimits', await ft.http.put('/__flowtwin/rate-limits').send({ rules: [] }));
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).headers['x-ratelimit-limit']).toBeUndefined();
    await ft.http.post('/__flowtwin/reset');
    expect(conforms('GetRateLimits', await ft.http.get('/__flowtwin/rate-limits')).body.rules).toEqual([RULE]);
    for (const [body, detail] of [
      [{}, /body must be \{"rules"/],
      [{ rules: [{ ...RULE, vendor: 'aws' }] }, /vendor must be one of/],
      [{ rules: [{ ...RULE, limit: -1 }] }, /limit must be an integer/],
      [{ rules: [{ ...RULE, period: 0 }] }, /period must be an integer/],
      [{ rules: [{ ...RULE, operations: ['Nope'] }] }, /operations must list operationIds/],
      [{ rules: [RULE, RULE] }, /unique/],
      [{ rules: [{ ...RULE, burst: 5 }] }, /unknown field burst/],
    ] as const) {
      const res = conforms('SetRateLimits', await ft.http.put('/__flowtwin/rate-limits').send(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail).toMatch(detail);
    }
    expect((await ft.http.get('/__flowtwin/rate-limits')).body.rules).toEqual([RULE]);
  });

  it('refuses bad rules given at start (config) with the same message, instead of starting without them', async () => {
    // The shape is the config schema's check (the control spec's RateLimitRule); uniqueness is the limiter's.
    await expect(createFlowtwin({ rateLimits: [{ ...RULE, limit: -1 }] })).rejects.toThrow('flowtwin options (vendors, rateLimits): /rateLimits/0/limit must be >= 0');
    await expect(createFlowtwin({ rateLimits: [RULE, RULE] })).rejects.toThrow(/rule names must be unique per vendor/);
  });
});
