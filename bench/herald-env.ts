import type { Db } from '../apps/server/src/db/db.js';
import { openPgDb } from '../apps/server/src/db/pg.js';

/**
 * What every benchmark's Herald process runs with, besides its database and data directory:
 * password hashing at its minimum cost (users are created in the set-up, not measured), rate limits
 * and pending quotas far above the load the benchmark generates (a 429 would measure the limiter,
 * not delivery), and warnings only in the log. Pool size and everything else stay at the defaults
 * unless a benchmark says otherwise.
 */
export function benchHeraldEnv(secret: string): Record<string, string> {
  return {
    JWT_SECRET: secret,
    LOG_LEVEL: 'warn',
    KDF_MEMORY_KIB: '8',
    KDF_ITERATIONS: '1',
    AUTH_HASH_MEMORY_KIB: '8',
    AUTH_HASH_ITERATIONS: '1',
    RATE_LIMIT_REGISTER_PER_HOUR: '100000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000000',
    RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE: '100000000',
    SCHEDULE_RATE_LIMIT_PER_MINUTE: '100000000',
    SCHEDULE_MAX_PENDING_PER_CONVERSATION: '1000000',
    SCHEDULE_MAX_PENDING_PER_USER: '10000000',
  };
}

/**
 * The database driver the benchmark runs on: `pg` unless DATABASE_DRIVER=postgres (postgres.js),
 * the same switch the server's config reads, so that both sides of a run use one driver.
 */
export function benchDriver(): 'pg' | 'postgres' {
  return process.env.DATABASE_DRIVER === 'postgres' ? 'postgres' : 'pg';
}

/** DATABASE_DRIVER for a child server process, when the run chose one. */
export function driverEnv(): Record<string, string> {
  return process.env.DATABASE_DRIVER ? { DATABASE_DRIVER: process.env.DATABASE_DRIVER } : {};
}

/**
 * Every database the benchmark opens in its own process goes through here, so that one switch
 * measures pg against postgres.js behind the same Db interface. The postgres.js module is loaded
 * only when asked for (a dynamic import: a pg run never loads it).
 */
export async function openBenchDb(url: string, max: number): Promise<Db> {
  if (benchDriver() === 'postgres') {
    const { openPostgresJsDb } = await import('../apps/server/src/db/postgresjs.js');
    return openPostgresJsDb({ connectionString: url, max });
  }
  return openPgDb({ connectionString: url, max });
}
