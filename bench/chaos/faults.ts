/**
 * The failures a scenario injects while its workload runs, each a loop until the span ends:
 *  - kill: SIGKILL a random Herald process every 3 s (never the last one running); it is started
 *    again at once.
 *  - pg-restart: PostgreSQL stopped mid-run for 3 s, then started (fast stop alone; immediate,
 *    like a crash, in the mixed scenario).
 *  - terminate-delivery: once a second, pg_terminate_backend on a connection delivering right
 *    now. The server gives all its pooled connections one application_name, so they are found by
 *    what they run: a statement on scheduled_delivery_batches (the pick, the lock-and-check
 *    statement, the record's removal) or marking rows sent, i.e. the claim and most of the
 *    delivery transaction.
 *  - listen-kill: every 2 s, pg_terminate_backend on each process's LISTEN connection (its last
 *    statement is LISTEN).
 *  - pool-exhaustion: the way a pool fills in production: an outside transaction holds the rows
 *    of two busy chats (FOR UPDATE, 2.5 s at a time, 0.5 s apart) and 30 clients keep sending
 *    live messages into them; each send waits on the lock with a pooled connection (up to the
 *    1 s lock_timeout), so the pools (10 per process) run dry and other requests, deliveries
 *    included, must wait for a connection or give up with 503.
 *  - idle-in-transaction: twice, a connection takes locks on hot rows (two chats' conversation
 *    rows and the next 50 pending rows about to be due) and sits idle in its transaction for 8 s.
 *  - redis-restart: Redis stopped mid-run for 2 s and started again, empty.
 */
import pg from 'pg';
import type { PrivatePostgres, PrivateRedis } from '../../apps/server/test/helpers/private-services.js';
import type { Api } from './api.js';
import type { Cluster } from './cluster.js';
import { current, log, sleep } from './stats.js';
import { floodSend, type WorkloadRecord } from './workload.js';
import type { Chat, World } from './world.js';

export const FAULTS = [
  'kill',
  'pg-restart',
  'terminate-delivery',
  'pool-exhaustion',
  'idle-in-transaction',
  'redis-restart',
  'listen-kill',
] as const;
export type FaultName = (typeof FAULTS)[number];

export interface FaultContext {
  cluster: Cluster;
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  api: Api;
  world: World;
  record: WorkloadRecord;
  startMs: number;
  endMs: number;
  /** Several faults at once: PostgreSQL is stopped `immediate` rather than `fast`. */
  mixed: boolean;
}

const sleepUntil = (ms: number) => sleep(Math.max(0, ms - Date.now()));
const at = (ctx: FaultContext, fraction: number) => ctx.startMs + (ctx.endMs - ctx.startMs) * fraction;

