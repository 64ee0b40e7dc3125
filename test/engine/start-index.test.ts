// The start-time index must give a parent's instances in the order a sort of every one by start
// time gives (ties: the last written first), whoever wrote them, reading no more than it hands out.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/engine/clock.js';
import { InstanceEngine, type InstanceData } from '../../src/engine/instances.js';
import type { Plan } from '../../src/engine/plan.js';
import { MemoryStore } from '../../src/store/memory.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { secmasterMachine } from '../../src/vendors/secmaster/state-machine.js';

const plan: Plan = { steps: [{ name: 'a', durationMs: 100, after: [] }], outcome: { kind: 'succeed' } };
const data: InstanceData<object> = { plan, operations: [], attrs: {} };

function setup(store: Store = new MemoryStore(), indexStarts = true) {
  const clock = new VirtualClock(() => 1_000_000);
  clock.freeze();
  let n = 0;
  const engine = new InstanceEngine<object>({ store, clock, ids: () => `i${++n}`, machine: secmasterMachine, kind: 'test.instance', indexStates: true, indexStarts });
  return { clock, engine, store };
}

async function ids(generator: AsyncGenerator<{ record: { id: string } }>, max = Infinity): Promise<string[]> {
  const out: string[] = [];
  for await (const view of generator) {
    out.push(view.record.id);
    if (out.length >= max) break;
  }
  return out;
}

/** Counts the records a store hands out, to show what a read did not touch. */
function counting(store: Store) {
  const seen = { gets: 0, listed: 0 };
  const get = store.get.bind(store);
  const list = store.list.bind(store);
  store.get = (async (...args: Parameters<Store['get']>) => (seen.gets++, get(...args))) as Store['get'];
  store.list = (async (...args: Parameters<Store['list']>) => {
    const page = await list(...args);
    seen.listed += page.items.length;
    return page;
  }) as Store['list'];
  return seen;
}

describe.each([
  ['memory', () => new MemoryStore()],
  ['sqlite', () => new SqliteStore(':memory:')],
])('start-time index (%s)', (_name, makeStore) => {
  it('gives instances newest start first, runs of one millisecond the last written first, late writes in place', async () => {
    const { clock, engine } = setup(makeStore());
    await engine.start('t', 'p', plan, {}); // i1 at 0
    clock.advance(10);
    await engine.start('t', 'p', plan, {}); // i2 at 10
    await engine.start('t', 'p', plan, {}); // i3 at 10
    await engine.start('t', 'q', plan, {}); // i4, another parent
    clock.advance(10);
    await engine.start('t', 'p', plan, {}); // i5 at 20
    // Written last but started earlier, as a timer run materialized late is.
    await engine.restore({ kind: 'test.instance', tenant: 't', id: 'late', parentId: 'p', createdAt: 1_000_005, version: 1, data });
    await engine.restore({ kind: 'test.instance', tenant: 't', id: 'tie', parentId: 'p', createdAt: 1_000_010, version: 1, data });
    expect(await ids(engine.newestFirst('t', 'p'))).toEqual(['i5', 'tie', 'i3', 'i2', 'late', 'i1']);
    expect(await ids(engine.newestFirst('t', 'p', { offset: 2, chunk: 1 }))).toEqual(['i3', 'i2', 'late', 'i1']);
    expect(await ids(engine.newestFirst('t', 'p', { min: 1_000_005, max: 1_000_010 }))).toEqual(['tie', 'i3', 'i2', 'late']);
    expect(await engine.countStarted('t', 'p')).toBe(6);
    expect(await engine.countStarted('t', 'p', 1_000_005, 1_000_010)).toBe(4);
    expect(await engine.countStarted('t', 'p', 1_000_011)).toBe(1);
    expect(await ids(engine.newestFirst('u', 'p'))).toEqual([]);
  });

  it('keeps an instance in place whatever operations it goes through', async () => {
    const { clock, engine } = setup(makeStore());
    const first = await engine.start('t', 'p', plan, {});
    clock.advance(1);
    await engine.start('t', 'p', plan, {});
    await engine.operate('t', first.record.id, 'TERMINATE');
    clock.advance(5000);
    expect(await ids(engine.newestFirst('t', 'p'))).toEqual(['i2', 'i1']);
    expect(await engine.countStarted('t', 'p')).toBe(2);
  });

  it('indexes on first read the instances written behind its back, ties in the order they were written', async () => {
    const store = makeStore();
    const { engine } = setup(store);
    await engine.start('t', 'p', plan, {});
    // More than a backfill page (1000), all in one millisecond, as the benchmark seeds them.
    for (let i = 0; i < 1500; i++) await store.create({ kind: 'test.instance', tenant: 't', id: `seeded${i}`, parentId: 'p', createdAt: 1_000_000, version: 1, data });
    await engine.start('t', 'p', plan, {});
    const expected = ['i2', ...Array.from({ length: 1500 }, (_, i) => `seeded${1499 - i}`), 'i1'];
    expect(await ids(engine.newestFirst('t', 'p'))).toEqual(expected);
    expect(await engine.countStarted('t', 'p')).toBe(1502);
  });

  it('backfills by start time a parent whose states were indexed before starts were', async () => {
    const store = makeStore();
    const before = setup(store, false).engine;
    await before.start('t', 'p', plan, {});
    expect(await before.countByState('t', 'p', ['RUNNING'])).toEqual({ RUNNING: 1 });
    const { engine } = setup(store);
    expect(await engine.countStarted('t', 'p')).toBe(1);
    expect(await engine.countByState('t', 'p', ['RUNNING'])).toEqual({ RUNNING: 1 });
  });
});

