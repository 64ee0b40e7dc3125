// Finding 4 of issue 17: a control change whose store write failed (503) had already changed the
// replica's live state, so the client's retry applied it twice. The live parts now adopt a change
// only once the store took it.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { StoreUnavailable } from '../../src/store/store.js';
import { DD_KEYS, T0, testFlowtwin } from '../support/flowtwin.js';
import { conforms } from './control-spec.js';

/** A memory store whose next write of the control state throws as an unreachable Redis does. */
function flakyStore() {
  const inner = new MemoryStore();
  const store = Object.create(inner) as MemoryStore & { failNext(): void };
  let fail = false;
  const once = () => {
    if (!fail) return;
    fail = false;
    throw new StoreUnavailable('redis://flaky', new Error('connect ECONNREFUSED'));
  };
  store.failNext = () => void (fail = true);
  store.create = async (record) => (record.kind === 'flowtwin.control' && once(), inner.create(record));
  store.update = async (record, expected) => (record.kind === 'flowtwin.control' && once(), inner.update(record, expected));
  return store;
}

async function flaky() {
  const store = flakyStore();
  const ft = await testFlowtwin({ store });
  /** Everything the control plane reports of its live state. */
  const live = async () => ({
    clock: (await ft.http.get('/__flowtwin/clock')).body,
    tenantClock: (await ft.http.get('/__flowtwin/clock').set(DD_KEYS)).body,
    faults: (await ft.http.get('/__flowtwin/faults')).body,
    scenarios: (await ft.http.get('/__flowtwin/scenarios')).body,
    rateLimits: (await ft.http.get('/__flowtwin/rate-limits')).body,
  });
  return { ...ft, store, live };
}

const unavailable = (res: { status: number; headers: Record<string, string>; body: { detail?: string } }) => {
  expect(res.status).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.detail).toMatch(/the store at redis:\/\/flaky is unavailable/);
};

describe('a control change the store failed to take', () => {
  it('answers 503 and changes no live state: clock, tenant clock, faults, scenarios, rate limits', async () => {
    const ft = await flaky();
    // The first change creates the stored record, later ones update it: fail both kinds of write.
    for (const stored of [false, true]) {
      if (stored) await ft.http.post('/__flowtwin/clock/advance').send({ ms: 1 }).expect(200);
      const before = await ft.live();
      const calls = [
        () => ft.http.post('/__flowtwin/clock/advance').send({ ms: 1000 }),
        () => ft.http.post('/__flowtwin/clock/resume'),
        () => ft.http.post('/__flowtwin/clock/speed').send({ speed: 60 }),
        () => ft.http.post('/__flowtwin/clock/advance').set(DD_KEYS).send({ ms: 1000 }),
        () => ft.http.post('/__flowtwin/faults').send({ vendor: 'datadog', status: 500, times: 2 }),
        () => ft.http.post('/__flowtwin/scenarios').send({ vendor: 'datadog', outcome: 'FAILED' }),
        () => ft.http.put('/__flowtwin/rate-limits').send({ rules: [{ vendor: 'datadog', name: 'all', limit: 1, period: 60 }] }),
      ];
      for (const call of calls) {
        ft.store.failNext();
        unavailable(await call());
        expect(await ft.live()).toEqual(before);
      }
    }
  });

  it('applies a retried change once: advance 1000, a failed advance 1000, its retry: +2000', async () => {
    const ft = await flaky();
    conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').send({ ms: 1000 }).expect(200));
    ft.store.failNext();
    unavailable(conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').send({ ms: 1000 })));
    const retried = conforms('AdvanceClock', await ft.http.post('/__flowtwin/clock/advance').send({ ms: 1000 }).expect(200));
    expect(retried.body.now).toBe(T0 + 2000);
    await ft.control.refresh();
    expect(ft.clocks.now()).toBe(T0 + 2000);
  });

  it('gives a retried fault rule the id it would have had, and does not count a hit whose write failed', async () => {
    const ft = await flaky();
    ft.store.failNext();
    unavailable(await ft.http.post('/__flowtwin/faults').send({ vendor: 'datadog', operation: 'ListWorkflows', status: 500, times: 2 }));
    const rule = conforms('AddFault', await ft.http.post('/__flowtwin/faults').send({ vendor: 'datadog', operation: 'ListWorkflows', status: 500, times: 2 }).expect(201));
    expect(rule.body).toMatchObject({ id: 'fault-1', hits: 0 });
    // The hit is a change of the control state too: its write fails, the request gets the vendor's 503.
    ft.store.failNext();
    const failed = await ft.http.get('/api/v2/workflows').set(DD_KEYS);
    expect(failed.status).toBe(503);
    expect(conforms('ListFaults', await ft.http.get('/__flowtwin/faults')).body.faults).toEqual([expect.objectContaining({ id: 'fault-1', hits: 0 })]);
    // Still good for exactly two: `times` is not used up by the hit that was never stored.
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).status).toBe(500);
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).status).toBe(500);
    expect((await ft.http.get('/api/v2/workflows').set(DD_KEYS)).status).toBe(200);
  });
});
