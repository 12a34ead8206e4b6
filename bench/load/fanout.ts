/**
 * Fan-out: many connected sockets (socket.io-client, websocket transport, one signed-in user
 * each) receiving live messages sent through the API to groups and direct chats whose members are
 * exactly those sockets' users. Measured at the sockets: delivery latency from the moment the send
 * request starts to the moment `receive_message` arrives, whether every socket got every message
 * of its conversations exactly once, and the server's resident memory per connected socket.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Message, ServerToClientEvents } from '@herald/shared';
import { io, type Socket } from 'socket.io-client';
import type { ServerProcess } from '../../apps/server/test/helpers/process.js';
import { log, settledMemory, type Cleanup, type MemoryFigures } from './environment.js';
import {
  createDirect,
  createGroup,
  headersFor,
  inParallel,
  registerUsers,
  Sealer,
  type Api,
  type BenchUser,
  type Conversation,
} from './population.js';
import { summarize, Tally, type Summary } from './stats.js';

const GROUP_SIZE = 50;
const MESSAGES_PER_GROUP = 10;
/** Group messages come from the first few members, each with its own sealed envelope. */
const SENDERS_PER_GROUP = 2;

export interface FanoutResult {
  sockets: number;
  groups: number;
  groupSize: number;
  directChats: number;
  connectSeconds: number;
  /** The server's memory after forced full collections: before connecting, connected, after the fan-out. */
  memory: { before: MemoryFigures; connected: MemoryFigures; after: MemoryFigures };
  rssPerSocketKiB: number;
  heapPerSocketKiB: number;
  messagesSent: number;
  sendStatuses: Record<string, number>;
  sendSeconds: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  duplicates: number;
  unexpected: number;
  latencyMs: Summary;
}

interface Send {
  conversation: Conversation;
  sender: BenchUser;
  envelope: string;
}

/** The conversations: groups of 50 consecutive users, and direct chats of users 2k and 2k+1. */
async function conversationsOf(api: Api, users: BenchUser[]) {
  const chunks = Array.from({ length: Math.ceil(users.length / GROUP_SIZE) }, (_, g) =>
    users.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE),
  ).filter((members) => members.length >= 3);
  const groups = await inParallel(chunks, 8, (members, g) => createGroup(api, members, `Fan-out group ${g}`));
  const pairs = Array.from({ length: Math.floor(users.length / 2) }, (_, k) => [users[2 * k]!, users[2 * k + 1]!]);
  const directs = await inParallel(pairs, 16, ([a, b]) => createDirect(api, a!, b!));
  return { groups, directs };
}

/** Every message to send, sealed in advance, interleaved so that consecutive sends hit different chats. */
async function plannedSends(groups: Conversation[], directs: Conversation[]): Promise<Send[]> {
  const sealer = new Sealer();
  try {
    const groupSends: Send[][] = await inParallel(groups, 4, async (conversation) => {
      const senders = conversation.members.slice(0, SENDERS_PER_GROUP);
      const envelopes = await Promise.all(senders.map((s) => sealer.seal(s, conversation)));
      return Array.from({ length: MESSAGES_PER_GROUP }, (_, m) => ({
        conversation,
        sender: senders[m % senders.length]!,
        envelope: envelopes[m % senders.length]!,
      }));
    });
    const directSends = await inParallel(directs, 8, async (conversation) => ({
      conversation,
      sender: conversation.members[0]!,
      envelope: await sealer.seal(conversation.members[0]!, conversation),
    }));
    const rounds = [...groupSends, ...directSends.map((s) => [s])];
    const total = rounds.reduce((n, r) => n + r.length, 0);
    const interleaved: Send[] = [];
    for (let m = 0; interleaved.length < total; m++) {
      for (const round of rounds) {
        const send = round[m];
        if (send) interleaved.push(send);
      }
    }
    return interleaved;
  } finally {
    sealer.forget();
  }
}

type ClientSocket = Socket<ServerToClientEvents>;

/** Connects one socket per user, 50 handshakes at a time; each counts what it receives. */
async function connectAll(
  api: Api,
  users: BenchUser[],
  onMessage: (socketIndex: number, message: Message) => void,
  cleanup: Cleanup,
): Promise<ClientSocket[]> {
  const sockets: ClientSocket[] = [];
  cleanup.add('disconnect the sockets', async () => {
    for (const s of sockets) s.disconnect();
  });
  await inParallel(users, 50, async (user, i) => {
    const socket: ClientSocket = io(api.baseUrl, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { cookie: user.cookie, origin: api.origin },
    });
    sockets.push(socket);
    socket.on('receive_message', (m) => onMessage(i, m));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (e) => reject(new Error(`socket of ${user.username}: ${e.message}`)));
    });
  });
  return sockets;
}

