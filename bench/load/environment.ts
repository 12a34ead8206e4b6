/**
 * What the load benchmark runs against: a fresh database on the PostgreSQL of TEST_DATABASE_URL
 * (`herald_load_<random>`, dropped at the end), Redis when TEST_REDIS_URL is set, and Herald
 * itself as a real process (`apps/server/dist/main.js`) on 127.0.0.1. Everything it starts is
 * registered with `cleanup` and undone in reverse order, on success and on failure alike.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startServerProcess, waitForHttp, type ServerProcess } from '../../apps/server/test/helpers/process.js';
import { benchHeraldEnv } from '../herald-env.js';

export const log = (...parts: unknown[]) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...parts);

/** Undo steps, run last-in first-out; each one's failure is reported and the rest still run. */
export class Cleanup {
  private readonly steps: { what: string; undo: () => Promise<unknown> }[] = [];
  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }
  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.undo();
      } catch (error) {
        console.error(`cleanup (${step.what}) failed:`, error);
      }
    }
  }
}

function requireLocal(url: URL, what: string): void {
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`${what} must point at this machine (127.0.0.1), not ${url.hostname}: the load stays local`);
  }
}

/** A new database on the PostgreSQL of `baseUrl`; Herald's migrations run when the server starts. */
export async function freshDatabase(baseUrl: string, cleanup: Cleanup): Promise<string> {
  const url = new URL(baseUrl);
  requireLocal(url, 'TEST_DATABASE_URL');
  const name = `herald_load_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  cleanup.add(`drop ${name}`, async () => {
    const dropper = new pg.Client({ connectionString: baseUrl });
    await dropper.connect();
    try {
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  });
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The Redis of TEST_REDIS_URL, on a logical database of its own (BENCH_REDIS_DB, default 11):
 * Herald's rate-limit counters and presence keys are keyed by address and user, and the
 * registration counter of 127.0.0.1 must not be shared with the test suites running on database 0.
 * Its keys are deleted at the end. (Pub/sub channels are server-wide in Redis whatever the database.)
 */
export async function benchRedis(baseUrl: string, cleanup: Cleanup): Promise<string> {
  const url = new URL(baseUrl);
  requireLocal(url, 'TEST_REDIS_URL');
  url.pathname = `/${Number(process.env.BENCH_REDIS_DB ?? 11)}`;
  const redisUrl = url.toString();
  cleanup.add('delete the benchmark keys in Redis', async () => {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    try {
      for (const pattern of ['herald*', 'socket.io*']) {
        const keys = await redis.keys(pattern);
        for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      }
    } finally {
      redis.disconnect();
    }
  });
  return redisUrl;
}

/**
 * Herald's limits raised for the load (the defaults would answer 429 within seconds: 120 live
 * messages a minute per user, 20 registrations an hour per address), and a cheap password hash
 * (registering thousands of accounts is set-up, not what is measured). Everything else, the
 * database pool size included, is Herald's default.
 */
export function serverEnv(databaseUrl: string, redisUrl: string | undefined, dataDir: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...benchHeraldEnv('load-bench-secret-load-bench-secret-0123'),
    HERALD_DATA_DIR: dataDir,
  };
}

export const RAISED_LIMITS =
  'rate limits raised (live messages, socket events, scheduling, login, registration); pending-scheduled quotas raised; password hashing at its minimum cost (set-up only); pool size and everything else at the defaults';

/**
 * Instrumentation loaded into the server process for the memory figures (not part of Herald): on
 * SIGUSR2 it runs two full garbage collections and prints its memory, so that "memory per socket"
 * compares settled heaps rather than whatever garbage the set-up left behind.
 */
const MEMORY_MARK = 'HERALD_LOAD_MEMORY ';
const MEMORY_PROBE = `process.on('SIGUSR2',()=>{globalThis.gc();globalThis.gc();console.log(${JSON.stringify(
  MEMORY_MARK,
)}+JSON.stringify(process.memoryUsage()))})`;

/** Starts Herald and waits until /readyz answers; stopped (SIGTERM, then SIGKILL) by cleanup. */
export async function startHerald(
  databaseUrl: string,
  redisUrl: string | undefined,
  cleanup: Cleanup,
): Promise<ServerProcess> {
  const dataDir = join(tmpdir(), `herald-load-${randomBytes(4).toString('hex')}`);
  cleanup.add('remove the data directory', () => rm(dataDir, { recursive: true, force: true }));
  // startServerProcess passes SERVER_NODE_ARGS to node (space-separated: the probe is URL-encoded).
  const given = process.env.SERVER_NODE_ARGS;
  process.env.SERVER_NODE_ARGS = [
    given ?? '',
    '--expose-gc',
    `--import=data:text/javascript,${encodeURIComponent(MEMORY_PROBE)}`,
  ].join(' ');
  let server: ServerProcess;
  try {
    server = await startServerProcess(serverEnv(databaseUrl, redisUrl, dataDir));
  } finally {
    if (given === undefined) delete process.env.SERVER_NODE_ARGS;
    else process.env.SERVER_NODE_ARGS = given;
  }
  cleanup.add('stop Herald', async () => {
    const killer = setTimeout(() => server.child.kill('SIGKILL'), 20_000);
    try {
      await server.stop();
    } finally {
      clearTimeout(killer);
    }
  });
  await waitForHttp(server, '/readyz', 60_000);
  return server;
}

export interface MemoryFigures {
  /** VmRSS from /proc/<pid>/status, MiB. */
  rssMiB: number;
  /** V8 heap in use plus memory outside it held by JS objects (buffers), MiB. */
  heapMiB: number;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The server's memory after two forced full collections (the probe above), polled with a deadline. */
async function collectedMemory(server: ServerProcess): Promise<MemoryFigures> {
  const marks = () => server.output().split(MEMORY_MARK).length - 1;
  const before = marks();
  server.child.kill('SIGUSR2');
  const deadline = Date.now() + 15_000;
  while (marks() === before) {
    if (Date.now() > deadline) throw new Error('the server did not report its memory');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const line = server.output().split(MEMORY_MARK).at(-1)!.split('\n')[0]!;
  const usage = JSON.parse(line) as NodeJS.MemoryUsage;
  return { rssMiB: await rssMiB(server), heapMiB: mib(usage.heapUsed + usage.external) };
}

/**
 * The server's memory once it has settled: the heap is exact right after a collection, but the
 * pages it freed go back to the system a little later (RSS once fell 28 MiB between two readings),
 * so collect again, half a second apart, until RSS moves by less than 1 MiB (at most 10 times).
 */
export async function settledMemory(server: ServerProcess): Promise<MemoryFigures> {
  let last = await collectedMemory(server);
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await collectedMemory(server);
    if (Math.abs(next.rssMiB - last.rssMiB) < 1) return next;
    last = next;
  }
  return last;
}

/** The server process's resident memory in MiB, from /proc/<pid>/status (VmRSS). */
export async function rssMiB(server: ServerProcess): Promise<number> {
  const status = await readFile(`/proc/${server.child.pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error('no VmRSS in /proc status');
  return Math.round((kib / 1024) * 10) / 10;
}
