import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, vi } from 'vitest';
import { resetModuleState } from '../lib/resets';
import { network, startNetwork } from './msw';
import { resetStores } from './stores';

// Every store made with `create` resets after each test (test-support/stores.ts).
vi.mock('zustand', async (importOriginal) => (await import('./stores')).withResets(await importOriginal()));

startNetwork();

/**
 * After each test, everything a test can leave behind goes back to how it started, in this order:
 * the screen, module-level state (the socket, timers, key caches: lib/resets.ts), the stores (last,
 * since module resets may write to them), the page's URL and storage, faked timers and globals,
 * and MSW's handlers.
 */
afterEach(() => {
  cleanup();
  resetModuleState();
  resetStores();
  // (A file may run in the node environment: no page then.)
  if (typeof window !== 'undefined') {
    history.replaceState(null, '', '/');
    localStorage.clear();
    sessionStorage.clear();
  }
  vi.useRealTimers();
  vi.unstubAllGlobals();
  network.resetHandlers();
});

afterAll(() => network.close());

// jsdom lacks these browser APIs; the components only need them to exist.
if (!URL.createObjectURL) URL.createObjectURL = () => 'blob:test';
if (!URL.revokeObjectURL) URL.revokeObjectURL = () => {};
