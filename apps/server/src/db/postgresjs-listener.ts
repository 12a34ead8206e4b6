import type postgres from 'postgres';
import { quoteIdent, type ListenerEvents, type NotificationHandler } from './db.js';

/** Backoff between attempts to listen again after the LISTEN connection broke (as PgListener). */
const RELISTEN_DELAYS_MS = [100, 500, 1000, 2000, 5000];

type Listener = { handler: NotificationHandler; events: ListenerEvents | undefined };

/**
 * LISTEN for the postgres.js implementation of Db: one dedicated connection (its own postgres.js
 * instance of one connection, whose onnotify/onclose hooks call `notified` and `connectionClosed`).
 * When it closes, listeners hear `lost`, and `restored` once every channel is listened to again.
 * postgres.js's own `sql.listen` re-listens too, but says nothing of the gap in between.
 */
export class PostgresJsListener {
  private sql: postgres.Sql | undefined;
  /** Whether the current connection listens to every channel in `channels`. */
  private listening = false;
  private relistening = false;
  private closed = false;
  private relistenAttempt = 0;
  private readonly channels = new Map<string, Set<Listener>>();

  /** `open` makes the dedicated instance, given the hooks to wire into its options. */
  constructor(
    private readonly open: (hooks: {
      onnotify(channel: string, payload: string): void;
      onclose(): void;
    }) => postgres.Sql,
  ) {}

  async listen(channel: string, handler: NotificationHandler, events?: ListenerEvents): Promise<() => Promise<void>> {
    const entry: Listener = { handler, events };
    let set = this.channels.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
    }
    set.add(entry);
    if (first) await this.connection().unsafe(`LISTEN ${quoteIdent(channel)}`);
    if (!this.relistening) this.listening = true;
    return async () => {
      set.delete(entry);
      if (set.size === 0) {
        this.channels.delete(channel);
        await this.sql?.unsafe(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sql?.end({ timeout: 1 });
  }

  private connection(): postgres.Sql {
    this.sql ??= this.open({
      onnotify: (channel, payload) => {
        for (const l of this.channels.get(channel) ?? []) l.handler(payload);
      },
      onclose: () => this.connectionClosed(),
    });
    return this.sql;
  }

  /** Any close of the one connection, including a failed attempt to open it. */
  private connectionClosed(): void {
    if (this.closed || !this.listening) return;
    this.listening = false;
    const error = new Error('the LISTEN connection ended');
    for (const set of this.channels.values()) for (const l of set) l.events?.lost?.(error);
    this.scheduleRelisten();
  }

  private scheduleRelisten(): void {
    if (this.closed || this.channels.size === 0) return;
    this.relistening = true;
    const delay = RELISTEN_DELAYS_MS[Math.min(this.relistenAttempt, RELISTEN_DELAYS_MS.length - 1)]!;
    this.relistenAttempt += 1;
    // Real timers: this waits for the network, not for a moment of the application's clock.
    setTimeout(() => {
      if (this.closed) return;
      const sql = this.connection();
      // One statement per channel; postgres.js opens the connection again for the first.
      Promise.all([...this.channels.keys()].map((channel) => sql.unsafe(`LISTEN ${quoteIdent(channel)}`)))
        .then(() => {
          this.relistening = false;
          this.listening = true;
          this.relistenAttempt = 0;
          for (const set of this.channels.values()) for (const l of set) l.events?.restored?.();
        })
        .catch(() => this.scheduleRelisten());
    }, delay).unref();
  }
}
