/**
 * One scenario's workload. Before its clock starts: scheduled rows seeded with SQL (the bench's
 * way; a NOTIFY wakes the dispatchers as an API create would), due evenly over the span across
 * direct chats and groups. During the span, through HTTP and sockets: live messages, edits,
 * cancels and send-nows of rows racing their due time (due within -0.1..+0.4 s), and new
 * scheduled messages through the API due a few seconds later, continuing for a tail after the
 * span so that some are due when nothing else is (then only NOTIFY or the poll wakes anyone).
 * Every answer is kept for the verdict.
 */
import type pg from 'pg';
import type { ScheduledMessage } from '@herald/shared';
import { SCHEDULE_CHANNEL } from '../../apps/server/src/modules/scheduling/index.js';
import type { Api, User } from './api.js';
import type { Recipient } from './clients.js';
import type { ChaosOptions } from './options.js';
import { current, sleep } from './stats.js';
import { envelopeFor, type Chat, type World } from './world.js';

export interface PlannedRow {
  id: string;
  chat: Chat;
  scheduledMs: number;
}

/** What the racing operations were told, per scheduled row (one operation per row at most). */
export interface RowOperation {
  kind: 'edit' | 'cancel' | 'send-now';
  /** The final answer's status, or gave-up (never answered: outcome unknown). */
  status: number | 'gave-up';
  /** Edits: the new content; send-now: the message id it answered with. */
  content?: string;
  messageId?: string;
}

export interface WorkloadRecord {
  tag: string;
  seeded: PlannedRow[];
  operations: Map<string, RowOperation>;
  /** Scheduled rows created through the API and acknowledged (id -> clientId). */
  createdAcked: Map<string, string>;
  /** Live messages acknowledged: `${senderId}/${clientId}`. */
  liveAcked: Set<string>;
  /** Every clientId prefix of this scenario's live messages and API-created rows. */
  clientIdPrefix: string;
}

/** Inserts the scenario's rows due over [startMs, startMs + span), and wakes the dispatchers. */
export async function seedRows(
  db: pg.Pool,
  world: World,
  options: ChaosOptions,
  startMs: number,
): Promise<PlannedRow[]> {
  const direct = world.chats.filter((c) => c.kind === 'direct');
  const groups = world.chats.filter((c) => c.kind === 'group');
  const planned: { chat: Chat; scheduledMs: number; content: string }[] = [];
  const groupEvery = Math.round(1 / options.groupShare);
  let nextGroup = 0;
  let nextDirect = 0;
  for (let i = 0; i < options.scheduledPerScenario; i++) {
    const toGroup = groups.length > 0 && i % groupEvery === 0;
    const chat = toGroup ? groups[nextGroup++ % groups.length]! : direct[nextDirect++ % direct.length]!;
    const scheduledMs =
      startMs + Math.floor((i / options.scheduledPerScenario) * options.spanMs) + Math.floor(Math.random() * 5);
    planned.push({ chat, scheduledMs, content: envelopeFor(chat, chat.sender.id) });
  }
  const rows: PlannedRow[] = [];
  for (let offset = 0; offset < planned.length; offset += 5_000) {
    const slice = planned.slice(offset, offset + 5_000);
    const { rows: ids } = await db.query<{ id: string }>(
      `INSERT INTO scheduled_messages (conversation_id, sender_id, receiver_id, content, content_type,
         scheduled_time, due_at, created_at, updated_at)
       SELECT x.c, x.s, x.r, x.content, 'text', x.due, x.due, now(), now()
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[]) WITH ORDINALITY
         AS x(c, s, r, due, content, ord)
       ORDER BY x.ord
       RETURNING id`,
      [
        slice.map((p) => p.chat.id),
        slice.map((p) => p.chat.sender.id),
        slice.map((p) => (p.chat.kind === 'direct' ? p.chat.members.find((m) => m !== p.chat.sender.id)! : null)),
        slice.map((p) => new Date(p.scheduledMs).toISOString()),
        slice.map((p) => p.content),
      ],
    );
    // RETURNING follows the insert's order (ORDER BY ord), so ids line up with the slice.
    ids.forEach((row, i) => rows.push({ id: row.id, chat: slice[i]!.chat, scheduledMs: slice[i]!.scheduledMs }));
  }
  await db.query('SELECT pg_notify($1, $2)', [SCHEDULE_CHANNEL, String(startMs)]);
  return rows;
}

/** Calls `fn` `rate` times a second until `endMs`, without waiting for each; `done` awaits them all. */
function every(rate: number, endMs: number, fn: (n: number) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  return (async () => {
    for (let n = 0; Date.now() < endMs && rate > 0; n++) {
      const p = fn(n).catch((error: unknown) => current.tally.error(`workload: ${(error as Error).message}`));
      running.add(p);
      void p.finally(() => running.delete(p));
      await sleep(1000 / rate);
    }
    await Promise.allSettled([...running]);
  })();
}

const pickRandom = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

export interface WorkloadContext {
  api: Api;
  world: World;
  recipients: readonly Recipient[];
  options: ChaosOptions;
}

