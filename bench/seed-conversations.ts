/**
 * Conversations for the benchmark, seeded in bulk SQL: real conversations and
 * conversation_members rows (delivery re-checks the sender's membership and strips former
 * members' keys), so that a seeded message goes through the same checks and fan-out as one sent
 * in the app.
 */
import type { Db } from '../apps/server/src/db/db.js';

export const GROUP_SIZE = 50;

export interface SeededGroup {
  conversationId: string;
  /** Every member; the first is the owner and the one who sends. */
  members: string[];
}

/** `count` accounts that cannot log in (no usable auth hash): senders and silent members. */
export async function seedUsers(db: Db, count: number, prefix: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (username, display_name, auth_hash, kdf)
     SELECT $2 || n || '-' || substr(md5(random()::text), 1, 6), 'Bench ' || n, '!', '{}'::jsonb
     FROM generate_series(1, $1) AS n
     RETURNING id`,
    [count, prefix],
  );
  return rows.map((r) => r.id);
}

/** One group per member list (the members must exist), in two statements whatever the count. */
export async function seedGroups(db: Db, memberLists: readonly (readonly string[])[]): Promise<SeededGroup[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO conversations (kind, title, created_by, created_at)
     SELECT 'group', 'Bench group ' || ord, owner, now()
     FROM unnest($1::uuid[]) WITH ORDINALITY AS x(owner, ord)
     ORDER BY ord
     RETURNING id`,
    [memberLists.map((m) => m[0]!)],
  );
  const groups = rows.map((r, i) => ({ conversationId: r.id, members: [...memberLists[i]!] }));
  const pairs = groups.flatMap((g) => g.members.map((u, k) => [g.conversationId, u, k === 0 ? 'owner' : 'member']));
  await db.query(
    `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
     SELECT c, u, r, now() FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(c, u, r)`,
    [pairs.map((p) => p[0]), pairs.map((p) => p[1]), pairs.map((p) => p[2])],
  );
  return groups;
}

/** One direct chat per pair (both users must exist), in two statements whatever the count. */
export async function seedDirectPairs(
  db: Db,
  pairs: readonly { a: string; b: string }[],
): Promise<{ conversationId: string; a: string; b: string }[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO conversations (kind, created_by, direct_key, created_at)
     SELECT 'direct', a, CASE WHEN a < b THEN a || ':' || b ELSE b || ':' || a END, now()
     FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS x(a, b, ord) ORDER BY ord RETURNING id`,
    [pairs.map((p) => p.a), pairs.map((p) => p.b)],
  );
  const chats = pairs.map((p, i) => ({ conversationId: rows[i]!.id, a: p.a, b: p.b }));
  await db.query(
    `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
     SELECT x.c, u, 'member', now() FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS x(c, a, b)
     CROSS JOIN LATERAL (VALUES (x.a), (x.b)) AS v(u)`,
    [chats.map((c) => c.conversationId), chats.map((c) => c.a), chats.map((c) => c.b)],
  );
  return chats;
}
