/**
 * Herald's scheduled-delivery benchmark. `npm run bench` (all workloads) or
 * `npm run bench -- --only W1,W2 --runs 2`. PostgreSQL from BENCH_DATABASE_URL (default:
 * TEST_DATABASE_URL). Each workload runs on a fresh database; results go to bench/results/.
 *
 * W1 precision, W2 burst and W5 scale drive the real dispatcher in this process (buildApp, the
 * database clock, LISTEN/NOTIFY, the one message writer) and measure lateness when each batch's
 * transaction has committed. W3 (HTTP creation) and W4 (end to end through Socket.IO) run the
 * real server as a child process and measure from the client side.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { io } from 'socket.io-client';
import { deriveKeys, newKdfParams } from '@herald/crypto';
import type { KdfDefaults, Message } from '@herald/shared';
import { buildApp } from '../apps/server/src/app.js';
import { loadConfig } from '../apps/server/src/config.js';
import { DbClock } from '../apps/server/src/db/db-clock.js';
import type { Db } from '../apps/server/src/db/db.js';
import { migrate } from '../apps/server/src/db/migrate.js';
import { openPgDb } from '../apps/server/src/db/pg.js';
import { SCHEDULE_CHANNEL } from '../apps/server/src/modules/scheduling/index.js';
import { startServerProcess, waitForHttp, type ServerProcess } from '../apps/server/test/helpers/process.js';
import { seedDirectChats } from '../apps/server/test/helpers/seed.js';
import { benchKeys, directEnvelopes, sealDirect } from './envelopes.js';
import { benchHeraldEnv } from './herald-env.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const baseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
if (!baseUrl) {
  console.error(
    'Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/postgres',
  );
  process.exit(1);
}

const args = process.argv.slice(2);
const argValue = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const only = new Set((argValue('--only') ?? 'W1,W2,W3,W4,W5').split(',').map((s) => s.trim().toUpperCase()));
const runs = Number(argValue('--runs') ?? 2);

// ---- helpers ------------------------------------------------------------------------------------

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: r(percentile(sorted, 50)),
    p95: r(percentile(sorted, 95)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted.at(-1) ?? Number.NaN),
    count: sorted.length,
  };
}

const log = (...parts: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...parts);

async function freshDatabase(tag: string): Promise<{ url: string; db: Db; drop: () => Promise<void> }> {
  const name = `herald_bench_${tag.toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl!);
  url.pathname = `/${name}`;
  const db = await openPgDb({ connectionString: url.toString(), max: 12 });
  await migrate(db);
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
 * Inserts pending scheduled messages (one per due time, round-robin over the chats) in bulk, each
 * holding its chat's sealed envelope (one per chat, sealed from a to b: real size and shape).
 * Seal them with `directEnvelopes` before the workload's clock starts: sealing 1,000 takes seconds
 * of this process's CPU, which would otherwise make the first rows due before they are inserted.
 */
