// The state index must give, at every time, the counts a projection of every instance gives.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/engine/clock.js';
import { InstanceEngine, type InstanceData } from '../../src/engine/instances.js';
import type { Outcome, Plan } from '../../src/engine/plan.js';
import { seededRandom } from '../../src/engine/random.js';
import type { StateMachine } from '../../src/engine/state-machine.js';
import { MemoryStore } from '../../src/store/memory.js';
import type { Store } from '../../src/store/store.js';
import { secmasterMachine } from '../../src/vendors/secmaster/state-machine.js';
import { datadogMachine } from '../../src/vendors/datadog/state-machine.js';

function setup(machine: StateMachine, store: Store = new MemoryStore()) {
  const clock = new VirtualClock(() => 0);
  clock.freeze();
  let n = 0;
  const engine = new InstanceEngine<object>({ store, clock, ids: () => `i${++n}`, machine, kind: 'test.instance', indexStates: true });
  return { clock, engine, store };
}

const plan = (ms: number, outcome: Outcome): Plan => ({
  steps: [
    { name: 'a', durationMs: ms, after: [] },
    { name: 'b', durationMs: ms, after: ['a'] },
  ],
  outcome,
});

/** What counting the projections of every instance says, the slow way the index replaces. */
async function projected(engine: InstanceEngine<object>, parent: string, states: readonly string[]) {
  const all = await engine.all('t', parent);
  return Object.fromEntries(states.map((s) => [s, all.filter((v) => v.projection.state === s).length]));
}

describe('StateIndex', () => {
  for (const machine of [datadogMachine, secmasterMachine]) {
    it(`agrees with the projections at every step of a random history (${machine.name})`, async () => {
      const random = seededRandom(7);
      const { clock, engine } = setup(machine);
      const ops = Object.keys(machine.operations);
      const outcomes: Outcome[] = [{ kind: 'succeed' }, { kind: 'fail', step: 'b' }, { kind: 'hang', step: 'a' }];
      const ids: string[] = [];
      for (let round = 0; round < 300; round++) {
        const roll = random();
        if (roll < 0.35 || ids.length === 0) {
          const started = await engine.start('t', random() < 0.8 ? 'p' : 'q', plan(1 + Math.floor(random() * 500), outcomes[Math.floor(random() * 3)]!), {});
          ids.push(started.record.id);
        } else if (roll < 0.7) {
          const id = ids[Math.floor(random() * ids.length)]!;
          const op = ops[Math.floor(random() * ops.length)]!;
          // Illegal operations are refused and must leave the index as it was.
          await engine.operate('t', id, op, outcomes[Math.floor(random() * 2)]).catch(() => undefined);
        } else {
          clock.advance(Math.floor(random() * 400));
        }
        if (round % 10 === 0) {
          for (const parent of ['p', 'q']) {
            expect(await engine.countByState('t', parent, machine.states)).toEqual(await projected(engine, parent, machine.states));
          }
        }
      }
      clock.advance(10_000);
      expect(await engine.countByState('t', 'p', machine.states)).toEqual(await projected(engine, 'p', machine.states));
    });
  }

  it('counts what the clock has not reached yet as still running, and moves it when it does', async () => {
    const { clock, engine } = setup(datadogMachine);
    await engine.start('t', 'p', plan(100, { kind: 'succeed' }), {});
    await engine.start('t', 'p', plan(100, { kind: 'fail', step: 'b' }), {});
    const states = ['IN_PROGRESS', 'SUCCEEDED', 'FAILED'];
    expect(await engine.countByState('t', 'p', states)).toEqual({ IN_PROGRESS: 2, SUCCEEDED: 0, FAILED: 0 });
    clock.advance(199);
    expect(await engine.countByState('t', 'p', states)).toEqual({ IN_PROGRESS: 2, SUCCEEDED: 0, FAILED: 0 });
    clock.advance(1);
    expect(await engine.countByState('t', 'p', states)).toEqual({ IN_PROGRESS: 0, SUCCEEDED: 1, FAILED: 1 });
  });

  it('indexes, on first count, instances a store holds from before the index existed', async () => {
    const store = new MemoryStore();
    const data: InstanceData<object> = { plan: plan(100, { kind: 'succeed' }), operations: [], attrs: {} };
    // More than one backfill page (1000), so the paging is exercised.
    for (let i = 0; i < 2501; i++) await store.create({ kind: 'test.instance', tenant: 't', id: `old${i}`, parentId: 'p', createdAt: 0, version: 1, data });
    const { clock, engine } = setup(datadogMachine, store);
    clock.advance(500);
    await engine.start('t', 'p', plan(100, { kind: 'succeed' }), {});
    expect(await engine.countByState('t', 'p', ['SUCCEEDED', 'IN_PROGRESS'])).toEqual({ SUCCEEDED: 2501, IN_PROGRESS: 1 });
  });

  it('never backfills a parent created through the engine, so a backfill cannot race its writes', async () => {
    const { clock, engine, store } = setup(datadogMachine);
    await engine.parentCreated('t', 'p');
    const started = await engine.start('t', 'p', plan(100, { kind: 'succeed' }), {});
    let listed = 0;
    const list = store.list.bind(store);
    store.list = (async (...args: Parameters<Store['list']>) => {
      listed++;
      return list(...args);
    }) as Store['list'];
    await engine.operate('t', started.record.id, 'cancel');
    clock.advance(1000);
    expect(await engine.countByState('t', 'p', ['SUCCEEDED', 'CANCELED'])).toEqual({ SUCCEEDED: 0, CANCELED: 1 });
    expect(listed).toBe(0);
  });

  it('keeps an operation that lands while the first count reads the instances it indexes', async () => {
    const { clock, engine, store } = setup(secmasterMachine);
    const first = await engine.start('t', 'p', plan(100, { kind: 'succeed' }), {});
    await engine.start('t', 'p', plan(100, { kind: 'succeed' }), {});
    clock.advance(10);
    // The parent was never marked indexed (a SecMaster workspace never is): the count backfills, and
    // a TERMINATE lands between its read of the instances and its write of their timelines.
    const list = store.list.bind(store);
    store.list = (async (...args: Parameters<Store['list']>) => {
      const page = await list(...args);
      store.list = list;
      await engine.operate('t', first.record.id, 'TERMINATE');
      return page;
    }) as Store['list'];
    const states = secmasterMachine.states;
    expect(await engine.countByState('t', 'p', states)).toEqual(await projected(engine, 'p', states));
    clock.advance(5000);
    expect(await engine.countByState('t', 'p', states)).toEqual(await projected(engine, 'p', states));
  });

  it('keeps parents and tenants apart', async () => {
    const { clock, engine } = setup(datadogMachine);
    await engine.start('t', 'p', plan(1, { kind: 'succeed' }), {});
    await engine.start('u', 'p', plan(1, { kind: 'succeed' }), {});
    await engine.start('t', 'q', plan(1, { kind: 'succeed' }), {});
    clock.advance(10);
    expect(await engine.countByState('t', 'p', ['SUCCEEDED'])).toEqual({ SUCCEEDED: 1 });
    expect(await engine.countByState('t', 'other', ['SUCCEEDED'])).toEqual({ SUCCEEDED: 0 });
  });
});

