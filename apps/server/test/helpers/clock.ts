import type { Clock } from '../../src/lib/clock.js';

/** A clock that only moves when the test says so. */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start: Date | string | number = '2026-06-01T12:00:00.000Z') {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): Date {
    this.ms += ms;
    return this.now();
  }

  set(at: Date | string | number): Date {
    this.ms = new Date(at).getTime();
    return this.now();
  }
}
