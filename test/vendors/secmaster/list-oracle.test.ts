// ListPlaybookInstances reads indexes instead of every instance of the workspace. Its answers (count,
// instances, order, ties) must stay those of the full scan it replaced, kept here as the oracle, for
// any history (runs started, timer runs, RETRY and TERMINATE, the clock moved, instances written
// behind the engine's back before the first list) and any query.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceEngine, type InstanceData } from '../../../src/engine/instances.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { RedisStore } from '../../../src/store/redis.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { Store } from '../../../src/store/store.js';
import { INSTANCE_KIND, instanceInfo, type SecMasterInstanceAttrs } from '../../../src/vendors/secmaster/model.js';
import { secmasterMachine } from '../../../src/vendors/secmaster/state-machine.js';
import { parseSmDate } from '../../../src/vendors/secmaster/time.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../../support/redis.js';
import { fuzzParameters } from '../../fuzz/harness.js';
import { AUTO_BLOCK, BASE, AUTH, HOUR, PROJECT, WS, ts, withFixtures, type Ft } from './support.js';
import { T0 } from '../../support/flowtwin.js';

const STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'RETRYING', 'TERMINATING', 'TERMINATED'];
type Query = Record<string, string | number>;
type Step =
  | { trigger: { playbook: 'auto' | 'default'; outcome?: 'FINISHED' | 'FAILED'; dataobject?: string } }
  | { advance: number }
  | { operate: { pick: number; operation: 'RETRY' | 'TERMINATE' } }
  | { seed: { pick: number; agoMs: number; n: number } }
  | { list: true };

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const trigger = fc
  .record(
    {
      playbook: fc.constantFrom('auto' as const, 'default' as const),
      outcome: maybe(fc.constantFrom('FINISHED' as const, 'FAILED' as const)),
      dataobject: maybe(fc.constantFrom('obj-1', 'obj-2', 'host 10.0.0.1')),
    },
    { requiredKeys: ['playbook'] },
  )
  .map((t) => ({ trigger: t }));
const advance = fc.constantFrom(0, 400, 1000, 1500, 2000, 30_000, 600_000, HOUR, 3 * HOUR).map((ms) => ({ advance: ms }));
const operate = fc.record({ pick: fc.nat(), operation: fc.constantFrom('RETRY' as const, 'TERMINATE' as const) }).map((o) => ({ operate: o }));
// Behind the engine's back, as the benchmark seeds: copies of an instance, some in one millisecond, some started earlier than runs already written.
const seed = fc
  .record({ pick: fc.nat(), agoMs: fc.constantFrom(0, 0, 1000, 45 * 60_000, 2 * HOUR + 7), n: fc.integer({ min: 1, max: 12 }) })
  .map((s) => ({ seed: s }));
const step = fc.oneof({ arbitrary: trigger, weight: 4 }, { arbitrary: advance, weight: 3 }, { arbitrary: operate, weight: 3 });
const history: fc.Arbitrary<Step[]> = fc
  .tuple(
    fc.array(fc.oneof(step, seed), { maxLength: 12 }),
    fc.array(fc.oneof({ arbitrary: step, weight: 8 }, { arbitrary: fc.constant({ list: true as const }), weight: 1 }), { maxLength: 25 }),
  )
  .map(([before, after]) => [...before, { list: true as const }, ...after]);

const page = { limit: fc.integer({ min: 1, max: 30 }), offset: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 })) };
const date = fc.integer({ min: -4 * HOUR, max: 8 * HOUR }).map((ms) => ts(ms));
const statusOnly = fc.record({ status: fc.constantFrom(...STATUSES), ...page });
const anyQuery = fc.record(
  {
    status: fc.constantFrom(...STATUSES),
    trigger_type: fc.constantFrom('EVENT', 'TIMER'),
    name: fc.constantFrom('auto', '2026011', 'BLOCK', 'sweep', 'nothing'),
    playbook_name: fc.constantFrom('auto-block', 'Hourly', 'default'),
    dataclass_name: fc.constantFrom('alert', 'resour'),
    dataobject_name: fc.constantFrom('obj', 'OBJ-1', '10.0.0'),
    from_date: date,
    to_date: date,
    date_type: fc.constantFrom('START', 'END'),
    ...page,
  },
  { requiredKeys: ['limit', 'offset'] },
);
const queries = fc.array(fc.oneof(statusOnly, anyQuery, fc.record(page), fc.record({ from_date: date, ...page })), { minLength: 5, maxLength: 25 });

/** The list as it was: every instance projected, filtered, stably sorted newest start first, sliced. */
async function oracle(store: Store, ft: Ft, q: Query) {
  const engine = new InstanceEngine<SecMasterInstanceAttrs>({ store, clock: ft.clock, ids: () => 'unused', machine: secmasterMachine, kind: INSTANCE_KIND });
  const text = (v: string | number | undefined) => (v === undefined ? undefined : String(v));
  const contains = (value: string, wanted: string | undefined) => wanted === undefined || value.toLowerCase().includes(wanted.toLowerCase());
  const from = q.from_date === undefined ? undefined : parseSmDate(String(q.from_date));
  const to = q.to_date === undefined ? undefined : parseSmDate(String(q.to_date));
  const field = q.date_type === 'END' ? 'end_time' : 'start_time';
  const all = (await engine.all(PROJECT, WS))
    .map(instanceInfo)
    .filter(
      (i) =>
        (q.status === undefined || i.status === q.status) &&
        (q.trigger_type === undefined || i.trigger_type === q.trigger_type) &&
        contains(i.name, text(q.name)) &&
        contains(i.playbook.name, text(q.playbook_name)) &&
        contains(i.dataclass.name, text(q.dataclass_name)) &&
        contains(i.dataobject.name, text(q.dataobject_name)) &&
        (from === undefined || parseSmDate(i[field])! >= from) &&
        (to === undefined || parseSmDate(i[field])! <= to),
    );
  all.sort((a, b) => (a.start_time < b.start_time ? 1 : a.start_time > b.start_time ? -1 : 0));
  const offset = Number(q.offset);
  return { count: all.length, instances: all.slice(offset, offset + Number(q.limit)) };
}

