/**
 * The verdict at the end of a scenario, from the database and from the clients:
 *  - every scheduled row of the scenario (seeded, or created through the API) left `pending`,
 *    and each sent row has exactly one message; a cancelled row has none; no row failed;
 *  - what the racing operations were told holds: an acknowledged edit is what was delivered, an
 *    acknowledged cancel left the row cancelled, an acknowledged send-now delivered that message;
 *  - every acknowledged API create and live message is in the database;
 *  - every recipient holds every message of its chats (not its own) exactly once after catch-up:
 *    a message never received by socket nor catch-up is a gap (a loss); one received twice over
 *    the socket is a duplicate (reported, not a failure);
 *  - lateness: each sent row's commit time (pg_xact_commit_timestamp of its message) minus its
 *    scheduled time, for rows no send-now touched.
 */
import type pg from 'pg';
import type { Recipient } from './clients.js';
import { latenessSummary, pollUntil, type Tally } from './stats.js';
import type { WorkloadRecord } from './workload.js';
import type { World } from './world.js';

interface RowState {
  id: string;
  status: 'pending' | 'sent' | 'failed' | 'cancelled';
  failure_code: string | null;
  scheduled_ms: number;
  copies: number;
  delivered_id: string | null;
  delivered_content: string | null;
  conversation_id: string;
  sender_id: string;
  committed_ms: number | null;
}

interface Delivered {
  id: string;
  conversationId: string;
  senderId: string;
}

export interface Verdict {
  scheduled: number;
  sent: number;
  cancelled: number;
  live: number;
  losses: number;
  doubleSends: number;
  cancelledDelivered: number;
  clientDuplicates: number;
  clientGaps: number;
  filledByCatchUp: number;
  lateness: { p50: number; p99: number; max: number };
  /** Lateness by the second the rows were due in (from the first due row): where it went wrong. */
  timeline: { second: number; rows: number; p50: number; max: number }[];
  clientLateness: { p50: number; p99: number; max: number };
  problems: string[];
}

const scenarioRows = `(s.id = ANY($1::uuid[]) OR s.client_id LIKE $2)`;

function bySecond(points: readonly [number, number][]): Verdict['timeline'] {
  const first = Math.min(...points.map(([at]) => at));
  const buckets = new Map<number, number[]>();
  for (const [at, late] of points) {
    const second = Math.floor((at - first) / 1000);
    buckets.set(second, [...(buckets.get(second) ?? []), late]);
  }
  return [...buckets]
    .sort((a, b) => a[0] - b[0])
    .map(([second, values]) => ({ second, rows: values.length, ...latenessSummary(values) }));
}

