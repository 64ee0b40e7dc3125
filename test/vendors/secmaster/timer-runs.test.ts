// SecMaster TIMER runs are idempotent and cheap: replicas (or concurrent reads) materializing the
// same tick take its scenario hit once and count the run once; a read whose clock passed no new
// tick probes no instance, and one new tick costs one create.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/store/memory.js';
import { openStore } from '../../../src/store/open.js';
import { StoreUnavailable, type Store } from '../../../src/store/store.js';
import { INSTANCE_KIND } from '../../../src/vendors/secmaster/model.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../../support/redis.js';
import { testFlowtwin } from '../../support/flowtwin.js';
import { type Ft, AUTH, BASE, HOUR, PROJECT, SWEEP, list, trigger, withFixtures } from './support.js';

const sweep = (ft: Ft) => list(ft, { playbook_name: 'Hourly compliance sweep' });
const statuses = async (ft: Ft) => ((await sweep(ft)).body.instances as { status: string }[]).map((i) => i.status);

/**
 * Once armed, holds instance creates until `n` of them arrived (or a second passed), so that every
 * replica has decided its run before any wins the create: the race the fix must survive, every time.
 */
function gate(n: number) {
  const waiting: (() => void)[] = [];
  let open = true;
  let timer: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(timer);
    open = true;
    waiting.splice(0).forEach((resolve) => resolve());
  };
  const arrive = () =>
    open
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length >= n) release();
        });
  return {
    arm() {
      open = false;
      timer = setTimeout(release, 1000);
    },
    wrap: <S extends Store>(store: S): S =>
      new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === 'create') {
            return async (...args: Parameters<Store['create']>) => {
              if (args[0].kind === INSTANCE_KIND) await arrive();
              return target.create(...args);
            };
          }
          const value = Reflect.get(target, prop, receiver) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
  };
}

/** Counts the instance reads and creates, and the control state writes, a store is asked for. */
function counting(store: Store) {
  const calls = { gets: 0, creates: 0, controlWrites: 0 };
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === 'get' && args[0] === INSTANCE_KIND) calls.gets++;
        if (prop === 'getMany' && args[0] === INSTANCE_KIND) calls.gets += (args[2] as string[]).length;
        const kind = (args[0] as { kind?: string }).kind;
        if (prop === 'create' && kind === INSTANCE_KIND) calls.creates++;
        if ((prop === 'create' || prop === 'update') && kind === 'flowtwin.control') calls.controlWrites++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: proxy, calls };
}

/** Two replicas over stores that reach the same data: A seeded with the fixtures, both limited to `max` instances. */
type Replicas = (max: number) => Promise<{ a: Ft; b: Ft; race: <T>(reads: Promise<T>[]) => Promise<T[]>; close: () => Promise<void> }>;

