import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import { outsideRequest } from '../db/request-budget.js';
import type { Clock } from '../lib/clock.js';
import { SCHEDULE_CHANNEL } from '../modules/scheduling/index.js';
import { SUSPECT_AFTER_MS } from './claim.sql.js';
import type { BatchResult } from './deliver-batch.js';
import type { DispatchEvents } from './dispatch-events.js';
import { HELD_ROW_RETRY_MS } from './held-conversations.js';
import { selectDispatchOutlook } from './outlook.sql.js';
import type { Timers } from './timers.js';

export interface DispatcherOptions {
  db: Db;
  clock: Clock;
  /** Timers on `clock` (a test's fake clock fires them when it moves). */
  timers: Timers;
  events: DispatchEvents;
  /** One call: a batch of due rows, then suspects if `suspects` (deliver-batch.ts, deliverDue). */
  deliver(limit: number, suspects: boolean): Promise<BatchResult>;
  log: FastifyBaseLogger;
  batchSize: number;
  /** The safety-net poll: the longest the dispatcher sleeps without a timer or a notification. */
  pollIntervalMs: number;
  /** Batches delivered in parallel by this process (each claims its own rows with SKIP LOCKED). */
  concurrency: number;
}

/**
 * The longest wait between failed passes (database down or frozen). Short: a failed pass costs one
 * cheap statement, and once the database is back, rows due meanwhile go within this long (a frozen
 * database keeps the LISTEN connection, so no "listen restored" kick comes to cut the wait short;
 * at 30 s the outage test saw delivery resume after more than that).
 */
const MAX_BACKOFF_MS = 5_000;
/** runOnce waits at most this long for rows someone else holds (a batch's old lock_timeout). */
const RUN_ONCE_HELD_WAIT_MS = 10_000;
/** An in-flight batch record older than this most likely belongs to a process that died. */
const STALE_BATCH_MS = SUSPECT_AFTER_MS;

/**
 * Delivers scheduled messages on time. One timer is armed for the next due row; creating,
 * editing or sending now NOTIFYs every process (SCHEDULE_CHANNEL), which re-arms earlier if
 * needed. When woken, it drains everything due in batches, then arms again. A slow poll is only a
 * safety net. If the LISTEN connection breaks, the database layer listens again with backoff and
 * this catches up with a pass (notifications sent meanwhile are lost).
 */
export class Dispatcher {
  private cancelTimer: (() => void) | undefined;
  private armedForMs = Number.POSITIVE_INFINITY;
  /** Passes running now; at most `concurrency`, each claiming its own rows with SKIP LOCKED. */
  private readonly passes = new Set<Promise<void>>();
  private again = false;
  /** Started and not stopped: timers and notifications start passes. */
  private running = false;
  /** stop() was called: loops end after their current batch. */
  private closing = false;
  private failures = 0;
  private unlisten: (() => Promise<void>) | undefined;
  /** Whether rows of dead processes' batches may be waiting (checked at start, then when seen). */
  private suspectsPossible = true;
  /** The last pass left due rows that someone else held (see HELD_ROW_RETRY_MS). */
  private sawHeldRows = false;

  constructor(private readonly options: DispatcherOptions) {}

  get events(): DispatchEvents {
    return this.options.events;
  }

  async start(): Promise<void> {
    const { db, log, events } = this.options;
    this.running = true;
    this.closing = false;
    this.unlisten = await db.listen(
      SCHEDULE_CHANNEL,
      (payload) => {
        const dueMs = Number(payload);
        const valid = payload !== '' && Number.isFinite(dueMs);
        events.emit('woken', { dueAt: valid ? new Date(dueMs) : undefined });
        this.wake(valid ? dueMs : undefined);
      },
      {
        lost: (error) => {
          log.warn({ err: error }, 'dispatcher lost its LISTEN connection; listening again');
          events.emit('listen-lost', { error });
        },
        // Notifications sent while it was gone are lost: re-read what is due and re-arm.
        restored: () => {
          log.info('dispatcher listening again; catching up');
          events.emit('listen-restored', {});
          this.kick();
        },
      },
    );
    // A restart delivers at once whatever came due while no process was running.
    this.kick();
  }

  /** Stops claiming; resolves once the batches in flight have committed (graceful shutdown). */
  async stop(): Promise<void> {
    this.running = false;
    this.closing = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.armedForMs = Number.POSITIVE_INFINITY;
    await this.unlisten?.().catch(() => {});
    this.unlisten = undefined;
    await Promise.all(this.passes);
  }

  /** A row became due at `dueMs` (or now): deliver now, or arm earlier than planned. */
  wake(dueMs?: number): void {
    if (!this.running) return;
    if (dueMs === undefined || dueMs <= this.options.clock.now().getTime()) this.kick();
    else if (dueMs < this.armedForMs) this.arm(dueMs);
  }

  /** When the armed timer will fire (undefined when none is armed). */
  get nextWakeAt(): Date | undefined {
    return Number.isFinite(this.armedForMs) ? new Date(this.armedForMs) : undefined;
  }

