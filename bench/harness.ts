/**
 * What the benchmark's workloads share: a fresh database per workload, the database clock, bulk
 * inserts of pending rows, Herald's dispatcher in this process, and percentiles.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config.js';
import { DbClock } from '../apps/server/src/db/db-clock.js';
import type { Db } from '../apps/server/src/db/db.js';
import { migrate } from '../apps/server/src/db/migrate.js';
import { openBenchDb } from './herald-env.js';

export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

export const log = (...parts: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...parts);

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

export function summary(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round2(percentile(sorted, 50)),
    p95: round2(percentile(sorted, 95)),
    p99: round2(percentile(sorted, 99)),
    max: round2(sorted.at(-1) ?? Number.NaN),
    count: sorted.length,
  };
}

export interface BenchDatabase {
  url: string;
  db: Db;
  drop: () => Promise<void>;
}

/** A new, migrated database named for the workload, dropped (connections forced off) afterwards. */
export async function freshDatabase(baseUrl: string, tag: string): Promise<BenchDatabase> {
  const name = `herald_bench_${tag.toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = await openBenchDb(url.toString(), 12);
  await migrate(db);
  return {
    url: url.toString(),
    db,
    drop: async () => {
      await db.close().catch(() => {});
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** One pending row's addressing: receiver null for a group (as the API stores it). */
export interface Addressed {
  conversationId: string;
  a: string;
  b: string | null;
}

/**
 * Inserts pending scheduled messages (one per due time, round-robin over `chats`) in bulk, each
 * holding its conversation's sealed envelope (real size and shape). Seal them before a
 * workload's clock starts: sealing 1,000 takes seconds of this process's CPU. Rows are shown as
 * scheduled (the sender's choice): recipients then get the scheduled id and time with the
 * message, which is how the socket workloads match receipts to rows and measure lateness.
 */
export async function insertScheduled(
  db: Db,
  chats: readonly Addressed[],
  envelopes: ReadonlyMap<string, string>,
  due: readonly Date[],
): Promise<void> {
  for (let offset = 0; offset < due.length; offset += 20_000) {
    const slice = due.slice(offset, offset + 20_000);
    const who = slice.map((_, i) => chats[(offset + i) % chats.length]!);
    await db.query(
      `INSERT INTO scheduled_messages (conversation_id, sender_id, receiver_id, content, content_type,
         scheduled_time, due_at, created_at, updated_at, show_as_scheduled)
       SELECT x.c, x.s, x.r, x.content, 'text', x.due, x.due, now(), now(), true
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[]) AS x(c, s, r, due, content)`,
      [
        who.map((c) => c.conversationId),
        who.map((c) => c.a),
        who.map((c) => c.b),
        slice.map((d) => d.toISOString()),
        who.map((c) => envelopes.get(c.conversationId)!),
      ],
    );
  }
}

/** Herald's app and dispatcher in this process, on the database clock, measuring commit lateness. */
export async function startDispatcher(db: Db, onDelivered: (latenessMs: readonly number[]) => void) {
  const clock = new DbClock(db);
  await clock.start();
  const app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'error', HERALD_DATA_DIR: join(tmpdir(), 'herald-bench') }),
    db,
    clock,
    secret: BENCH_SECRET,
    logger: { level: 'error' },
    deliveryObserver: {
      delivered(outcome, count, lateness) {
        if (outcome === 'sent' && lateness) onDelivered(lateness);
        else if (outcome !== 'sent' && count > 0) log(`unexpected outcome ${outcome} x${count}`);
      },
    },
  });
  await app.ready();
  await app.herald.dispatcher.start();
  return {
    clock,
    async stop() {
      await app.close();
      clock.stop();
    },
  };
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The database's clock in ms: due times are set on it, as the dispatcher reads them. */
export async function dbNow(db: Db): Promise<number> {
  const { rows } = await db.query<{ ms: number }>(
    'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
  );
  return rows[0]!.ms;
}

/** Where burst rows wait while they are inserted: far enough ahead that no dispatcher acts on them. */
export const PARKED = new Date('2100-01-01T00:00:00Z');

/**
 * Makes every pending row due at one instant, `leadMs` ahead on the database clock, in one
 * statement, and returns that instant. Bursts are inserted parked (due in 2100) and moved here
 * once they are all in: inserting 200,000 sealed rows takes far longer than this UPDATE (it
 * rewrites no content: the envelopes stay in their TOAST rows), so the instant need not be
 * guessed ahead of an insert whose time depends on the machine's load (the UPDATE itself takes
 * seconds for 50,000 rows on a loaded machine: callers give 5 s + 0.1 ms a row). The parked rows' index
 * entries lie past every due time the dispatcher asks for, so it never walks them.
 */
export async function dueAtOneInstant(db: Db, leadMs: number): Promise<number> {
  const dueMs = (await dbNow(db)) + leadMs;
  const due = new Date(dueMs);
  await db.query(`UPDATE scheduled_messages SET due_at = $1, scheduled_time = $1 WHERE status = 'pending'`, [due]);
  await db.query('ANALYZE scheduled_messages');
  if ((await dbNow(db)) >= dueMs) throw new Error(`setting the due instant took longer than ${leadMs} ms`);
  return dueMs;
}