function replicaTests(name: string, replicas: Replicas) {
  describe(`SecMaster TIMER runs on two replicas (${name})`, () => {
    it('take a times: 2 scenario once for a run both materialize: the next run still gets it', async () => {
      const { a, b, race, close } = await replicas(100);
      try {
        await a.http
          .post('/__flowtwin/scenarios')
          .send({ vendor: 'secmaster', playbook_id: SWEEP, outcome: 'FAILED', failAction: 'Report findings', times: 2 })
          .expect(201);
        await a.http.post('/__flowtwin/clock/advance').send({ ms: HOUR }).expect(200);
        const reads = await race([sweep(a), sweep(b)]);
        expect(reads.map((r) => r.body.count)).toEqual([1, 1]);
        const [scenario] = (await b.http.get('/__flowtwin/scenarios').expect(200)).body.scenarios as { hits: number }[];
        expect(scenario?.hits).toBe(1);

        await b.http.post('/__flowtwin/clock/advance').send({ ms: HOUR }).expect(200);
        await a.http.post('/__flowtwin/clock/advance').send({ ms: 120_000 }).expect(200);
        // Both runs failed at "Report findings": the second took the scenario's second hit.
        expect(await statuses(b)).toEqual(['FAILED', 'FAILED']);
        expect((await a.http.get('/__flowtwin/scenarios').expect(200)).body.scenarios).toEqual([]);
      } finally {
        await close();
      }
    });

    it('count a run both materialize once toward --max-instances-per-tenant', async () => {
      // 6 fixture runs + 2 timer runs + 1 trigger = 9: the limit admits exactly one trigger.
      const { a, b, race, close } = await replicas(9);
      try {
        await a.http.post('/__flowtwin/clock/advance').send({ ms: HOUR }).expect(200);
        await race([sweep(a), sweep(b)]);
        await b.http.post('/__flowtwin/clock/advance').send({ ms: HOUR }).expect(200);
        await race([sweep(b), sweep(a)]);
        expect((await list(b)).body.count).toBe(8);
        expect((await trigger(a)).status).toBe(201);
        const refused = await trigger(b);
        expect(refused.status).toBe(400);
        expect(refused.body.detail).toMatch(`project ${PROJECT} has reached the limit of 9`);
      } finally {
        await close();
      }
    });
  });
}

/** Runs the reads at once, their first instance creates held until both got there. */
const racing =
  (held: ReturnType<typeof gate>) =>
  <T>(reads: Promise<T>[]): Promise<T[]> => {
    held.arm();
    return Promise.all(reads);
  };

/** Two apps over one store object: what two concurrent reads of one process race on, too. */
const sameStore =
  (open: () => Promise<Store> | Store): Replicas =>
  async (max) => {
    const held = gate(2);
    const store = held.wrap(await open());
    const a = await withFixtures({ store, maxInstancesPerTenant: max });
    const b = await testFlowtwin({ store, maxInstancesPerTenant: max });
    return { a, b, race: racing(held), close: () => a.close() };
  };

replicaTests(
  'memory',
  sameStore(() => new MemoryStore()),
);
replicaTests(
  'SQLite',
  sameStore(() => openStore('sqlite::memory:')),
);

const redisSkip = redisSkipReason();
describe.skipIf(redisSkip !== undefined)(`Redis${redisSkip ? ` (skipped: ${redisSkip})` : ''}`, () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => redis?.stop());

  replicaTests('Redis, two connections', async (max) => {
    const url = `${redis.url}?prefix=${encodeURIComponent(redis.prefix())}`;
    const held = gate(2);
    const a = await withFixtures({ store: held.wrap(await openStore(url)), maxInstancesPerTenant: max });
    const b = await testFlowtwin({ store: held.wrap(await openStore(url)), maxInstancesPerTenant: max });
    return {
      a,
      b,
      race: racing(held),
      close: async () => {
        await a.close();
        await b.close();
      },
    };
  });
});

describe('SecMaster TIMER runs on a store written by a flowtwin that kept no marks', () => {
  it('take no scenario hit for a run that already exists', async () => {
    const ft = await withFixtures();
    ft.clock.advance(HOUR);
    expect((await sweep(ft)).body.count).toBe(1);
    // The control state as an older flowtwin stored it: without the TIMER marks.
    const record = (await ft.store.get<Record<string, unknown>>('flowtwin.control', '', 'state'))!;
    const { timers, ...older } = record.data;
    expect(timers).toBeDefined();
    expect(await ft.store.update({ ...record, data: older }, record.version)).toBe(true);
    ft.control.invalidate();
    await ft.http
      .post('/__flowtwin/scenarios')
      .send({ vendor: 'secmaster', playbook_id: SWEEP, outcome: 'FAILED', failAction: 'Report findings', times: 2 })
      .expect(201);
    ft.clock.advance(HOUR + 120_000);
    expect(await statuses(ft)).toEqual(['FAILED', 'FINISHED']);
    const scenarios = (await ft.http.get('/__flowtwin/scenarios').expect(200)).body.scenarios as { hits: number }[];
    expect(scenarios.map((s) => s.hits)).toEqual([1]);
  });
});