async function insertScheduled(
  db: Db,
  chats: { conversationId: string; a: string; b: string }[],
  envelopes: ReadonlyMap<string, string>,
  due: readonly Date[],
) {
  for (let offset = 0; offset < due.length; offset += 20_000) {
    const slice = due.slice(offset, offset + 20_000);
    const who = slice.map((_, i) => chats[(offset + i) % chats.length]!);
    await db.query(
      `INSERT INTO scheduled_messages (conversation_id, sender_id, receiver_id, content, content_type,
         scheduled_time, due_at, created_at, updated_at)
       SELECT x.c, x.s, x.r, x.content, 'text', x.due, x.due, now(), now()
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
async function startDispatcher(db: Db, onDelivered: (latenessMs: readonly number[]) => void) {
  const clock = new DbClock(db);
  await clock.start();
  const app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'error', HERALD_DATA_DIR: join(tmpdir(), 'herald-bench') }),
    db,
    clock,
    secret: 'bench-secret-bench-secret-bench-secret-0123',
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

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function dbNow(db: Db): Promise<number> {
  const { rows } = await db.query<{ ms: number }>(
    'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms',
  );
  return rows[0]!.ms;
}

// ---- W1 / W5: precision -----------------------------------------------------------------------------

async function precision(tag: 'W1' | 'W5', background: number) {
  const { db, drop } = await freshDatabase(tag);
  try {
    const chats = await seedDirectChats(db, 1000, new Date());
    const envelopes = await directEnvelopes(chats);
    if (background > 0) {
      log(`${tag}: seeding ${background.toLocaleString()} pending messages due next year`);
      await db.query(
        `INSERT INTO scheduled_messages (conversation_id, sender_id, receiver_id, content, content_type,
           scheduled_time, due_at, created_at, updated_at)
         SELECT c.id, m1.user_id, m2.user_id, 'next year', 'text', t, t, now(), now()
         FROM generate_series(1, $1) AS g(n)
         JOIN LATERAL (SELECT now() + interval '300 days' + g.n * interval '1 second' AS t) tt ON true
         JOIN conversations c ON c.id = ($2::uuid[])[1 + g.n % 1000]
         JOIN LATERAL (SELECT user_id FROM conversation_members WHERE conversation_id = c.id ORDER BY user_id LIMIT 1) m1 ON true
         JOIN LATERAL (SELECT user_id FROM conversation_members WHERE conversation_id = c.id ORDER BY user_id DESC LIMIT 1) m2 ON true`,
        [background, chats.map((c) => c.conversationId)],
      );
    }
    // Measure the steady state: the bulk seed's vacuum, statistics and checkpoint done first.
    await db.query('VACUUM ANALYZE');
    await db.query('CHECKPOINT');
    const lateness: number[] = [];
    const dispatcher = await startDispatcher(db, (l) => lateness.push(...l));
    const start = (await dbNow(db)) + 5_000;
    const due = Array.from({ length: 5_000 }, () => new Date(start + Math.random() * 20_000));
    await insertScheduled(db, chats, envelopes, due);
    // Creating rows through the API would NOTIFY; bulk inserts wake the dispatchers explicitly.
    await db.notify(SCHEDULE_CHANNEL, String(Math.min(...due.map((d) => d.getTime()))));
    await waitUntil(() => lateness.length >= 5_000, 60_000, `${tag} deliveries`);
    const rssMB = Math.round(process.memoryUsage().rss / 1024 / 1024);
    await dispatcher.stop();
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*) AS n FROM messages WHERE scheduled_message_id IS NOT NULL',
    );
    if (Number(rows[0]!.n) !== 5_000) throw new Error(`${tag}: expected 5000 messages, found ${rows[0]!.n}`);
    return { ...summary(lateness), rssMB };
  } finally {
    await drop();
  }
}

// ---- W2: burst ----------------------------------------------------------------------------------------

async function burst() {
  const { db, drop } = await freshDatabase('W2');
  try {
    const chats = await seedDirectChats(db, 1000, new Date());
    const envelopes = await directEnvelopes(chats);
    const dueMs = (await dbNow(db)) + 20_000;
    await insertScheduled(
      db,
      chats,
      envelopes,
      Array.from({ length: 50_000 }, () => new Date(dueMs)),
    );
    await db.query('ANALYZE');
    let delivered = 0;
    let lastCommitMs = 0;
    const dispatcher = await startDispatcher(db, (l) => {
      delivered += l.length;
      lastCommitMs = Math.max(lastCommitMs, dueMs + Math.max(...l));
    });
    await waitUntil(() => delivered >= 50_000, 120_000, 'W2 deliveries');
    await dispatcher.stop();
    const seconds = (lastCommitMs - dueMs) / 1000;
    return { seconds: Math.round(seconds * 1000) / 1000, perSecond: Math.round(50_000 / seconds), count: delivered };
  } finally {
    await drop();
  }
}

// ---- W3: creation through HTTP ----------------------------------------------------------------

interface HttpUser {
  id: string;
  cookie: string;
  keys: ReturnType<typeof benchKeys>['keys'];
  x25519PublicKey: string;
}

async function registerUsers(server: ServerProcess, count: number, prefix: string): Promise<HttpUser[]> {
  const kdfRes = await fetch(`${server.baseUrl}/api/auth/kdf-params`);
  const { kdf: defaults } = ((await kdfRes.json()) as { data: { kdf: KdfDefaults } }).data;
  const users: HttpUser[] = [];
  const queue = Array.from({ length: count }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const kdf = newKdfParams(defaults);
        const { authKey } = await deriveKeys(`password-${i}`, kdf);
        const { keys, payload } = benchKeys();
        const res = await fetch(`${server.baseUrl}/api/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: `${prefix}${i}`, authKey, kdf, keys: payload }),
        });
        if (res.status !== 201) throw new Error(`register ${res.status}: ${await res.text()}`);
        const cookie = /herald_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
        const id = ((await res.json()) as { data: { user: { id: string } } }).data.user.id;
        users.push({ id, cookie, keys, x25519PublicKey: payload.x25519PublicKey });
      }
    }),
  );
  return users;
}

