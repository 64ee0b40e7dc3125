// Model-based: random sequences of what clients do (execute, cancel, trigger, retry, terminate,
// advance, reset, restart), on memory, on SQLite, and on two Redis replicas whose clocks disagree
// by 20 s. After every step the model's checks run (commands.ts). The seed is printed, and fast-check
// prints the shrunk sequence of a failure: FLOWTWIN_FUZZ_SEED / FLOWTWIN_FUZZ_RUNS replay or lengthen.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzParameters } from '../fuzz/harness.js';
import { redisSkipReason, startTestRedis, type TestRedis } from '../support/redis.js';
import { commandsFor, emptyModel } from './commands.js';
import { System, type StoreKind } from './system.js';

const MAX_COMMANDS = 30;
const RUNS: Record<StoreKind, number> = { memory: 40, sqlite: 25, redis: 20 };

async function property(kind: StoreKind, redis?: TestRedis): Promise<void> {
  const { seed, numRuns } = fuzzParameters(`model-based lifecycle on ${kind}`, RUNS[kind]);
  await fc.assert(
    fc.asyncProperty(fc.commands(commandsFor(kind), { maxCommands: MAX_COMMANDS, size: 'max' }), async (commands) => {
      const system = await System.start(kind, redis);
      try {
        await fc.asyncModelRun(() => ({ model: emptyModel(), real: system }), commands);
        expect(system.violations, 'responses that broke the spec, and warnings').toEqual([]);
      } finally {
        await system.close();
      }
    }),
    { seed, numRuns, endOnFailure: false },
  );
}

describe('model-based lifecycle', () => {
  it('memory: every status a path in the table, every 200 the transition it claims, lists and counters a recount', () => property('memory'), 120_000);
  it('SQLite, restarted at random: the same, and nothing acknowledged lost', () => property('sqlite'), 180_000);
});

const redisSkip = redisSkipReason();
describe.skipIf(redisSkip !== undefined)(`model-based lifecycle on two Redis replicas${redisSkip ? ` (skipped: ${redisSkip})` : ''}`, () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => redis?.stop());

  it('one replica’s clock 20 s behind, either restarted at random: one history, as on a single store', () => property('redis', redis), 240_000);
});
