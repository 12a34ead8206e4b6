import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadMigrations, migrate } from '../src/db/migrate.js';
import { splitStatements } from '../src/db/migrate.js';
import { createTestDb, onPostgres, type TestDb } from './helpers/db.js';
import { startServerProcess, waitForHttp } from './helpers/process.js';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});

describe('Db interface', () => {
  it('commits a transaction and rolls one back on throw', async () => {
    await t.db.query('CREATE TABLE tx_probe (id int PRIMARY KEY)');
    await t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe VALUES (1)');
    });
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe VALUES (2)');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM tx_probe ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1]);
  });

  it('isolates a failing step in a savepoint without losing the rest of the transaction', async () => {
    await t.db.query('CREATE TABLE sp_probe (id int PRIMARY KEY)');
    await t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO sp_probe VALUES (1)');
      await expect(tx.savepoint((inner) => inner.query('INSERT INTO sp_probe VALUES (1)'))).rejects.toThrow();
      await tx.savepoint((inner) => inner.query('INSERT INTO sp_probe VALUES (2)'));
    });
    const { rows } = await t.db.query<{ id: number }>('SELECT id FROM sp_probe ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('runs a script in one implicit transaction: all or nothing, answering with the last statement', async () => {
    await t.db.query('CREATE TABLE script_probe (id int PRIMARY KEY)');
    const { rows } = await t.db.queryScript<{ n: number }>(
      'INSERT INTO script_probe VALUES (1); INSERT INTO script_probe VALUES (2); SELECT count(*)::int AS n FROM script_probe',
    );
    expect(rows).toEqual([{ n: 2 }]);
    await expect(
      t.db.queryScript('INSERT INTO script_probe VALUES (3); INSERT INTO script_probe VALUES (1)'),
    ).rejects.toThrow();
    const after = await t.db.query<{ id: number }>('SELECT id FROM script_probe ORDER BY id');
    expect(after.rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('reports affected rows and parses int8 as numbers', async () => {
    await t.db.query('CREATE TABLE rc_probe (id int)');
    const inserted = await t.db.query('INSERT INTO rc_probe SELECT generate_series(1, 5)');
    expect(inserted.rowCount).toBe(5);
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM rc_probe');
    expect(rows[0]!.n).toBe(5);
  });

  it('delivers NOTIFY to a listener and stops after unsubscribe', async () => {
    const got: string[] = [];
    let resolve!: () => void;
    const first = new Promise<void>((r) => (resolve = r));
    const unsubscribe = await t.db.listen('probe_channel', (payload) => {
      got.push(payload);
      resolve();
    });
    await t.db.notify('probe_channel', 'hello');
    await first;
    expect(got).toEqual(['hello']);
    await unsubscribe();
    await t.db.notify('probe_channel', 'ignored');
    await t.db.query('SELECT 1');
    expect(got).toEqual(['hello']);
  });

  it('records each migration exactly once and applies nothing the second time', async () => {
    const migrations = await loadMigrations();
    expect(await migrate(t.db)).toEqual([]);
    const { rows } = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('splits migration scripts into statements, keeping dollar-quoted bodies whole', () => {
    const sql = `CREATE TABLE a (id int); -- one
-- a comment;
CREATE FUNCTION f() RETURNS int AS $$
BEGIN
  RETURN 1;
END;
$$ LANGUAGE plpgsql;
INSERT INTO a VALUES (1);`;
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(3);
    expect(statements[1]).toContain('RETURN 1;');
  });
});

describe.runIf(onPostgres())('migrations under concurrency (PostgreSQL)', () => {
  it('two server processes started at the same moment on an empty database both come up; the schema is migrated once', async () => {
    const template = inject('pgTemplate')!;
    const name = `herald_boot_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: template.baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(template.baseUrl);
    url.pathname = `/${name}`;
    const env = { DATABASE_URL: url.toString(), JWT_SECRET: 'x'.repeat(40), HERALD_DATA_DIR: `/tmp/${name}` };
    const [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    try {
      await Promise.all([waitForHttp(a), waitForHttp(b)]);
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query<{ version: number }>('SELECT version FROM schema_migrations');
      await check.end();
      expect(rows.map((r) => r.version).sort((x, y) => x - y)).toEqual((await loadMigrations()).map((m) => m.version));
      const applied = [a, b].filter((s) => s.output().includes('migrations applied'));
      expect(applied).toHaveLength(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
