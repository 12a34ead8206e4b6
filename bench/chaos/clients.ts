/**
 * The recipients' sockets: socket.io-client over websocket with the session cookie and Origin,
 * reconnecting when dropped; each reconnect attempt goes to the next live process (a load
 * balancer in front). After a reconnect that Socket.IO did not recover, the client catches up
 * over REST: it pages back through each of its chats to before it lost the connection. Every
 * message is counted by id: socket arrivals (more than one is a duplicate) and catch-up.
 */
import type { Ack, ClientToServerEvents, Message, MessagePage, ServerToClientEvents } from '@herald/shared';
import { io, type Socket } from 'socket.io-client';
import { ORIGIN, type Api, type User } from './api.js';
import type { Cluster } from './cluster.js';
import { current, sleep } from './stats.js';
import { envelopeFor, type Chat } from './world.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * How far before the lost connection a catch-up pages back. A message's createdAt is stamped when
 * its delivery batch was picked, and the batch may commit later (waiting on locks, bounded by the
 * server's 30 s idle-in-transaction timeout): paging back 30 s more covers any such commit.
 */
const CATCH_UP_MARGIN_MS = 30_000;

export interface Seen {
  socket: number;
  caughtUp: boolean;
}

export class Recipient {
  readonly seen = new Map<string, Seen>();
  readonly socket: ClientSocket;
  /** Earliest disconnect not yet covered by a finished catch-up. */
  private uncoveredSince: number | undefined;
  private disconnects = 0;
  private catchingUp = 0;
  private started = false;
  private closed = false;

  constructor(
    readonly user: User,
    readonly chats: readonly Chat[],
    private readonly cluster: Cluster,
    private readonly api: Api,
  ) {
    const first = cluster.pick()!;
    this.socket = io(first.baseUrl, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
      timeout: 5000,
      extraHeaders: { cookie: user.cookie, origin: ORIGIN },
    });
    const manager = this.socket.io as unknown as { uri: string };
    this.socket.io.on('reconnect_attempt', () => {
      const next = cluster.pick();
      if (next) manager.uri = next.baseUrl;
    });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', (reason) => {
      this.disconnects += 1;
      this.uncoveredSince ??= Date.now();
      // Only a server-side disconnect stops socket.io-client's own reconnection; nothing in this
      // run should make the server end a session.
      if (reason === 'io server disconnect') {
        current.tally.error(`socket of ${user.name} disconnected by the server`);
        this.socket.connect();
      }
    });
    // A handshake the server refused (the database down: not_ready) is not retried by Socket.IO
    // itself; a client asks again when told to, as the web client does.
    this.socket.on('connect_error', (error: Error & { data?: { retryAfterSeconds?: number } }) => {
      if (this.socket.active || this.closed) return;
      if (error.message !== 'not_ready' && error.message !== 'busy') {
        current.tally.error(`socket of ${user.name} refused: ${error.message}`);
      }
      const seconds = error.data?.retryAfterSeconds ?? 1;
      setTimeout(
        () => {
          if (this.closed) return;
          const next = cluster.pick();
          if (next) manager.uri = next.baseUrl;
          this.socket.connect();
        },
        seconds * 1000 * (0.5 + Math.random() / 2),
      );
    });
    this.socket.on('receive_message', (message) => this.onMessage(message));
  }

  /** Resolves on the first connect. */
  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  /** Connected, and no catch-up owed or running. */
  settled(): boolean {
    return this.socket.connected && this.catchingUp === 0 && this.uncoveredSince === undefined;
  }

  close(): void {
    this.closed = true;
    this.socket.disconnect();
  }

  /**
   * A live message over the socket (`send_message`, acknowledged), idempotent by clientId: retried
   * after a lost connection, a timeout or a "not now" answer. True when acknowledged.
   */
  async sendLive(chat: Chat, clientId: string, deadlineMs: number): Promise<boolean> {
    const command = { conversationId: chat.id, clientId, content: envelopeFor(chat, this.user.id) };
    const tally = current.tally;
    while (Date.now() < deadlineMs) {
      tally.requests += 1;
      let ack: Ack<Message>;
      try {
        ack = await this.socket.timeout(10_000).emitWithAck('send_message', command);
      } catch {
        tally.dropped += 1; // no ack in 10 s: the connection went away with it; send again
        continue;
      }
      if (ack.ok) return true;
      if (ack.error.code === 'busy' || ack.error.code === 'not_ready') {
        tally.unavailable += 1;
        await sleep(1000);
        continue;
      }
      tally.error(`send_message by ${this.user.name}: ${ack.error.code}`);
      return false;
    }
    return false;
  }

  private onMessage(message: Message): void {
    if (message.senderId === this.user.id) return;
    const seen = this.seen.get(message.id);
    if (seen) seen.socket += 1;
    else {
      this.seen.set(message.id, { socket: 1, caughtUp: false });
      if (message.scheduledTime) current.tally.clientLateness.push(Date.now() - Date.parse(message.scheduledTime));
    }
  }

  private onConnect(): void {
    if (!this.started) {
      this.started = true;
      return;
    }
    current.tally.reconnects += 1;
    if (this.socket.recovered) {
      current.tally.recovered += 1;
      this.uncoveredSince = undefined;
      return;
    }
    void this.catchUp();
  }

  /** Pages back through each chat until before the earliest uncovered disconnect. */
  private async catchUp(): Promise<void> {
    const since = this.uncoveredSince;
    if (since === undefined) return;
    const epoch = this.disconnects;
    this.catchingUp += 1;
    current.tally.catchUps += 1;
    let complete = true;
    try {
      for (const chat of this.chats) complete = (await this.catchUpChat(chat, since - CATCH_UP_MARGIN_MS)) && complete;
      if (complete && this.disconnects === epoch) this.uncoveredSince = undefined;
    } finally {
      this.catchingUp -= 1;
    }
    // A page that never came (the error is counted): try again, as a client would.
    if (!complete && this.socket.connected) setTimeout(() => void this.catchUp(), 1000);
  }

  /** True when it paged back to the boundary; false when a page could not be had. */
  private async catchUpChat(chat: Chat, boundary: number): Promise<boolean> {
    let before: string | null = null;
    for (;;) {
      const query: string = before ? `&before=${before}` : '';
      const answer = await this.api.call<MessagePage>(
        this.user,
        'GET',
        `/api/conversations/${chat.id}/messages?limit=100${query}`,
        undefined,
        {
          expect: [200],
          retryForMs: 120_000,
        },
      );
      if (answer.kind !== 'answer' || answer.status !== 200) return false; // counted by the API client
      const page = answer.data;
      for (const message of page.messages) {
        if (message.senderId === this.user.id) continue;
        const seen = this.seen.get(message.id);
        if (seen) seen.caughtUp = true;
        else this.seen.set(message.id, { socket: 0, caughtUp: true });
      }
      const oldest = page.messages.at(-1);
      if (!page.nextCursor || !oldest || Date.parse(oldest.createdAt) < boundary) return true;
      before = page.nextCursor;
    }
  }
}

export async function connectRecipients(
  users: readonly User[],
  chatsOf: ReadonlyMap<string, Chat[]>,
  cluster: Cluster,
  api: Api,
): Promise<Recipient[]> {
  const recipients: Recipient[] = [];
  for (const user of users) {
    recipients.push(new Recipient(user, chatsOf.get(user.id) ?? [], cluster, api));
    if (recipients.length % 20 === 0) await Promise.all(recipients.slice(-20).map((r) => r.connected()));
  }
  await Promise.all(recipients.map((r) => r.connected()));
  return recipients;
}
