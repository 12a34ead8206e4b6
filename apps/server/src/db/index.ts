import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Db } from './db.js';
import { openPgDb } from './pg.js';
import { openPgliteDb } from './pglite.js';
import { openPostgresJsDb } from './postgresjs.js';

export type { Db, Queryable, QueryResult, Tx } from './db.js';
export { migrate, loadMigrations } from './migrate.js';
export { openPgDb } from './pg.js';
export { openPgliteDb } from './pglite.js';
export { openPostgresJsDb } from './postgresjs.js';

/**
 * PostgreSQL when DATABASE_URL is set, through pg or postgres.js (DATABASE_DRIVER); otherwise
 * embedded PGlite keeping its files in the data dir.
 */
export async function openDb(config: Config): Promise<Db> {
  if (config.databaseUrl) {
    const open = config.databaseDriver === 'postgres' ? openPostgresJsDb : openPgDb;
    return open({
      connectionString: config.databaseUrl,
      max: config.databasePoolSize,
      lockTimeoutMs: config.databaseLockTimeoutMs,
      acquireTimeoutMs: config.databaseAcquireTimeoutMs,
      queryTimeoutMs: config.databaseQueryTimeoutMs,
    });
  }
  const dataDir = join(config.dataDir, 'pglite');
  await mkdir(dataDir, { recursive: true });
  return openPgliteDb({ dataDir });
}
