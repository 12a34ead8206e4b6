import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, MessagePage, ScheduledMessage } from '@herald/shared';
import { onPostgres } from './helpers/db.js';
import { HttpUser } from './helpers/http.js';
import { startPrivatePostgres, type PrivatePostgres } from './helpers/private-services.js';
import { startServerProcess, waitForHttp, type ServerProcess } from './helpers/process.js';
import { connectSocket, type TestSocket } from './helpers/socket.js';

/**
 * A database outage against the real built server (dist/main.js) on a private PostgreSQL that the
 * test stops (fast, immediate) or freezes (SIGSTOP). While it is gone: /healthz 200, /readyz 503,
 * every authenticated request and socket command a 503 (`not_ready`/`busy`, Retry-After) within a
 * bound, never a 500, never a hang, and the process stays up. When it is back, without restarting
 * Herald: ready again, scheduled messages that came due during the outage delivered exactly once,
 * nothing stored by the refused requests, and LISTEN working again (delivery woken by NOTIFY, the
 * poll being an hour away).
 */

/** Client-side bound on a statement (DATABASE_QUERY_TIMEOUT_MS): what a frozen database costs. */
const QUERY_TIMEOUT_MS = 2000;
/** Waiting for a pooled connection, or for a new one to connect (DATABASE_ACQUIRE_TIMEOUT_MS). */
const ACQUIRE_TIMEOUT_MS = 1000;
/** A refused or reset connection must be answered at once. */
const REFUSED_BOUND_MS = 1000;
/** A frozen database: the larger of the two client-side bounds, plus slack for a loaded machine. */
const FROZEN_BOUND_MS = Math.max(QUERY_TIMEOUT_MS, ACQUIRE_TIMEOUT_MS) + 1500;

interface Probe {
  name: string;
  status: number;
  retryAfter: string | null;
  code: string | undefined;
  ms: number;
}

