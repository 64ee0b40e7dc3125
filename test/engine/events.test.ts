// The event hub watches nothing while nobody subscribes, reads what a first subscriber needs from
// the store, and then projects an instance only when its next transition is due.
import { describe, expect, it } from 'vitest';
import { EventHub, INSTANCES_CHANNEL, type TransitionEvent, type WatchedRecord, type WriteKind } from '../../src/engine/events.js';
import type { Plan } from '../../src/engine/plan.js';
import { checkStateMachine, type StateMachine } from '../../src/engine/state-machine.js';
import { LocalChannels } from '../../src/store/local-channels.js';
import type { Store } from '../../src/store/store.js';

const machine: StateMachine = checkStateMachine({
  name: 'test',
  states: ['RUNNING', 'DONE', 'FAILED', 'CANCELED', 'RETRYING'],
  initial: 'RUNNING',
  running: ['RUNNING'],
  onSuccess: 'DONE',
  onFailure: 'FAILED',
  terminal: ['DONE', 'CANCELED'],
  operations: {
    cancel: { from: ['RUNNING'], to: 'CANCELED', effect: 'stop' },
    retry: { from: ['FAILED'], to: 'RETRYING', effect: 'rerun', settle: { afterMs: 50, to: 'RUNNING' } },
  },
});

const runs = (ms: number, outcome: Plan['outcome'] = { kind: 'succeed' }): Plan => ({ steps: [{ name: 'a', durationMs: ms, after: [] }], outcome });
const hang: Plan = { steps: [{ name: 'a', durationMs: 1, after: [] }], outcome: { kind: 'hang', step: 'a' } };

/** A hub over a store of records (by tenant), a clock the test moves, and what subscribers heard. */
function setup() {
  let now = 1000;
  const stored = new Map<string, Map<string, WatchedRecord>>();
  const hub = new EventHub({ now: () => now });
  hub.register('v', machine, { tenants: async () => [...stored.keys()], records: async (t) => [...(stored.get(t)?.values() ?? [])] });
  const write = (tenant: string, id: string, plan: Plan, change: WriteKind = 'created', operations: WatchedRecord['data']['operations'] = []): WatchedRecord => {
    const previous = stored.get(tenant)?.get(id);
    const record: WatchedRecord = { tenant, id, createdAt: previous?.createdAt ?? now, data: { plan: previous?.data.plan ?? plan, operations } };
    if (!stored.has(tenant)) stored.set(tenant, new Map());
    stored.get(tenant)!.set(id, record);
    hub.written('v', record, change);
    return record;
  };
  const operate = (tenant: string, id: string, name: string) => {
    const r = stored.get(tenant)!.get(id)!;
    return write(tenant, id, r.data.plan, 'updated', [...r.data.operations, { name, at: now }]);
  };
  const heard: TransitionEvent[] = [];
  const listen = (tenant?: string) => hub.subscribe((e) => heard.push(e), tenant);
  const lines = () => heard.splice(0).map((e) => `${e.instanceId} ${e.from}->${e.to}`);
  return { hub, write, operate, listen, lines, advance: (ms: number) => void (now += ms), stored };
}

