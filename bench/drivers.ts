/**
 * pg against postgres.js behind the same Db interface (issue 11: "measure and keep the faster").
 * `npx tsx bench/drivers.ts [--runs 3]`, PostgreSQL from BENCH_DATABASE_URL (default:
 * TEST_DATABASE_URL). Each run opens each driver on a fresh migrated database (pool of 10, the
 * server's default) and measures, in this process:
 *   a. 10,000 sequential `SELECT $1::int`: wall and client CPU per statement;
 *   b. 16 concurrent loops for 5 s of the scheduled-message INSERT with a 1.5 KB content: ops/s, p99;
 *   c. 2,000 sequential transactions of BEGIN + 3 statements + COMMIT: wall and client CPU per transaction;
 *   d. one 500-row unnest INSERT of scheduled messages (sealed envelopes), 20 times: median ms;
 *   e. the dispatcher delivering 500 due rows (Dispatcher.runOnce: one 500-row batch), 5 times.
 * Drivers alternate within a run so that the machine's drift falls on both. Medians of the runs go
 * to stdout and to bench/results/drivers-latest.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config.js';
import { DbClock } from '../apps/server/src/db/db-clock.js';
import type { Db } from '../apps/server/src/db/db.js';
import { migrate } from '../apps/server/src/db/migrate.js';
import { openPgDb } from '../apps/server/src/db/pg.js';
import { openPostgresJsDb } from '../apps/server/src/db/postgresjs.js';
import { seedDirectChats } from '../apps/server/test/helpers/seed.js';
import { directEnvelopes } from './envelopes.js';
import { BENCH_SECRET, insertScheduled, log, percentile } from './harness.js';

const DRIVERS = { pg: openPgDb, postgres: openPostgresJsDb } as const;
type Driver = keyof typeof DRIVERS;

const baseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
if (!baseUrl) {
  console.error('Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL URL');
  process.exit(1);
}
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? 3 : Number(process.argv[runsArg + 1]);
const POOL = 10;

type Figures = Record<string, number>;

/** Wall time and this process's CPU time (user + system) of `fn`, per operation, in µs. */
async function timed(ops: number, fn: () => Promise<void>): Promise<{ wallUs: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallUs: (wall * 1000) / ops, cpuUs: (used.user + used.system) / ops };
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((x, y) => x - y),
    50,
  );

async function selects(db: Db): Promise<Figures> {
  for (let i = 0; i < 500; i++) await db.query('SELECT $1::int AS n', [i]); // warm-up
  const { wallUs, cpuUs } = await timed(10_000, async () => {
    for (let i = 0; i < 10_000; i++) await db.query('SELECT $1::int AS n', [i]);
  });
  return { a_select_us: round(wallUs), a_select_cpu_us: round(cpuUs) };
}

const INSERT_ONE = `INSERT INTO scheduled_messages (conversation_id, sender_id, receiver_id, content, content_type,
    scheduled_time, due_at, created_at, updated_at)
  VALUES ($1, $2, $3, $4, 'text', $5, $5, now(), now())
  RETURNING id`;

