// The tests Stryker runs against each mutant (`npm run mutation`): the ones that exercise the mutated
// code in-process. Left out: tests that spawn flowtwin processes (a child runs outside Stryker's
// per-test coverage, so it cannot tell which mutant it killed), the browser, load, bench and proxy
// tests, and the Redis-backed store tests (see docs/reliability.md "Mutation testing" for why).
import { defineConfig } from 'vitest/config';

const unit = [
  'test/engine/**/*.test.ts',
  'test/store/{decoded-cache,member-codec,member-table,memory-index,memory-reset,memory,open,shared-json,sqlite}.test.ts',
];
const service = [
  'test/vendors/**/*.test.ts',
  'test/admin/{faults,overrides,instances,journal,scenarios,clock-range,tenant-clocks,trigger-tenant}.test.ts',
  'test/http/{app,contention,journal,overrides}.test.ts',
  'test/fuzz/{datadog,secmaster,isolation}.test.ts',
  'test/contract/{datadog,secmaster}.test.ts',
];

export default defineConfig({
  test: {
    // FLOWTWIN_MUTATION_TESTS=unit: only the engine and store tests, for the store slices. Every
    // vendor test also covers the store, so with them each store mutant reruns most of the suite
    // (about two hours per slice on two cores); without them the score is a lower bound.
    // FLOWTWIN_MUTATION_TESTS=redis: the Redis store's own suites (conformance, its data, its
    // connections; each file starts a redis-server of its own) and the URL checks, for the redis.ts slice.
    include:
      process.env.FLOWTWIN_MUTATION_TESTS === 'unit'
        ? unit
        : process.env.FLOWTWIN_MUTATION_TESTS === 'redis'
          ? ['test/store/{redis,redis-data,redis-connection,open}.test.ts']
          : [...unit, ...service],
    exclude: ['**/node_modules/**', '.stryker-tmp/**'],
    testTimeout: 60_000,
    // One module graph for every test file: Stryker runs each mutant's covering tests as a fresh
    // vitest run, and re-importing express, ajv and the compiled specs per file cost more than the
    // tests themselves (dry run 84 s isolated, 30 s shared). Mutants are switched at runtime, so a
    // shared module still sees the active one.
    isolate: false,
    // Properties run 10 cases instead of their CI count (fuzz, model and list-oracle tests read
    // FLOWTWIN_FUZZ_RUNS): each mutant reruns its covering tests, and the full counts would make the
    // run take about five hours on two cores. The kill rate is therefore a lower bound: CI's longer
    // runs can only kill more.
    env: { FLOWTWIN_FUZZ_RUNS: '10' },
  },
});