describe('EventHub', () => {
  it('keeps and projects nothing while nobody subscribes', () => {
    const { hub, write, operate } = setup();
    for (let i = 0; i < 1000; i++) write('t', `r${i}`, runs(60_000));
    operate('t', 'r1', 'cancel');
    hub.tick();
    expect(hub.watching).toBe(0);
    expect(hub.projections).toBe(0);
  });

  it('a first subscriber hears the later transitions of instances written before it, not the past ones', async () => {
    const { hub, write, listen, lines, advance } = setup();
    write('t', 'early', runs(5_000));
    write('t', 'done', runs(10));
    write('t', 'stuck', hang);
    advance(100);
    await listen();
    // Only the one with a transition still to come is watched.
    expect(hub.watching).toBe(1);
    expect(lines()).toEqual([]);
    advance(5_000);
    hub.tick();
    expect(lines()).toEqual(['early RUNNING->DONE']);
    expect(hub.watching).toBe(0);
  });

  it("a tick projects only the instances whose next transition is due, whatever the number watched", async () => {
    const { hub, write, listen, lines, advance } = setup();
    await listen();
    for (let i = 0; i < 1000; i++) write('t', `long${i}`, runs(3_600_000));
    write('t', 'short', runs(1_000));
    expect(lines()).toHaveLength(1001);
    const before = hub.projections;
    hub.tick();
    expect(hub.projections - before).toBe(0);
    advance(1_000);
    hub.tick();
    expect(hub.projections - before).toBe(1);
    expect(lines()).toEqual(['short RUNNING->DONE']);
    expect(hub.watching).toBe(1000);
  });

  it('reports an operation on an instance it had stopped watching (a hang, a failure)', async () => {
    const { write, operate, listen, lines, advance, hub } = setup();
    await listen();
    write('t', 'h', hang);
    write('t', 'f', runs(10, { kind: 'fail', step: 'a' }));
    advance(10);
    hub.tick();
    expect(lines()).toEqual(['h null->RUNNING', 'f null->RUNNING', 'f RUNNING->FAILED']);
    expect(hub.watching).toBe(0);
    operate('t', 'h', 'cancel');
    operate('t', 'f', 'retry');
    advance(50);
    hub.tick();
    expect(lines()).toEqual(['h RUNNING->CANCELED', 'f FAILED->RETRYING', 'f RETRYING->RUNNING']);
  });

  it('a tenant subscriber reads and watches only its tenant; the last to leave frees everything', async () => {
    const { hub, write, listen, lines, advance } = setup();
    write('a', 'a1', runs(1_000));
    write('b', 'b1', runs(1_000));
    const off = await listen('a');
    expect(hub.watching).toBe(1);
    write('b', 'b2', runs(1_000));
    expect(hub.watching).toBe(1);
    const offAll = await listen();
    expect(hub.watching).toBe(3);
    expect(lines()).toEqual([]);
    advance(1_000);
    hub.tick();
    // Both subscribers share one listener list here: each transition once per subscriber.
    expect(lines().sort()).toEqual(['a1 RUNNING->DONE', 'a1 RUNNING->DONE', 'b1 RUNNING->DONE', 'b1 RUNNING->DONE', 'b2 RUNNING->DONE', 'b2 RUNNING->DONE']);
    write('a', 'a2', runs(1_000));
    off();
    offAll();
    expect(hub.watching).toBe(0);
    expect(hub.subscribers).toBe(0);
  });

  it("forgets a reset tenant's instances", async () => {
    const { hub, write, listen, lines, advance, stored } = setup();
    await listen();
    write('a', 'a1', runs(1_000));
    write('b', 'b1', runs(1_000));
    lines();
    stored.delete('a');
    await hub.forgotten('a');
    expect(hub.watching).toBe(1);
    advance(1_000);
    hub.tick();
    expect(lines()).toEqual(['b1 RUNNING->DONE']);
  });

  /** Makes the store answer late, with what it held when asked; `release` lets the answers go. */
  const lateSource = (hub: EventHub, stored: Map<string, Map<string, WatchedRecord>>) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const reads: string[] = [];
    hub.register('v', machine, {
      tenants: async () => [...stored.keys()],
      records: async (t) => {
        reads.push(t);
        const snapshot = [...(stored.get(t)?.values() ?? [])];
        await gate;
        return snapshot;
      },
    });
    return { release, reads };
  };

  it("a write during a first subscriber's load wins over the older copy the load read", async () => {
    const { hub, write, operate, advance, stored } = setup();
    write('t', 'r', runs(1_000));
    const { release } = lateSource(hub, stored);
    const heard: TransitionEvent[] = [];
    const subscribed = hub.subscribe((e) => heard.push(e));
    await Promise.resolve();
    operate('t', 'r', 'cancel');
    release();
    await subscribed;
    expect(hub.watching).toBe(0);
    advance(1_000);
    hub.tick();
    expect(heard).toEqual([]);
  });

  it("a reset during a first subscriber's load makes it read that tenant again", async () => {
    const { hub, write, advance, stored } = setup();
    write('a', 'a1', runs(1_000));
    const { release, reads } = lateSource(hub, stored);
    const heard: TransitionEvent[] = [];
    const subscribed = hub.subscribe((e) => heard.push(e));
    await Promise.resolve();
    stored.delete('a');
    await hub.forgotten('a');
    release();
    await subscribed;
    expect(reads).toEqual(['a', 'a']);
    expect(hub.watching).toBe(0);
    advance(1_000);
    hub.tick();
    expect(heard).toEqual([]);
  });
});

