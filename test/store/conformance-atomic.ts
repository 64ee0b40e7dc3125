// Part of the store conformance suite: a record and the index entries derived from it commit in one
// step, so neither a lost compare-and-set nor a crash between a caller's steps can leave them apart.
import { expect, it } from 'vitest';
import { VirtualClock } from '../../src/engine/clock.js';
import { InstanceEngine } from '../../src/engine/instances.js';
import { cancelMachine } from '../support/machine.js';
import { seqMember, type Store, type StoredRecord } from '../../src/store/store.js';

const thing = (id: string, extra: Partial<StoredRecord> = {}): StoredRecord => ({ kind: 'test.thing', tenant: 't1', id, createdAt: 1, version: 1, data: { id }, ...extra });

const machine = cancelMachine('crash');

class Crash extends Error {}

/** The store as a process sees it that dies after `budget` writes: every later call fails, nothing more is written. */
function dyingAfter(store: Store, budget: number): Store {
  const writes = new Set(['create', 'update', 'delete', 'writeIndex', 'increment', 'append', 'reset']);
  let left = budget;
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || name === 'close' || name === 'now') return value;
      return (...args: unknown[]) => {
        if (left <= 0) return Promise.reject(new Crash(`the process died before ${String(name)}`));
        if (writes.has(String(name))) left--;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export function runAtomicConformance(makeStore: () => Promise<Store>): void {
  it('writes a record and its index changes together, the seq-prefixed member with the seq it was given', async () => {
    const store = await makeStore();
    const seq = await store.create(thing('a'), [
      { index: 'starts', member: 'a', score: 7, seqPrefix: true },
      { index: 'in:RUNNING', member: 'a#0', score: 7 },
    ]);
    expect(await store.rangeIndex('t1', 'starts', { offset: 0, limit: 10 })).toEqual([{ member: seqMember(seq, 'a'), score: 7 }]);
    expect(await store.countIndex('t1', ['in:RUNNING'], 7)).toEqual([1]);
    // A refused create (the id is taken) writes none of its index changes.
    await expect(store.create(thing('a'), [{ index: 'in:RUNNING', member: 'dup', score: 1 }])).rejects.toThrow();
    expect(await store.countIndex('t1', ['in:RUNNING'], 7)).toEqual([1]);
  });

  it('applies an update’s index changes only when its compare-and-set wins', async () => {
    const store = await makeStore();
    const seq = await store.create(thing('a'), [{ index: 'in:RUNNING', member: 'a#0', score: 1 }]);
    expect(await store.update(thing('a', { data: { n: 1 } }), 1, [{ index: 'in:DONE', member: 'a#1', score: 5 }, { index: 'starts', member: 'a', score: 1, seqPrefix: true }])).toBe(true);
    // A replica that read version 1 as well loses, and its index changes are not applied.
    expect(await store.update(thing('a', { data: { n: 2 } }), 1, [{ index: 'in:CANCELED', member: 'a#1', score: 3 }, { index: 'in:DONE', member: 'a#1', score: null }])).toBe(false);
    expect(await store.countIndex('t1', ['in:RUNNING', 'in:DONE', 'in:CANCELED'], 10)).toEqual([1, 1, 0]);
    expect(await store.rangeIndex('t1', 'starts', { offset: 0, limit: 10 })).toEqual([{ member: seqMember(seq, 'a'), score: 1 }]);
    expect(await store.update(thing('missing'), 1, [{ index: 'in:DONE', member: 'x', score: 1 }])).toBe(false);
    expect(await store.countIndex('t1', ['in:DONE'], 10)).toEqual([1]);
  });

  it('keeps the indexes true to the records whichever store call a process dies before', async () => {
    const plan = (ms: number) => ({ steps: [{ name: 'only', durationMs: ms, after: [] }], outcome: { kind: 'succeed' as const } });
    // What one process does: start three runs and cancel one. Every prefix of its writes is tried.
    const work = async (engine: InstanceEngine<object>) => {
      const a = await engine.start('t', 'wf', plan(1000), {});
      await engine.start('t', 'wf', plan(5000), {});
      await engine.operate('t', a.record.id, 'cancel');
      await engine.start('t', 'other', plan(10), {});
    };
    let completed = false;
    for (let budget = 0; !completed; budget++) {
      const store = await makeStore();
      const clock = new VirtualClock(() => 1_000_000);
      clock.freeze();
      let n = 0;
      const options = { clock, ids: () => `run-${budget}-${++n}`, machine, kind: 'crash.instance', indexStates: true, indexStarts: true };
      const dying = new InstanceEngine<object>({ ...options, store: dyingAfter(store, budget) });
      completed = await work(dying).then(
        () => true,
        (err: unknown) => {
          if (!(err instanceof Crash)) throw err;
          return false;
        },
      );
      // The restarted process reads what the dead one left: the indexes agree with the records.
      const restarted = new InstanceEngine<object>({ ...options, store });
      expect(await restarted.checkIndexes('t'), `dying after ${budget} writes`).toEqual([]);
      const all = await restarted.all('t', 'wf');
      const counts = await restarted.countByState('t', 'wf', machine.states);
      for (const state of machine.states) expect(counts[state], `${state} after ${budget} writes`).toBe(all.filter((v) => v.projection.state === state).length);
      expect(budget).toBeLessThan(50);
    }
  });
}
