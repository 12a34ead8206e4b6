import type { Conversation, ScheduledMessage } from '@herald/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../src/db/db.js';
import { createProcessDatabase, onPostgres } from './helpers/db.js';
import { HttpUser } from './helpers/http.js';
import { startServerProcess, waitForHttp, type ServerProcess } from './helpers/process.js';
import { connectSocket, type TestSocket } from './helpers/socket.js';

const redisUrl = inject('redisUrl');
const METRICS_TOKEN = 'roles-metrics-token-0123456789';

/**
 * HERALD_ROLE across real processes on one PostgreSQL and one Redis: an `api` process serves
 * the users and their sockets but never delivers; a `dispatcher` process delivers to those
 * sockets through Redis and answers only its probes.
 */
describe.runIf(onPostgres() && redisUrl)('process roles: an api process and a dispatcher process', () => {
  let database: { url: string; db: Db; drop(): Promise<void> };
  let env: Record<string, string>;
  let api: ServerProcess;
  let dispatcher: ServerProcess | undefined;
  let alice: HttpUser;
  let bob: HttpUser;
  let bobSocket: TestSocket;
  let chatId: string;
  /** Scheduled by the first test, while no dispatcher runs. */
  let overdue: ScheduledMessage;

  const statusOf = async (id: string) =>
    (await database.db.query<{ status: string }>('SELECT status FROM scheduled_messages WHERE id = $1', [id])).rows[0]
      ?.status;

  /** Alice schedules `text` for `inMs` from now, through the api process. */
  const schedule = async (text: string, inMs: number) => {
    const res = await alice.call<ScheduledMessage>('POST', '/api/scheduled-messages', {
      conversationId: chatId,
      content: await alice.seal(chatId, text),
      scheduledTime: new Date(Date.now() + inMs).toISOString(),
      showAsScheduled: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.data;
  };

  /** How many times Bob's socket received the message delivered for `scheduledId`. */
  const receivedCount = (scheduledId: string) =>
    bobSocket.all('receive_message').filter((m) => m.scheduledMessageId === scheduledId).length;

  beforeAll(async () => {
    database = await createProcessDatabase('herald_roles');
    const name = database.url.split('/').pop()!;
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      JWT_SECRET: 'roles-secret-roles-secret-roles-secret-0123',
      HERALD_DATA_DIR: `/tmp/${name}`,
      KDF_MEMORY_KIB: '8',
      KDF_ITERATIONS: '1',
      AUTH_HASH_MEMORY_KIB: '8',
      AUTH_HASH_ITERATIONS: '1',
      SCHEDULE_MIN_LEAD_SECONDS: '0',
      // Counted per client IP in the shared Redis: every test run registers from 127.0.0.1.
      RATE_LIMIT_REGISTER_PER_HOUR: '100000',
      METRICS_TOKEN,
      LOG_LEVEL: 'warn',
    };
    api = await startServerProcess({ ...env, HERALD_ROLE: 'api' });
    await waitForHttp(api);
    alice = await new HttpUser(api.baseUrl).register(`alice${name.slice(-6)}`);
    bob = await new HttpUser(api.baseUrl).register(`bob${name.slice(-6)}`);
    chatId = (await alice.call<Conversation>('POST', '/api/conversations/direct', { userId: bob.id })).data.id;
    bobSocket = await connectSocket(api.baseUrl, bob.cookie);
  });

  afterAll(async () => {
    bobSocket?.close();
    await Promise.all([api?.stop(), dispatcher?.stop()]);
    await database?.drop();
  });

  it('an api process alone never delivers: a due row stays pending', async () => {
    overdue = await schedule('while no dispatcher runs', 1_000);
    // Well past due: a process running the dispatcher would have delivered it within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await statusOf(overdue.id)).toBe('pending');
    expect(receivedCount(overdue.id)).toBe(0);
  });

  it("a dispatcher process delivers to the recipient's socket on the api process, exactly once", async () => {
    dispatcher = await startServerProcess({ ...env, HERALD_ROLE: 'dispatcher' });
    await waitForHttp(dispatcher);
    // What came due while no dispatcher ran goes as soon as one starts.
    const late = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === overdue.id, {
      timeoutMs: 15_000,
    });
    expect(await bob.open(late)).toBe('while no dispatcher runs');

    // Created through the api process while the dispatcher runs: the api's NOTIFY wakes it on
    // time (its safety-net poll is 30 s away, beyond this wait).
    const onTime = await schedule('with a dispatcher running', 1_500);
    const delivered = await bobSocket.next('receive_message', (m) => m.scheduledMessageId === onTime.id, {
      timeoutMs: 10_000,
    });
    expect(await bob.open(delivered)).toBe('with a dispatcher running');
    expect(await statusOf(onTime.id)).toBe('sent');

    // Nothing arrives twice (the api process hears the stream once and delivers nothing itself).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receivedCount(overdue.id)).toBe(1);
    expect(receivedCount(onTime.id)).toBe(1);
  });

  it('the dispatcher process answers its probes and nothing else', async () => {
    const base = dispatcher!.baseUrl;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    // /metrics as protected as on any process.
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/herald_scheduled_deliveries_total\{outcome="sent"\} 2/);

    // No API, no web app, no docs, no client sockets.
    for (const path of ['/api/config', '/api/auth/kdf-params', '/api/docs', '/']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(login.status).toBe(404);
    await expect(connectSocket(base, bob.cookie)).rejects.toThrow();
    // The api process still serves the API.
    expect((await fetch(`${api.baseUrl}/api/config`)).status).toBe(200);
  });

  it('both shut down cleanly on SIGTERM (the dispatcher closes its Socket.IO adapter without a server)', async () => {
    expect(await dispatcher!.stop()).toBe(0);
    expect(await api.stop()).toBe(0);
    expect(dispatcher!.output()).not.toMatch(/error while shutting down|took too long/);
  });
});
