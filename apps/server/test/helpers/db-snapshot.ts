import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Queryable } from '../../src/db/db.js';

/**
 * "Changed nothing", checked rather than assumed: a fingerprint of every row of every Herald table
 * (and of the media blob directory) taken before and after a request that must be refused.
 *
 * Columns that legitimately move while nothing is being changed are left out, by name:
 * - `users.last_seen_at`: set when a user's last socket disconnects (presence), which any test
 *   that opens and closes sockets does between two snapshots.
 * Nothing else is excluded: a refused request must not create a session, move a receipt
 * watermark, touch `updated_at` or bump a version.
 */
export const MOVING_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  users: ['last_seen_at'],
};

/** Per table: how many rows, and a hash of all of them (order-independent). */
export type DbSnapshot = Record<string, { rows: number; hash: string }>;

/** The base tables of the schema in use (the test database's own), sorted by name. */
async function tableNames(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
     ORDER BY table_name`,
  );
  return rows.map((r) => r.name);
}

/**
 * Hashes every row of every table: each row as JSON (jsonb, so key order does not matter) minus
 * its moving columns, md5'd, and the sorted row hashes md5'd again per table.
 */
export async function snapshotDb(
  q: Queryable,
  moving: Readonly<Record<string, readonly string[]>> = MOVING_COLUMNS,
): Promise<DbSnapshot> {
  const snapshot: DbSnapshot = {};
  for (const table of await tableNames(q)) {
    const { rows } = await q.query<{ rows: number; hash: string | null }>(
      `SELECT count(*)::int AS rows, md5(string_agg(h, ',' ORDER BY h)) AS hash
       FROM (SELECT md5((to_jsonb(t) - $1::text[])::text) AS h FROM "${table.replaceAll('"', '""')}" t) s`,
      [moving[table] ?? []],
    );
    snapshot[table] = { rows: rows[0]!.rows, hash: rows[0]!.hash ?? '' };
  }
  return snapshot;
}

/** The tables whose rows differ between two snapshots (added, removed or changed), sorted. */
export function changedTables(before: DbSnapshot, after: DbSnapshot): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => before[name]?.hash !== after[name]?.hash || before[name]?.rows !== after[name]?.rows)
    .sort();
}

/** Every file under `dir` (relative path -> size and SHA-256); empty when `dir` does not exist. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const walk = async (at: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const data = await readFile(path);
        files[relative(dir, path)] = `${data.length}:${createHash('sha256').update(data).digest('hex')}`;
      }
    }
  };
  await walk(dir);
  return files;
}
