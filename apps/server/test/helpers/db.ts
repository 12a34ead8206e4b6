import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import type { Db } from '../../src/db/db.js';
import { openPgDb, type PgDbOptions } from '../../src/db/pg.js';
import { openPgliteDb } from '../../src/db/pglite.js';
import { openPostgresJsDb } from '../../src/db/postgresjs.js';

export interface TestDb {
  db: Db;
  /** PostgreSQL mode only: the URL of this file's database (for a second process to share). */
  url: string | undefined;
  /** Opens another connection pool to the same database (PostgreSQL only). */
  openAnother(): Promise<Db>;
  drop(): Promise<void>;
}

export const onPostgres = (): boolean => inject('pgTemplate') !== null;

/**
 * A PostgreSQL Db through the client library under test: TEST_DB_DRIVER=postgres runs the suite's
 * databases on postgres.js (as DATABASE_DRIVER=postgres does for the server), else pg.
 */
export function openPostgresDb(options: PgDbOptions): Promise<Db> {
  return process.env.TEST_DB_DRIVER === 'postgres' ? openPostgresJsDb(options) : openPgDb(options);
}

/**
 * An isolated, migrated database for one test file: a fresh PostgreSQL database copied from the
 * run's template when TEST_DATABASE_URL is set, else an in-memory PGlite loaded from a tarball.
 */
export async function createTestDb(): Promise<TestDb> {
  if (inject('pgTemplate')) {
    const copy = await copyPgTemplate('herald_test', 10);
    const others: Db[] = [];
    return {
      db: copy.db,
      url: copy.url,
      async openAnother() {
        const another = await openPostgresDb({ connectionString: copy.url, max: 10 });
        others.push(another);
        return another;
      },
      async drop() {
        for (const other of others) await other.close().catch(() => {});
        await copy.drop();
      },
    };
  }
  const template = inject('pgliteTemplate');
  if (!template) throw new Error('global setup did not provide a database template');
  const db = await openPgliteDb({ loadDataDir: new Blob([await readFile(template)]) });
  return {
    db,
    url: undefined,
    async openAnother() {
      throw new Error('a second connection pool needs PostgreSQL (set TEST_DATABASE_URL)');
    },
    async drop() {
      await db.close();
    },
  };
}

/**
 * PostgreSQL only: a fresh migrated database (a copy of the run's template) with a pool of `max`
 * connections to it. `drop()` closes the pool and removes the database.
 */
async function copyPgTemplate(prefix: string, max: number): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  const template = inject('pgTemplate');
  if (!template) throw new Error('this test needs PostgreSQL (set TEST_DATABASE_URL)');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: template.baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template.database}`);
  const url = new URL(template.baseUrl);
  url.pathname = `/${name}`;
  const db = await openPostgresDb({ connectionString: url.toString(), max });
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.close().catch(() => {});
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * PostgreSQL only: a fresh migrated database for tests that start real server processes
 * (`DATABASE_URL` for them), plus a small pool to inspect it. `drop()` removes both.
 */
export function createProcessDatabase(prefix: string): Promise<{ url: string; db: Db; drop(): Promise<void> }> {
  return copyPgTemplate(prefix, 4);
}