const serverEnv = (url: string, extra: Record<string, string> = {}) => ({
  DATABASE_URL: url,
  ...benchHeraldEnv('bench-secret-bench-secret-bench-secret-0123'),
  HERALD_DATA_DIR: join(tmpdir(), `herald-bench-${randomBytes(3).toString('hex')}`),
  DATABASE_POOL_SIZE: '20',
  ...extra,
});

async function creation() {
  const { url, db, drop } = await freshDatabase('W3');
  const server = await startServerProcess(serverEnv(url, { DISPATCHER_ENABLED: 'false' }));
  try {
    await waitForHttp(server);
    const users = await registerUsers(server, 1016, 'w3u');
    const clients = users.slice(0, 16);
    const recipients = users.slice(16);
    // 1,000 direct conversations: each client talks to its share of recipients, with one message
    // sealed per conversation in advance (sealing is the client's work, not the server's).
    const targets = clients.map(() => [] as { conversationId: string; content: string }[]);
    for (const [c, client] of clients.entries()) {
      for (const peer of recipients.filter((_, r) => r % 16 === c)) {
        const res = await fetch(`${server.baseUrl}/api/conversations/direct`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: client.cookie },
          body: JSON.stringify({ userId: peer.id }),
        });
        if (res.status !== 201) throw new Error(`direct ${res.status}`);
        const conversationId = ((await res.json()) as { data: { id: string } }).data.id;
        targets[c]!.push({ conversationId, content: await sealDirect(client, conversationId, peer) });
      }
    }
    await db.query('ANALYZE');
    const latencies: number[] = [];
    const durationMs = 10_000;
    const warmupMs = 2_000;
    const begin = performance.now();
    let measured = 0;
    await Promise.all(
      clients.map(async (client, c) => {
        let n = 0;
        const mine = targets[c]!;
        while (performance.now() - begin < durationMs + warmupMs) {
          const t0 = performance.now();
          const target = mine[n++ % mine.length]!;
          const res = await fetch(`${server.baseUrl}/api/scheduled-messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie: client.cookie },
            body: JSON.stringify({
              conversationId: target.conversationId,
              content: target.content,
              scheduledTime: new Date(Date.now() + 3_600_000 + n).toISOString(),
            }),
          });
          const answer = await res.text();
          if (res.status !== 201) throw new Error(`schedule ${res.status}: ${answer.slice(0, 300)}`);
          const t1 = performance.now();
          if (t0 - begin >= warmupMs) {
            latencies.push(t1 - t0);
            measured += 1;
          }
        }
      }),
    );
    const s = summary(latencies);
    return { perSecond: Math.round(measured / (durationMs / 1000)), p99: s.p99, p50: s.p50, count: measured };
  } finally {
    await server.stop();
    await drop();
  }
}

// ---- W4: end to end through Socket.IO -------------------------------------------------------------

async function endToEnd() {
  const { url, db, drop } = await freshDatabase('W4');
  const server = await startServerProcess(serverEnv(url));
  const sockets: ReturnType<typeof io>[] = [];
  try {
    await waitForHttp(server);
    const recipients = await registerUsers(server, 1000, 'w4r');
    // Senders need no login: seeded straight into the database, one direct chat per recipient.
    const { rows: senders } = await db.query<{ id: string }>(
      `INSERT INTO users (username, display_name, auth_hash, kdf)
       SELECT 'w4s' || n, 'Sender ' || n, '!', '{}'::jsonb FROM generate_series(1, 1000) n RETURNING id`,
    );
    const chats = recipients.map((r, i) => ({ conversationId: '', a: senders[i]!.id, b: r.id }));
    const { rows: convs } = await db.query<{ id: string }>(
      `INSERT INTO conversations (kind, created_by, direct_key, created_at)
       SELECT 'direct', a, CASE WHEN a < b THEN a || ':' || b ELSE b || ':' || a END, now()
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(a, b, ord) ORDER BY ord RETURNING id`,
      [chats.map((c) => c.a), chats.map((c) => c.b)],
    );
    convs.forEach((c, i) => (chats[i]!.conversationId = c.id));
    await db.query(
      `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
       SELECT x.c, u, 'member', now() FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS x(c, a, b)
       CROSS JOIN LATERAL (VALUES (x.a), (x.b)) AS v(u)`,
      [chats.map((c) => c.conversationId), chats.map((c) => c.a), chats.map((c) => c.b)],
    );
    const lateness: number[] = [];
    await Promise.all(
      recipients.map(
        (r) =>
          new Promise<void>((resolve, reject) => {
            const socket = io(server.baseUrl, {
              transports: ['websocket'],
              extraHeaders: { cookie: r.cookie },
              reconnection: false,
            });
            socket.on('receive_message', (m: Message) => {
              if (m.scheduledTime) lateness.push(Date.now() - new Date(m.scheduledTime).getTime());
            });
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
            sockets.push(socket);
          }),
      ),
    );
    const envelopes = await directEnvelopes(chats);
    await db.query('ANALYZE');
    const start = (await dbNow(db)) + 5_000;
    const due = Array.from({ length: 5_000 }, () => new Date(start + Math.random() * 20_000));
    await insertScheduled(db, chats, envelopes, due);
    await db.notify(SCHEDULE_CHANNEL, String(Math.min(...due.map((d) => d.getTime()))));
    await waitUntil(() => lateness.length >= 5_000, 60_000, 'W4 receive_message events');
    return summary(lateness);
  } finally {
    for (const s of sockets) s.disconnect();
    await server.stop();
    await drop();
  }
}

// ---- main -----------------------------------------------------------------------------------------------

type Figures = Record<string, Record<string, number>>;

const workloads: Record<string, () => Promise<Record<string, number>>> = {
  W1: () => precision('W1', 0),
  W2: burst,
  W3: creation,
  W4: endToEnd,
  W5: () => precision('W5', 1_000_000),
};

const GOALS: Record<string, string> = {
  W1: 'p99 <= 25 ms, max <= 100 ms (lateness at commit)',
  W2: '50,000 committed within 2 s (>= 25,000/s)',
  W3: '>= 2,000 schedules/s, p99 <= 50 ms (16 clients, HTTP keep-alive)',
  W4: 'p99 <= 50 ms (lateness at the client receiving receive_message)',
  W5: 'W1 figures with 1,000,000 other pending rows; RSS <= 300 MB',
};

async function main(): Promise<void> {
  const results: Figures = {};
  const allRuns: Record<string, Record<string, number>[]> = {};
  for (const name of Object.keys(workloads)) {
    if (!only.has(name)) continue;
    allRuns[name] = [];
    for (let run = 1; run <= runs; run++) {
      log(`${name} run ${run}/${runs}...`);
      const figures = await workloads[name]!();
      log(`${name} run ${run}:`, JSON.stringify(figures));
      allRuns[name].push(figures);
    }
    // The reported figure is the worst run; every run is kept for the spread.
    const keys = Object.keys(allRuns[name][0]!);
    const worst: Record<string, number> = {};
    for (const key of keys) {
      const values = allRuns[name].map((r) => r[key]!);
      worst[key] = key === 'perSecond' || key === 'count' ? Math.min(...values) : Math.max(...values);
    }
    results[name] = worst;
  }
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${availableParallelism()} x ${cpus()[0]?.model ?? 'cpu'}`,
    runs,
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const json = JSON.stringify({ ...results, meta, runs: allRuns }, null, 2);
  await writeFile(join(RESULTS_DIR, 'latest.json'), `${json}\n`);
  await writeFile(join(RESULTS_DIR, `${meta.date.slice(0, 19).replace(/:/g, '-')}.json`), `${json}\n`);
  const lines = [
    `# Herald benchmark, ${meta.date}`,
    '',
    `${meta.cpus}, Node ${meta.node}, PostgreSQL from BENCH_DATABASE_URL/TEST_DATABASE_URL; ${runs} runs per workload, worst run reported, every run listed.`,
    '',
    '| workload | goal | result (worst run) | all runs |',
    '|---|---|---|---|',
    ...Object.entries(results).map(
      ([name, r]) =>
        `| ${name} | ${GOALS[name]} | ${Object.entries(r)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} | ${allRuns[name]!.map((run) => JSON.stringify(run)).join('<br>')} |`,
    ),
    '',
  ];
  await writeFile(join(RESULTS_DIR, 'latest.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
