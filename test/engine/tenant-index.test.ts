// The tenants with instances of a kind, kept in the store: two processes on one store index a
// tenant once, a store failure is not swallowed, and a reset is followed by a fresh entry.
import { describe, expect, it } from 'vitest';
import { TenantIndex } from '../../src/engine/tenant-index.js';
import { MemoryStore } from '../../src/store/memory.js';

describe('TenantIndex', () => {
  it('lists each tenant once per kind, whichever process indexed it first', async () => {
    const store = new MemoryStore();
    const [a, b] = [new TenantIndex(store), new TenantIndex(store)];
    await a.add('dd', 't1');
    await b.add('dd', 't1');
    await a.add('dd', 't1');
    await b.add('sm', 't1');
    await b.add('dd', 't2');
    expect((await a.tenants('dd')).sort()).toEqual(['t1', 't2']);
    expect(await a.tenants('sm')).toEqual(['t1']);
  });

  it('passes on a store failure other than a duplicate, and retries the tenant next time', async () => {
    const store = new MemoryStore();
    const index = new TenantIndex(store);
    const create = store.create.bind(store);
    store.create = async () => {
      throw new Error('store down');
    };
    await expect(index.add('dd', 't1')).rejects.toThrow('store down');
    store.create = create;
    await index.add('dd', 't1');
    expect(await index.tenants('dd')).toEqual(['t1']);
  });

  it('writes the entry again after the store was emptied and the index told so', async () => {
    const store = new MemoryStore();
    const index = new TenantIndex(store);
    await index.add('dd', 't1');
    await store.reset();
    await index.add('dd', 't1');
    expect(await index.tenants('dd')).toEqual([]);
    await index.cleared();
    await index.add('dd', 't1');
    expect(await index.tenants('dd')).toEqual(['t1']);
  });
});
