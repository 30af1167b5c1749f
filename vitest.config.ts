import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Browser and container tests start their own processes; keep the 2-core CI machine from thrashing.
    maxWorkers: 2,
  },
});
