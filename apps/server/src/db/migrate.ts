import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/** Where the numbered `.sql` files live: apps/server/migrations, beside src/ and dist/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

// An arbitrary constant shared by every Herald process: the key of the migration advisory lock.
const MIGRATION_LOCK_KEY = 4_242_001;

/**
 * Migrations may rightly run long (an index on a large table) and wait long (another process
 * migrating): they are exempt from the pool's client-side statement bound (a day: in effect none).
 */
const MIGRATION_STATEMENT = { timeoutMs: 86_400_000 };

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file name must look like 0001_name.sql: ${file}`);
    const version = Number(match[1]);
    const previous = migrations.at(-1);
    if (previous && version !== previous.version + 1) {
      throw new Error(`migrations must be numbered without gaps: ${file} follows ${previous.version}`);
    }
    migrations.push({ version, name: match[2] ?? file, sql: await readFile(join(dir, file), 'utf8') });
  }
  return migrations;
}

/**
 * Applies the migrations not yet recorded, all in one transaction, under a transaction-level
 * advisory lock: a second process starting at the same moment waits for the lock, then finds
 * everything recorded and applies nothing. Returns the versions it applied.
 */
export async function migrate(db: Db, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations());
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY], MIGRATION_STATEMENT);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const done: number[] = [];
    for (const migration of all) {
      if (applied.has(migration.version)) continue;
      // Statements are split (splitStatements, below: at semicolons that end a line) so that both
      // drivers run them one by one inside this transaction, with parameters allowed.
      for (const statement of splitStatements(migration.sql)) await tx.query(statement, undefined, MIGRATION_STATEMENT);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });
}

/**
 * Splits a migration into statements at semicolons that end a line, outside dollar-quoted
 * bodies. Migrations are ours, so this simple rule is enough: keep each statement's final `;` at
 * the end of its line and write functions with `$$ ... $$`.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inDollar = false;
  for (const line of sql.split('\n')) {
    const trimmed = line.replace(/--.*$/, '').trimEnd();
    if ((line.match(/\$\$/g)?.length ?? 0) % 2 === 1) inDollar = !inDollar;
    current.push(line);
    if (!inDollar && trimmed.endsWith(';')) {
      const statement = current.join('\n').trim();
      if (statement.replace(/--.*$/gm, '').trim() !== ';') statements.push(statement);
      current = [];
    }
  }
  const rest = current.join('\n').replace(/--.*$/gm, '').trim();
  if (rest) statements.push(current.join('\n').trim());
  return statements;
}
