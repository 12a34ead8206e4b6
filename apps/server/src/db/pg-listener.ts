import type pg from 'pg';
import { quoteIdent, type ListenerEvents, type NotificationHandler } from './db.js';

/** Backoff between attempts to listen again after the LISTEN connection broke. */
const RELISTEN_DELAYS_MS = [100, 500, 1000, 2000, 5000];

type Listener = { handler: NotificationHandler; events: ListenerEvents | undefined };

/**
 * LISTEN for the pg implementation of Db: one dedicated connection taken from the pool, replaced
 * when it is lost (listeners hear `lost`, then `restored` once listening again, with backoff).
 */
export class PgListener {
  /** The current LISTEN connection, if any; a lost one is destroyed and replaced. */
  private client: pg.PoolClient | undefined;
  private connecting: Promise<pg.PoolClient> | undefined;
  private closed = false;
  private relistenAttempt = 0;
  private readonly channels = new Map<string, Set<Listener>>();

  constructor(private readonly pool: pg.Pool) {}

  async listen(channel: string, handler: NotificationHandler, events?: ListenerEvents): Promise<() => Promise<void>> {
    const entry: Listener = { handler, events };
    let set = this.channels.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
    }
    set.add(entry);
    const client = await this.listenerClient();
    if (first) await client.query(`LISTEN ${quoteIdent(channel)}`);
    return async () => {
      set.delete(entry);
      if (set.size === 0) {
        this.channels.delete(channel);
        await this.client?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
      }
    };
  }

  close(): void {
    this.closed = true;
    this.client?.release();
    this.client = undefined;
  }

  private listenerClient(): Promise<pg.PoolClient> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    client.on('notification', (msg) => {
      for (const l of this.channels.get(msg.channel) ?? []) l.handler(msg.payload ?? '');
    });
    // A connection ended by the server (pg_terminate_backend, a restart) emits 'error'; one that
    // just closes emits 'end'. Either way listening stopped: say so, and listen again.
    const onLoss = (error: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.release(error); // destroys it
      for (const set of this.channels.values()) for (const l of set) l.events?.lost?.(error);
      this.scheduleRelisten();
    };
    client.on('error', onLoss);
    client.on('end', () => onLoss(new Error('the LISTEN connection ended')));
    try {
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (error) {
      // Not listening on this one: destroy it rather than leak it from the pool.
      client.release(error as Error);
      throw error;
    }
    this.client = client;
    return client;
  }

  private scheduleRelisten(): void {
    if (this.closed || this.channels.size === 0) return;
    const delay = RELISTEN_DELAYS_MS[Math.min(this.relistenAttempt, RELISTEN_DELAYS_MS.length - 1)]!;
    this.relistenAttempt += 1;
    // Real timers: this waits for the network, not for a moment of the application's clock.
    setTimeout(() => {
      if (this.closed) return;
      // Listening again may already have happened (a listen() call meanwhile): still say so.
      this.listenerClient()
        .then(() => {
          this.relistenAttempt = 0;
          for (const set of this.channels.values()) for (const l of set) l.events?.restored?.();
        })
        .catch(() => this.scheduleRelisten());
    }, delay).unref();
  }
}