/** A short-lived connection of our own (not Herald's); any error, e.g. PostgreSQL down, is swallowed. */
async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000, application_name: 'chaos' });
  client.on('error', () => {});
  try {
    await client.connect();
    return await fn(client);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

async function terminate(url: string, where: string): Promise<number> {
  const result = await withClient(url, (c) =>
    c.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'herald' AND ${where}`,
    ),
  );
  return result?.rows.filter((r) => r.ok).length ?? 0;
}

async function kill(ctx: FaultContext): Promise<void> {
  while (Date.now() + 3000 < ctx.endMs) {
    await sleep(3000);
    // Never the last live one: a rolling failure, not an outage of the whole service (a process
    // restarts in about a second on an idle machine, but may take 15 s on a busy 2-core one).
    const up = ctx.cluster.slots.filter((s) => s.up);
    if (up.length >= 2) ctx.cluster.kill(up[Math.floor(Math.random() * up.length)]!);
  }
}

async function pgRestart(ctx: FaultContext): Promise<void> {
  await sleepUntil(at(ctx, 0.4));
  log(`stopping PostgreSQL (${ctx.mixed ? 'immediate' : 'fast'})`);
  await ctx.postgres.stop(ctx.mixed ? 'immediate' : 'fast');
  current.tally.pgRestarts += 1;
  await sleep(3000);
  await ctx.postgres.start();
  log('PostgreSQL started again');
}

async function terminateDelivery(ctx: FaultContext): Promise<void> {
  // A delivery holds its connection for milliseconds: look 50 times a second, and end the first
  // one seen in each second. One connection of our own for the looking, replaced if it breaks.
  let client: pg.Client | undefined;
  const statement = `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = 'herald' AND state <> 'idle'
      AND (query LIKE '%scheduled_delivery_batches%' OR query LIKE '%SET status = ''sent''%')`;
  try {
    while (Date.now() < ctx.endMs) {
      const windowEnd = Date.now() + 1000;
      while (Date.now() < windowEnd) {
        try {
          if (!client) {
            client = new pg.Client({
              connectionString: ctx.postgres.url,
              connectionTimeoutMillis: 2000,
              application_name: 'chaos',
            });
            client.on('error', () => {});
            await client.connect();
          }
          const { rows } = await client.query<{ ok: boolean }>(statement);
          const ended = rows.filter((r) => r.ok).length;
          current.tally.terminatedDelivering += ended;
          if (ended) break;
        } catch {
          await client?.end().catch(() => {});
          client = undefined;
        }
        await sleep(20);
      }
      await sleep(Math.max(0, windowEnd - Date.now()));
    }
  } finally {
    await client?.end().catch(() => {});
  }
}

async function listenKill(ctx: FaultContext): Promise<void> {
  while (Date.now() < ctx.endMs) {
    await sleep(2000);
    current.tally.terminatedListen += await terminate(ctx.postgres.url, `query LIKE 'LISTEN %'`);
  }
}

/** The two busiest chats: groups when there are any (they get many rows each). */
function hotChats(world: World): Chat[] {
  const groups = world.chats.filter((c) => c.kind === 'group');
  return (groups.length >= 2 ? groups : world.chats).slice(0, 2);
}

async function poolExhaustion(ctx: FaultContext): Promise<void> {
  const hot = hotChats(ctx.world);
  const from = at(ctx, 0.15);
  const until = at(ctx, 0.85);
  await sleepUntil(from);
  let n = 0;
  const flood = Array.from({ length: 30 }, async () => {
    while (Date.now() < until) {
      const chat = hot[n % hot.length]!;
      await floodSend(ctx.api, ctx.record, chat, chat.sender, `${ctx.record.clientIdPrefix}f${n++}`);
    }
  });
  while (Date.now() < until) {
    await withClient(ctx.postgres.url, async (c) => {
      await c.query('BEGIN');
      await c.query('SELECT id FROM conversations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [
        hot.map((h) => h.id),
      ]);
      current.tally.lockHolds += 1;
      await sleep(2500);
      await c.query('COMMIT');
    });
    await sleep(500);
  }
  await Promise.all(flood);
}

async function idleInTransaction(ctx: FaultContext): Promise<void> {
  const hot = hotChats(ctx.world);
  for (const fraction of [0.3, 0.65]) {
    await sleepUntil(at(ctx, fraction));
    await withClient(ctx.postgres.url, async (c) => {
      await c.query('BEGIN');
      await c.query('SELECT id FROM conversations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [
        hot.map((h) => h.id),
      ]);
      await c.query(
        `SELECT id FROM scheduled_messages WHERE status = 'pending' AND due_at > clock_timestamp()
         ORDER BY due_at LIMIT 50 FOR UPDATE`,
      );
      current.tally.idleInTransaction += 1;
      await sleep(8000); // idle in transaction, holding the locks
      await c.query('ROLLBACK');
    });
  }
}

async function redisRestart(ctx: FaultContext): Promise<void> {
  await sleepUntil(at(ctx, 0.5));
  log('stopping Redis');
  await ctx.redis.stop();
  current.tally.redisRestarts += 1;
  await sleep(2000);
  await ctx.redis.start();
  log('Redis started again');
}

const RUNNERS: Record<FaultName, (ctx: FaultContext) => Promise<void>> = {
  kill,
  'pg-restart': pgRestart,
  'terminate-delivery': terminateDelivery,
  'pool-exhaustion': poolExhaustion,
  'idle-in-transaction': idleInTransaction,
  'redis-restart': redisRestart,
  'listen-kill': listenKill,
};

/** Runs the faults until the span ends; resolves when each has finished and put back what it broke. */
export async function runFaults(names: readonly FaultName[], ctx: FaultContext): Promise<void> {
  const results = await Promise.allSettled(names.map((name) => RUNNERS[name](ctx)));
  for (const [i, result] of results.entries()) {
    if (result.status === 'rejected')
      current.tally.error(`fault ${names[i]} failed: ${(result.reason as Error).message}`);
  }
  // Whatever happened, the services are running again before anything is checked.
  await ctx.postgres.start();
  await ctx.redis.start();
}
