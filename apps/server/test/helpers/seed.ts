import { randomBytes, randomUUID } from 'node:crypto';
import { toBase64Url } from '@herald/crypto';
import type { MessageEnvelope } from '@herald/shared';
import type { Queryable } from '../../src/db/db.js';

/**
 * Content for a seeded row: a well-formed envelope (as the server checks it: header addressed to
 * both members, the sender included) that nobody can open. Seeded accounts have no keys, so, as
 * for any member without keys, the envelope lists them but carries no wrapped key; the body and
 * signature are random bytes of the right sizes. Sealing for real would cost a key pair and a
 * signature per row, and nothing reads seeded rows' text.
 */
export function opaqueEnvelope(conversationId: string, senderId: string, otherId: string): string {
  const envelope: MessageEnvelope = {
    header: {
      v: 1,
      conversationId,
      senderId,
      messageId: randomUUID(),
      kind: 'text',
      recipients: [senderId, otherId].sort(),
    },
    body: toBase64Url(randomBytes(48)),
    keys: {},
    sig: toBase64Url(randomBytes(64)),
  };
  return JSON.stringify(envelope);
}

/**
 * Seeds `count` direct chats (two users each) straight into the database, for tests and
 * benchmarks that need volume: the accounts cannot log in (no usable auth hash).
 */
export async function seedDirectChats(
  q: Queryable,
  count: number,
  now: Date,
): Promise<{ conversationId: string; a: string; b: string }[]> {
  const { rows } = await q.query<{ conversationId: string; a: string; b: string }>(
    `WITH pairs AS (
       SELECT n, gen_random_uuid() AS a, gen_random_uuid() AS b, gen_random_uuid() AS c
       FROM generate_series(1, $1) AS n
     ), users_a AS (
       INSERT INTO users (id, username, display_name, auth_hash, kdf)
       SELECT a, 'seed-a-' || a, 'Seed A ' || n, '!', '{}'::jsonb FROM pairs
     ), users_b AS (
       INSERT INTO users (id, username, display_name, auth_hash, kdf)
       SELECT b, 'seed-b-' || b, 'Seed B ' || n, '!', '{}'::jsonb FROM pairs
     ), convs AS (
       INSERT INTO conversations (id, kind, created_by, direct_key, created_at)
       SELECT c, 'direct', a, CASE WHEN a < b THEN a || ':' || b ELSE b || ':' || a END, $2 FROM pairs
     )
     SELECT c AS "conversationId", a, b FROM pairs ORDER BY n`,
    [count, now],
  );
  await q.query(
    `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
     SELECT x.conversation_id, u.user_id, 'member', $4
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS x(conversation_id, a, b)
     CROSS JOIN LATERAL (VALUES (x.a), (x.b)) AS u(user_id)`,
    [rows.map((r) => r.conversationId), rows.map((r) => r.a), rows.map((r) => r.b), now],
  );
  return rows;
}

/** Seeds pending scheduled messages from each chat's first user, due at the given times. */
export async function seedScheduled(
  q: Queryable,
  chats: readonly { conversationId: string; a: string; b: string }[],
  dueTimes: readonly Date[],
  now: Date,
): Promise<void> {
  const pick = dueTimes.map((_, i) => chats[i % chats.length]!);
  for (let offset = 0; offset < dueTimes.length; offset += 10_000) {
    const slice = dueTimes.slice(offset, offset + 10_000);
    const who = pick.slice(offset, offset + 10_000);
    await q.query(
      `INSERT INTO scheduled_messages (conversation_id, sender_id, receiver_id, content, content_type,
         scheduled_time, due_at, created_at, updated_at)
       SELECT x.conversation_id, x.sender_id, x.receiver_id, x.content, 'text', x.due, x.due, $5, $5
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $6::text[])
         AS x(conversation_id, sender_id, receiver_id, due, content)`,
      [
        who.map((c) => c.conversationId),
        who.map((c) => c.a),
        who.map((c) => c.b),
        slice.map((d) => d.toISOString()),
        now,
        who.map((c) => opaqueEnvelope(c.conversationId, c.a, c.b)),
      ],
    );
  }
}
