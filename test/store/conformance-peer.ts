// The part of the conformance suite for backends where two store objects (two connections, or two
// processes) share one set of data: what one writes the other must see, and CAS must hold across them.
import { describe, expect, it, vi } from 'vitest';
import type { Store, StoredRecord } from '../../src/store/store.js';
import { inbox } from './conformance.js';

const rec = (id: string, data: unknown = { id }): StoredRecord => ({ kind: 'test.thing', tenant: 't1', id, createdAt: 1, version: 1, data });

export function runPeerConformance(
  makeStore: () => Promise<Store>,
  makePeer: (store: Store) => Promise<Store>,
  shared: boolean,
  track: (store: Store) => void,
): void {
  describe('with a second store object over the same data', () => {
    const pair = async (): Promise<[Store, Store]> => {
      const store = await makeStore();
      const peer = await makePeer(store);
      track(peer);
      return [store, peer];
    };

    it('opens the existing data rather than creating it', async () => {
      const [, peer] = await pair();
      expect(peer.info.fresh).toBe(false);
    });

    it('shares indexes and one log numbering between both', async () => {
      const [store, peer] = await pair();
      await store.writeIndex('t1', [{ index: 'i', member: 'a', score: 1 }]);
      await peer.writeIndex('t1', [{ index: 'i', member: 'b', score: 2 }]);
      expect(await peer.countIndex('t1', ['i'], 5)).toEqual([2]);
      const seqs = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? store : peer).append('t1', 'log', i, 100)));
      expect(new Set(seqs).size).toBe(30);
      expect(await store.readLog('t1', 'log')).toHaveLength(30);
    });

    it('reads and updates through one what was created through the other', async () => {
      const [store, peer] = await pair();
      await store.create({ ...rec('a'), parentId: 'p' });
      expect(await peer.get('test.thing', 't1', 'a')).toMatchObject({ version: 1, parentId: 'p', data: { id: 'a' } });
      expect(await peer.update(rec('a', { n: 1 }), 1)).toBe(true);
      expect(await store.get('test.thing', 't1', 'a')).toMatchObject({ version: 2, data: { n: 1 } });
      await expect(peer.create(rec('a'))).rejects.toThrow('already exists');
      expect((await peer.list({ kind: 'test.thing', tenant: 't1', parentId: 'p', offset: 0, limit: 5 })).total).toBe(1);
      expect(await peer.delete('test.thing', 't1', 'a')).toBe(true);
      expect(await store.get('test.thing', 't1', 'a')).toBeUndefined();
    });

    it('orders records created through both newest first', async () => {
      const [store, peer] = await pair();
      await store.create(rec('one'));
      await peer.create(rec('two'));
      await store.create(rec('three'));
      expect((await peer.scan('test.thing', 't1')).map((r) => r.id)).toEqual(['three', 'two', 'one']);
    });

    it('numbers records created through both in one sequence', async () => {
      const [store, peer] = await pair();
      const seqs = [await store.create(rec('one')), await peer.create(rec('two')), await store.create(rec('three'))];
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect((await peer.scan('test.thing', 't1')).map((r) => r.seq)).toEqual([...seqs].reverse());
      expect((await store.get('test.thing', 't1', 'two'))?.seq).toBe(seqs[1]);
    });

    it('lets exactly one of 50 concurrent updates split across both win', async () => {
      const [store, peer] = await pair();
      await store.create(rec('a'));
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? peer : store).update(rec('a', { n: i }), 1)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await peer.get('test.thing', 't1', 'a')).toMatchObject({ version: 2, data: { n: winner } });
    });

    it('shares counters and resets', async () => {
      const [store, peer] = await pair();
      await store.increment('t1', 'k', 60_000);
      expect(await peer.increment('t1', 'k', 60_000)).toBe(2);
      await store.create(rec('a'));
      await peer.reset('t1');
      expect(await store.get('test.thing', 't1', 'a')).toBeUndefined();
      expect(await store.increment('t1', 'k', 60_000)).toBe(1);
    });

    if (shared) {
      it('delivers a message published through one to subscribers of both, the publisher included', async () => {
        const [store, peer] = await pair();
        const [mine, theirs] = [inbox(), inbox()];
        await store.subscribe('news', mine.listener);
        await peer.subscribe('news', theirs.listener);
        await peer.publish('news', 'hello');
        await vi.waitFor(() => expect([mine.got, theirs.got]).toEqual([['hello'], ['hello']]));
      });
    }
  });
}