describe('instances in a state', () => {
  it('are read from few index entries (runs going, hangs, failures not retried), newest start first', async () => {
    const store = new MemoryStore();
    const { clock, engine } = setup(store);
    const hang: Plan = { ...plan, outcome: { kind: 'hang', step: 'a' } };
    const fail: Plan = { ...plan, outcome: { kind: 'fail', step: 'a' } };
    await engine.start('t', 'p', hang, {}); // i1: RUNNING for ever
    await engine.start('t', 'p', fail, {}); // i2: FAILED at 100
    await engine.start('t', 'p', fail, {}); // i3: FAILED at 100, retried below
    for (let i = 0; i < 300; i++) await engine.start('t', 'p', plan, {}); // FINISHED at 100
    clock.advance(1000);
    await engine.operate('t', 'i3', 'RETRY'); // RETRYING, RUNNING 1 s later, FINISHED 100 ms after
    await engine.start('t', 'p', plan, {}); // i304: RUNNING until 100 ms from now
    await engine.start('t', 'p', hang, {}); // i305
    const at = clock.now();
    const inState = async (state: string, t = at) => (await engine.inState('t', 'p', state, t)).map((v) => v.record.id);
    expect(await inState('RUNNING')).toEqual(['i305', 'i304', 'i1']);
    expect(await inState('RETRYING')).toEqual(['i3']);
    expect(await inState('FAILED')).toEqual(['i2']);
    expect(await inState('RUNNING', at + 1000)).toEqual(['i305', 'i3', 'i1']);
    expect(await inState('FAILED', at + 1100)).toEqual(['i2']);
    expect((await inState('FINISHED', at + 1100)).slice(0, 2)).toEqual(['i304', 'i303']);
    expect(await engine.inStateCost('t', 'p', 'RUNNING', at)).toBeLessThanOrEqual(4);
    expect(await engine.inStateCost('t', 'p', 'FAILED', at)).toBeLessThanOrEqual(2);
    expect((await inState('FINISHED')).length).toBe(300);
    const seen = counting(store);
    await inState('RUNNING');
    expect(seen.gets).toBeLessThanOrEqual(4);
    expect(seen.listed).toBe(0);
  });
});

describe('start-time index reads', () => {
  it('reads only what the caller takes, a chunk at a time', async () => {
    const store = new MemoryStore();
    const { engine } = setup(store);
    for (let i = 0; i < 500; i++) await engine.start('t', 'p', plan, {});
    await engine.countStarted('t', 'p');
    const seen = counting(store);
    expect(await ids(engine.newestFirst('t', 'p', { offset: 100, chunk: 10 }), 10)).toEqual(Array.from({ length: 10 }, (_, i) => `i${400 - i}`));
    expect(seen.gets).toBeLessThanOrEqual(20);
    expect(seen.listed).toBe(0);
  });

  it('backfills once when the first reads of a parent come together', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 30; i++) await store.create({ kind: 'test.instance', tenant: 't', id: `s${i}`, parentId: 'p', createdAt: i, version: 1, data });
    const { engine } = setup(store);
    const seen = counting(store);
    const counts = await Promise.all([engine.countStarted('t', 'p'), engine.countStarted('t', 'p'), engine.countByState('t', 'p', ['FINISHED'])]);
    expect(counts).toEqual([30, 30, { FINISHED: 30 }]);
    expect(seen.listed).toBe(30);
  });
});