/** Waits until no row of the scenario is pending (false if the deadline passed first). */
export async function drained(db: pg.Pool, record: WorkloadRecord, timeoutMs: number): Promise<boolean> {
  const ids = record.seeded.map((r) => r.id);
  return pollUntil(
    async () => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM scheduled_messages s WHERE ${scenarioRows} AND s.status = 'pending'`,
        [ids, `${record.clientIdPrefix}%`],
      );
      return rows[0]!.n === 0;
    },
    timeoutMs,
    500,
  );
}

async function readRows(db: pg.Pool, record: WorkloadRecord): Promise<RowState[]> {
  const { rows } = await db.query<RowState>(
    `SELECT s.id, s.status, s.failure_code, (extract(epoch FROM s.scheduled_time) * 1000)::float8 AS scheduled_ms,
       (SELECT count(*)::int FROM messages c WHERE c.scheduled_message_id = s.id) AS copies,
       m.id AS delivered_id, m.content AS delivered_content, s.conversation_id, s.sender_id,
       (extract(epoch FROM COALESCE(pg_xact_commit_timestamp(m.xmin), m.created_at)) * 1000)::float8 AS committed_ms
     FROM scheduled_messages s LEFT JOIN messages m ON m.scheduled_message_id = s.id
     WHERE ${scenarioRows}`,
    [record.seeded.map((r) => r.id), `${record.clientIdPrefix}%`],
  );
  return rows;
}

export async function judge(
  db: pg.Pool,
  record: WorkloadRecord,
  world: World,
  recipients: readonly Recipient[],
  tally: Tally,
  settleMs: number,
): Promise<Verdict> {
  const problems: string[] = [];
  const problem = (text: string) => problems.length < 50 && problems.push(text);
  const rows = await readRows(db, record);
  const byId = new Map(rows.map((r) => [r.id, r]));
  let losses = 0;
  let doubleSends = 0;
  let cancelledDelivered = 0;
  const lateness: number[] = [];
  const timeline: [scheduledMs: number, latenessMs: number][] = [];
  const delivered: Delivered[] = [];
  for (const row of byId.values()) {
    const op = record.operations.get(row.id);
    if (row.copies > 1) {
      doubleSends += 1;
      problem(`row ${row.id} delivered ${row.copies} times`);
    }
    if (row.status === 'pending') {
      losses += 1;
      problem(`row ${row.id} still pending after the drain deadline`);
    } else if (row.status === 'failed') {
      losses += 1;
      problem(`row ${row.id} failed: ${row.failure_code}`);
    } else if (row.status === 'cancelled' && row.copies > 0) {
      cancelledDelivered += 1;
      problem(`cancelled row ${row.id} was delivered`);
    } else if (row.status === 'sent') {
      if (row.copies === 0) {
        losses += 1;
        problem(`row ${row.id} is sent but has no message`);
      } else {
        delivered.push({ id: row.delivered_id!, conversationId: row.conversation_id, senderId: row.sender_id });
        if (op?.kind !== 'send-now' && row.committed_ms !== null) {
          lateness.push(row.committed_ms - row.scheduled_ms);
          timeline.push([row.scheduled_ms, row.committed_ms - row.scheduled_ms]);
        }
      }
    }
    if (op?.kind === 'edit' && op.status === 200 && row.status === 'sent' && row.delivered_content !== op.content) {
      problem(`row ${row.id}: the edit was acknowledged but the original was delivered`);
    }
    if (op?.kind === 'cancel' && op.status === 200 && row.status !== 'cancelled') {
      problem(`row ${row.id}: the cancel was acknowledged but the row is ${row.status}`);
    }
    if (op?.kind === 'send-now' && op.status === 200 && op.messageId && row.delivered_id !== op.messageId) {
      problem(`row ${row.id}: send-now answered message ${op.messageId}, the database has ${row.delivered_id}`);
    }
  }
  for (const id of record.createdAcked.keys()) {
    if (!byId.has(id)) {
      losses += 1;
      problem(`acknowledged scheduled message ${id} is not in the database`);
    }
  }

  const { rows: live } = await db.query<Delivered & { clientId: string }>(
    `SELECT id, conversation_id AS "conversationId", sender_id AS "senderId", client_id AS "clientId"
     FROM messages WHERE client_id LIKE $1 AND scheduled_message_id IS NULL`,
    [`${record.clientIdPrefix}%`],
  );
  const liveKeys = new Set(live.map((m) => `${m.senderId}/${m.clientId}`));
  for (const key of record.liveAcked) {
    if (!liveKeys.has(key)) {
      losses += 1;
      problem(`acknowledged live message ${key} is not in the database`);
    }
  }
  delivered.push(...live);

  // Each recipient's expected messages: those of its chats that it did not send.
  const memberOf = new Map<string, Set<string>>();
  for (const chat of world.chats) memberOf.set(chat.id, new Set(chat.members));
  const expected = (r: Recipient) =>
    delivered.filter((m) => m.senderId !== r.user.id && memberOf.get(m.conversationId)?.has(r.user.id));
  const expectations = recipients.map((r) => ({ r, ids: expected(r).map((m) => m.id) }));
  const gapsNow = () => expectations.reduce((n, { r, ids }) => n + ids.filter((id) => !r.seen.has(id)).length, 0);
  // Clients still reconnecting or catching up get time to finish; a gap left after that is a loss.
  await pollUntil(() => recipients.every((r) => r.settled()) && gapsNow() === 0, settleMs, 250);

  let clientGaps = 0;
  let clientDuplicates = 0;
  let filledByCatchUp = 0;
  const gapsOf = new Map<Recipient, number>();
  for (const { r, ids } of expectations) {
    for (const id of ids) {
      const seen = r.seen.get(id);
      if (!seen) {
        clientGaps += 1;
        gapsOf.set(r, (gapsOf.get(r) ?? 0) + 1);
        continue;
      }
      if (seen.socket > 1) clientDuplicates += seen.socket - 1;
      if (seen.socket === 0 && seen.caughtUp) filledByCatchUp += 1;
    }
  }
  for (const [r, n] of gapsOf) {
    problem(`${r.user.name} never received ${n} messages${r.settled() ? '' : ' (still reconnecting or catching up)'}`);
  }
  if (tally.crashes.length) problems.push(...tally.crashes);
  if (tally.otherErrors.length) {
    problems.push(
      `${tally.otherErrors.length} unexpected request errors: ${tally.errorKinds().slice(0, 8).join('; ')}`,
    );
  }

  return {
    scheduled: byId.size,
    sent: rows.filter((r) => r.status === 'sent').length,
    cancelled: rows.filter((r) => r.status === 'cancelled').length,
    live: live.length,
    losses: losses + clientGaps,
    doubleSends,
    cancelledDelivered,
    clientDuplicates,
    clientGaps,
    filledByCatchUp,
    lateness: latenessSummary(lateness),
    timeline: bySecond(timeline),
    clientLateness: latenessSummary(tally.clientLateness),
    problems,
  };
}
