// One suite every Store backend must pass. A backend file calls runStoreConformance with a
// factory; a skip, if ever needed, must carry its reason in the test name.
import { describe, expect, it } from 'vitest';
import { DuplicateRecordError, type Store, type StoredRecord } from '../../src/store/store.js';

const rec = (id: string, extra: Partial<StoredRecord> = {}): StoredRecord => ({
  kind: 'test.thing',
  tenant: 't1',
  id,
  createdAt: 1,
  version: 1,
  data: { id },
  ...extra,
});

export function runStoreConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} store conformance`, () => {
    it('returns what was created, at version 1', async () => {
      const store = await makeStore();
      await store.create(rec('a', { version: 7 }));
      expect(await store.get('test.thing', 't1', 'a')).toMatchObject({ id: 'a', version: 1, data: { id: 'a' } });
    });

    it('refuses to create an id twice', async () => {
      const store = await makeStore();
      await store.create(rec('a'));
      await expect(store.create(rec('a'))).rejects.toBeInstanceOf(DuplicateRecordError);
    });

    it('applies an update only at the expected version', async () => {
      const store = await makeStore();
      await store.create(rec('a'));
      expect(await store.update({ ...rec('a'), data: { n: 1 } }, 1)).toBe(true);
      expect(await store.update({ ...rec('a'), data: { n: 2 } }, 1)).toBe(false);
      expect(await store.get('test.thing', 't1', 'a')).toMatchObject({ version: 2, data: { n: 1 } });
    });

    it('lets exactly one of many concurrent updates at one version win', async () => {
      const store = await makeStore();
      await store.create(rec('a'));
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.update({ ...rec('a'), data: { n: i } }, 1)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('keeps tenants apart', async () => {
      const store = await makeStore();
      await store.create(rec('a'));
      expect(await store.get('test.thing', 't2', 'a')).toBeUndefined();
      expect((await store.list({ kind: 'test.thing', tenant: 't2', offset: 0, limit: 10 })).total).toBe(0);
    });

    it('lists a parent’s children newest first, one page at a time, with the total', async () => {
      const store = await makeStore();
      for (let i = 0; i < 5; i++) await store.create(rec(`c${i}`, { parentId: 'p', createdAt: i }));
      await store.create(rec('other', { parentId: 'q' }));
      const page = await store.list({ kind: 'test.thing', tenant: 't1', parentId: 'p', offset: 1, limit: 2 });
      expect(page.total).toBe(5);
      expect(page.items.map((r) => r.id)).toEqual(['c3', 'c2']);
      expect((await store.scan('test.thing', 't1', 'p')).map((r) => r.id)).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
    });

    it('deletes a record and drops it from its parent’s list', async () => {
      const store = await makeStore();
      await store.create(rec('a', { parentId: 'p' }));
      expect(await store.delete('test.thing', 't1', 'a')).toBe(true);
      expect(await store.delete('test.thing', 't1', 'a')).toBe(false);
      expect((await store.list({ kind: 'test.thing', tenant: 't1', parentId: 'p', offset: 0, limit: 10 })).total).toBe(0);
    });

    it('resets one tenant without touching another, or everything', async () => {
      const store = await makeStore();
      await store.create(rec('a'));
      await store.create(rec('b', { tenant: 't2' }));
      await store.reset('t1');
      expect(await store.get('test.thing', 't1', 'a')).toBeUndefined();
      expect(await store.get('test.thing', 't2', 'b')).toBeDefined();
      await store.reset();
      expect(await store.get('test.thing', 't2', 'b')).toBeUndefined();
    });
  });
}
