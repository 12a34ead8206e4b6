import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import type { Clock } from '../lib/clock.js';
import { SCHEDULE_CHANNEL, selectDispatchOutlook, type SchedulingService } from '../modules/scheduling/index.js';

export interface DispatcherOptions {
  db: Db;
  clock: Clock;
  scheduling: SchedulingService;
  log: FastifyBaseLogger;
  batchSize: number;
  /** The safety-net poll: the longest the dispatcher sleeps without a timer or a notification. */
  pollIntervalMs: number;
  /** Batches delivered in parallel by this process (each claims its own rows with SKIP LOCKED). */
  concurrency: number;
  /** Counts LISTEN connection losses (a metric). */
  onListenLost?: () => void;
}

const MAX_BACKOFF_MS = 30_000;
/**
 * Due rows that a request held when a pass wanted them (an edit, a cancel, a send-now) are tried
 * again this soon, rather than at once: no busy loop while the request finishes.
 */
const HELD_ROW_RETRY_MS = 50;
/** An in-flight batch record older than this most likely belongs to a process that died. */
const STALE_BATCH_MS = 10_000;

/**
 * Delivers scheduled messages on time. One timer is armed for the next due row; creating,
 * editing or sending now NOTIFYs every process, which re-arms earlier if needed. When woken, it
 * drains everything due in batches, then arms again. A slow poll is only a safety net.
 */
export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private armedForMs = Number.POSITIVE_INFINITY;
  /** Passes running now; at most `concurrency`, each claiming its own rows with SKIP LOCKED. */
  private readonly passes = new Set<Promise<void>>();
  private again = false;
  private stopped = true;
  private failures = 0;
  private unlisten: (() => Promise<void>) | undefined;
  /** Whether rows of dead processes' batches may be waiting (checked at start, then when seen). */
  private suspectsPossible = true;
  /** The last pass found due rows held by requests (see HELD_ROW_RETRY_MS). */
  private sawHeldRows = false;

  constructor(private readonly options: DispatcherOptions) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.unlisten = await this.options.db.listen(
      SCHEDULE_CHANNEL,
      (payload) => {
        const dueMs = Number(payload);
        this.wake(Number.isFinite(dueMs) ? dueMs : undefined);
      },
      {
        lost: (error) => {
          this.options.onListenLost?.();
          this.options.log.warn({ err: error }, 'dispatcher lost its LISTEN connection; reconnecting');
        },
        // Notifications sent while it was gone are lost: re-read what is due and re-arm.
        restored: () => {
          this.options.log.info('dispatcher listening again');
          this.kick();
        },
      },
    );
    // A restart delivers at once whatever came due while no process was running.
    this.kick();
  }

  /** Stops claiming; resolves once the batch in flight has committed (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.unlisten?.().catch(() => {});
    this.unlisten = undefined;
    await Promise.all(this.passes);
  }

  /** A row became due at `dueMs` (or now): deliver now, or arm earlier than planned. */
  wake(dueMs?: number): void {
    if (this.stopped) return;
    if (dueMs === undefined || dueMs <= this.options.clock.now().getTime()) this.kick();
    else if (dueMs < this.armedForMs) this.arm(dueMs);
  }

  /** When the armed timer will fire (undefined when none is armed). */
  get nextWakeAt(): Date | undefined {
    return Number.isFinite(this.armedForMs) ? new Date(this.armedForMs) : undefined;
  }

  /** Delivers everything due now, without timers (tests and benchmarks drive it directly). */
  async runOnce(): Promise<number> {
    this.suspectsPossible = true;
    return this.drain();
  }

  /**
   * Starts a pass if fewer than `concurrency` are running (rows that come due while one pass is
   * busy are taken by another at once, instead of waiting for it); otherwise remembers to run one
   * more. When the last pass ends, the timer is armed for the next due row.
   */
  private kick(): void {
    if (this.stopped) return;
    if (this.passes.size >= this.options.concurrency) {
      this.again = true;
      return;
    }
    const pass = this.runPass().then((ok) => {
      this.passes.delete(pass);
      if (this.stopped || !ok) return;
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

  /** Full batches until one comes back short. Returns false when it failed (and armed a retry). */
  private async runPass(): Promise<boolean> {
    const { scheduling, batchSize } = this.options;
    const suspects = this.suspectsPossible;
    try {
      for (;;) {
        const { picked, handled } = await scheduling.deliverDueBatch(batchSize, { suspects });
        if (handled < picked) this.sawHeldRows = true;
        if (picked < batchSize || this.stopped) break;
        this.kick(); // a full batch: more is due, so another pass may help with the rest
      }
      // The suspects pass ran to the end: none left until a stale batch record shows up again.
      if (suspects) this.suspectsPossible = false;
      this.failures = 0;
      return true;
    } catch (error) {
      // Database unreachable or similar: rows stay pending (their transaction rolled back).
      this.failures += 1;
      const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.failures, 6));
      this.options.log.error({ err: error, retryInMs: backoff }, 'scheduled delivery pass failed');
      this.again = false;
      this.arm(this.options.clock.now().getTime() + backoff);
      return false;
    }
  }

  /** Parallel workers, each taking full batches until one comes back short: nothing due is left. */
  private async drain(): Promise<number> {
    const { scheduling, batchSize, concurrency } = this.options;
    const suspects = this.suspectsPossible;
    let total = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const { picked, handled } = await scheduling.deliverDueBatch(batchSize, { suspects });
          total += handled;
          if (picked < batchSize) break;
        }
      }),
    );
    // The suspects pass ran to the end: none left until a stale batch record shows up again.
    if (suspects) this.suspectsPossible = false;
    return total;
  }

  private async armNext(): Promise<void> {
    if (this.stopped) return;
    const now = this.options.clock.now().getTime();
    const outlook = await selectDispatchOutlook(this.options.db, new Date(now - STALE_BATCH_MS));
    if (outlook.staleBatches && !this.suspectsPossible) {
      this.suspectsPossible = true;
      this.arm(now);
      return;
    }
    const poll = now + this.options.pollIntervalMs;
    let next = Math.min(outlook.nextDue?.getTime() ?? Number.POSITIVE_INFINITY, poll);
    if (this.sawHeldRows) next = Math.max(next, now + HELD_ROW_RETRY_MS);
    this.sawHeldRows = false;
    this.arm(next);
  }

  private arm(atMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedForMs = atMs;
    const delay = Math.max(0, atMs - this.options.clock.now().getTime());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedForMs = Number.POSITIVE_INFINITY;
      this.kick();
    }, delay);
  }
}