async function play(ft: Ft, store: Store, steps: Step[]): Promise<void> {
  let seeded = 0;
  const instances = async () => store.scan<InstanceData<SecMasterInstanceAttrs>>(INSTANCE_KIND, PROJECT, WS);
  for (const s of steps) {
    if ('trigger' in s) {
      const { playbook, outcome, dataobject } = s.trigger;
      const body = {
        project_id: PROJECT,
        workspace_id: WS,
        ...(playbook === 'auto' ? { playbook_id: AUTO_BLOCK } : {}),
        ...(outcome ? { outcome } : {}),
        ...(dataobject ? { dataobject: { name: dataobject } } : {}),
      };
      expect((await ft.http.post('/__flowtwin/secmaster/trigger').send(body)).status).toBe(201);
    } else if ('advance' in s) {
      ft.clock.advance(s.advance);
    } else if ('operate' in s) {
      const all = await instances();
      const target = all[s.operate.pick % all.length]!;
      const res = await ft.http.post(`${BASE}/instances/${target.id}/operation`).set(AUTH).send({ operation: s.operate.operation });
      expect([200, 400]).toContain(res.status);
    } else if ('seed' in s) {
      const all = await instances();
      const template = all[s.seed.pick % all.length]!;
      const createdAt = ft.clock.now() - s.seed.agoMs;
      for (let i = 0; i < s.seed.n; i++) {
        const id = `00000000-0000-4000-9000-${String(++seeded).padStart(12, '0')}`;
        await store.create({ ...template, id, createdAt, version: 1, data: { ...template.data, attrs: { ...template.data.attrs, name: `seeded-${seeded}` } } });
      }
    } else {
      expect((await ft.http.get(`${BASE}/instances`).set(AUTH).query({ limit: 10, offset: 0 })).status).toBe(200);
    }
  }
}

function checkAgainstOracle(makeStore: () => Promise<Store>, name: string, defaultRuns: number) {
  const { seed, numRuns } = fuzzParameters(`secmaster list oracle on ${name}`, defaultRuns);
  return fc.assert(
    fc.asyncProperty(history, queries, async (steps, qs) => {
      const store = await makeStore();
      try {
        const ft = await withFixtures({ store });
        await play(ft, store, steps);
        for (const q of qs) {
          const res = await ft.http.get(`${BASE}/instances`).set(AUTH).query(q);
          expect(res.status, JSON.stringify(q)).toBe(200);
          expect(res.body, JSON.stringify(q)).toEqual(await oracle(store, ft, q));
        }
      } finally {
        await store.close();
      }
    }),
    { seed, numRuns },
  );
}

describe('SecMaster ListPlaybookInstances answers as a scan of every instance would', () => {
  it('on the memory store', () => checkAgainstOracle(async () => new MemoryStore(), 'memory', 60), 120_000);
  it('on the SQLite store', () => checkAgainstOracle(async () => new SqliteStore(':memory:'), 'sqlite', 15), 120_000);

  it('when every instance is in one millisecond and the few RUNNING ones are the oldest', async () => {
    const store = new MemoryStore();
    const ft = await withFixtures({ store });
    const [template] = await store.scan(INSTANCE_KIND, PROJECT, WS);
    for (let i = 0; i < 3000; i++) {
      // Ids in no particular order, so only the order they were written in can break the tie.
      const id = `00000000-0000-4000-9000-${String((i * 7919) % 10007).padStart(12, '0')}`;
      await store.create({ ...template!, id, createdAt: T0, version: 1, data: template!.data });
    }
    ft.clock.advance(HOUR);
    // Answered from the status's entries, by a walk, by a scan, and from the start index.
    const qs: Query[] = [
      { status: 'RUNNING' },
      { status: 'FINISHED', offset: 500 },
      { status: 'FINISHED', offset: 2990 },
      { name: 'brute', offset: 1500, limit: 3 },
      {},
      { offset: 2995 },
    ];
    for (const q of qs) {
      const full: Query = { limit: 10, offset: 0, ...q };
      expect((await ft.http.get(`${BASE}/instances`).set(AUTH).query(full)).body).toEqual(await oracle(store, ft, full));
    }
  });
});

const skip = redisSkipReason();
describe.skipIf(skip !== undefined)(`SecMaster ListPlaybookInstances on Redis answers as a scan would${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let redis: TestRedis;
  beforeAll(async () => void (redis = await startTestRedis()));
  afterAll(async () => redis?.stop());
  it('for random histories and queries', () => checkAgainstOracle(() => RedisStore.open(redis.url, { prefix: redis.prefix() }), 'redis', 6), 120_000);
});
