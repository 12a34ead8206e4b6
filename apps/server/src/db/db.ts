/**
 * The one database interface every module uses. Two implementations: `pg` (PostgreSQL, when
 * DATABASE_URL is set) and PGlite (Postgres compiled to WASM, embedded, the zero-setup default).
 * Both speak the same SQL; modules never know which one they run on.
 */
export interface QueryResult<R> {
  rows: R[];
  /** Rows affected by INSERT/UPDATE/DELETE, or returned by SELECT. */
  rowCount: number;
}

export interface QueryOptions {
  /**
   * Prepares the statement under this name on each connection, so that PostgreSQL plans it once
   * instead of on every call. For the dispatcher's hot statements, whose planning (several joins)
   * costs more than running them on a small batch. Same SQL text for a name, always.
   */
  name?: string;
  /**
   * This statement's client-side bound, instead of the pool's (PgDbOptions.queryTimeoutMs): for
   * statements that may rightly run long, such as migrations. PGlite ignores it.
   */
  timeoutMs?: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
}

/** A transaction handle: queries run inside it; `savepoint` isolates a step that may fail. */
export interface Tx extends Queryable {
  /** Runs `fn` inside a SAVEPOINT; on throw, rolls back to it and rethrows. */
  savepoint<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export type NotificationHandler = (payload: string) => void;

/**
 * What a listener hears about its connection. PostgreSQL's LISTEN lives on one dedicated
 * connection; when it breaks, notifications sent meanwhile are lost, so a listener must catch up
 * (re-read whatever it waits for) once listening resumes.
 */
export interface ListenerEvents {
  lost?(error: Error): void;
  /** Listening again after a loss: notifications may have been missed in between. */
  restored?(): void;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /**
   * Whether `query` may run while a `transaction` is open in the same process (PostgreSQL: it uses
   * another pooled connection and commits on its own). PGlite has one connection: a query issued
   * inside an open transaction would wait for that transaction forever.
   */
  readonly concurrentConnections: boolean;
  /** BEGIN ... COMMIT around `fn`; ROLLBACK if it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a NOTIFY channel; resolves once listening, and keeps listening across lost
   * connections (reconnecting with backoff). Returns the unsubscribe function.
   */
  listen(channel: string, handler: NotificationHandler, events?: ListenerEvents): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /**
   * Runs several statements, without parameters, in ONE round trip and one implicit transaction
   * (all or nothing; each statement still takes its own snapshot under READ COMMITTED), and
   * returns the last statement's rows. For short protocol steps whose statements must follow
   * each other in one transaction (a lock, then a query that must see what the lock waited for).
   * Values must be literals the caller generated and validated (see sqlLiteral), never input.
   */
  queryScript<R = Record<string, unknown>>(sql: string): Promise<QueryResult<R>>;
  close(): Promise<void>;
}

let savepointCounter = 0;

/** Shared SAVEPOINT logic for both implementations. */
export function makeTx(q: Queryable): Tx {
  const tx: Tx = {
    query: (sql, params, options) => q.query(sql, params, options),
    async savepoint(fn) {
      const name = `sp_${++savepointCounter}`;
      await q.query(`SAVEPOINT ${name}`);
      try {
        const result = await fn(tx);
        await q.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await q.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
    },
  };
  return tx;
}

/** Literals for queryScript, which takes no parameters: only values whose text we control. */
export const sqlLiteral = {
  uuid(value: string): string {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) {
      throw new Error(`not a uuid: ${value}`);
    }
    return `'${value}'::uuid`;
  },
  timestamp(value: Date): string {
    return `'${value.toISOString()}'::timestamptz`;
  },
  integer(value: number): string {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    return String(value);
  },
};

/** Quotes an identifier for LISTEN/UNLISTEN, which take no parameters. */
export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(name)) throw new Error(`invalid identifier: ${name}`);
  return `"${name}"`;
}
