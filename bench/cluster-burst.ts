/**
 * W6: a burst due at one instant on several Herald processes sharing PostgreSQL and Redis, measured
 * where users see it: at the sockets of connected recipients, spread over the processes that serve
 * them. With every process in role `all` (W6), each runs a dispatcher: a message is delivered by
 * whichever process claims it and reaches a recipient connected to another process through Redis;
 * with roles apart (W6S), dispatchers reach every socket through Redis.
 *
 * Checked at the sockets: every scheduled message reaches every connected recipient exactly once
 * (duplicates, misses and strays counted, any of them fails the run), and socket lateness
 * (arrival minus the due time) p50/p99/max. Client and servers run on this machine, so the
 * client's Date.now() and the database clock that set the due time agree to well under a ms.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'socket.io-client';
import type { ServerProcess } from '../apps/server/test/helpers/process.js';
import { SCHEDULE_CHANNEL } from '../apps/server/src/modules/scheduling/index.js';
import { directEnvelopes, groupEnvelopes } from './envelopes.js';
import {
  dueAtOneInstant,
  freshDatabase,
  PARKED,
  insertScheduled,
  log,
  round2,
  summary,
  waitUntil,
  type Addressed,
} from './harness.js';
import { GROUP_SIZE, seedDirectPairs, seedGroups, seedUsers } from './seed-conversations.js';
import { registerUsers, serverEnv, startServers } from './servers.js';
import { connectRecipients } from './sockets.js';

export interface ClusterBurstOptions {
  /** One entry per process: its HERALD_ROLE ('all' leaves it unset). */
  roles: readonly string[];
  redisUrl: string;
  recipients: number;
  directMessages: number;
  /** Groups of GROUP_SIZE: a seeded sender and GROUP_SIZE - 1 connected recipients. */
  groups: number;
  groupMessages: number;
}

export interface ClusterBurstFigures extends Record<string, number> {
  p50: number;
  p99: number;
  max: number;
  /** Receipts expected: one per message and connected recipient. */
  expected: number;
  received: number;
  duplicates: number;
  misses: number;
  /** Receipts of a message by someone it was not for. */
  strays: number;
  /** CPU used from the wake-up to the end of the wait: the server processes' sum, and this client's. */
  serverCpuSeconds: number;
  clientCpuSeconds: number;
}

/** A process's user + system CPU time so far, in seconds (Linux /proc; NaN elsewhere). */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ", in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export async function runClusterBurst(baseUrl: string, o: ClusterBurstOptions): Promise<ClusterBurstFigures> {
  const { url, db, drop } = await freshDatabase(baseUrl, 'w6');
  let servers: ServerProcess[] = [];
  let sockets: Socket[] = [];
  try {
    servers = await startServers(
      o.roles.map((role) =>
        serverEnv(url, { REDIS_URL: o.redisUrl, ...(role === 'all' ? {} : { HERALD_ROLE: role }) }),
      ),
    );
    // Sockets go to the processes that serve the API.
    const front = servers.filter((_, i) => o.roles[i] !== 'dispatcher');
    log(`W6: ${servers.length} processes up; registering ${o.recipients} recipients`);
    const recipients = await registerUsers(front[0]!, o.recipients, 'w6r');
    const index = new Map(recipients.map((r, i) => [r.id, i]));
    // Senders are seeded (they never sign in): one direct chat per recipient, one sender per group.
    const senders = await seedUsers(db, o.recipients + o.groups, 'w6s');
    const chats = await seedDirectPairs(
      db,
      recipients.map((r, i) => ({ a: senders[i]!, b: r.id })),
    );
    const groups = await seedGroups(
      db,
      Array.from({ length: o.groups }, (_, g) => [
        senders[o.recipients + g]!,
        ...Array.from({ length: GROUP_SIZE - 1 }, (_, k) => recipients[(g * (GROUP_SIZE - 1) + k) % o.recipients]!.id),
      ]),
    );
    const envelopes = new Map([...(await directEnvelopes(chats)), ...(await groupEnvelopes(groups))]);

    // receipts: "<recipient index>:<scheduled id>" -> times received.
    const receipts = new Map<string, number>();
    const lateness: number[] = [];
    let received = 0;
    let dueMs = Number.POSITIVE_INFINITY;
    log(`W6: connecting ${o.recipients} sockets over ${front.length} processes`);
    sockets = await connectRecipients(
      front.map((f) => f.baseUrl),
      recipients.map((r) => r.cookie),
      (i, m) => {
        if (!m.scheduledMessageId) return;
        received += 1;
        lateness.push(Date.now() - dueMs);
        const key = `${i}:${m.scheduledMessageId}`;
        receipts.set(key, (receipts.get(key) ?? 0) + 1);
      },
    );

    await db.query('ANALYZE');
    const direct: Addressed[] = chats;
    const total = o.directMessages + o.groupMessages;
    const parked = (n: number) => Array.from({ length: n }, () => PARKED);
    await insertScheduled(db, direct, envelopes, parked(o.directMessages));
    await insertScheduled(
      db,
      groups.map((g) => ({ conversationId: g.conversationId, a: g.members[0]!, b: null })),
      envelopes,
      parked(o.groupMessages),
    );
    // Who should get what: a direct chat's recipient, or every group member but the sender.
    const { rows } = await db.query<{ id: string; conversation_id: string }>(
      'SELECT id, conversation_id FROM scheduled_messages',
    );
    const audience = new Map<string, number[]>([
      ...chats.map((c) => [c.conversationId, [index.get(c.b)!]] as [string, number[]]),
      ...groups.map((g) => [g.conversationId, g.members.slice(1).map((m) => index.get(m)!)] as [string, number[]]),
    ]);
    const expectedKeys = new Set(rows.flatMap((r) => audience.get(r.conversation_id)!.map((i) => `${i}:${r.id}`)));
    const serverCpu = () => servers.reduce((sum, server) => sum + cpuSecondsOf(server.child.pid), 0);
    const serverCpuBefore = serverCpu();
    const clientCpuBefore = process.cpuUsage();
    dueMs = await dueAtOneInstant(db, 5_000 + total / 10);
    // Bulk writes do not NOTIFY as the API does: wake the dispatchers for the instant.
    await db.notify(SCHEDULE_CHANNEL, String(dueMs));
    log(`W6: ${total.toLocaleString()} messages (${expectedKeys.size.toLocaleString()} receipts) due at one instant`);
    await waitUntil(() => received >= expectedKeys.size, 120_000 + total * 5, 'W6 receipts').catch((error: unknown) =>
      log(`W6: ${error instanceof Error ? error.message : String(error)} (${received} received)`),
    );
    // A little longer, for a duplicate that would arrive after the last expected receipt.
    await new Promise((r) => setTimeout(r, 2_000));
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const serverCpuSeconds = round2(serverCpu() - serverCpuBefore);

    let duplicates = 0;
    let misses = 0;
    let strays = 0;
    for (const key of expectedKeys) if (!receipts.has(key)) misses += 1;
    for (const [key, n] of receipts) {
      if (!expectedKeys.has(key)) strays += n;
      else duplicates += n - 1;
    }
    const s = summary(lateness);
    return {
      p50: s.p50,
      p99: s.p99,
      max: s.max,
      expected: expectedKeys.size,
      received,
      duplicates,
      misses,
      strays,
      serverCpuSeconds,
      clientCpuSeconds: round2((clientCpu.user + clientCpu.system) / 1e6),
    };
  } finally {
    for (const s of sockets) s.disconnect();
    await Promise.all(servers.map((s) => s.stop()));
    await drop();
  }
}
