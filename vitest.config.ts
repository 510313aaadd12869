import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Sandboxes are real namespaces and overlay mounts: keep files serial
    // so that two suites never fight over cgroups or the CPU.
    fileParallelism: false,
  },
});
