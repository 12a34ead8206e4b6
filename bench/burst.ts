/**
 * A burst: `total` scheduled messages due at one instant, delivered by Herald's dispatcher in this
 * process, measured when each batch's transaction has committed. Half the messages go to direct
 * chats, half to 50-member groups, each carrying a real sealed envelope of its conversation's
 * size (a group's wraps the content key for every member: ~7 KB against ~0.9 KB for a direct chat).
 * W2 is the 50,000 case; the growth table runs it at several sizes.
 */
import { directEnvelopes, groupEnvelopes } from './envelopes.js';
import { GROUP_SIZE, seedGroups, seedUsers } from './seed-conversations.js';
import {
  dueAtOneInstant,
  PARKED,
  freshDatabase,
  insertScheduled,
  log,
  percentile,
  round2,
  startDispatcher,
  waitUntil,
  type Addressed,
} from './harness.js';
import { SCHEDULE_CHANNEL } from '../apps/server/src/modules/scheduling/index.js';
import { seedDirectChats } from '../apps/server/test/helpers/seed.js';

const DIRECT_CHATS = 1_000;
const GROUPS = 100;

export interface BurstFigures extends Record<string, number> {
  /** From the due instant to the last batch's commit. */
  seconds: number;
  perSecond: number;
  count: number;
  p50: number;
  p99: number;
  /** The last commit's lateness, in ms (seconds x 1000, kept for the growth table). */
  last: number;
}

export async function runBurst(baseUrl: string, total: number): Promise<BurstFigures> {
  const { db, drop } = await freshDatabase(baseUrl, `burst${total}`);
  try {
    const chats = await seedDirectChats(db, DIRECT_CHATS, new Date());
    const users = await seedUsers(db, GROUPS * GROUP_SIZE, 'bg');
    const groups = await seedGroups(
      db,
      Array.from({ length: GROUPS }, (_, g) => users.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE)),
    );
    const envelopes = new Map([...(await directEnvelopes(chats)), ...(await groupEnvelopes(groups))]);
    // Alternate direct and group rows: half the messages each, spread round-robin in each half.
    const addressed: Addressed[] = [];
    for (let i = 0; i < Math.max(chats.length, groups.length) * 2; i++) {
      const g = groups[(i >> 1) % groups.length]!;
      addressed.push(
        i % 2 === 0 ? chats[(i >> 1) % chats.length]! : { conversationId: g.conversationId, a: g.members[0]!, b: null },
      );
    }
    log(`burst ${total.toLocaleString()}: inserting`);
    await insertScheduled(
      db,
      addressed,
      envelopes,
      Array.from({ length: total }, () => PARKED),
    );
    await db.query('ANALYZE');
    const lateness: number[] = [];
    // The dispatcher is up (and idle) before the instant is set: its start-up is not measured.
    const dispatcher = await startDispatcher(db, (l) => lateness.push(...l));
    const dueMs = await dueAtOneInstant(db, 5_000 + total / 10);
    // Bulk writes do not NOTIFY as the API does: wake the dispatcher for the instant.
    await db.notify(SCHEDULE_CHANNEL, String(dueMs));
    await waitUntil(() => lateness.length >= total, 120_000 + total, `${total} deliveries`);
    await dispatcher.stop();
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM messages WHERE scheduled_message_id IS NOT NULL`,
    );
    if (Number(rows[0]!.n) !== total)
      throw new Error(`burst ${total}: expected ${total} messages, found ${rows[0]!.n}`);
    const sorted = lateness.sort((x, y) => x - y);
    const last = sorted.at(-1)!;
    return {
      seconds: round2(last / 1000),
      perSecond: Math.round(total / (last / 1000)),
      count: lateness.length,
      p50: round2(percentile(sorted, 50)),
      p99: round2(percentile(sorted, 99)),
      last: round2(last),
    };
  } finally {
    await drop();
  }
}
