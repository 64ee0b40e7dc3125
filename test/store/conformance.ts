// One suite every Store backend must pass. A backend file calls runStoreConformance with a
// factory; a skip, if ever needed, must carry its reason in the test name.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DuplicateRecordError, type IndexChange, type Store, type StoredRecord, type StoreInfo } from '../../src/store/store.js';
import { runAtomicConformance } from './conformance-atomic.js';
import { runPeerConformance } from './conformance-peer.js';

const rec = (id: string, extra: Partial<StoredRecord> = {}): StoredRecord => ({
  kind: 'test.thing',
  tenant: 't1',
  id,
  createdAt: 1,
  version: 1,
  data: { id },
  ...extra,
});

export interface ConformanceOptions {
  /** What the backend's info must say; location and fresh are checked by the suite itself. */
  info: Pick<StoreInfo, 'kind' | 'durable' | 'shared'>;
  /** A second store object over the same data as `store`, for backends that can share it. */
  makePeer?: (store: Store) => Promise<Store>;
}

/** Collects a channel's messages; `got` is checked with vi.waitFor since a shared store delivers later. */
export function inbox(): { got: string[]; listener: (message: string) => void } {
  const got: string[] = [];
  return { got, listener: (message) => void got.push(message) };
}

export function runStoreConformance(name: string, openStore: () => Promise<Store>, options: ConformanceOptions): void {
  describe(`${name} store conformance`, () => {
    const opened: Store[] = [];
    const makeStore = async () => {
      const store = await openStore();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('returns what was created, at version 1', async () => {
      const store = await makeStore();
      await store.create(rec('a', { version: 7 }));
      expect(await store.get('test.thing', 't1', 'a')).toMatchObject({ id: 'a', version: 1, data: { id: 'a' } });
      // A record without a parent has no parentId at all (not null, not undefined): JSON answers built from it stay as they were.
      expect(await store.get('test.thing', 't1', 'a')).not.toHaveProperty('parentId');
      expect((await store.list({ kind: 'test.thing', tenant: 't1', offset: 0, limit: 1 })).items[0]).not.toHaveProperty('parentId');
    });

    it('reads several records at once, in the order asked, as get reads each', async () => {
      const store = await makeStore();
      await store.create(rec('a', { parentId: 'p' }));
      await store.create(rec('b', { data: { n: 2 } }));
      await store.create(rec('c', { tenant: 't2' }));
      const [b, missing, a, again, other] = await store.getMany<{ id?: string; n?: number }>('test.thing', 't1', ['b', 'none', 'a', 'b', 'c']);
      expect([b?.id, missing, a?.id, again?.id, other]).toEqual(['b', undefined, 'a', 'b', undefined]);
      expect(a).toEqual(await store.get('test.thing', 't1', 'a'));
      expect(b).toEqual(await store.get('test.thing', 't1', 'b'));
      expect(await store.getMany('test.thing', 't1', [])).toEqual([]);
      expect(await store.getMany('test.thing', 't2', ['c'])).toEqual([await store.get('test.thing', 't2', 'c')]);
      expect(await store.update(rec('a', { data: { n: 9 } }), 1)).toBe(true);
      expect((await store.getMany('test.thing', 't1', ['a', 'b']))[0]).toMatchObject({ version: 2, data: { n: 9 }, parentId: 'p' });
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

    it('numbers records in creation order, the number every read gives and lists follow, kept by updates', async () => {
      const store = await makeStore();
      const seqs = [];
      // Created oldest-last on purpose: the number follows creation, not createdAt.
      for (let i = 0; i < 4; i++) seqs.push(await store.create(rec(`s${i}`, { parentId: 'p', createdAt: 10 - i })));
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(4);
      expect(await store.update(rec('s1', { parentId: 'p', data: { n: 1 } }), 1)).toBe(true);
      expect((await store.get('test.thing', 't1', 's1'))?.seq).toBe(seqs[1]);
      expect((await store.list({ kind: 'test.thing', tenant: 't1', parentId: 'p', offset: 1, limit: 2 })).items.map((r) => r.seq)).toEqual([seqs[2], seqs[1]]);
      expect((await store.scan('test.thing', 't1')).map((r) => r.seq)).toEqual([...seqs].reverse());
      // A record given with a seq of its own (a copy of one read) is numbered anew.
      const copy = { ...(await store.get('test.thing', 't1', 's0'))!, id: 'copy' };
      const again = await store.create(copy);
      expect(again).toBeGreaterThan(seqs[3]!);
      expect((await store.get('test.thing', 't1', 'copy'))?.seq).toBe(again);
    });

    it('deletes a record and drops it from its parent’s list', async () => {
      const store = await makeStore();
      await store.create(rec('a', { parentId: 'p' }));
      await store.create(rec('b', { parentId: 'p' }));
      expect(await store.delete('test.thing', 't1', 'a')).toBe(true);
      expect(await store.delete('test.thing', 't1', 'a')).toBe(false);
      // The sibling stays, in the parent's list and its scan.
      const page = await store.list({ kind: 'test.thing', tenant: 't1', parentId: 'p', offset: 0, limit: 10 });
      expect([page.total, page.items.map((r) => r.id)]).toEqual([1, ['b']]);
      expect((await store.scan('test.thing', 't1', 'p')).map((r) => r.id)).toEqual(['b']);
      expect(await store.delete('test.thing', 't1', 'b')).toBe(true);
      expect((await store.list({ kind: 'test.thing', tenant: 't1', parentId: 'p', offset: 0, limit: 10 })).total).toBe(0);
      expect(await store.scan('test.thing', 'no-such-tenant')).toEqual([]);
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

    it('keeps arbitrary tenant, kind, id and parent strings apart, glob and separator characters included', async () => {
      const store = await makeStore();
      const tenants = ['*', 'a', 'a:b', '[a]', 'ä', ''];
      for (const tenant of tenants) await store.create(rec('x:y', { tenant, parentId: 'p:q', data: tenant }));
      await store.create(rec('x', { kind: 'test.thing:y', data: 'kind with a colon' }));
      await store.create(rec('y:x', { data: 'id with a colon' }));
      for (const tenant of tenants) expect((await store.get('test.thing', tenant, 'x:y'))?.data).toBe(tenant);
      expect((await store.get('test.thing:y', 't1', 'x'))?.data).toBe('kind with a colon');
      expect((await store.get('test.thing', 't1', 'y:x'))?.data).toBe('id with a colon');
      expect((await store.list({ kind: 'test.thing', tenant: 'a', parentId: 'p', offset: 0, limit: 9 })).total).toBe(0);
      await store.reset('*');
      await store.reset('a');
      expect(await store.get('test.thing', '*', 'x:y')).toBeUndefined();
      expect(await store.get('test.thing', 'a', 'x:y')).toBeUndefined();
      for (const tenant of ['a:b', '[a]', 'ä', '']) expect((await store.scan('test.thing', tenant, 'p:q')).map((r) => r.data)).toEqual([tenant]);
    });

    it('lists and scans each record exactly as get reads it, version, parent and number included', async () => {
      const store = await makeStore();
      await store.create(rec('a', { parentId: 'p', data: { n: 1 } }));
      await store.create(rec('b', { createdAt: 5 }));
      expect(await store.update(rec('a', { data: { n: 2 } }), 1)).toBe(true);
      const [a, b] = [await store.get('test.thing', 't1', 'a'), await store.get('test.thing', 't1', 'b')];
      expect(a).toMatchObject({ version: 2, parentId: 'p', data: { n: 2 } });
      expect((await store.list({ kind: 'test.thing', tenant: 't1', offset: 0, limit: 5 })).items).toEqual([b, a]);
      expect(await store.scan('test.thing', 't1', 'p')).toEqual([a]);
    });

    it('keeps a tenant apart whose name spells another tenant’s kind and id', async () => {
      const store = await makeStore();
      // With names joined by ":" unescaped, tenant "x:r:k"'s own keys would be tenant "x"'s record k/keys.
      await store.create(rec('keys', { kind: 'k', tenant: 'x', data: 'in x' }));
      await store.create(rec('a', { kind: 'k', tenant: 'x:r:k', data: 'in x:r:k' }));
      expect(await store.increment('x:r:k', 'rate', 60_000)).toBe(1);
      expect((await store.get('k', 'x', 'keys'))?.data).toBe('in x');
      await store.reset('x:r:k');
      expect((await store.get('k', 'x', 'keys'))?.data).toBe('in x');
      expect(await store.get('k', 'x:r:k', 'a')).toBeUndefined();
    });

    it('keeps the stored parent on update and lists the record under it still', async () => {
      const store = await makeStore();
      await store.create(rec('a', { parentId: 'p' }));
      expect(await store.update({ ...rec('a', { parentId: 'elsewhere' }), data: { n: 1 } }, 1)).toBe(true);
      expect(await store.get('test.thing', 't1', 'a')).toMatchObject({ parentId: 'p', version: 2, data: { n: 1 } });
      expect((await store.scan('test.thing', 't1', 'p')).map((r) => r.id)).toEqual(['a']);
      expect(await store.scan('test.thing', 't1', 'elsewhere')).toEqual([]);
    });

    it('returns an empty page past the end and a zero-length page with the total', async () => {
      const store = await makeStore();
      for (let i = 0; i < 3; i++) await store.create(rec(`c${i}`));
      expect(await store.list({ kind: 'test.thing', tenant: 't1', offset: 5, limit: 2 })).toEqual({ items: [], total: 3 });
      expect(await store.list({ kind: 'test.thing', tenant: 't1', offset: 0, limit: 0 })).toEqual({ items: [], total: 3 });
    });

    it('counts increments per tenant and per key', async () => {
      const store = await makeStore();
      expect([await store.increment('t1', 'k', 60_000), await store.increment('t1', 'k', 60_000), await store.increment('t1', 'k', 60_000)]).toEqual([1, 2, 3]);
      expect(await store.increment('t2', 'k', 60_000)).toBe(1);
      expect(await store.increment('t1', 'other', 60_000)).toBe(1);
    });

    it('counts concurrent increments without losing any', async () => {
      const store = await makeStore();
      const counts = await Promise.all(Array.from({ length: 50 }, () => store.increment('t1', 'k', 60_000)));
      expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('starts a counter again once its ttl has passed', async () => {
      const store = await makeStore();
      expect(await store.increment('t1', 'k', 60)).toBe(1);
      expect(await store.increment('t1', 'k', 60)).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await store.increment('t1', 'k', 60)).toBe(1);
    });

    it('resets one tenant’s counters without touching another’s, or all of them', async () => {
      const store = await makeStore();
      await store.increment('t1', 'k', 60_000);
      await store.increment('t2', 'k', 60_000);
      await store.reset('t1');
      expect(await store.increment('t1', 'k', 60_000)).toBe(1);
      expect(await store.increment('t2', 'k', 60_000)).toBe(2);
      await store.reset();
      expect(await store.increment('t2', 'k', 60_000)).toBe(1);
    });

    it('delivers a message to every subscriber of its channel, and no more after unsubscribing', async () => {
      const store = await makeStore();
      const [a, b, other] = [inbox(), inbox(), inbox()];
      const offA = await store.subscribe('news', a.listener);
      const offB = await store.subscribe('news', b.listener);
      await store.subscribe('sport', other.listener);
      await store.publish('news', 'one');
      await vi.waitFor(() => expect([a.got, b.got]).toEqual([['one'], ['one']]));
      await offA();
      await store.publish('news', 'two');
      // Messages on one channel arrive in order, so once b has "two", a would have had it too.
      await vi.waitFor(() => expect(b.got).toEqual(['one', 'two']));
      expect(a.got).toEqual(['one']);
      await offB();
      const c = inbox();
      await store.subscribe('news', c.listener);
      await store.publish('news', 'three');
      await vi.waitFor(() => expect(c.got).toEqual(['three']));
      expect(b.got).toEqual(['one', 'two']);
      expect(other.got).toEqual([]);
    });

    it('keeps what was stored whatever the caller later does to the objects it gave or got', async () => {
      const store = await makeStore();
      const given = rec('a', { data: { list: [1] } });
      await store.create(given);
      (given.data as { list: number[] }).list.push(2);
      const got = await store.get<{ list: number[] }>('test.thing', 't1', 'a');
      // Readers share what they read: it is frozen, and a change fails rather than reach the next reader.
      expect(() => got!.data.list.push(3)).toThrow(TypeError);
      const listed = (await store.list<{ list: number[] }>({ kind: 'test.thing', tenant: 't1', offset: 0, limit: 1 })).items[0]!;
      expect(() => listed.data.list.push(4)).toThrow(TypeError);
      expect((await store.get('test.thing', 't1', 'a'))!.data).toEqual({ list: [1] });
    });

    it('reads an update at once, whichever record was read before it', async () => {
      const store = await makeStore();
      await store.create(rec('a', { data: { n: 1 } }));
      await store.create(rec('b', { data: { n: 1 } }));
      expect((await store.get<{ n: number }>('test.thing', 't1', 'a'))!.data.n).toBe(1);
      expect(await store.update(rec('a', { data: { n: 2 } }), 1)).toBe(true);
      expect((await store.get<{ n: number }>('test.thing', 't1', 'a'))!.data.n).toBe(2);
      expect((await store.get<{ n: number }>('test.thing', 't1', 'b'))!.data.n).toBe(1);
      await store.delete('test.thing', 't1', 'a');
      await store.create(rec('a', { data: { n: 3 } }));
      expect((await store.get<{ n: number }>('test.thing', 't1', 'a'))!.data.n).toBe(3);
    });

    it('counts an index’s members up to a score, and follows moves and removals', async () => {
      const store = await makeStore();
      await store.writeIndex('t1', [
        { index: 'done', member: 'a', score: 10 },
        { index: 'done', member: 'b', score: 20 },
        { index: 'done', member: 'c', score: 30 },
        { index: 'other', member: 'a', score: 5 },
      ]);
      expect(await store.countIndex('t1', ['done', 'other', 'never'], 20)).toEqual([2, 1, 0]);
      expect(await store.countIndex('t1', ['done'], 9)).toEqual([0]);
      await store.writeIndex('t1', [
        { index: 'done', member: 'a', score: 25 },
        { index: 'done', member: 'b', score: null },
        { index: 'done', member: 'gone', score: null },
      ]);
      expect(await store.countIndex('t1', ['done'], 20)).toEqual([0]);
      expect(await store.countIndex('t1', ['done'], 30)).toEqual([2]);
    });

    it('keeps indexes per tenant and resets them with the tenant', async () => {
      const store = await makeStore();
      await store.writeIndex('t1', [{ index: 'i', member: 'a', score: 1 }]);
      await store.writeIndex('t2', [{ index: 'i', member: 'a', score: 1 }, { index: 'i', member: 'b', score: 2 }]);
      expect(await store.countIndex('t1', ['i'], 10)).toEqual([1]);
      await store.reset('t1');
      expect(await store.countIndex('t1', ['i'], 10)).toEqual([0]);
      expect(await store.countIndex('t2', ['i'], 10)).toEqual([2]);
      await store.reset();
      expect(await store.countIndex('t2', ['i'], 10)).toEqual([0]);
    });

    it('reads an index a page at a time in score order, ties in member order, or the reverse', async () => {
      const store = await makeStore();
      await store.writeIndex('t1', [
        { index: 'i', member: 'b', score: 20 },
        { index: 'i', member: 'c', score: 10 },
        { index: 'i', member: 'a', score: 20 },
        { index: 'i', member: 'd', score: 30 },
        { index: 'other', member: 'x', score: 15 },
      ]);
      const members = async (range: Parameters<Store['rangeIndex']>[2]) => (await store.rangeIndex('t1', 'i', range)).map((m) => `${m.member}${m.score}`);
      expect(await members({ offset: 0, limit: 10 })).toEqual(['c10', 'a20', 'b20', 'd30']);
      expect(await members({ offset: 0, limit: 10, reverse: true })).toEqual(['d30', 'b20', 'a20', 'c10']);
      expect(await members({ offset: 1, limit: 2, reverse: true })).toEqual(['b20', 'a20']);
      expect(await members({ offset: 3, limit: 2 })).toEqual(['d30']);
      expect(await members({ offset: 4, limit: 2 })).toEqual([]);
      expect(await members({ offset: 0, limit: 0 })).toEqual([]);
      expect(await store.rangeIndex('t1', 'never', { offset: 0, limit: 10 })).toEqual([]);
      expect(await store.rangeIndex('t2', 'i', { offset: 0, limit: 10 })).toEqual([]);
    });

    it('reads only the scores within bounds, both included, infinite and fractional scores too', async () => {
      const store = await makeStore();
      await store.writeIndex('t1', [
        { index: 'i', member: 'low', score: -Infinity },
        { index: 'i', member: 'a', score: 10 },
        { index: 'i', member: 'b', score: 10.5 },
        { index: 'i', member: 'c', score: 20 },
        { index: 'i', member: 'high', score: Infinity },
      ]);
      const members = async (range: Parameters<Store['rangeIndex']>[2]) => (await store.rangeIndex('t1', 'i', range)).map((m) => m.member);
      expect(await members({ offset: 0, limit: 10, min: 10, max: 20 })).toEqual(['a', 'b', 'c']);
      expect(await members({ offset: 1, limit: 1, min: 10, max: 20, reverse: true })).toEqual(['b']);
      expect(await members({ offset: 0, limit: 10, min: 10.25 })).toEqual(['b', 'c', 'high']);
      expect(await members({ offset: 0, limit: 10, max: 10, reverse: true })).toEqual(['a', 'low']);
      expect(await members({ offset: 0, limit: 10, min: 21, max: 29 })).toEqual([]);
      expect(await store.rangeIndex('t1', 'i', { offset: 0, limit: 1, reverse: true })).toEqual([{ member: 'high', score: Infinity }]);
      expect(await store.rangeIndex('t1', 'i', { offset: 0, limit: 1 })).toEqual([{ member: 'low', score: -Infinity }]);
      expect(await store.countIndex('t1', ['i'], 10.5)).toEqual([3]);
    });

    it('reads an index in order after moves, removals and a large batch written newest first', async () => {
      const store = await makeStore();
      const n = 300;
      // Newest first, as a backfill writes, with ties and with members moved within the same batch.
      const batch: IndexChange[] = Array.from({ length: n }, (_, i) => ({ index: 'i', member: `m${String(n - i).padStart(4, '0')}`, score: Math.floor((n - i) / 3) }));
      batch.push({ index: 'i', member: 'm0001', score: 1000 }, { index: 'i', member: 'm0002', score: null });
      await store.writeIndex('t1', batch);
      await store.writeIndex('t1', [{ index: 'i', member: 'm0003', score: null }, { index: 'i', member: 'm0300', score: -1 }]);
      const expected = Array.from({ length: n }, (_, i) => ({ member: `m${String(i + 1).padStart(4, '0')}`, score: Math.floor((i + 1) / 3) }))
        .filter((m) => !['m0001', 'm0002', 'm0003', 'm0300'].includes(m.member))
        .concat({ member: 'm0001', score: 1000 }, { member: 'm0300', score: -1 })
        .sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : 1));
      expect(await store.rangeIndex('t1', 'i', { offset: 0, limit: 1000 })).toEqual(expected);
      expect(await store.rangeIndex('t1', 'i', { offset: 10, limit: 20, reverse: true })).toEqual([...expected].reverse().slice(10, 30));
      expect(await store.countIndex('t1', ['i'], 50)).toEqual([expected.filter((m) => m.score <= 50).length]);
    });

    it('numbers a log’s entries and keeps only the newest', async () => {
      const store = await makeStore();
      const seqs = [];
      for (let i = 1; i <= 5; i++) seqs.push(await store.append('t1', 'log', { i }, 3));
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      expect(await store.readLog('t1', 'log')).toEqual([
        { seq: 3, entry: { i: 3 } },
        { seq: 4, entry: { i: 4 } },
        { seq: 5, entry: { i: 5 } },
      ]);
      expect(await store.readLog('t2', 'log')).toEqual([]);
    });

    it('gives concurrent appends distinct numbers and loses none within the bound', async () => {
      const store = await makeStore();
      const seqs = await Promise.all(Array.from({ length: 40 }, (_, i) => store.append('t1', 'log', { i }, 100)));
      expect(new Set(seqs).size).toBe(40);
      const log = await store.readLog<{ i: number }>('t1', 'log');
      expect(log.map((e) => e.seq)).toEqual([...seqs].sort((a, b) => a - b));
    });

    it('numbers the logs of one name in one sequence across tenants, each keeping its own newest', async () => {
      const store = await makeStore();
      // t1's two entries, then a flood from t2 far beyond the bound: t1's log keeps both.
      const mine = [await store.append('t1', 'log', 'a', 2), await store.append('t1', 'log', 'b', 2)];
      for (let i = 0; i < 10; i++) await store.append('t2', 'log', i, 2);
      expect(await store.append('t1', 'log', 'c', 2)).toBe(13);
      expect(await store.append('t1', 'other', 'own numbering', 2)).toBe(1);
      expect(await store.readLog('t1', 'log')).toEqual([
        { seq: mine[1], entry: 'b' },
        { seq: 13, entry: 'c' },
      ]);
      expect(await store.readLog('t2', 'log')).toEqual([
        { seq: 11, entry: 8 },
        { seq: 12, entry: 9 },
      ]);
      // Merged in the order the store numbered them, each entry with its tenant.
      expect(await store.readLogs('log')).toEqual([
        { tenant: 't1', seq: 2, entry: 'b' },
        { tenant: 't2', seq: 11, entry: 8 },
        { tenant: 't2', seq: 12, entry: 9 },
        { tenant: 't1', seq: 13, entry: 'c' },
      ]);
      expect(await store.readLogs('nothing')).toEqual([]);
    });

    it('keeps the numbering through one tenant’s reset, and starts it again on a full one', async () => {
      const store = await makeStore();
      await store.append('t1', 'log', 'x', 10);
      await store.append('t1', 'log', 'y', 10);
      await store.reset('t1');
      expect(await store.append('t2', 'log', 'z', 10)).toBe(3);
      expect(await store.readLogs('log')).toEqual([{ tenant: 't2', seq: 3, entry: 'z' }]);
      await store.reset();
      expect(await store.readLogs('log')).toEqual([]);
      expect(await store.append('t1', 'log', 'again', 10)).toBe(1);
    });

    it('empties logs on reset and numbers from 1 again', async () => {
      const store = await makeStore();
      await store.append('t1', 'log', 'x', 10);
      await store.append('t2', 'log', 'y', 10);
      await store.reset('t1');
      expect(await store.readLog('t1', 'log')).toEqual([]);
      expect(await store.readLog('t2', 'log')).toHaveLength(1);
      await store.reset();
      expect(await store.readLog('t2', 'log')).toEqual([]);
      expect(await store.append('t2', 'log', 'z', 10)).toBe(1);
    });

    it('describes itself', async () => {
      const store = await makeStore();
      expect(store.info).toMatchObject({ ...options.info, fresh: true });
      expect(store.info.location).toEqual(expect.any(String));
    });

    runAtomicConformance(makeStore);

    if (options.makePeer) runPeerConformance(makeStore, options.makePeer, options.info.shared, (store) => void opened.push(store));
  });
}
