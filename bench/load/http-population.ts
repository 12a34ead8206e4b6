/**
 * The accounts of the HTTP steps: one per connection of the largest step (at least 8), each in
 * three conversations (a direct chat with the next account, one with the previous, and a group of
 * eight), with a history of messages in each so that reading a page reads a full page, and a few
 * pending scheduled messages in the second, whose scheduled list the round reads.
 */
import pg from 'pg';
import { log } from './environment.js';
import {
  createDirect,
  createGroup,
  inParallel,
  registerUsers,
  Sealer,
  type Api,
  type BenchUser,
  type Conversation,
} from './population.js';

export const GROUP_SIZE = 8;
/** Messages seeded per (sender, conversation) before the steps. */
const HISTORY_PER_SENDER = 30;
/** Pending scheduled messages seeded per user in its second conversation (the one whose list it reads). */
export const SCHEDULED_PER_USER = 5;

/** What one connection does: its user, its three conversations and an envelope for each. */
export interface UserPlan {
  user: BenchUser;
  conversations: [Conversation, Conversation, Conversation];
  /** Envelope JSON by conversation id, sealed by this user for that conversation's members. */
  envelopes: Map<string, string>;
}

export async function buildHttpPopulation(api: Api, databaseUrl: string, connections: number): Promise<UserPlan[]> {
  const count = Math.max(GROUP_SIZE, Math.ceil(connections / GROUP_SIZE) * GROUP_SIZE);
  const started = performance.now();
  const users = await registerUsers(api, count, 'load');
  // Direct chat i joins user i and user i+1 (a ring); group g holds users 8g..8g+7.
  const directs = await inParallel(users, 16, (u, i) => createDirect(api, u, users[(i + 1) % count]!));
  const groups = await inParallel(
    Array.from({ length: count / GROUP_SIZE }, (_, g) => users.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE)),
    16,
    (members, g) => createGroup(api, members, `Load group ${g}`),
  );
  const sealer = new Sealer();
  const plans = await inParallel(users, 8, async (user, i) => {
    const conversations: UserPlan['conversations'] = [
      directs[i]!,
      directs[(i + count - 1) % count]!,
      groups[Math.floor(i / GROUP_SIZE)]!,
    ];
    const envelopes = new Map<string, string>();
    for (const c of conversations) envelopes.set(c.id, await sealer.seal(user, c));
    return { user, conversations, envelopes };
  });
  sealer.forget();
  await seedHistory(databaseUrl, plans);
  log(
    `HTTP population: ${count} accounts, ${directs.length} direct chats, ${groups.length} groups of ${GROUP_SIZE}, ` +
      `${HISTORY_PER_SENDER} messages per sender and conversation, ${SCHEDULED_PER_USER} scheduled per user, in ${Math.round(performance.now() - started)} ms`,
  );
  return plans;
}

/**
 * Each sender's sealed envelope written HISTORY_PER_SENDER times into each of its conversations,
 * and SCHEDULED_PER_USER times as pending scheduled messages into its second one, straight into
 * the database (sending them through the API would take minutes of set-up).
 */
async function seedHistory(databaseUrl: string, plans: readonly UserPlan[]): Promise<void> {
  const rows = plans.flatMap((p) =>
    p.conversations.map((c) => ({ conversationId: c.id, senderId: p.user.id, content: p.envelopes.get(c.id)! })),
  );
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO messages (conversation_id, sender_id, content, content_type, created_at)
       SELECT x.c, x.s, x.content, 'text', now() - (n * interval '1 minute')
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(c, s, content)
       CROSS JOIN generate_series(1, $4) AS n
       ORDER BY n DESC`,
      [rows.map((r) => r.conversationId), rows.map((r) => r.senderId), rows.map((r) => r.content), HISTORY_PER_SENDER],
    );
    // The second conversation is a direct chat: the receiver is its other member.
    const pending = plans.map((p) => {
      const chat = p.conversations[1];
      return {
        conversationId: chat.id,
        senderId: p.user.id,
        receiverId: chat.members.find((m) => m !== p.user)!.id,
        content: p.envelopes.get(chat.id)!,
      };
    });
    await client.query(
      `INSERT INTO scheduled_messages (conversation_id, sender_id, receiver_id, content, content_type,
         scheduled_time, due_at, created_at, updated_at)
       SELECT x.c, x.s, x.r, x.content, 'text', t.at, t.at, now(), now()
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) AS x(c, s, r, content)
       CROSS JOIN generate_series(1, $5) AS n
       CROSS JOIN LATERAL (SELECT now() + n * interval '2 days' AS at) AS t`,
      [
        pending.map((r) => r.conversationId),
        pending.map((r) => r.senderId),
        pending.map((r) => r.receiverId),
        pending.map((r) => r.content),
        SCHEDULED_PER_USER,
      ],
    );
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
