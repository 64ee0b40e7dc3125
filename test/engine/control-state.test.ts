import { describe, expect, it } from 'vitest';
import { ClockBook } from '../../src/engine/clock.js';
import { ControlState } from '../../src/engine/control-state.js';
import { RuleList, type Rule } from '../../src/engine/rule-list.js';
import { MemoryStore } from '../../src/store/memory.js';

type Note = Rule & { text: string };

/** One replica: its own live parts over a store it shares with the others. */
function replica(store: MemoryStore, now: () => number) {
  const notes = new RuleList<Note>('note');
  const clocks = new ClockBook(now);
  const control = new ControlState(store, { notes, clocks });
  return { notes, clocks, control };
}

describe('control state shared through a store', () => {
  it('loses no change when two replicas write at once, and gives each its own id', async () => {
    const store = new MemoryStore();
    const a = replica(store, () => 1000);
    const b = replica(store, () => 1000);
    const added = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => a.control.change(() => a.notes.add({ text: `a${i}` }))),
      ...Array.from({ length: 10 }, (_, i) => b.control.change(() => b.notes.add({ text: `b${i}` }))),
    ]);
    expect(new Set(added.map((n) => n.id)).size).toBe(20);
    await a.control.refresh();
    await b.control.refresh();
    expect(a.notes.list().map((n) => n.text).sort()).toEqual(b.notes.list().map((n) => n.text).sort());
    expect(a.notes.list()).toHaveLength(20);
  });

  it("shows one replica's clock move to the other at its next refresh", async () => {
    const store = new MemoryStore();
    const a = replica(store, () => 1000);
    const b = replica(store, () => 1000);
    await a.control.change(() => {
      a.clocks.global.freeze();
      a.clocks.of('t1').advance(5000);
    });
    expect(b.clocks.now('t1')).toBe(1000);
    await b.control.refresh();
    expect(b.clocks.now('t1')).toBe(6000);
    expect(b.clocks.global.state().frozen).toBe(true);
  });

  it('falls back to the defaults once the store is emptied, even if versions repeat', async () => {
    const store = new MemoryStore();
    const a = replica(store, () => 1000);
    const b = replica(store, () => 1000);
    await a.control.change(() => a.notes.add({ text: 'old' }));
    await b.control.refresh();
    await store.reset();
    // Version 1 again, with other content: b must not take it for the one it has.
    await a.control.refresh();
    await a.control.change(() => a.notes.add({ text: 'new' }));
    await b.control.refresh();
    expect(b.notes.list().map((n) => n.text)).toEqual(['new']);
  });
});

describe('control state on a store no other process shares', () => {
  it('reads the stored record only after a change was announced, and still sees every change', async () => {
    const store = new MemoryStore();
    const a = replica(store, () => 1000);
    const b = replica(store, () => 1000);
    await a.control.connect(() => undefined);
    await b.control.connect(() => undefined);
    await a.control.refresh();
    await b.control.refresh();
    let reads = 0;
    const get = store.get.bind(store);
    store.get = (async (...args: Parameters<MemoryStore['get']>) => {
      reads++;
      return get(...args);
    }) as MemoryStore['get'];
    for (let i = 0; i < 5; i++) await b.control.refresh();
    expect(reads).toBe(0);
    await a.control.change(() => a.clocks.of('t1').advance(5000));
    await b.control.refresh();
    expect(b.clocks.now('t1')).toBe(6000);
    expect(reads).toBeGreaterThan(0);
  });

  it('reads on every refresh when not connected, since nothing would tell it of a change', async () => {
    const store = new MemoryStore();
    const a = replica(store, () => 1000);
    const b = replica(store, () => 1000);
    await b.control.refresh();
    await a.control.change(() => a.clocks.of('t1').advance(5000));
    await b.control.refresh();
    expect(b.clocks.now('t1')).toBe(6000);
  });
});

describe('concurrent changes in one process', () => {
  it('counts each once even when the later one reaches the store first', async () => {
    const inner = new MemoryStore();
    // The first update is slow, so without ordering the second change's write would land first,
    // carrying the first's mutation in its snapshot.
    let slowFirst = true;
    const store = Object.create(inner) as MemoryStore;
    store.update = async (record, expected) => {
      if (slowFirst) {
        slowFirst = false;
        await new Promise((r) => setTimeout(r, 20));
      }
      return inner.update(record, expected);
    };
    const counter = { n: 0, snapshot: () => counter.n, load: (v: number | undefined) => void (counter.n = v ?? 0) };
    const control = new ControlState(store, { counter });
    await control.change(() => undefined);
    await Promise.all([control.change(() => counter.n++), control.change(() => counter.n++)]);
    await control.refresh();
    const reader = new ControlState(inner, { counter: { snapshot: () => 0, load: (v: number | undefined) => void (seen = v ?? 0) } });
    let seen = -1;
    await reader.refresh();
    expect(seen).toBe(2);
  });
});

describe('a change that does not complete', () => {
  it('leaves the live parts as stored when the mutation throws halfway', async () => {
    const store = new MemoryStore();
    const a = replica(store, () => 1000);
    await a.control.change(() => a.notes.add({ text: 'kept' }));
    await expect(
      a.control.change(() => {
        a.notes.add({ text: 'half' });
        a.clocks.global.advance(5000);
        throw new Error('refused after a partial change');
      }),
    ).rejects.toThrow('refused after a partial change');
    expect(a.notes.list().map((n) => n.text)).toEqual(['kept']);
    expect(a.clocks.now()).toBe(1000);
    // The sequence was not used up either: the next rule gets the next id.
    expect((await a.control.change(() => a.notes.add({ text: 'next' }))).id).toBe('note-2');
  });

  it('keeps a stored change when only announcing it fails, so the client is not told to retry it', async () => {
    const inner = new MemoryStore();
    const store = Object.create(inner) as MemoryStore;
    store.publish = async () => {
      throw new Error('pub/sub gone');
    };
    const a = replica(store, () => 1000);
    await a.control.change(() => a.clocks.global.advance(1000));
    expect(a.clocks.now()).toBe(2000);
    const b = replica(inner, () => 1000);
    await b.control.refresh();
    expect(b.clocks.now()).toBe(2000);
  });
});