/**
 * Registers `count` users, makes their chats, connects their sockets, then sends the planned
 * messages at an even pace over `sendSeconds` (at most 32 requests in flight) and waits, with a
 * deadline, until every expected copy has arrived.
 */
export async function runFanout(
  api: Api,
  server: ServerProcess,
  count: number,
  sendSeconds: number,
  cleanup: Cleanup,
): Promise<FanoutResult> {
  const users = await registerUsers(api, count, 'fan');
  const { groups, directs } = await conversationsOf(api, users);
  const sends = await plannedSends(groups, directs);
  log(
    `fan-out population: ${count} accounts, ${groups.length} groups, ${directs.length} direct chats, ${sends.length} messages sealed`,
  );

  const conversationsOfUser = new Map<string, string[]>();
  for (const c of [...groups, ...directs]) {
    for (const m of c.members) conversationsOfUser.set(m.id, [...(conversationsOfUser.get(m.id) ?? []), c.id]);
  }
  const sentAt = new Map<string, number>();
  const received = users.map(() => new Map<string, number>());
  const latencies: number[] = [];
  let firstArrivals = 0;
  const onMessage = (socketIndex: number, message: Message) => {
    const now = performance.now();
    const key = message.clientId ?? `no-client-id:${message.id}`;
    const seen = received[socketIndex]!;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const t0 = sentAt.get(key);
    if (n === 1 && t0 !== undefined) {
      firstArrivals += 1;
      latencies.push(now - t0);
    }
  };

  const before = await settledMemory(server);
  const connectStart = performance.now();
  await connectAll(api, users, onMessage, cleanup);
  const connectSeconds = (performance.now() - connectStart) / 1000;
  const connected = await settledMemory(server);
  log(
    `${count} sockets connected in ${connectSeconds.toFixed(1)} s; server RSS ${before.rssMiB} -> ${connected.rssMiB} MiB, ` +
      `heap ${before.heapMiB} -> ${connected.heapMiB} MiB`,
  );

  const sendStatuses = new Tally();
  const accepted = new Map<string, Conversation>();
  const interval = (sendSeconds * 1000) / sends.length;
  const sendStart = performance.now();
  await inParallel(sends, 32, async (send, i) => {
    const due = sendStart + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await delay(wait);
    const clientId = `fan-${i}-${send.sender.id.slice(0, 8)}`;
    sentAt.set(clientId, performance.now());
    const res = await fetch(`${api.baseUrl}/api/conversations/${send.conversation.id}/messages`, {
      method: 'POST',
      headers: headersFor(api, send.sender, true),
      body: JSON.stringify({ clientId, content: send.envelope }),
    });
    await res.arrayBuffer();
    sendStatuses.add(res.status);
    if (res.status === 201) accepted.set(clientId, send.conversation);
  });
  const sendElapsed = (performance.now() - sendStart) / 1000;

  // Expected copies: every member of the conversation, the sender's own socket included.
  const expectedDeliveries = [...accepted.values()].reduce((n, c) => n + c.members.length, 0);
  const deadline = performance.now() + 20_000;
  while (firstArrivals < expectedDeliveries && performance.now() < deadline) await delay(50);
  const after = await settledMemory(server);

  let lost = 0;
  let duplicates = 0;
  let unexpected = 0;
  let delivered = 0;
  users.forEach((user, i) => {
    const mine = new Set(conversationsOfUser.get(user.id));
    const seen = received[i]!;
    for (const [clientId, conversation] of accepted) {
      if (!mine.has(conversation.id)) continue;
      const n = seen.get(clientId) ?? 0;
      if (n === 0) lost += 1;
      else delivered += 1;
      duplicates += Math.max(0, n - 1);
    }
    for (const clientId of seen.keys()) {
      const conversation = accepted.get(clientId);
      if (!conversation || !mine.has(conversation.id)) unexpected += 1;
    }
  });
  return {
    sockets: count,
    groups: groups.length,
    groupSize: GROUP_SIZE,
    directChats: directs.length,
    connectSeconds: Math.round(connectSeconds * 10) / 10,
    memory: { before, connected, after },
    rssPerSocketKiB: Math.round(((connected.rssMiB - before.rssMiB) * 1024) / count),
    heapPerSocketKiB: Math.round(((connected.heapMiB - before.heapMiB) * 1024) / count),
    messagesSent: sends.length,
    sendStatuses: sendStatuses.counts,
    sendSeconds: Math.round(sendElapsed * 10) / 10,
    expectedDeliveries,
    delivered,
    lost,
    duplicates,
    unexpected,
    latencyMs: summarize(latencies),
  };
}
