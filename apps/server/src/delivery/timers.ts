import type { Clock } from '../lib/clock.js';

/**
 * Timers on the injected clock: the dispatcher sleeps until a moment of that clock, never for a
 * bare number of milliseconds, so that a test's fake clock fires it by moving time (see
 * test/helpers/clock.ts) and production follows the database clock.
 */
export interface Timers {
  /** Runs `fn` once the clock reaches `atMs` (at once if it has); returns a function that cancels it. */
  at(atMs: number, fn: () => void): () => void;
}

/** Real timers for a clock that moves by itself (system or database clock). */
export function clockTimers(clock: Clock): Timers {
  return {
    at(atMs, fn) {
      const timer = setTimeout(fn, Math.max(0, atMs - clock.now().getTime()));
      return () => clearTimeout(timer);
    },
  };
}
