import postgres from 'postgres';
import { makeTx, type Db, type QueryResult, type Tx } from './db.js';
import type { PgDbOptions } from './pg.js';
import { PostgresJsListener } from './postgresjs-listener.js';
import { installArrayParsers, PG_COMPATIBLE_TYPES, pgParameter } from './postgresjs-values.js';
import { SessionWatch, type Session } from './postgresjs-sessions.js';
import { chargeDatabaseTime } from './request-budget.js';

/**
 * The Db interface on postgres.js (the `postgres` package) instead of pg, chosen with
 * DATABASE_DRIVER=postgres. Same contract, same values in and out as pg.ts, so that modules do not
 * know which one runs:
 * - parameters are turned into text the way pg does it (`pgParameter`): Dates as ISO timestamps,
 *   arrays as array literals, other objects as JSON, Buffers as bytea;
 * - values come back as pg gives them: int8 as a JS number, timestamps as Dates, json/jsonb parsed,
 *   numeric as a string, bytea as a Buffer;
 * - errors carry the same SQLSTATE `code`; postgres.js's own connection errors are mapped in errors.ts.
 * What differs underneath: every statement with parameters is prepared once per connection (pg
 * only prepares those given a name), a query may be pipelined behind another one on a busy
 * connection, and a transaction's BEGIN travels with its first statement.
 * `kind` stays 'pg': it names the database (a PostgreSQL server), not the client library.
 */
export async function openPostgresJsDb(options: PgDbOptions): Promise<Db> {
  const url = new URL(options.connectionString);
  // The session watch opens sockets itself and reads their first bytes: not under TLS (see there).
  const tls = ['ssl', 'sslmode'].some((key) => url.searchParams.has(key) && url.searchParams.get(key) !== 'disable');
  const sessions = tls ? undefined : new SessionWatch();
  const common = {
    onnotice: () => {},
    transform: { undefined: null },
    types: PG_COMPATIBLE_TYPES,
    connection: {
      application_name: options.applicationName ?? 'herald',
      // A process that hangs inside a transaction must not hold claimed rows forever.
      idle_in_transaction_session_timeout: 30_000,
      ...(options.lockTimeoutMs ? { lock_timeout: options.lockTimeoutMs } : {}),
    },
    ...(sessions ? { socket: sessions.openSocket } : {}),
  };
  const sql = postgres(options.connectionString, {
    ...common,
    max: options.max ?? 10,
    // pg's pool keeps its connections; postgres.js would recycle each after 30-60 minutes.
    max_lifetime: null,
    // fetch_types stays on (each new connection reads the array types; ours are installed already,
    // so it keeps them): without it, postgres.js 3.4.9 never hands a new connection to reserve().
  } as PostgresOptions);
  // Also fails fast if the server is unreachable.
  await installArrayParsers(sql);

  const listener = new PostgresJsListener((hooks) =>
    postgres(options.connectionString, {
      ...common,
      ...hooks,
      max: 1,
      max_lifetime: null,
      fetch_types: false,
    } as PostgresOptions),
  );
  const limits = { acquireMs: options.acquireTimeoutMs, readMs: options.queryTimeoutMs };

  const db: Db = {
    kind: 'pg',
    concurrentConnections: true,
    async query(text, params, queryOptions) {
      // QueryOptions.name needs nothing here: every statement with parameters is prepared.
      const readMs = queryOptions?.timeoutMs ?? limits.readMs;
      return chargeDatabaseTime(async () =>
        toQueryResult(await bounded(statement(sql, text, params), { acquireMs: limits.acquireMs, readMs })),
      );
    },
    transaction: (fn) => chargeDatabaseTime(() => runTransaction(sql, sessions, limits, fn)),
    listen: (channel, handler, events) => listener.listen(channel, handler, events),
    async notify(channel, payload) {
      await bounded(statement(sql, 'SELECT pg_notify($1, $2)', [channel, payload]), limits);
    },
    async queryScript(script) {
      // The simple query protocol (no parameters) runs a multi-statement string as one implicit
      // transaction; postgres.js answers with one result per statement returning rows, so a script
      // must end with one that returns rows (a RETURNING, a SELECT), as claim.sql.ts's does.
      const results = await chargeDatabaseTime(() => bounded<Result | Result[]>(sql.unsafe(script), limits));
      const last = isResultList(results) ? results[results.length - 1]! : results;
      return toQueryResult(last);
    },
    async close() {
      await listener.close();
      await sql.end({ timeout: 5 });
    },
  };
  return db;
}

/** `socket` (SessionWatch) is an option postgres.js reads but its typings leave out. */
type PostgresOptions = postgres.Options<Record<string, postgres.PostgresType>>;
type Row = Record<string, unknown>;
type Result = postgres.RowList<Row[]>;

/** One statement: prepared (once per connection) when it has parameters, simple protocol otherwise. */
function statement(
  sql: postgres.Sql,
  text: string,
  params: readonly unknown[] | undefined,
): postgres.PendingQuery<Row[]> {
  if (!params || params.length === 0) return sql.unsafe(text);
  return sql.unsafe(text, params.map(pgParameter) as postgres.ParameterOrJSON<never>[], { prepare: true });
}

function toQueryResult<R>(result: Result): QueryResult<R> {
  // postgres.js's result is the array of rows itself (its metadata not enumerable).
  return { rows: result as unknown as R[], rowCount: result.count ?? result.length };
}

function isResultList(value: Result | Result[]): value is Result[] {
  return value.length > 0 && Array.isArray(value[0]) && 'command' in (value[0] as object);
}

/** The same words pg and pg-pool use, so that errors.ts answers them alike (503). */
function acquireTimeout(ms: number): Error {
  return new Error(`timeout exceeded when trying to connect (no free connection within ${ms} ms)`);
}
function readTimeout(): Error {
  return new Error('Query read timeout');
}