const measured: { scenario: string; probes: Probe[]; readyAfterMs: number; deliveredAfterMs: number }[] = [];

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(onPostgres())('a database outage (real server process, private PostgreSQL)', () => {
  let postgres: PrivatePostgres;
  let server: ServerProcess;
  let inspect: pg.Pool;
  let dataDir: string;
  let alice: HttpUser;
  let bob: HttpUser;
  let chatId: string;
  let bobSocket: TestSocket;
  let aliceSocket: TestSocket;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    dataDir = await mkdtemp(join(tmpdir(), 'herald-outage-'));
    inspect = new pg.Pool({ connectionString: postgres.url, max: 2 });
    inspect.on('error', () => {});
    server = await startServerProcess({
      DATABASE_URL: postgres.url,
      DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      DATABASE_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      JWT_SECRET: 'outage-secret-outage-secret-outage-secret',
      HERALD_DATA_DIR: dataDir,
      KDF_MEMORY_KIB: '8',
      KDF_ITERATIONS: '1',
      AUTH_HASH_MEMORY_KIB: '8',
      AUTH_HASH_ITERATIONS: '1',
      SCHEDULE_MIN_LEAD_SECONDS: '0',
      // An hour: anything delivered within seconds was woken by a timer or a NOTIFY, not the poll.
      DISPATCHER_POLL_SECONDS: '3600',
      LOG_LEVEL: 'info',
    });
    await waitForHttp(server);
    alice = await new HttpUser(server.baseUrl).register('alice_outage');
    bob = await new HttpUser(server.baseUrl).register('bob_outage');
    const chat = await alice.call<Conversation>('POST', '/api/conversations/direct', { userId: bob.id });
    chatId = chat.data.id;
    bobSocket = await connectSocket(server.baseUrl, bob.cookie);
    aliceSocket = await connectSocket(server.baseUrl, alice.cookie);
  }, 120_000);

  afterAll(async () => {
    bobSocket?.close();
    aliceSocket?.close();
    await server?.stop();
    await inspect?.end();
    await postgres?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    for (const m of measured) {
      console.log(
        `[outage ${m.scenario}] ready ${m.readyAfterMs} ms and delivered ${m.deliveredAfterMs} ms after the database came back; ` +
          m.probes.map((p) => `${p.name} ${p.status}${p.code ? `/${p.code}` : ''} in ${p.ms} ms`).join(', '),
      );
    }
  });

  async function probe(name: string, run: () => Promise<Omit<Probe, 'name' | 'ms'>>): Promise<Probe> {
    const started = Date.now();
    const result = await run();
    return { name, ...result, ms: Date.now() - started };
  }

  async function http(user: HttpUser | undefined, method: string, path: string, body?: unknown) {
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(user ? { cookie: user.cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    });
    const json = (await res.json().catch(() => undefined)) as { error?: { code: string } } | undefined;
    return { status: res.status, retryAfter: res.headers.get('retry-after'), code: json?.error?.code };
  }

  /** Every kind of request while the database is gone. */
  async function probeAll(sealed: { live: string; scheduled: string; socket: string }): Promise<Probe[]> {
    const dueLater = new Date(Date.now() + 60_000).toISOString();
    return [
      await probe('healthz', () => http(undefined, 'GET', '/healthz')),
      await probe('readyz', () => http(undefined, 'GET', '/readyz')),
      await probe('GET conversations', () => http(alice, 'GET', '/api/conversations')),
      await probe('GET messages', () => http(alice, 'GET', `/api/conversations/${chatId}/messages`)),
      await probe('POST message', () =>
        http(alice, 'POST', `/api/conversations/${chatId}/messages`, { content: sealed.live }),
      ),
      await probe('POST scheduled', () =>
        http(alice, 'POST', '/api/scheduled-messages', {
          conversationId: chatId,
          content: sealed.scheduled,
          scheduledTime: dueLater,
        }),
      ),
      await probe('socket send_message', async () => {
        const ack = await aliceSocket.emit('send_message', { conversationId: chatId, content: sealed.socket });
        if (ack.ok) return { status: 200, retryAfter: null, code: undefined };
        const details = ack.error.details as { retryAfterSeconds?: number } | undefined;
        return { status: 503, retryAfter: String(details?.retryAfterSeconds ?? ''), code: ack.error.code };
      }),
      // A new connection cannot be authenticated either: it must say "not now", not "signed out".
      await probe('socket handshake', async () => {
        const error = await connectSocket(server.baseUrl, bob.cookie).then(
          (socket) => socket.close(),
          (e: unknown) => e as Error & { data?: { retryAfterSeconds?: number } },
        );
        if (!error) return { status: 200, retryAfter: null, code: undefined };
        const status = error.message === 'unauthenticated' ? 401 : 503;
        return { status, retryAfter: String(error.data?.retryAfterSeconds ?? ''), code: error.message };
      }),
    ];
  }

  function expectRefusedQuickly(probes: Probe[], boundMs: number): void {
    for (const p of probes) {
      expect(p.ms, `${p.name} took ${p.ms} ms`).toBeLessThan(boundMs);
      if (p.name === 'healthz') {
        expect(p.status).toBe(200);
        continue;
      }
      expect(p.status, `${p.name}: ${p.status} ${p.code}`).toBe(503);
      expect(['not_ready', 'busy']).toContain(p.code);
      // Retry-After: the header, or for sockets the error's details.
      expect(Number(p.retryAfter), `${p.name} Retry-After`).toBeGreaterThan(0);
    }
  }

  async function countRows(): Promise<{ messages: number; scheduled: number }> {
    const { rows } = await inspect.query<{ messages: number; scheduled: number }>(
      `SELECT (SELECT count(*)::int FROM messages WHERE conversation_id = $1) AS messages,
              (SELECT count(*)::int FROM scheduled_messages WHERE conversation_id = $1) AS scheduled`,
      [chatId],
    );
    return rows[0]!;
  }

  const failedPasses = () => server.output().split('scheduled delivery pass failed').length - 1;
  const relistens = () => server.output().split('dispatcher listening again').length - 1;

  /**
   * Schedules messages due in a moment, takes the database away with `down`, probes, waits for the
   * dispatcher to have failed on them, brings it back with `up`, and checks the outcome.
   */
  async function outage(scenario: string, boundMs: number, down: () => Promise<void>, up: () => Promise<void>) {
    const texts = ['one', 'two', 'three'].map((t) => `${scenario} ${t}`);
    const sealed = {
      live: await alice.seal(chatId, 'refused live'),
      scheduled: await alice.seal(chatId, 'refused scheduled'),
      socket: await alice.seal(chatId, 'refused socket'),
    };
    const dueAt = new Date(Date.now() + 1500).toISOString();
    const scheduled: ScheduledMessage[] = [];
    for (const text of texts) {
      const res = await alice.call<ScheduledMessage>('POST', '/api/scheduled-messages', {
        conversationId: chatId,
        content: await alice.seal(chatId, text),
        scheduledTime: dueAt,
        showAsScheduled: true, // found at the recipient by its scheduledMessageId
      });
      expect(res.status).toBe(201); // acknowledged: must not be lost
      scheduled.push(res.data);
    }
    const before = await countRows();
    const passesBefore = failedPasses();
    const relistensBefore = relistens();

    await down();
    const probes = await probeAll(sealed);
    expectRefusedQuickly(probes, boundMs);
    // The dispatcher tried the due rows and failed (they stay pending); the process lives on.
    await until('a failed delivery pass', async () => (failedPasses() > passesBefore ? true : undefined), 30_000);
    expect(server.child.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/"level":(50|60).*"msg":"unexpected error"/);

    const upAt = Date.now();
    await up();
    await waitForHttp(server, '/readyz', 30_000);
    const readyAfterMs = Date.now() - upAt;
    const ok = await alice.call<MessagePage>('GET', `/api/conversations/${chatId}/messages`);
    expect(ok.status).toBe(200);

    // Delivered by the dispatcher on its own (no restart of Herald), exactly once.
    const ids = scheduled.map((s) => s.id);
    await until(
      'the scheduled messages to be sent',
      async () => {
        const { rows } = await inspect.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM scheduled_messages WHERE id = ANY($1::uuid[]) AND status = 'sent'`,
          [ids],
        );
        return rows[0]!.n === ids.length ? true : undefined;
      },
      30_000,
    );
    const deliveredAfterMs = Date.now() - upAt;
    const { rows: perRow } = await inspect.query<{ id: string; messages: number }>(
      `SELECT s.id, (SELECT count(*)::int FROM messages m WHERE m.scheduled_message_id = s.id) AS messages
         FROM scheduled_messages s WHERE s.id = ANY($1::uuid[])`,
      [ids],
    );
    expect(perRow.map((r) => r.messages)).toEqual([1, 1, 1]);
    // The refused requests stored nothing: only the three deliveries were added.
    expect(await countRows()).toEqual({ messages: before.messages + 3, scheduled: before.scheduled });
    // And the recipient's socket got each exactly once.
    for (const id of ids) await bobSocket.next('receive_message', (m) => m.scheduledMessageId === id);
    for (const id of ids) {
      expect(bobSocket.all('receive_message').filter((m) => m.scheduledMessageId === id)).toHaveLength(1);
    }
    measured.push({ scenario, probes, readyAfterMs, deliveredAfterMs });
    return { relistened: relistens() > relistensBefore };
  }

  /** NOTIFY-driven delivery works: the poll is an hour away, so only a NOTIFY can wake it. */
  async function expectNotifyDelivery(label: string): Promise<void> {
    const res = await alice.call<ScheduledMessage>('POST', '/api/scheduled-messages', {
      conversationId: chatId,
      content: await alice.seal(chatId, `${label} after the outage`),
      scheduledTime: new Date(Date.now() + 800).toISOString(),
      showAsScheduled: true, // found at the recipient by its scheduledMessageId
    });
    expect(res.status).toBe(201);
    const received = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === res.data.id, {
      timeoutMs: 10_000,
    });
    expect(await bob.open(received)).toBe(`${label} after the outage`);
  }

  it('PostgreSQL stopped (fast): 503s at once, then delivery resumes by itself and LISTEN comes back', async () => {
    const { relistened } = await outage(
      'fast',
      REFUSED_BOUND_MS,
      () => postgres.stop('fast'),
      () => postgres.start(),
    );
    // The LISTEN connection was ended by the shutdown: listening again must have been logged.
    if (!relistened) await until('LISTEN again', async () => (relistens() > 0 ? true : undefined), 10_000);
    await expectNotifyDelivery('fast');
  }, 90_000);

  it('PostgreSQL crashed (immediate): the same', async () => {
    const before = relistens();
    await outage(
      'immediate',
      REFUSED_BOUND_MS,
      () => postgres.stop('immediate'),
      () => postgres.start(),
    );
    await until('LISTEN again', async () => (relistens() > before ? true : undefined), 10_000);
    await expectNotifyDelivery('immediate');
  }, 90_000);

  it('PostgreSQL frozen (SIGSTOP): requests still answer 503 within the client-side bounds', async () => {
    let frozen: number[] = [];
    const signal = (pids: number[], sig: NodeJS.Signals) => {
      for (const pid of pids) {
        try {
          process.kill(pid, sig);
        } catch {
          // gone meanwhile
        }
      }
    };
    try {
      await outage(
        'frozen',
        FROZEN_BOUND_MS,
        async () => {
          frozen = await postgres.pids();
          signal(frozen, 'SIGSTOP');
        },
        async () => signal(frozen, 'SIGCONT'),
      );
    } finally {
      signal(frozen, 'SIGCONT');
    }
    await expectNotifyDelivery('frozen');
  }, 90_000);
});
