import type { Clock } from '../lib/clock.js';
import type { Db } from './db.js';

/**
 * The database clock, read without a query each time: the offset between the database's
 * clock_timestamp() and this process's clock is measured at start and every minute (halving the
 * round trip), and now() applies it. Every server process then agrees on what "due" means, even
 * if their own clocks drift.
 */
export class DbClock implements Clock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  async sync(): Promise<void> {
    let best: { rtt: number; offset: number } | undefined;
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const { rows } = await this.db.query<{ ms: number }>(
        'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
      );
      const t1 = Date.now();
      const offset = Number(rows[0]!.ms) - (t0 + t1) / 2;
      if (!best || t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset };
    }
    this.offsetMs = Math.round(best!.offset);
  }

  async start(refreshMs = 60_000): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync().catch(() => {}), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