interface Limits {
  /** How long a query may wait for a connection before it is sent. */
  acquireMs?: number | undefined;
  /** How long it may go unanswered in all. */
  readMs?: number | undefined;
}

/**
 * A query under the pool's client-side bounds (PgDbOptions acquireTimeoutMs and queryTimeoutMs).
 * postgres.js has neither. A query still waiting for a connection is taken out of the queue
 * (`cancel` does nothing on the network then). One that was sent is left to finish on the server,
 * as pg leaves it: its connection stays busy until the server answers.
 */
function bounded<T>(query: postgres.PendingQuery<Row[]>, limits: Limits): Promise<T> {
  const { acquireMs, readMs } = limits;
  if (!acquireMs && !readMs) return query as unknown as Promise<T>;
  const started = Date.now();
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, check: () => void) => (timer = setTimeout(check, ms));
    const onRead = () => reject(readTimeout());
    const onAcquire = () => {
      // `state` is set once the query is handed to a connection (postgres.js query.js).
      if (!(query as unknown as { state: unknown }).state) {
        query.cancel();
        reject(acquireTimeout(acquireMs!));
      } else if (readMs) {
        arm(Math.max(0, readMs - (Date.now() - started)), onRead);
      }
    };
    if (acquireMs && (!readMs || acquireMs < readMs)) arm(acquireMs, onAcquire);
    else arm(readMs!, onRead);
    query.then(
      (result) => {
        clearTimeout(timer);
        resolve(result as unknown as T);
      },
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * BEGIN ... COMMIT on one reserved connection; ROLLBACK if `fn` throws. BEGIN is not awaited on its
 * own: postgres.js pipelines it with the transaction's first statement (one round trip saved).
 */
async function runTransaction<T>(
  sql: postgres.Sql,
  sessions: SessionWatch | undefined,
  limits: Limits,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  const reserved = await reserve(sql, limits.acquireMs);
  // The session, known from BEGIN's answer: never write to it once it ended (see SessionWatch):
  // postgres.js would crash the process. BEGIN fails only when the connection does: then it
  // counts as closed.
  let session: Session | undefined;
  const begun: Promise<void> = reserved.unsafe('BEGIN').then(
    (result) => {
      session = sessions?.session(result.state?.pid);
    },
    (error: Error) => {
      session = { pid: undefined, closed: true };
      throw error;
    },
  );
  let beginPending = true;
  let broken: Error | undefined;
  /** The session is ending or ended: its socket closed, or a statement failed as sessions end. */
  const gone = () => session?.closed === true || (broken !== undefined && sessionEnding(broken));
  /** A statement still unanswered after a read timeout: the connection waits for it. */
  let hung: Promise<unknown> | undefined;

  const run = async (text: string, params?: readonly unknown[], readMs = limits.readMs): Promise<Result> => {
    if (broken) throw broken;
    if (gone()) throw (broken = sessionClosed());
    const query = statement(reserved, text, params);
    try {
      if (!beginPending) return await bounded<Result>(query, { readMs });
      beginPending = false;
      const [, result] = await Promise.all([begun, bounded<Result>(query, { readMs })]);
      return result;
    } catch (error) {
      if (session?.closed || sessionEnding(error)) broken ??= error as Error;
      if (error instanceof Error && error.message === 'Query read timeout') {
        // The session's state is unknown until the statement ends; nothing more may be sent.
        broken ??= error;
        hung = query.catch(() => {});
      }
      throw error;
    }
  };

  try {
    const tx = makeTx({
      async query(text, params, queryOptions) {
        return toQueryResult(await run(text, params, queryOptions?.timeoutMs ?? limits.readMs));
      },
    });
    const result = await fn(tx);
    await run('COMMIT');
    return result;
  } catch (error) {
    await begun.catch(() => {});
    if (!broken && !gone()) await run('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await begun.catch(() => {});
    settle(reserved, gone, hung);
  }
}

function sessionClosed(): Error {
  return Object.assign(new Error('write CONNECTION_CLOSED: the session ended during the transaction'), {
    code: 'CONNECTION_CLOSED',
  });
}

/**
 * Gives the reserved connection back: at once, or once a statement that timed out has ended (then
 * rolled back). A closed one is not given back: postgres.js already counts it as closed and would
 * write to it again (see SessionWatch).
 */
function settle(reserved: postgres.ReservedSql, gone: () => boolean, hung: Promise<unknown> | undefined) {
  if (gone()) return;
  if (!hung) {
    reserved.release();
    return;
  }
  void hung.then(async () => {
    if (gone()) return;
    await reserved.unsafe('ROLLBACK').catch(() => {});
    if (!gone()) reserved.release();
  });
}

/**
 * Errors after which a session is over, though its socket may not have closed yet: the socket
 * failed, or the server ended the session (FATAL: terminated, shut down, idle in transaction too
 * long). Nothing more may be written to it.
 */
function sessionEnding(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED'].includes(
      code,
    ) ||
    ['57P01', '57P02', '57P03', '25P03'].includes(code) ||
    code.startsWith('08')
  );
}

/** A connection of its own for a transaction, waiting at most `acquireMs` for one. */
async function reserve(sql: postgres.Sql, acquireMs: number | undefined): Promise<postgres.ReservedSql> {
  const reservation = sql.reserve();
  if (!acquireMs) return reservation;
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  try {
    return await Promise.race([
      reservation,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          late = true;
          reject(acquireTimeout(acquireMs));
        }, acquireMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    // The reservation still stands in postgres.js's queue: give its connection back once it comes.
    if (late) void reservation.then((connection) => connection.release()).catch(() => {});
  }
}
