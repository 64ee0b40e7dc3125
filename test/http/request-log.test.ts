// What the log says about requests: one line per vendor request with what an operator filters on,
// control calls at debug, and every failure a client saw as a 500 with its stack.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { DD_KEYS, testFlowtwin, workflowBody } from '../support/flowtwin.js';
import { captureLog } from '../support/log.js';

/** A memory store that throws a plain error (a bug, not contention) from every call while broken. */
function breakableStore(): { store: Store; breakIt(on: boolean): void } {
  const inner = new MemoryStore();
  let broken = false;
  const store = new Proxy(inner, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => unknown).bind(target);
      return broken && !['now', 'close'].includes(String(key)) ? () => Promise.reject(new Error('disk on fire')) : fn;
    },
  });
  return { store, breakIt: (on) => void (broken = on) };
}

describe('request log', () => {
  it('writes one info line per vendor request: method, path, operation, tenant, status, duration', async () => {
    const log = captureLog();
    const ft = await testFlowtwin({ logger: log.logger });
    const wf = (await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody())).body.data.id as string;
    await ft.http.get(`/api/v2/workflows/${wf}`);
    await ft.http.get(`/api/v2/workflows/${wf}/instances/00000000-0000-4000-8000-00000000ffff`).set(DD_KEYS);
    const lines = log.records().filter((r) => r.vendor === 'datadog');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'POST /api/v2/workflows 201',
        operation: 'CreateWorkflow',
        method: 'POST',
        status: 201,
        tenant: expect.any(String),
      }),
      // No credentials, no tenant: the line says so by leaving it out.
      expect.objectContaining({
        level: 30,
        msg: `GET /api/v2/workflows/${wf} 403`,
        operation: 'GetWorkflow',
        status: 403,
      }),
      expect.objectContaining({
        level: 30,
        operation: 'GetWorkflowInstance',
        path: `/api/v2/workflows/${wf}/instances/00000000-0000-4000-8000-00000000ffff`,
        status: 404,
      }),
    ]);
    expect(lines[1]).not.toHaveProperty('tenant');
    // A path the vendor does not have is a line too, without an operation.
    await ft.http.get('/api/v2/workflow').set(DD_KEYS);
    expect(log.records().at(-1)).toMatchObject({
      level: 30,
      vendor: 'datadog',
      msg: 'GET /api/v2/workflow 404',
      status: 404,
    });
    expect(log.records().at(-1)).not.toHaveProperty('operation');
    for (const line of lines) expect(line.durationMs).toEqual(expect.any(Number));
    // No key material in the log.
    expect(JSON.stringify(log.records())).not.toContain(DD_KEYS['DD-API-KEY']);
  });

  it('logs a failure answered 500 at error with its stack, on a vendor route and on the control plane', async () => {
    const log = captureLog();
    const { store, breakIt } = breakableStore();
    // A 500 from GetWorkflow is off its spec by nature (flowtwin failed, not Datadog): not a violation to fail on here.
    const ft = await testFlowtwin({ store, logger: log.logger, onResponseViolation: () => undefined });
    const wf = (await ft.http.post('/api/v2/workflows').set(DD_KEYS).send(workflowBody())).body.data.id as string;
    breakIt(true);
    const vendor = await ft.http.get(`/api/v2/workflows/${wf}`).set(DD_KEYS);
    const control = await ft.http.get('/__flowtwin/journal');
    breakIt(false);
    expect([vendor.status, control.status]).toEqual([500, 500]);
    const errors = log.records('error');
    expect(errors).toEqual([
      expect.objectContaining({
        msg: 'datadog GetWorkflow failed',
        operation: 'GetWorkflow',
        err: expect.objectContaining({ message: 'disk on fire' }),
      }),
      // The journal could not keep that request either: said, not swallowed.
      expect.objectContaining({ msg: 'journal write failed: disk on fire' }),
      expect.objectContaining({
        msg: 'control call GET /__flowtwin/journal failed',
        err: expect.objectContaining({ message: 'disk on fire' }),
      }),
    ]);
    for (const e of errors) expect((e.err as { stack: string }).stack).toMatch(/^Error: disk on fire\n\s+at /);
    // The request line of the 500 is a warning, as every 5xx is.
    expect(log.records('warn').find((r) => r.operation === 'GetWorkflow' && r.status === 500)).toMatchObject({
      level: 40,
    });
  });

  it('logs control calls at debug, so the default info level shows only vendor traffic', async () => {
    const log = captureLog();
    const ft = await testFlowtwin({ logger: log.logger });
    await ft.http.post('/__flowtwin/clock/advance').send({ ms: 1000 });
    await ft.http.post('/__flowtwin/clock/advance').send({ ms: -1 });
    expect(log.records().filter((r) => String(r.path).startsWith('/__flowtwin'))).toEqual([
      expect.objectContaining({ level: 20, msg: 'POST /__flowtwin/clock/advance 200', status: 200 }),
      expect.objectContaining({ level: 20, msg: 'POST /__flowtwin/clock/advance 400', status: 400 }),
    ]);
  });
});
