import { defineConfig } from 'vitest/config';

/**
 * Browser end-to-end tests: `npm run build` first, then `npm run e2e`. One real server (the built
 * one) for the run, Debian's Chromium driven by playwright-core, one browser context per person.
 */
export default defineConfig({
  test: {
    name: 'e2e',
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['./server.ts'],
    setupFiles: ['./console-guard.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