describe('StateIndex.check (flowtwin store check)', () => {
  for (const indexStarts of [false, true]) {
    it(`finds the entries a record written without its index lacks, and a stray one, then repairs both (indexStarts ${indexStarts})`, async () => {
      const store = new MemoryStore();
      const clock = new VirtualClock(() => 0);
      clock.freeze();
      let n = 0;
      const engine = new InstanceEngine<object>({ store, clock, ids: () => `i${++n}`, machine: secmasterMachine, kind: 'test.instance', indexStates: true, indexStarts });
      await engine.start('t', 'p', plan(100, { kind: 'fail', step: 'b' }), {});
      clock.advance(1_000);
      await engine.start('t', 'p', plan(100, { kind: 'succeed' }), {});
      await engine.start('t', 'q', plan(100, { kind: 'succeed' }), {});
      expect(await engine.checkIndexes('t')).toEqual([]);

      // Records that reached the store without their index entries (a crash between the two, before
      // writes were atomic): one finished by now, one still running.
      const data: InstanceData<object> = { plan: plan(100, { kind: 'succeed' }), operations: [], attrs: {} };
      await store.create({ kind: 'test.instance', tenant: 't', id: 'done', parentId: 'p', createdAt: 500, version: 1, data });
      await store.create({ kind: 'test.instance', tenant: 't', id: 'busy', parentId: 'p', createdAt: 900, version: 1, data });
      const missing = await engine.checkIndexes('t');
      const entry = (index: string, member: string, expected: number) => ({ tenant: 't', parentId: 'p', index: `test.instance:p:${index}`, member, stored: null, expected });
      const visits = [
        entry('in:RUNNING', 'done#0', 500),
        entry('out:RUNNING', 'done#1', 700),
        entry('in:FINISHED', 'done#1', 700),
        entry('in:RUNNING', 'busy#0', 900),
        entry('out:RUNNING', 'busy#1', 1100),
        entry('in:FINISHED', 'busy#1', 1100),
      ];
      const starts = [entry('start', '0000000000000004done', 500), entry('start', '0000000000000005busy', 900)];
      const byKey = (d: { index: string; member: string }) => `${d.index} ${d.member}`;
      const sorted = <T extends { index: string; member: string }>(list: T[]) => [...list].sort((x, y) => byKey(x).localeCompare(byKey(y)));
      expect(sorted(missing)).toEqual(sorted(indexStarts ? [...visits, ...starts] : visits));

      // And an entry no record implies.
      const index = missing[0]!.index;
      await store.writeIndex('t', [{ index, member: 'ghost#1', score: 42 }]);
      const both = await engine.checkIndexes('t');
      expect(both).toContainEqual({ tenant: 't', parentId: 'p', index, member: 'ghost#1', stored: 42, expected: null });
      expect(both.length).toBe(missing.length + 1);

      // Checking changes nothing; repairing makes the indexes match, and the counts then include the orphan.
      expect(await engine.checkIndexes('t')).toEqual(both);
      expect(await engine.checkIndexes('t', true)).toEqual(both);
      expect(await engine.checkIndexes('t')).toEqual([]);
      expect(await engine.countByState('t', 'p', ['RUNNING', 'FINISHED', 'FAILED'])).toEqual({ RUNNING: 2, FINISHED: 1, FAILED: 1 });
      clock.advance(10_000);
      expect(await engine.countByState('t', 'p', ['RUNNING', 'FINISHED', 'FAILED'])).toEqual({ RUNNING: 0, FINISHED: 3, FAILED: 1 });
    });
  }
});