describe('SecMaster TIMER runs: the cost of a read', () => {
  it('with 1,000 runs materialized, a read probes no instance; one new tick costs one create', async () => {
    const { store, calls } = counting(new MemoryStore());
    const ft = await withFixtures({ store });
    ft.clock.advance(1200 * HOUR);
    // 1,200 ticks due: the newest 1,000 are created, the older ones skipped.
    expect((await sweep(ft)).body.count).toBe(1000);

    // ShowPlaybookInstance of an unknown id materializes due runs, then reads that one id (400: no such instance).
    const show = () => ft.http.get(`${BASE}/instances/00000000-0000-4000-8000-0000000fffff`).set(AUTH).expect(400);
    calls.gets = calls.creates = calls.controlWrites = 0;
    await show();
    expect(calls).toEqual({ gets: 1, creates: 0, controlWrites: 0 });

    // The clock moves outside the counted reads (it is a control write itself).
    ft.clock.advance(HOUR);
    calls.gets = calls.creates = calls.controlWrites = 0;
    await show();
    // One write claims the tick (and would take its scenario hit), one moves the mark past it.
    expect(calls).toEqual({ gets: 1, creates: 1, controlWrites: 2 });
    expect((await sweep(ft)).body.count).toBe(1001);
  });
});

/**
 * A store that, once armed, fails once (as a Redis going away would: 503) on the first call `when`
 * picks, then works again: a read that stopped at that step, to be finished by the next. `seen`:
 * the calls since it was armed.
 */
function failingOnce(store: Store, when: (method: string, args: unknown[], seen: string[]) => boolean) {
  const seen: string[] = [];
  let failed = true;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const kind = typeof args[0] === 'object' ? (args[0] as { kind?: string }).kind : args[0];
        if (!failed && when(String(prop), args, seen)) {
          failed = true;
          throw new StoreUnavailable('the test', new Error('gone for one call'));
        }
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        seen.push(`${String(prop)} ${String(kind)}`);
        return result;
      };
    },
  });
  const arm = () => {
    seen.length = 0;
    failed = false;
  };
  return { store: proxy, arm };
}

describe('SecMaster TIMER runs: a read that stops half way', () => {
  const kindOf = (args: unknown[]) => (args[0] as { kind?: string }).kind;
  it.each([
    ['after the claim, before the run is created', (method: string, args: unknown[]) => method === 'create' && kindOf(args) === INSTANCE_KIND],
    [
      'after the run was created, before the mark moved',
      (method: string, args: unknown[], seen: string[]) =>
        method === 'update' && kindOf(args) === 'flowtwin.control' && seen.includes(`create ${INSTANCE_KIND}`),
    ],
  ])('%s: the next read finishes it with the same scenario hit, once', async (_, when) => {
    const { store, arm } = failingOnce(new MemoryStore(), when);
    const ft = await withFixtures({ store, maxInstancesPerTenant: 8 });
    await ft.http
      .post('/__flowtwin/scenarios')
      .send({ vendor: 'secmaster', playbook_id: SWEEP, outcome: 'FAILED', failAction: 'Report findings', times: 2 })
      .expect(201);
    ft.clock.advance(HOUR);
    arm();
    expect((await sweep(ft)).status).toBe(503);
    expect((await sweep(ft)).body.count).toBe(1);
    ft.clock.advance(120_000);
    expect(await statuses(ft)).toEqual(['FAILED']);
    const scenarios = (await ft.http.get('/__flowtwin/scenarios').expect(200)).body.scenarios as { hits: number }[];
    expect(scenarios.map((s) => s.hits)).toEqual([1]);
    // 6 fixture runs + 1 timer run, counted once: room for one trigger under a limit of 8.
    expect((await trigger(ft)).status).toBe(201);
    expect((await trigger(ft)).status).toBe(400);
  });
});
