import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Stryker's sandbox copies of the tests are not ours to run.
    exclude: ['**/node_modules/**', '.stryker-tmp/**'],
    testTimeout: 20_000,
  },
});