describe('EventHub bookkeeping: what it keeps stays in proportion to what moves', () => {
  it('an instance operated on again and again leaves a bounded schedule: stale entries are swept', async () => {
    const { hub, write, operate, listen, lines } = setup();
    await listen();
    write('t', 'busy', runs(60_000));
    write('t', 'quiet', runs(60_000));
    expect(hub.queued).toBe(2);
    // Each write of `busy` replaces its watch and leaves the old schedule entry behind.
    for (let i = 0; i < 3000; i++) write('t', 'busy', runs(60_000), 'updated');
    expect(hub.watching).toBe(2);
    expect(hub.queued).toBeGreaterThan(2);
    expect(hub.queued).toBeLessThanOrEqual(2 * 2 + 1024 + 1);
    lines();
    operate('t', 'quiet', 'cancel');
    expect(lines()).toEqual(['quiet RUNNING->CANCELED']);
  });

  it('counts what the schedule holds through ticks, a tenant forgotten and a reset', async () => {
    const { hub, write, listen, advance, stored } = setup();
    await listen();
    write('a', 'a1', runs(1_000));
    write('a', 'a2', runs(5_000));
    write('b', 'b1', runs(5_000));
    expect(hub.queued).toBe(3);
    advance(1_000);
    hub.tick();
    // a1 settled: its entry popped, nothing pushed back.
    expect(hub.queued).toBe(2);
    expect(hub.watching).toBe(2);
    stored.delete('a');
    await hub.forgotten('a');
    expect(hub.queued).toBe(1);
    expect(hub.watching).toBe(1);
    await hub.forgotten('nobody');
    expect(hub.queued).toBe(1);
    await hub.cleared();
    expect(hub.queued).toBe(0);
    expect(hub.watching).toBe(0);
  });

  it('watches at most its bound, dropping the instance written longest ago (a rewrite makes it recent)', async () => {
    let now = 1000;
    const hub = new EventHub({ now: () => now }, 3);
    hub.register('v', machine);
    const heard: string[] = [];
    await hub.subscribe((e) => heard.push(`${e.instanceId} ${e.to}`));
    const rec = (id: string): WatchedRecord => ({ tenant: 't', id, createdAt: 1000, data: { plan: runs(1_000), operations: [] } });
    for (const id of ['r1', 'r2', 'r3']) hub.written('v', rec(id), 'created');
    hub.written('v', rec('r1'), 'updated');
    hub.written('v', rec('r4'), 'created');
    expect(hub.watching).toBe(3);
    heard.length = 0;
    now += 1_000;
    hub.tick();
    expect(heard.sort()).toEqual(['r1 DONE', 'r3 DONE', 'r4 DONE']);
  });

  it('a restored instance (fixtures) reports only what comes after now; an update without operations too', async () => {
    const { hub, listen, lines, advance } = setup();
    await listen();
    const past = (id: string, ms: number, change: WriteKind): void =>
      hub.written('v', { tenant: 't', id, createdAt: 0, data: { plan: runs(ms), operations: [] } }, change);
    past('finished', 500, 'restored');
    past('later', 3_000, 'restored');
    past('touched', 3_000, 'updated');
    expect(lines()).toEqual([]);
    expect(hub.watching).toBe(2);
    advance(2_000);
    hub.tick();
    expect(lines().sort()).toEqual(['later RUNNING->DONE', 'touched RUNNING->DONE']);
  });

  it('sends each event whole, with no parentId key when the instance has no parent', async () => {
    const { hub, write, listen, advance } = setup();
    const heard: TransitionEvent[] = [];
    await hub.subscribe((e) => heard.push(e));
    write('t', 'r', runs(250));
    advance(250);
    hub.tick();
    expect(heard).toStrictEqual([
      { vendor: 'v', tenant: 't', instanceId: 'r', from: null, to: 'RUNNING', at: new Date(1000).toISOString(), cause: 'start' },
      { vendor: 'v', tenant: 't', instanceId: 'r', from: 'RUNNING', to: 'DONE', at: new Date(1250).toISOString(), cause: 'plan' },
    ]);
  });

  it('a store that cannot be read fails the subscription, holds nothing, and the next subscriber reads again', async () => {
    const hub = new EventHub({ now: () => 1000 });
    let fail = true;
    const records = [{ tenant: 't', id: 'r', createdAt: 1000, data: { plan: runs(1_000), operations: [] } }];
    hub.register('v', machine, {
      tenants: async () => {
        if (fail) throw new Error('store down');
        return ['t'];
      },
      records: async () => records,
    });
    await expect(hub.subscribe(() => undefined)).rejects.toThrow('store down');
    expect(hub.subscribers).toBe(0);
    expect(hub.watching).toBe(0);
    fail = false;
    const off = await hub.subscribe(() => undefined);
    expect(hub.watching).toBe(1);
    off();
    // Every holder is gone, the failed one included: nothing stays watched.
    expect(hub.watching).toBe(0);
  });

  it('a tenant subscription that fails leaves the other tenants covered, and is retried by the next', async () => {
    const hub = new EventHub({ now: () => 1000 });
    let failA = true;
    hub.register('v', machine, {
      tenants: async () => ['a', 'b'],
      records: async (t) => {
        if (t === 'a' && failA) throw new Error('a unreadable');
        return [{ tenant: t, id: `${t}1`, createdAt: 1000, data: { plan: runs(1_000), operations: [] } }];
      },
    });
    const offB = await hub.subscribe(() => undefined, 'b');
    await expect(hub.subscribe(() => undefined, 'a')).rejects.toThrow('a unreadable');
    expect(hub.watching).toBe(1);
    failA = false;
    await hub.subscribe(() => undefined, 'a');
    expect(hub.watching).toBe(2);
    offB();
    expect(hub.watching).toBe(2);
  });

  it('calling an unsubscribe twice releases once: the other subscriber keeps hearing', async () => {
    const { hub, write, listen, lines, advance } = setup();
    const off = await listen();
    await listen();
    off();
    off();
    write('t', 'r', runs(1_000));
    expect(hub.watching).toBe(1);
    advance(1_000);
    hub.tick();
    expect(lines()).toEqual(['r null->RUNNING', 'r RUNNING->DONE']);
  });

  it('subscribers of one scope share its load: each tenant is read once', async () => {
    const { hub, write, stored } = setup();
    write('a', 'a1', runs(1_000));
    write('b', 'b1', runs(1_000));
    const reads: string[] = [];
    hub.register('v', machine, { tenants: async () => [...stored.keys()], records: async (t) => (reads.push(t), [...stored.get(t)!.values()]) });
    await Promise.all([hub.subscribe(() => undefined, 'a'), hub.subscribe(() => undefined, 'a')]);
    expect(reads).toEqual(['a']);
    await hub.subscribe(() => undefined);
    await hub.subscribe(() => undefined, 'b');
    await hub.subscribe(() => undefined);
    expect(reads.sort()).toEqual(['a', 'a', 'b']);
    expect(hub.watching).toBe(2);
  });

  it("a transition that falls due while a first subscriber's load is still reading is heard once it subscribed", async () => {
    let now = 1000;
    const hub = new EventHub({ now: () => now });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    hub.register('v', machine, {
      tenants: async () => ['a', 'b'],
      records: async (t) => {
        if (t === 'b') await gate;
        return [{ tenant: t, id: `${t}1`, createdAt: 1000, data: { plan: runs(t === 'a' ? 500 : 5_000), operations: [] } }];
      },
    });
    const heard: string[] = [];
    const subscribed = hub.subscribe((e) => heard.push(`${e.instanceId} ${e.to}`));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(hub.watching).toBe(1);
    now += 500;
    hub.tick();
    release();
    await subscribed;
    hub.tick();
    expect(heard).toEqual(['a1 DONE']);
  });

  it('a publish the shared store refuses is dropped, not thrown nor left unhandled', async () => {
    const hub = new EventHub({ now: () => 0 });
    hub.register('v', machine);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await hub.connect({
        info: { shared: true },
        subscribe: async () => async () => undefined,
        publish: async () => {
          throw new Error('redis gone');
        },
      } as unknown as Store);
      expect(() => hub.written('v', { tenant: 't', id: 'r', createdAt: 0, data: { plan: runs(1), operations: [] } }, 'created')).not.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('EventHub across replicas (a shared store carries the writes)', () => {
  /** Two hubs over one shared store's channel, as two flowtwin replicas on one Redis. */
  async function replicas() {
    let now = 1000;
    const channels = new LocalChannels();
    const store = {
      info: { kind: 'redis', location: 'test', durable: true, shared: true, fresh: false },
      subscribe: async (channel: string, listener: (message: string) => void) => channels.subscribe(channel, listener),
      publish: async (channel: string, message: string) => channels.publish(channel, message),
    } as unknown as Store;
    const stored = new Map<string, Map<string, WatchedRecord>>();
    const source = { tenants: async () => [...stored.keys()], records: async (t: string) => [...(stored.get(t)?.values() ?? [])] };
    const hubs = [new EventHub({ now: () => now }), new EventHub({ now: () => now })] as const;
    for (const hub of hubs) {
      hub.register('v', machine, source);
      await hub.connect(store);
    }
    const write = (hub: EventHub, tenant: string, id: string, plan: Plan, parentId?: string) => {
      const record: WatchedRecord = { tenant, id, ...(parentId !== undefined ? { parentId } : {}), createdAt: now, data: { plan, operations: [] } };
      if (!stored.has(tenant)) stored.set(tenant, new Map());
      stored.get(tenant)!.set(id, record);
      hub.written('v', record, 'created');
    };
    const heard: TransitionEvent[] = [];
    return { hubs, write, heard, channels, stored, advance: (ms: number) => void (now += ms), listen: (hub: EventHub, tenant?: string) => hub.subscribe((e) => heard.push(e), tenant) };
  }

  it("a subscriber on one replica hears the runs another replica writes, with their parent", async () => {
    const { hubs, write, heard, listen, advance } = await replicas();
    const [a, b] = hubs;
    await listen(b);
    write(a, 't', 'r1', runs(1_000), 'wf-1');
    // The writer has no subscriber: it watches nothing itself.
    expect(a.watching).toBe(0);
    expect(b.watching).toBe(1);
    advance(1_000);
    b.tick();
    expect(heard.map((e) => [e.instanceId, e.parentId, e.from, e.to, e.tenant])).toEqual([
      ['r1', 'wf-1', null, 'RUNNING', 't'],
      ['r1', 'wf-1', 'RUNNING', 'DONE', 't'],
    ]);
  });

  it('a replica with no subscriber keeps nothing of what it hears', async () => {
    const { hubs, write } = await replicas();
    write(hubs[0], 't', 'r1', runs(1_000));
    expect(hubs[1].watching).toBe(0);
  });

  it('a reset or a tenant forgotten on one replica is forgotten on the others, and a garbled message changes nothing', async () => {
    const { hubs, write, listen, channels, stored } = await replicas();
    const [a, b] = hubs;
    await listen(b);
    write(a, 'x', 'x1', runs(1_000));
    write(a, 'y', 'y1', runs(1_000));
    expect(b.watching).toBe(2);
    channels.publish(INSTANCES_CHANNEL, '{not json');
    channels.publish(INSTANCES_CHANNEL, '{"vendor":"nobody"}');
    expect(b.watching).toBe(2);
    stored.delete('x');
    await a.forgotten('x');
    expect(b.watching).toBe(1);
    await a.cleared();
    expect(b.watching).toBe(0);
  });

  it('hears nothing more once disconnected', async () => {
    const { hubs, write, listen } = await replicas();
    const [a, b] = hubs;
    await listen(b);
    await b.disconnect();
    write(a, 't', 'r1', runs(1_000));
    expect(b.watching).toBe(0);
  });

  it('does not listen on a store no other replica shares', async () => {
    const hub = new EventHub({ now: () => 0 });
    let subscribed = 0;
    await hub.connect({ info: { shared: false }, subscribe: async () => (subscribed++, async () => undefined) } as unknown as Store);
    expect(subscribed).toBe(0);
  });
});
