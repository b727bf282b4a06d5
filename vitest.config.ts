import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/{unit,integration,e2e}/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Integration tests measure real timing on loopback; keep parallelism modest on 2 cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
