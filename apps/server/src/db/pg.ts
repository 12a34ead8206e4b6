import pg from 'pg';
import { makeTx, quoteIdent, type Db, type ListenerEvents, type NotificationHandler } from './db.js';

// int8 (count(*), sums) as JS numbers: every count Herald handles fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface PgDbOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /**
   * How long any statement waits for a row lock before failing with 55P03 (answered 503). Requests
   * then answer quickly instead of piling up behind a long transaction; the dispatcher raises it
   * for its own transactions (see allowLockWaits). Unset: wait as long as PostgreSQL lets it.
   */
  lockTimeoutMs?: number;
  /** How long a caller waits for a free pooled connection before failing (answered 503). */
  acquireTimeoutMs?: number;
}

/** Backoff between attempts to listen again after the LISTEN connection broke. */
const RELISTEN_DELAYS_MS = [100, 500, 1000, 2000, 5000];

type Listener = { handler: NotificationHandler; events: ListenerEvents | undefined };

export async function openPgDb(options: PgDbOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'herald',
    // A process that hangs inside a transaction must not hold claimed rows forever.
    idle_in_transaction_session_timeout: 30_000,
    ...(options.lockTimeoutMs ? { lock_timeout: options.lockTimeoutMs } : {}),
    ...(options.acquireTimeoutMs ? { connectionTimeoutMillis: options.acquireTimeoutMs } : {}),
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Fail fast if the server is unreachable.
  const probe = await pool.connect();
  probe.release();

  // LISTEN lives on one dedicated client (taken from the pool for the process's lifetime).
  let listener: pg.PoolClient | undefined;
  let connecting: Promise<pg.PoolClient> | undefined;
  let closed = false;
  let relistenAttempt = 0;
  const channels = new Map<string, Set<Listener>>();

  async function connectListener(): Promise<pg.PoolClient> {
    const client = await pool.connect();
    client.on('notification', (msg) => {
      for (const l of channels.get(msg.channel) ?? []) l.handler(msg.payload ?? '');
    });
    // A connection ended by the server (pg_terminate_backend, a restart) emits 'error'; one that
    // just closes emits 'end'. Either way listening stopped: say so, and listen again.
    const onLoss = (error: Error) => {
      if (listener !== client) return;
      listener = undefined;
      client.release(error); // destroys it
      for (const set of channels.values()) for (const l of set) l.events?.lost?.(error);
      scheduleRelisten();
    };
    client.on('error', onLoss);
    client.on('end', () => onLoss(new Error('the LISTEN connection ended')));
    try {
      for (const channel of channels.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (error) {
      // Not listening on this one: destroy it rather than leak it from the pool.
      client.release(error as Error);
      throw error;
    }
    listener = client;
    return client;
  }

  function listenerClient(): Promise<pg.PoolClient> {
    if (listener) return Promise.resolve(listener);
    connecting ??= connectListener().finally(() => (connecting = undefined));
    return connecting;
  }

  function scheduleRelisten(): void {
    if (closed || channels.size === 0) return;
    const delay = RELISTEN_DELAYS_MS[Math.min(relistenAttempt, RELISTEN_DELAYS_MS.length - 1)]!;
    relistenAttempt += 1;
    // Real timers: this waits for the network, not for a moment of the application's clock.
    setTimeout(() => {
      if (closed) return;
      // Listening again may already have happened (a listen() call meanwhile): still say so.
      listenerClient()
        .then(() => {
          relistenAttempt = 0;
          for (const set of channels.values()) for (const l of set) l.events?.restored?.();
        })
        .catch(() => scheduleRelisten());
    }, delay).unref();
  }

  const db: Db = {
    kind: 'pg',
    concurrentConnections: true,
    async query(sql, params, options) {
      const result = await pool.query({ text: sql, values: params as unknown[] | undefined, name: options?.name });
      return { rows: result.rows as never[], rowCount: result.rowCount ?? result.rows.length };
    },
    async transaction(fn) {
      const client = await pool.connect();
      // The server may end this session while it is checked out (idle-in-transaction timeout, a
      // restart, pg_terminate_backend): pg then emits 'error' on the client, which would be an
      // uncaught exception without a listener. The transaction's next query fails instead, and
      // the broken client is discarded rather than returned to the pool.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const tx = makeTx({
          async query(sql, params, options) {
            const result = await client.query({
              text: sql,
              values: params as unknown[] | undefined,
              name: options?.name,
            });
            return { rows: result.rows as never[], rowCount: result.rowCount ?? result.rows.length };
          },
        });
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (!broken) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            broken = rollbackError;
          });
        }
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async listen(channel, handler, events) {
      const entry: Listener = { handler, events };
      let set = channels.get(channel);
      const first = !set;
      if (!set) {
        set = new Set();
        channels.set(channel, set);
      }
      set.add(entry);
      const client = await listenerClient();
      if (first) await client.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        set.delete(entry);
        if (set.size === 0) {
          channels.delete(channel);
          await listener?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
        }
      };
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async queryScript(sql) {
      // The simple query protocol (no parameters) runs a multi-statement string as one implicit
      // transaction and answers with one result per statement.
      const results = (await pool.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(results) ? results[results.length - 1]! : results;
      return { rows: last.rows as never[], rowCount: last.rowCount ?? last.rows.length };
    },
    async close() {
      closed = true;
      listener?.release();
      listener = undefined;
      await pool.end();
    },
  };
  return db;
}
