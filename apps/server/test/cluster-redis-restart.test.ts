import type { Conversation, Message, MessagePage } from '@herald/shared';
import { io } from 'socket.io-client';
import { describe, expect, inject, it } from 'vitest';
import { createProcessDatabase, onPostgres } from './helpers/db.js';
import { HttpUser } from './helpers/http.js';
import { startPrivateRedis } from './helpers/private-services.js';
import { startServerProcess, waitForHttp, type ServerProcess } from './helpers/process.js';
import { TestSocket, type ClientSocket } from './helpers/socket.js';

/** Polls `check` until it holds, failing after `timeoutMs` with what it last saw. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A recipient's device as the web app runs it: Socket.IO reconnects by itself; on every connect
 * that did not recover the previous connection (the first one included), it catches up by
 * fetching the conversation's latest messages and merging them by id. It counts what arrived
 * live per id (a duplicate is an id delivered twice) and what it holds in all.
 */
class Device {
  readonly socket: ClientSocket;
  readonly events: TestSocket;
  readonly live = new Map<string, number>();
  readonly held = new Set<string>();
  readonly connects: { recovered: boolean }[] = [];
  private catchUps = Promise.resolve();
  private baseUrl: string;

  constructor(
    server: ServerProcess,
    private readonly user: HttpUser,
    private readonly conversationId: string,
    options: { reconnection?: boolean } = {},
  ) {
    this.baseUrl = server.baseUrl;
    this.socket = io(server.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: options.reconnection ?? true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      extraHeaders: { cookie: user.cookie },
    });
    this.events = new TestSocket(this.socket);
    this.socket.on('receive_message', (message) => {
      this.live.set(message.id, (this.live.get(message.id) ?? 0) + 1);
      this.held.add(message.id);
    });
    this.socket.on('connect', () => {
      this.connects.push({ recovered: this.socket.recovered });
      if (!this.socket.recovered) this.catchUps = this.catchUps.then(() => this.catchUp());
    });
  }

  /** From the process it is connected to, as a browser asks the origin it connected to. */
  private async catchUp(): Promise<void> {
    const res = await fetch(`${this.baseUrl}/api/conversations/${this.conversationId}/messages`, {
      headers: { cookie: this.user.cookie },
    });
    if (res.status !== 200) throw new Error(`catch-up: ${res.status} ${await res.text()}`);
    const page = ((await res.json()) as { data: MessagePage }).data;
    for (const message of page.messages) this.held.add(message.id);
  }

  async connected(): Promise<void> {
    await eventually('the device is connected', () => this.socket.connected);
    await this.catchUps;
  }

  /** Its next connection goes to `server` (a load balancer sending it elsewhere). */
  moveTo(server: ServerProcess): void {
    this.baseUrl = server.baseUrl;
    (this.socket.io as unknown as { uri: string }).uri = server.baseUrl;
  }

  /** Connects again by hand (a device made with `reconnection: false`). */
  async reconnect(): Promise<void> {
    this.socket.connect();
    await this.connected();
  }

  /** The network drops (not a sign-out): Socket.IO reconnects by itself. */
  dropTransport(): void {
    this.socket.io.engine.close();
  }

  duplicates(): string[] {
    return [...this.live].filter(([, n]) => n > 1).map(([id]) => id);
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** Two Herald processes on a fresh database and a private Redis; Bob on B, Alice (to connect on A), their chat. */
async function startCluster() {
  const redis = await startPrivateRedis();
  const database = await createProcessDatabase('herald_cluster_outage');
  const name = database.url.split('/').pop()!;
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    JWT_SECRET: 'cluster-outage-secret-cluster-outage-secret',
    HERALD_DATA_DIR: `/tmp/${name}`,
    KDF_MEMORY_KIB: '8',
    KDF_ITERATIONS: '1',
    AUTH_HASH_MEMORY_KIB: '8',
    AUTH_HASH_ITERATIONS: '1',
    LOG_LEVEL: 'warn',
  };
  const processes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  const devices: Device[] = [];
  const close = async () => {
    for (const device of devices) device.close();
    await Promise.all(processes.map((p) => p.stop()));
    await redis.close();
    await database.drop();
  };
  try {
    await Promise.all(processes.map((p) => waitForHttp(p)));
    const [a, b] = processes;
    const alice = await new HttpUser(a.baseUrl).register(`alice${name.slice(-6)}`);
    const bob = await new HttpUser(b.baseUrl).register(`bob${name.slice(-6)}`);
    const chat = (await bob.call<Conversation>('POST', '/api/conversations/direct', { userId: alice.id })).data;
    const send = async (text: string) => {
      const res = await bob.call<Message>('POST', `/api/conversations/${chat.id}/messages`, {
        content: await bob.seal(chat.id, text),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.data.id;
    };
    const device = (server: ServerProcess, options: { reconnection?: boolean } = {}) => {
      const made = new Device(server, alice, chat.id, options);
      devices.push(made);
      return made;
    };
    /** Runs the scenario; on failure, the processes' last output comes with the error. */
    const run = async (scenario: () => Promise<void>) => {
      try {
        await scenario();
      } catch (error) {
        const tails = processes.map((p, i) => `--- process ${i}:\n${p.output().slice(-2000)}`).join('\n');
        throw new Error(`${String(error)}\n${tails}`, { cause: error });
      } finally {
        await close();
      }
    };
    return { redis, a, b, processes, env, alice, send, device, run };
  } catch (error) {
    await close();
    throw error;
  }
}

/** No id twice live, and every expected id held (live or by catch-up). */
function expectExactlyOnce(device: Device, ids: string[]): void {
  expect(device.duplicates()).toEqual([]);
  expect(ids.filter((id) => !device.held.has(id))).toEqual([]);
}

describe.runIf(onPostgres() && inject('redisUrl'))('two server processes, Redis restarting, a process stopping', () => {
  it('Redis restarts: queued broadcasts go out once it is back, a device that dropped meanwhile catches up', async () => {
    const { redis, a, alice, send, device, run } = await startCluster();
    await run(async () => {
      // Two of Alice's devices on process A: one stays connected, one loses its network.
      const [steady, dropped] = [device(a), device(a)];
      await Promise.all([steady.connected(), dropped.connected()]);
      const first = await send('before the restart');
      await eventually(
        'both devices got the first message live',
        () => steady.live.has(first) && dropped.live.has(first),
      );

      await redis.stop();
      const duringOutage = await send('while Redis is down');
      // The other device loses its network and comes back while Redis is still down: its session
      // cannot be looked up (the handshake does not wait for Redis), so it connects as new and
      // catches up. This also keeps Redis down for seconds, not for an instant.
      dropped.dropTransport();
      await eventually('the dropped device is back', () => dropped.connects.length === 2 && dropped.socket.connected);
      await dropped.connected();
      expect(dropped.held.has(duringOutage)).toBe(true);
      expect(steady.live.has(duringOutage)).toBe(false);
      // Requests that read presence or count against a limit do not fail meanwhile.
      const list = await fetch(`${a.baseUrl}/api/conversations`, { headers: { cookie: alice.cookie } });
      expect(list.status).toBe(200);
      await redis.start();

      const after = await send('after Redis is back');
      await eventually('the message sent after the restart reached both devices', () =>
        [steady, dropped].every((d) => d.held.has(after)),
      );
      await eventually('the message sent during the outage reached the steady device', () =>
        steady.held.has(duringOutage),
      );

      // The steady device never reconnected: it got everything live, once.
      expect(steady.connects).toEqual([{ recovered: false }]);
      for (const id of [first, duringOutage, after]) expect(steady.live.get(id)).toBe(1);
      // The dropped one came back without recovery (Redis was down), caught up, and missed nothing.
      expect(dropped.connects).toEqual([{ recovered: false }, { recovered: false }]);
      for (const d of [steady, dropped]) expectExactlyOnce(d, [first, duringOutage, after]);
    });
  }, 90_000);

  it('a process stops: its devices recover on the other with what they missed; one killed: they catch up', async () => {
    const { a, b, env, processes, send, device, run } = await startCluster();
    await run(async () => {
      const graceful = device(a, { reconnection: false });
      await graceful.connected();
      const first = await send('before the stop');
      await eventually('the device got the first message live', () => graceful.live.has(first));

      // SIGTERM (a deploy): A closes its sockets as "server shutting down" and leaves their
      // sessions in Redis; the device comes back through B while messages were sent.
      graceful.moveTo(b);
      expect(await a.stop('SIGTERM')).toBe(0);
      const away = [await send('while away 1'), await send('while away 2')];
      await graceful.reconnect();
      expect(graceful.connects).toEqual([{ recovered: false }, { recovered: true }]);
      await eventually('the missed messages were replayed', () => away.every((id) => graceful.live.has(id)));
      const after = await send('after the move');
      await eventually('a live message after recovery', () => graceful.live.has(after));
      expectExactlyOnce(graceful, [first, ...away, after]);
      for (const id of [first, ...away, after]) expect(graceful.live.get(id)).toBe(1);

      // SIGKILL: nothing was saved for its sockets; the device connects as new and catches up.
      const c = await startServerProcess(env);
      processes.push(c);
      await waitForHttp(c);
      const killed = device(c, { reconnection: false });
      await killed.connected();
      const seen = await send('before the kill');
      await eventually('the device got it live', () => killed.live.has(seen));
      killed.moveTo(b);
      expect(await c.stop('SIGKILL')).toBe(null);
      const lost = await send('while its process is dead');
      await killed.reconnect();
      expect(killed.connects).toEqual([{ recovered: false }, { recovered: false }]);
      expectExactlyOnce(killed, [seen, lost]);
    });
  }, 120_000);
});
