import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // one file at a time: the notebook test drives two kernels and the machine has two cores
    // (npm run test:unit and test:stock, which leave the notebooks out, run two files at a time)
    fileParallelism: false,
    // tests/notebooks.test.ts runs two lectures side by side, one per core
    maxConcurrency: 2,
    reporters: ['default', 'json'],
    outputFile: { json: 'build/test-results.json' },
  },
});
