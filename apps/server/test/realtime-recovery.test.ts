import type { Conversation } from '@herald/shared';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createListeningApp, type ListeningTestApp } from './helpers/app.js';
import { directChat, sendText } from './helpers/chat.js';
import { ApiClient, loginUser, registerUser, type TestUser } from './helpers/client.js';
import { TestSocket, type ClientSocket } from './helpers/socket.js';

/**
 * Connection-state recovery in one process (Socket.IO's in-memory adapter): a socket that lost its
 * transport comes back with every event broadcast to it meanwhile, exactly once; a socket whose
 * session ended meanwhile, or that comes back with another user's cookie, is refused and is sent
 * nothing it missed.
 */

let t: ListeningTestApp;
const opened: ClientSocket[] = [];

beforeAll(async () => {
  t = await createListeningApp();
});
afterEach(() => {
  for (const socket of opened.splice(0)) socket.disconnect();
  t.closeSockets();
});
afterAll(async () => {
  await t.close();
});

/** A client as a browser's: it keeps its recovery id and offset across reconnects (made by hand here). */
class RecoveringClient extends TestSocket {
  /** Every event packet as it came off the wire, even those Socket.IO buffers before a connect. */
  readonly wire: unknown[][] = [];

  constructor(cookie: string, transports: ('websocket' | 'polling')[] = ['websocket']) {
    const socket: ClientSocket = io(t.baseUrl, {
      transports,
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie },
    });
    super(socket);
    opened.push(socket);
    // Event packets carry [event, ...args] (CONNECT and CONNECT_ERROR carry an object).
    socket.io.on('packet', ({ data }) => {
      if (Array.isArray(data)) this.wire.push(data as unknown[]);
    });
  }

  /** Connects (or reconnects); resolves whether the server recovered the previous connection. */
  async open(): Promise<{ recovered: boolean }> {
    this.socket.connect();
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
    return { recovered: this.socket.recovered };
  }

  /** The network drops (not a sign-out): the client sees the transport close. */
  async dropTransport(): Promise<void> {
    const gone = new Promise<string>((resolve) => this.socket.once('disconnect', resolve));
    this.socket.io.engine.close();
    // The client closed it ('forced close'); the server sees the transport close, which it may recover.
    expect(await gone).toBe('forced close');
  }

  /** Another person signs in on this browser: the next connection sends their cookie. */
  useCookie(cookie: string): void {
    (this.socket.io.opts.extraHeaders as Record<string, string>).cookie = cookie;
  }

  cookie(): string {
    return (this.socket.io.opts.extraHeaders as Record<string, string>).cookie!;
  }

  messageIds(): string[] {
    return this.all('receive_message').map((m) => m.id);
  }
}

async function pair(): Promise<{ a: TestUser; b: TestUser; chat: Conversation }> {
  const [a, b] = [await registerUser(t.app), await registerUser(t.app)];
  return { a, b, chat: await directChat(a, b) };
}

/** B's device, connected, having received one broadcast (so that it holds an offset to recover from). */
async function connectedDevice(a: TestUser, b: TestUser, chat: Conversation): Promise<RecoveringClient> {
  const client = new RecoveringClient((await loginUser(t.app, b.username, b.password)).cookie!);
  expect(await client.open()).toEqual({ recovered: false });
  const first = await sendText(a, chat.id, 'before');
  await client.next('receive_message', (m) => m.id === first.id);
  return client;
}

const count = (ids: string[], id: string) => ids.filter((x) => x === id).length;

describe('connection-state recovery (one process)', () => {
  it('a dropped connection comes back recovered, with each message sent meanwhile exactly once, in order', async () => {
    const { a, b, chat } = await pair();
    const watcher = await t.connect(a.client.cookie);
    const device = await connectedDevice(a, b, chat);
    const before = device.messageIds();

    await device.dropTransport();
    // B's only socket is gone: the broadcasts must still be made (and kept) for it to recover.
    const missed = [];
    for (const text of ['one', 'two', 'three']) missed.push((await sendText(a, chat.id, text)).id);

    expect(await device.open()).toEqual({ recovered: true });
    await watcher.next('user_online', (e) => e.userId === b.id);
    const after = (await sendText(a, chat.id, 'after')).id;
    await device.next('receive_message', (m) => m.id === after);

    const ids = device.messageIds();
    expect(ids).toEqual([...before, ...missed, after]);
    for (const id of [...missed, after]) expect(count(ids, id)).toBe(1);

    // Its rooms were restored once and presence counted once: when it leaves, B is offline.
    device.close();
    await watcher.next('user_offline', (e) => e.userId === b.id);
  });

  it('a socket whose session ended while it was away is refused and sent nothing it missed', async () => {
    const { a, b, chat } = await pair();
    const device = await connectedDevice(a, b, chat);
    const wireBefore = device.wire.length;

    await device.dropTransport();
    await sendText(a, chat.id, 'sent after the sign-out');
    const signOut = await new ApiClient(t.app, device.cookie()).post('/api/auth/logout');
    expect(signOut.status).toBeLessThan(300);

    await expect(device.open()).rejects.toThrow(/unauthenticated/);
    // Socket.IO writes missed packets before its CONNECT_ERROR: none came, so none were written.
    expect(device.wire.length).toBe(wireBefore);
    expect(device.socket.recovered).toBe(false);
  });

  it("a socket that comes back with another user's cookie is refused, and is sent none of the first user's events", async () => {
    const { a, b, chat } = await pair();
    const c = await registerUser(t.app);
    const device = await connectedDevice(a, b, chat);
    const wireBefore = device.wire.length;

    await device.dropTransport();
    await sendText(a, chat.id, 'for B only');
    device.useCookie(c.client.cookie!);

    await expect(device.open()).rejects.toThrow(/unauthenticated/);
    expect(device.wire.length).toBe(wireBefore);
  });

  it('over long polling (a browser starts with it), the session is read from the handshake request the same way, and recovery works', async () => {
    const { a, b, chat } = await pair();
    const device = new RecoveringClient((await loginUser(t.app, b.username, b.password)).cookie!, ['polling']);
    expect(await device.open()).toEqual({ recovered: false });
    const first = await sendText(a, chat.id, 'polled');
    await device.next('receive_message', (m) => m.id === first.id);
    await device.dropTransport();
    const missed = (await sendText(a, chat.id, 'missed while polling')).id;
    expect(await device.open()).toEqual({ recovered: true });
    await device.next('receive_message', (m) => m.id === missed);
    expect(device.messageIds()).toEqual([first.id, missed]);
  });

  it('a socket that was away too long, or never got an event, connects as new (the client then catches up)', async () => {
    const { a, b, chat } = await pair();
    const fresh = new RecoveringClient((await loginUser(t.app, b.username, b.password)).cookie!);
    expect(await fresh.open()).toEqual({ recovered: false });
    await fresh.dropTransport();
    await sendText(a, chat.id, 'while away, before any offset');
    expect(await fresh.open()).toEqual({ recovered: false });
  });
});