/** Runs the racing operations until `endMs`, API creates until `endMs + tailMs`; resolves when all answered. */
export async function runWorkload(
  ctx: WorkloadContext,
  record: WorkloadRecord,
  endMs: number,
  tailMs: number,
): Promise<void> {
  const { api, world, recipients, options } = ctx;
  const { rates } = options;
  const byTime = [...record.seeded].sort((a, b) => a.scheduledMs - b.scheduledMs);
  let cursor = 0;
  /** A seeded row due within -100..+400 ms of now that no operation touched yet. */
  const racingRow = (): PlannedRow | undefined => {
    const now = Date.now();
    while (cursor < byTime.length && byTime[cursor]!.scheduledMs < now - 100) cursor++;
    const candidates: PlannedRow[] = [];
    for (let i = cursor; i < byTime.length && byTime[i]!.scheduledMs <= now + 400; i++) {
      if (!record.operations.has(byTime[i]!.id)) candidates.push(byTime[i]!);
    }
    return candidates.length ? pickRandom(candidates) : undefined;
  };
  const rowOp = (kind: RowOperation['kind'], run: (row: PlannedRow, op: RowOperation) => Promise<void>) => async () => {
    const row = racingRow();
    if (!row) return;
    const op: RowOperation = { kind, status: 'gave-up' };
    record.operations.set(row.id, op);
    await run(row, op);
  };
  const groupsOfClients = recipients.flatMap((r) =>
    r.chats.filter((c) => c.kind === 'group').map((chat) => ({ r, chat })),
  );

  await Promise.all([
    every(rates.liveHttp, endMs, async (n) => {
      const chat = pickRandom(world.chats);
      await sendLiveHttp(api, record, chat, chat.sender, `${record.clientIdPrefix}h${n}`);
    }),
    every(groupsOfClients.length ? rates.liveSocket : 0, endMs, async (n) => {
      const { r, chat } = pickRandom(groupsOfClients);
      const clientId = `${record.clientIdPrefix}w${n}`;
      if (await r.sendLive(chat, clientId, Date.now() + 60_000)) record.liveAcked.add(`${r.user.id}/${clientId}`);
    }),
    every(
      rates.edits,
      endMs,
      rowOp('edit', async (row, op) => {
        const content = envelopeFor(row.chat, row.chat.sender.id);
        const answer = await api.call(
          row.chat.sender,
          'PUT',
          `/api/scheduled-messages/${row.id}`,
          { content, version: 1 },
          { expect: [200, 409] },
        );
        if (answer.kind === 'answer') {
          op.status = answer.status;
          if (answer.status === 200) op.content = content;
        }
      }),
    ),
    every(
      rates.cancels,
      endMs,
      rowOp('cancel', async (row, op) => {
        const answer = await api.call(
          row.chat.sender,
          'DELETE',
          `/api/scheduled-messages/${row.id}`,
          {},
          { expect: [200, 409] },
        );
        if (answer.kind === 'answer') op.status = answer.status;
      }),
    ),
    every(
      rates.sendNows,
      endMs,
      rowOp('send-now', async (row, op) => {
        const answer = await api.call<{ message: { id: string } | null }>(
          row.chat.sender,
          'POST',
          `/api/scheduled-messages/${row.id}/send-now`,
          {},
          { expect: [200, 409] },
        );
        if (answer.kind === 'answer') {
          op.status = answer.status;
          op.messageId = answer.data?.message?.id;
        }
      }),
    ),
    every(rates.creates, endMs + tailMs, async (n) => {
      const chat = pickRandom(world.chats);
      await createScheduled(api, record, chat, `${record.clientIdPrefix}c${n}`);
    }),
  ]);
}

async function sendLiveHttp(
  api: Api,
  record: WorkloadRecord,
  chat: Chat,
  sender: User,
  clientId: string,
): Promise<void> {
  const content = envelopeFor(chat, sender.id);
  const answer = await api.call(
    sender,
    'POST',
    `/api/conversations/${chat.id}/messages`,
    { clientId, content },
    {
      expect: [200, 201],
      retryForMs: 60_000,
    },
  );
  if (answer.kind === 'answer' && answer.status < 300) record.liveAcked.add(`${sender.id}/${clientId}`);
}

/** A live message flood worker's send (pool exhaustion): the same as a live send, and counted the same. */
export const floodSend = sendLiveHttp;

/**
 * A scheduled message through the API, due 3-6 s after each attempt. An attempt refused with 503,
 * or lost with its process, is tried again with a new time (the clientId makes a repeat after a
 * lost answer harmless), and so is one that took so long to reach the server that its time had
 * become too soon (422 time_too_soon: what a client does when told so).
 */
async function createScheduled(api: Api, record: WorkloadRecord, chat: Chat, clientId: string): Promise<void> {
  const content = envelopeFor(chat, chat.sender.id);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const scheduledTime = new Date(Date.now() + 3000 + Math.floor(Math.random() * 3000)).toISOString();
    const body = { conversationId: chat.id, content, scheduledTime, clientId };
    const answer = await api.call<ScheduledMessage>(chat.sender, 'POST', '/api/scheduled-messages', body, {
      expect: [200, 201, 422],
      retryForMs: 0,
    });
    if (answer.kind === 'answer' && answer.status === 422) {
      if (answer.code === 'time_too_soon') {
        current.tally.tooSoon += 1;
        continue;
      }
      current.tally.error(`POST /api/scheduled-messages: 422 ${answer.code}`);
      return;
    }
    if (answer.kind === 'answer') {
      if (answer.status < 300) record.createdAcked.set(answer.data.id, clientId);
      return;
    }
    await sleep(500);
  }
}
