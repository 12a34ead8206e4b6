import type { Message } from '@herald/shared';
import type { Tx } from '../../db/db.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import { toMessage } from './message-view.js';
import { writeMessageBatch, type NewMessage } from './write-messages.sql.js';

/** What a write produced: the messages, and who (current members) must receive each. */
export interface WrittenMessages {
  messages: Message[];
  audience: Map<string, string[]>;
}

/**
 * THE writer of messages: live sends (HTTP and socket) and scheduled delivery all come here, so
 * that every effect of a send lives in one place. Set-based, for batches: one statement inserts the
 * messages and returns each conversation's current members (writeMessageBatch); unread counts and
 * a conversation's last message are derived from messages when read, so nothing else is written.
 * Runs inside the caller's transaction; call `announceMessages` after commit.
 */
export async function writeMessages(tx: Tx, batch: readonly NewMessage[], now: Date): Promise<WrittenMessages> {
  if (batch.length === 0) return { messages: [], audience: new Map() };
  const { rows, audience: members } = await writeMessageBatch(tx, batch, now);
  const audience = new Map<string, string[]>();
  for (const { conversationId, userId } of members) {
    const list = audience.get(conversationId) ?? [];
    list.push(userId);
    audience.set(conversationId, list);
  }
  // A new message: every other current member has it neither delivered nor read yet.
  const messages = rows.map((row) =>
    toMessage(
      row,
      (audience.get(row.conversationId) ?? [])
        .filter((userId) => userId !== row.senderId)
        .map((userId) => ({ userId: userId as Message['senderId'], deliveredAt: null, readAt: null })),
    ),
  );
  return { messages, audience };
}

/** After commit: `receive_message` to every current member's devices, the sender's included. */
export function announceMessages(broadcaster: Broadcaster, written: WrittenMessages): void {
  for (const message of written.messages) {
    broadcaster.toUsers(written.audience.get(message.conversationId) ?? [], 'receive_message', message);
  }
}
