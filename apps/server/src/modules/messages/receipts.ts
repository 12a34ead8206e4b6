import type { Message } from '@herald/shared';
import type { Db } from '../../db/db.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import { requireMembership, selectCurrentMembers } from '../membership/index.js';
import {
  selectIdsBetween,
  selectMaxSeq,
  selectMaxSeqOf,
  updateDeliveredWatermark,
  updateReadWatermark,
} from './receipts.sql.js';

export interface ReceiptDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
}

/** Everything up to the newest message is read; unread back to 0. */
export async function markRead(
  { db, clock, broadcaster }: ReceiptDeps,
  userId: string,
  conversationId: string,
): Promise<{ unreadCount: number }> {
  const { member } = await requireMembership(db, conversationId, userId);
  const now = clock.now();
  const changed = await db.transaction(async (tx) => {
    const maxSeq = await selectMaxSeq(tx, conversationId);
    const from = Number(member.readSeq);
    await updateReadWatermark(tx, conversationId, userId, maxSeq, now);
    return maxSeq > from ? selectIdsBetween(tx, conversationId, userId, from, maxSeq) : [];
  });
  await announceStatus(db, broadcaster, { conversationId, userId, status: 'read', at: now, messageIds: changed });
  return { unreadCount: 0 };
}

/** A device of the user has these messages: the delivered watermark moves up to the newest. */
export async function markDelivered(
  { db, clock, broadcaster }: ReceiptDeps,
  userId: string,
  conversationId: string,
  messageIds: readonly string[],
): Promise<void> {
  const { member } = await requireMembership(db, conversationId, userId);
  const now = clock.now();
  const changed = await db.transaction(async (tx) => {
    const seq = await selectMaxSeqOf(tx, conversationId, userId, messageIds);
    const from = Number(member.deliveredSeq);
    if (seq <= from) return [];
    await updateDeliveredWatermark(tx, conversationId, userId, seq, now);
    return selectIdsBetween(tx, conversationId, userId, from, seq);
  });
  if (changed.length === 0) return;
  await announceStatus(db, broadcaster, {
    conversationId,
    userId,
    status: 'delivered',
    at: now,
    messageIds: changed,
  });
}

/** Receipts moved: every current member (the senders, and the reader's other devices) learns it. */
async function announceStatus(
  db: Db,
  broadcaster: Broadcaster,
  moved: { conversationId: string; userId: string; status: 'delivered' | 'read'; at: Date; messageIds: string[] },
): Promise<void> {
  const audience = (await selectCurrentMembers(db, [moved.conversationId])).map((m) => m.userId);
  broadcaster.toUsers(audience, 'message_status', {
    conversationId: moved.conversationId as Message['conversationId'],
    userId: moved.userId as Message['senderId'],
    status: moved.status,
    at: moved.at.toISOString(),
    messageIds: moved.messageIds as Message['id'][],
  });
}
