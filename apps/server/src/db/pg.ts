import pg from 'pg';
import { makeTx, quoteIdent, type Db, type NotificationHandler } from './db.js';

// int8 (count(*), sums) as JS numbers: every count Herald handles fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface PgDbOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /** Called when the LISTEN connection dies; the caller decides (log, exit, reconnect). */
  onListenerError?: (error: Error) => void;
}

export async function openPgDb(options: PgDbOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'herald',
    // A process that hangs inside a transaction must not hold claimed rows forever.
    idle_in_transaction_session_timeout: 30_000,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Fail fast if the server is unreachable.
  const probe = await pool.connect();
  probe.release();

  let listener: pg.PoolClient | undefined;
  const handlers = new Map<string, Set<NotificationHandler>>();

  async function listenerClient(): Promise<pg.PoolClient> {
    if (listener) return listener;
    const client = await pool.connect();
    client.on('notification', (msg) => {
      for (const handler of handlers.get(msg.channel) ?? []) handler(msg.payload ?? '');
    });
    client.on('error', (error) => {
      listener = undefined;
      options.onListenerError?.(error);
    });
    listener = client;
    return client;
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
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, handler) {
      const client = await listenerClient();
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await client.query(`LISTEN ${quoteIdent(channel)}`);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
        if (set.size === 0) {
          handlers.delete(channel);
          await listener?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => {});
        }
      };
    },
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      listener?.release();
      listener = undefined;
      await pool.end();
    },
  };
  return db;
}
