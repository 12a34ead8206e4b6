import pg from 'pg';
import { makeTx, type Db, type QueryOptions, type Tx } from './db.js';
import { PgListener } from './pg-listener.js';
import { chargeDatabaseTime } from './request-budget.js';

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
  /**
   * How long a statement may go unanswered before it fails on the client side ("Query read
   * timeout", answered 503) and its connection is discarded. A database that hangs (frozen,
   * a network path that drops packets) refuses nothing: without this bound a request would wait
   * forever, and so would the pool behind it. Must exceed the longest wait a statement is meant to
   * make (the dispatcher's 10 s lock waits, see delivery/claim.sql.ts); per statement,
   * QueryOptions.timeoutMs overrides it (migrations). Unset: no bound.
   */
  queryTimeoutMs?: number;
}

export async function openPgDb(options: PgDbOptions): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'herald',
    // A process that hangs inside a transaction must not hold claimed rows forever.
    idle_in_transaction_session_timeout: 30_000,
    ...(options.lockTimeoutMs ? { lock_timeout: options.lockTimeoutMs } : {}),
    ...(options.acquireTimeoutMs ? { connectionTimeoutMillis: options.acquireTimeoutMs } : {}),
    ...(options.queryTimeoutMs ? { query_timeout: options.queryTimeoutMs } : {}),
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Fail fast if the server is unreachable.
  const probe = await pool.connect();
  probe.release();

  const listener = new PgListener(pool);

  const db: Db = {
    kind: 'pg',
    concurrentConnections: true,
    async query(sql, params, options) {
      const result = await chargeDatabaseTime(() => pool.query(queryConfig(sql, params, options)));
      return { rows: result.rows as never[], rowCount: result.rowCount ?? result.rows.length };
    },
    transaction: (fn) => chargeDatabaseTime(() => runTransaction(pool, fn)),
    listen: (channel, handler, events) => listener.listen(channel, handler, events),
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async queryScript(sql) {
      // The simple query protocol (no parameters) runs a multi-statement string as one implicit
      // transaction and answers with one result per statement.
      const results = (await chargeDatabaseTime(() => pool.query(sql))) as unknown as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(results) ? results[results.length - 1]! : results;
      return { rows: last.rows as never[], rowCount: last.rowCount ?? last.rows.length };
    },
    async close() {
      listener.close();
      await pool.end();
    },
  };
  return db;
}

/** One statement for pg; `query_timeout` is read per query by pg (its typings omit it). */
function queryConfig(sql: string, params: readonly unknown[] | undefined, options: QueryOptions | undefined) {
  const config: pg.QueryConfig & { query_timeout?: number } = {
    text: sql,
    values: params as unknown[] | undefined,
    name: options?.name,
    query_timeout: options?.timeoutMs,
  };
  return config;
}

/** pg's client-side query_timeout fired (no SQLSTATE: its words only). */
function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

/** BEGIN ... COMMIT on one pooled connection; ROLLBACK if `fn` throws. */
async function runTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
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
        // After a read timeout the session is unusable: fail at once rather than queue behind it
        // (a savepoint's ROLLBACK TO would otherwise wait out another timeout).
        if (broken) throw broken;
        try {
          const result = await client.query(queryConfig(sql, params, options));
          return { rows: result.rows as never[], rowCount: result.rowCount ?? result.rows.length };
        } catch (error) {
          if (isReadTimeout(error)) broken ??= error as Error;
          throw error;
        }
      },
    });
    const result = await fn(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A statement that timed out on our side may still be running (or waiting to run) on the
    // server: the session's state is unknown, and a ROLLBACK would wait as long again. Discard
    // the connection instead; the server rolls back an open transaction when its session ends.
    if (isReadTimeout(error)) broken ??= error as Error;
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
}
