// Store contention (a compare-and-set lost on every retry: WriteConflict) is temporary, not a bug:
// vendor routes answer their own 503 with Retry-After, the control plane problem+json 503 with
// Retry-After, each is logged once, and nothing changes. The store here loses every update once
// told to; creates and reads still work, so the setup runs normally first.
import { describe, expect, it } from 'vitest';
import { captureLog } from '../support/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { DD_KEYS, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { conforms } from '../admin/control-spec.js';
import { AUTH, BASE, I, REQUEST_ID, withFixtures } from '../vendors/secmaster/support.js';

/** A memory store whose update() reports a lost race (false) while `losing` is set. */
function contendedStore(): { store: Store; contend(on: boolean): void } {
  const inner = new MemoryStore();
  let losing = false;
  const store = new Proxy(inner, {
    get(target, key) {
      if (key === 'update' && losing) return async () => false;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, contend: (on) => void (losing = on) };
}

/** The warnings logged from now on (the setup's requests are info lines). */
const warnings = (log: ReturnType<typeof captureLog>) => log.records('warn').map((r) => r.msg);

describe('a write that loses every compare-and-set', () => {
  it('CancelWorkflowInstance answers Datadog 503 with Retry-After (validated against the spec), logs it, and the run keeps going', async () => {
    const { store, contend } = contendedStore();
    const log = captureLog();
    const ft = await testFlowtwin({ store, logger: log.logger });
    const wf = (
      await ft.http
        .post('/api/v2/workflows')
        .set(DD_KEYS)
        .send(workflowBody({ sleepSeconds: 600 }))
    ).body.data.id as string;
    const run = (await ft.http.post(`/api/v2/workflows/${wf}/instances`).set(DD_KEYS).send({})).body.data.id as string;
    contend(true);
    const res = await ft.http.put(`/api/v2/workflows/${wf}/instances/${run}/cancel`).set(DD_KEYS);
    expect({ status: res.status, type: res.headers['content-type'], retryAfter: res.headers['retry-after'], body: res.body }).toEqual({
      status: 503,
      type: expect.stringMatching(/^application\/json/),
      retryAfter: '1',
      body: { errors: ['Service Unavailable'] },
    });
    expect(warnings(log).filter((m) => m.startsWith('store contention'))).toEqual([
      expect.stringMatching(new RegExp(`store contention in datadog CancelWorkflowInstance: instance ${run} .*should retry`)),
    ]);
    contend(false);
    const get = await ft.http.get(`/api/v2/workflows/${wf}/instances/${run}`).set(DD_KEYS);
    expect(get.body.data.attributes.instanceStatus.detailsKind).toBe('IN_PROGRESS');
    // Temporary indeed: once the race is won, the same call succeeds.
    expect((await ft.http.put(`/api/v2/workflows/${wf}/instances/${run}/cancel`).set(DD_KEYS)).status).toBe(200);
    await ft.close();
  });

  it("SecMaster's operation answers its 503 with X-request-id and Retry-After (validated against the spec), logs it, and the instance stays RUNNING", async () => {
    const { store, contend } = contendedStore();
    const log = captureLog();
    const ft = await withFixtures({ store, logger: log.logger });
    contend(true);
    const res = await ft.http.post(`${BASE}/instances/${I.running}/operation`).set(AUTH).send({ operation: 'TERMINATE' });
    expect({ status: res.status, type: res.headers['content-type'], retryAfter: res.headers['retry-after'], body: res.body }).toEqual({
      status: 503,
      type: expect.stringMatching(/^application\/json/),
      retryAfter: '1',
      body: { code: 'SecMaster.20039999', message: 'Unknown errors' },
    });
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    expect(warnings(log).filter((m) => m.startsWith('store contention'))).toEqual([
      expect.stringMatching(new RegExp(`store contention in secmaster ChangePlaybookInstance: instance ${I.running} `)),
    ]);
    contend(false);
    expect((await ft.http.get(`${BASE}/instances/${I.running}`).set(AUTH)).body.status).toBe('RUNNING');
    await ft.close();
  });

  it('a control change answers problem+json 503 with Retry-After (validated against the control spec), logs it, and the clock stays', async () => {
    const { store, contend } = contendedStore();
    const log = captureLog();
    const ft = await testFlowtwin({ store, logger: log.logger });
    // A first change stores the control state, so the next one is an update (the first is a create).
    expect((await ft.http.post('/__flowtwin/clock/advance').send({ ms: 1000 })).status).toBe(200);
    const before = (await ft.http.get('/__flowtwin/clock')).body.now as number;
    contend(true);
    const res = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').send({ ms: 60_000 }));
    expect({ status: res.status, type: res.headers['content-type'], retryAfter: res.headers['retry-after'] }).toEqual({
      status: 503,
      type: expect.stringMatching(/^application\/problem\+json/),
      retryAfter: '1',
    });
    expect(res.body).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
      detail: expect.stringMatching(/^the control state .* compare-and-set attempts/),
    });
    expect(warnings(log).filter((m) => m.startsWith('store contention'))).toEqual([
      expect.stringMatching(/store contention in the control plane \(POST \/__flowtwin\/clock\/advance\): the control state .*should retry/),
    ]);
    contend(false);
    expect((await ft.http.get('/__flowtwin/clock')).body.now).toBe(before);
    await ft.close();
  });
});
