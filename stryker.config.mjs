// Mutation testing (`npm run mutation`): how many deliberate bugs in the state code the tests catch.
// Scope per issue 17: the engine, each vendor's state machine and instance handlers, and the stores.
// Redis is out of the default run (src/store/redis*.ts): with every vendor test covering it, its
// mutants would take hours on two cores. Its own slice runs the Redis suites alone (about 7 min):
// FLOWTWIN_MUTATION_TESTS=redis npx stryker run --mutate src/store/redis.ts
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/engine/**/*.ts',
    'src/store/**/*.ts',
    '!src/store/redis*.ts',
    'src/vendors/datadog/state-machine.ts',
    'src/vendors/datadog/instances.ts',
    'src/vendors/secmaster/state-machine.ts',
    'src/vendors/secmaster/instances.ts',
    'src/vendors/secmaster/instance-list.ts',
  ],
  // The checks run on tsc already; type errors in mutants would only cost time.
  disableTypeChecks: true,
  // Module-level constants (state tables, schemas) are evaluated once per worker: testing their
  // mutants means a fresh run for each, too slow for two cores.
  ignoreStatic: true,
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
  timeoutMS: 20_000,
  // The result of the last run is reused for unchanged code and tests; kept out of git (see .gitignore):
  // it holds absolute sandbox paths and is only valid for the working copy that made it.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
