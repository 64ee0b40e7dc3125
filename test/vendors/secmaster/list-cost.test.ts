// ListPlaybookInstances reads what its page needs, not the whole workspace: after the first list of a
// workspace (which indexes what was written behind the engine's back), a page of the common queries
// reads a page's worth of instances from the store, however many the workspace holds.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/store/memory.js';
import type { Store } from '../../../src/store/store.js';
import { INSTANCE_KIND } from '../../../src/vendors/secmaster/model.js';
import { T0 } from '../../support/flowtwin.js';
import { AUTH, BASE, HOUR, I, PROJECT, WS, list, ts, withFixtures } from './support.js';

/** A memory store that counts the instance records it hands out. */
function countingStore() {
  const store = new MemoryStore();
  const read = { instances: 0 };
  const counted = <F extends (...args: never[]) => Promise<unknown>>(f: F, size: (r: Awaited<ReturnType<F>>) => number, kindOf: (...args: Parameters<F>) => string) =>
    (async (...args: Parameters<F>) => {
      const result = (await f.apply(store, args)) as Awaited<ReturnType<F>>;
      if (kindOf(...args) === INSTANCE_KIND) read.instances += size(result);
      return result;
    }) as unknown as F;
  store.get = counted(store.get, (r) => (r ? 1 : 0), (kind) => kind);
  store.getMany = counted(store.getMany, (r) => r.filter(Boolean).length, (kind) => kind);
  store.list = counted(store.list, (r) => r.items.length, (q) => q.kind);
  store.scan = counted(store.scan, (r) => r.length, (kind) => kind);
  return { store: store as Store, read };
}

describe('SecMaster ListPlaybookInstances reads a page, not the workspace', () => {
  it('for a status, the start of the list, a start date range, and few matches among many', async () => {
    const { store, read } = countingStore();
    const ft = await withFixtures({ store });
    const template = (await store.get(INSTANCE_KIND, PROJECT, I.finished))!;
    for (let i = 0; i < 5000; i++) {
      await store.create({ ...template, id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`, createdAt: T0 - 5000 + i, version: 1 });
    }
    // The first list indexes the instances written behind the engine's back: it reads them all, once.
    expect((await list(ft, { limit: 1 })).body.count).toBe(5006);
    const cost = async (query: Record<string, string | number>) => {
      read.instances = 0;
      const res = await list(ft, query);
      expect(res.status).toBe(200);
      return { count: res.body.count as number, page: res.body.instances.length as number, read: read.instances };
    };
    // The copies started in the last 5 s and run for 37 s: all of them are running.
    const running = await cost({ status: 'RUNNING', limit: 10 });
    expect(running).toMatchObject({ count: 5002, page: 10 });
    expect(running.read).toBeLessThanOrEqual(16);
    expect(await cost({ limit: 20, offset: 100 })).toEqual({ count: 5006, page: 20, read: 20 });
    expect(await cost({ from_date: ts(-4000), to_date: ts(-3001), limit: 10 })).toEqual({ count: 1000, page: 10, read: 10 });
    // An hour on, only the fixtures' hanging and running ones still run, the oldest of all.
    ft.clock.advance(HOUR);
    expect(await cost({ status: 'RUNNING' })).toMatchObject({ count: 2, page: 2 });
    expect((await cost({ status: 'RUNNING' })).read).toBeLessThanOrEqual(4);
    expect((await cost({ status: 'FAILED' })).read).toBeLessThanOrEqual(2);
    expect((await cost({ status: 'FINISHED', limit: 10, offset: 30 })).read).toBeLessThanOrEqual(45);
    // Text filters have nothing to narrow the read with: they look at every instance.
    expect((await cost({ name: 'brute', limit: 10 })).read).toBeGreaterThanOrEqual(5006);
    // A run started now is listed first at once.
    const started = await ft.http.post('/__flowtwin/secmaster/trigger').send({ project_id: PROJECT, workspace_id: WS });
    expect((await list(ft, { limit: 1 })).body.instances[0].id).toBe(started.body.id);
    expect((await ft.http.get(`${BASE}/instances`).set(AUTH).query({ limit: 1, offset: 0, status: 'RUNNING' })).body.instances[0].id).toBe(started.body.id);
  });
});