  /**
   * Delivers everything due now, without timers (tests and benchmarks drive it directly):
   * `concurrency` drain loops in parallel. Rows that someone else held (another dispatcher's
   * batch holding their conversation, a request holding the row) are tried again every
   * HELD_ROW_RETRY_MS of real time, for up to RUN_ONCE_HELD_WAIT_MS: it returns once none was
   * held, as it did when batches waited for those locks. Returns the rows handled.
   */
  async runOnce(): Promise<number> {
    const giveUpAt = performance.now() + RUN_ONCE_HELD_WAIT_MS;
    let total = 0;
    for (;;) {
      this.suspectsPossible = true;
      let held = false;
      const onBatch = (batch: BatchResult) => {
        total += batch.handled;
        held ||= batch.held;
      };
      await Promise.all(Array.from({ length: this.options.concurrency }, () => this.drain(onBatch)));
      if (!held || performance.now() >= giveUpAt) return total;
      await new Promise((resolve) => setTimeout(resolve, HELD_ROW_RETRY_MS));
    }
  }

  /**
   * THE drain loop: full batches until one comes back short (nothing due is left). `onFull` is
   * told of each full batch (more is due: the timer loop starts another pass to help).
   */
  private async drain(onBatch: (batch: BatchResult) => void, onFull?: () => void): Promise<void> {
    const { batchSize } = this.options;
    const suspects = this.suspectsPossible;
    for (;;) {
      const batch = await this.options.deliver(batchSize, suspects);
      onBatch(batch);
      if (batch.picked < batchSize || this.closing) break;
      onFull?.();
    }
    // The suspects pass ran to the end: none left until a stale batch record shows up again.
    if (suspects) this.suspectsPossible = false;
  }

  /**
   * Starts a pass if fewer than `concurrency` are running (rows that come due while one pass is
   * busy are taken by another at once, instead of waiting for it); otherwise remembers to run one
   * more. When the last pass ends, the timer is armed for the next due row.
   */
  private kick(): void {
    if (!this.running) return;
    if (this.passes.size >= this.options.concurrency) {
      this.again = true;
      return;
    }
    // Never inside a request's database budget: a kick may come from a callback that inherited a
    // request's async context (db/request-budget.ts), and the timers armed from here would keep it.
    const pass = outsideRequest(() => this.runPass()).then((ok) => {
      this.passes.delete(pass);
      if (!this.running || !ok) return;
      if (this.again) {
        this.again = false;
        this.kick();
      } else if (this.passes.size === 0) {
        this.armNext().catch((error: unknown) => {
          this.options.log.error({ err: error }, 'could not read the next due time');
          this.arm(this.options.clock.now().getTime() + 1000);
        });
      }
    });
    this.passes.add(pass);
  }

  /** One pass of the timer loop. Returns false when it failed (and armed a retry with backoff). */
  private async runPass(): Promise<boolean> {
    try {
      await this.drain(
        (batch) => {
          if (batch.held) this.sawHeldRows = true;
        },
        () => this.kick(),
      );
      this.failures = 0;
      return true;
    } catch (error) {
      // Database unreachable or similar: rows stay pending (their transaction rolled back).
      this.failures += 1;
      const retryInMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.failures, 6));
      this.options.log.error({ err: error, retryInMs }, 'scheduled delivery pass failed');
      this.options.events.emit('pass-error', { error, retryInMs });
      this.again = false;
      this.arm(this.options.clock.now().getTime() + retryInMs);
      return false;
    }
  }

  /** Nothing due is left: sleep until the next due row, the poll, or a stale batch's suspects. */
  private async armNext(): Promise<void> {
    if (!this.running) return;
    const now = this.options.clock.now().getTime();
    const outlook = await selectDispatchOutlook(this.options.db, new Date(now - STALE_BATCH_MS));
    if (!this.running) return;
    if (outlook.staleBatches && !this.suspectsPossible) {
      this.suspectsPossible = true;
      this.arm(now);
      return;
    }
    const poll = now + this.options.pollIntervalMs;
    let next = Math.min(outlook.nextDue?.getTime() ?? Number.POSITIVE_INFINITY, poll);
    if (this.sawHeldRows) next = Math.max(next, now + HELD_ROW_RETRY_MS);
    this.sawHeldRows = false;
    // A NOTIFY heard during the query (a row committed after its snapshot) may have armed sooner.
    next = Math.min(next, this.armedForMs);
    this.arm(next);
    this.options.events.emit('idle', { nextWakeAt: new Date(next) });
  }

  private arm(atMs: number): void {
    if (!this.running) return;
    this.cancelTimer?.();
    this.armedForMs = atMs;
    this.cancelTimer = this.options.timers.at(atMs, () => {
      this.cancelTimer = undefined;
      this.armedForMs = Number.POSITIVE_INFINITY;
      this.kick();
    });
  }
}
