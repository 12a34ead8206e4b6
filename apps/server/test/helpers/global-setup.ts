import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/db/migrate.js';
import { openPgliteDb } from '../../src/db/pglite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite mode: a migrated data-dir tarball every test file starts from. */
    pgliteTemplate: string | null;
    /** PostgreSQL mode: a migrated template database each test file copies. */
    pgTemplate: { baseUrl: string; database: string } | null;
    redisUrl: string | null;
  }
}

function fail(message: string): never {
  throw new Error(`\n\n*** ${message}\n`);
}

async function checkRedis(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    fail(`TEST_REDIS_URL=${url} is not reachable: ${(error as Error).message}. Start Redis (see DEVELOPERS.md).`);
  } finally {
    redis.disconnect();
  }
}

/**
 * Runs once per `vitest run`: migrates a template database, so that each test file starts from
 * a copy in well under a second. In CI (CI=true), a missing or unreachable PostgreSQL or Redis
 * fails the run instead of quietly falling back to PGlite or skipping.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const ci = process.env.CI === 'true';
  const databaseUrl = process.env.TEST_DATABASE_URL || undefined;
  const redisUrl = process.env.TEST_REDIS_URL || undefined;

  if (ci && !databaseUrl) fail('CI=true but TEST_DATABASE_URL is not set: the suite must run on PostgreSQL in CI.');
  if (ci && !redisUrl) fail('CI=true but TEST_REDIS_URL is not set: the Redis tests must run in CI.');
  if (redisUrl) await checkRedis(redisUrl);
  project.provide('redisUrl', redisUrl ?? null);

  if (databaseUrl) {
    const database = `herald_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    try {
      await admin.connect();
    } catch (error) {
      fail(`TEST_DATABASE_URL=${databaseUrl} is not reachable: ${(error as Error).message}. Start PostgreSQL.`);
    }
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${database}`;
    const { openPgDb } = await import('../../src/db/pg.js');
    const template = await openPgDb({ connectionString: url.toString(), max: 1 });
    await migrate(template);
    await template.close();
    project.provide('pgliteTemplate', null);
    project.provide('pgTemplate', { baseUrl: databaseUrl, database });
    return async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    };
  }

  const dir = await mkdtemp(join(tmpdir(), 'herald-test-'));
  const db = await openPgliteDb();
  await migrate(db);
  const file = join(dir, 'template.tar');
  await writeFile(file, Buffer.from(await (await db.dump()).arrayBuffer()));
  await db.close();
  project.provide('pgliteTemplate', file);
  project.provide('pgTemplate', null);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