async function concurrentInserts(db: Db, chats: readonly Chat[]): Promise<Figures> {
  const content = randomBytes(1100).toString('base64'); // ~1.5 KB, an envelope's size
  const later = new Date(Date.now() + 365 * 86_400_000);
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  const end = performance.now() + 5_000;
  await Promise.all(
    Array.from({ length: 16 }, async (_, loop) => {
      for (let i = 0; performance.now() < end; i++) {
        const chat = chats[(loop * 31 + i) % chats.length]!;
        const t0 = performance.now();
        await db.query(INSERT_ONE, [chat.conversationId, chat.a, chat.b, content, later]);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  latencies.sort((x, y) => x - y);
  return {
    b_insert_per_s: Math.round(latencies.length / 5),
    b_insert_p50_ms: round(percentile(latencies, 50), 2),
    b_insert_p99_ms: round(percentile(latencies, 99), 2),
    b_insert_cpu_us: round((used.user + used.system) / latencies.length),
  };
}

async function transactions(db: Db): Promise<Figures> {
  await db.query('CREATE TABLE IF NOT EXISTS bench_tx (id int PRIMARY KEY, v int NOT NULL)');
  await db.query('INSERT INTO bench_tx SELECT g, 0 FROM generate_series(1, 100) g ON CONFLICT DO NOTHING');
  const once = (i: number) =>
    db.transaction(async (tx) => {
      const id = 1 + (i % 100);
      await tx.query('SELECT v FROM bench_tx WHERE id = $1 FOR UPDATE', [id]);
      await tx.query('UPDATE bench_tx SET v = v + 1 WHERE id = $1', [id]);
      await tx.query('SELECT count(*) AS n FROM bench_tx WHERE v > $1', [0]);
    });
  for (let i = 0; i < 100; i++) await once(i); // warm-up
  const { wallUs, cpuUs } = await timed(2_000, async () => {
    for (let i = 0; i < 2_000; i++) await once(i);
  });
  return { c_tx_us: round(wallUs), c_tx_cpu_us: round(cpuUs) };
}

async function bulkInserts(db: Db, chats: readonly Chat[], envelopes: ReadonlyMap<string, string>): Promise<Figures> {
  const later = Array.from({ length: 500 }, (_, i) => new Date(Date.now() + 365 * 86_400_000 + i));
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 22; i++) {
    const { wallUs, cpuUs } = await timed(1, () => insertScheduled(db, chats, envelopes, later));
    if (i >= 2) {
      ms.push(wallUs / 1000);
      cpu.push(cpuUs / 1000);
    }
  }
  return { d_unnest500_ms: round(median(ms), 2), d_unnest500_cpu_ms: round(median(cpu), 2) };
}

async function delivery(db: Db, chats: readonly Chat[], envelopes: ReadonlyMap<string, string>): Promise<Figures> {
  const clock = new DbClock(db);
  await clock.sync();
  const app = await buildApp({
    config: loadConfig({
      LOG_LEVEL: 'error',
      HERALD_DATA_DIR: join(tmpdir(), 'herald-bench'),
      DISPATCHER_BATCH_SIZE: '500',
      DISPATCHER_CONCURRENCY: '1',
    }),
    db,
    clock,
    secret: BENCH_SECRET,
    logger: { level: 'error' },
  });
  await app.ready();
  const ms: number[] = [];
  const cpu: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const due = Array.from({ length: 500 }, () => new Date(clock.now().getTime() - 1_000));
      await insertScheduled(db, chats, envelopes, due);
      let handled = 0;
      const { wallUs, cpuUs } = await timed(1, async () => {
        handled = await app.herald.dispatcher.runOnce();
      });
      if (handled !== 500) throw new Error(`delivery: handled ${handled} of 500`);
      if (i >= 1) {
        ms.push(wallUs / 1000);
        cpu.push(cpuUs / 1000);
      }
    }
  } finally {
    await app.close();
  }
  return { e_deliver500_ms: round(median(ms), 1), e_deliver500_cpu_ms: round(median(cpu), 1) };
}

type Chat = { conversationId: string; a: string; b: string };

async function measure(driver: Driver): Promise<Figures> {
  const name = `herald_bench_drv_${driver}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl!);
  url.pathname = `/${name}`;
  const db = await DRIVERS[driver]({ connectionString: url.toString(), max: POOL });
  try {
    await migrate(db);
    const chats = await seedDirectChats(db, 500, new Date());
    const envelopes = await directEnvelopes(chats);
    await db.query('ANALYZE');
    const figures: Figures = {
      ...(await selects(db)),
      ...(await concurrentInserts(db, chats)),
      ...(await transactions(db)),
      ...(await bulkInserts(db, chats, envelopes)),
    };
    // The pending rows of (b) and (d) are due next year: out of the dispatcher's way.
    Object.assign(figures, await delivery(db, chats, envelopes));
    return figures;
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const all: Record<Driver, Figures[]> = { pg: [], postgres: [] };
for (let run = 0; run < RUNS; run++) {
  const order: Driver[] = run % 2 === 0 ? ['pg', 'postgres'] : ['postgres', 'pg'];
  for (const driver of order) {
    log(`run ${run + 1}/${RUNS}: ${driver}`);
    const figures = await measure(driver);
    all[driver].push(figures);
    log(driver, JSON.stringify(figures));
  }
}

const medians = Object.fromEntries(
  (Object.keys(all) as Driver[]).map((driver) => {
    const keys = Object.keys(all[driver][0]!);
    return [driver, Object.fromEntries(keys.map((k) => [k, median(all[driver].map((f) => f[k]!))]))];
  }),
) as Record<Driver, Figures>;
console.log(`\nMedians of ${RUNS} runs (pool ${POOL}):`);
console.table(medians);
const dir = fileURLToPath(new URL('./results/', import.meta.url));
await mkdir(dir, { recursive: true });
await writeFile(
  join(dir, 'drivers-latest.json'),
  `${JSON.stringify({ at: new Date().toISOString(), runs: RUNS, pool: POOL, medians, all }, null, 2)}\n`,
);
