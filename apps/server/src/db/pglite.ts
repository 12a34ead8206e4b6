import { PGlite } from '@electric-sql/pglite';
import { makeTx, type Db } from './db.js';

export interface PgliteDbOptions {
  /** A directory to keep data in; omit for an in-memory database (tests). */
  dataDir?: string;
  /** A tarball from `dumpDataDir()` to start from (tests start from a migrated template). */
  loadDataDir?: Blob;
}

/**
 * Embedded PostgreSQL. PGlite has a single connection and serialises queries and transactions
 * itself, so `FOR UPDATE SKIP LOCKED` is trivially satisfied and a transaction never interleaves
 * with another query.
 */
export async function openPgliteDb(options: PgliteDbOptions = {}): Promise<Db & { dump(): Promise<Blob> }> {
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });

  const db: Db & { dump(): Promise<Blob> } = {
    kind: 'pglite',
    concurrentConnections: false,
    async query(sql, params) {
      const result = await pglite.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as never[], rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
    },
    async transaction(fn) {
      return pglite.transaction(async (inner) => {
        const tx = makeTx({
          async query(sql, params) {
            const result = await inner.query(sql, params as unknown[] | undefined);
            return { rows: result.rows as never[], rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
          },
        });
        return fn(tx);
      });
    },
    // In-process: there is no connection to lose, so the listener's lost/restored never fire.
    async listen(channel, handler) {
      const unsubscribe = await pglite.listen(channel, handler);
      return unsubscribe;
    },
    async notify(channel, payload) {
      await pglite.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async queryScript(sql) {
      // Wrapped in an explicit transaction: PGlite runs a script statement by statement.
      const results = await pglite.transaction((tx) => tx.exec(sql));
      const last = results[results.length - 1]!;
      return { rows: last.rows as never[], rowCount: Math.max(last.affectedRows ?? 0, last.rows.length) };
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
    async dump() {
      return pglite.dumpDataDir('none');
    },
  };
  return db;
}
