import type { Clock } from '../../src/lib/clock.js';
import type { Timers } from '../../src/delivery/index.js';

/**
 * A clock that only moves when the test says so, and the timers on it: a timer fires when the
 * test moves the clock to (or past) its moment, never by itself.
 */
export class FakeClock implements Clock, Timers {
  private ms: number;
  private readonly timers = new Set<{ atMs: number; fn: () => void }>();

  constructor(start: Date | string | number = '2026-06-01T12:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): Date {
    this.ms += ms;
    this.fireDue();
    return this.now();
  }

  set(at: Date | string | number): Date {
    this.ms = new Date(at).getTime();
    this.fireDue();
    return this.now();
  }

  at(atMs: number, fn: () => void): () => void {
    const timer = { atMs, fn };
    this.timers.add(timer);
    // Already due: fire soon, as a real timer of 0 ms would (never inside the caller).
    if (atMs <= this.ms) queueMicrotask(() => this.fireDue());
    return () => this.timers.delete(timer);
  }

  /** Timers armed now (their moments, soonest first). */
  get pendingTimers(): number[] {
    return [...this.timers].map((t) => t.atMs).sort((a, b) => a - b);
  }

  private fireDue(): void {
    const due = [...this.timers].filter((t) => t.atMs <= this.ms).sort((a, b) => a.atMs - b.atMs);
    for (const timer of due) {
      if (!this.timers.delete(timer)) continue; // cancelled by an earlier one
      timer.fn();
    }
  }
}
