import type { Message, MessagePage, MessagePageQuery } from '@herald/shared';
import type { z } from 'zod';
import type { Db } from '../../db/db.js';
import { AppError } from '../../lib/app-error.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import { attachMedia, type MediaService } from '../media/index.js';
import { assertMayPost, requireMembership, selectPostingContext } from '../membership/index.js';
import { deleteForEveryone, deleteForMe } from './delete-message.js';
import { editMessage } from './edit-message.js';
import { expireDue } from './expire.js';
import { selectMessageByClientId, selectMessagePage } from './messages.sql.js';
import { presentMessages } from './present.js';
import { react } from './reactions.js';
import { markDelivered, markRead } from './receipts.js';
import { assertAddressedToMembers, checkSealedHeader } from './sealed-content.js';
import { assertRepliable, oneTimeMediaColumns, validateContent, type ParsedSend } from './send-rules.js';
import { announceMessages, writeMessages } from './write-messages.js';

export interface MessagesDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
  media: MediaService;
}

type ChatDeps = Pick<MessagesDeps, 'db' | 'clock' | 'broadcaster'>;

/** A live send. A repeated clientId returns the first message instead of sending twice. */
export async function sendMessage(
  { db, clock, broadcaster }: ChatDeps,
  senderId: string,
  conversationId: string,
  body: ParsedSend,
): Promise<{ message: Message; created: boolean }> {
  if (body.clientId) {
    const existing = await selectMessageByClientId(db, senderId, body.clientId);
    if (existing) {
      if (existing.conversationId !== conversationId) {
        throw new AppError('conflict', 'This clientId was already used in another conversation.');
      }
      return { message: (await presentMessages(db, [existing], senderId))[0]!, created: false };
    }
  }
  assertMayPost(await selectPostingContext(db, senderId, { conversationId }));
  const contentType = await validateContent(db, senderId, body);
  const header = checkSealedHeader(body.content, { conversationId, senderId, kind: contentType });
  if (body.replyToId) await assertRepliable(db, conversationId, body.replyToId);
  const now = clock.now();
  const written = await db.transaction(async (tx) => {
    // Before the first write: a refused send changes nothing.
    await assertAddressedToMembers(tx, conversationId, header);
    if (body.mediaId && !(await attachMedia(tx, body.mediaId, senderId, now))) {
      throw new AppError('conflict', 'This media is already attached to another message.');
    }
    return writeMessages(
      tx,
      [
        {
          conversationId,
          senderId,
          content: body.content,
          contentType,
          mediaId: body.mediaId ?? null,
          ...oneTimeMediaColumns(body),
          replyToId: body.replyToId ?? null,
          clientId: body.clientId ?? null,
          scheduledMessageId: null,
          scheduledTime: null,
        },
      ],
      now,
    );
  });
  const message = written.messages[0];
  if (!message) {
    // Lost a race with the same clientId: answer with the winner.
    const existing = body.clientId ? await selectMessageByClientId(db, senderId, body.clientId) : undefined;
    if (!existing) throw new Error('message insert produced nothing');
    return { message: (await presentMessages(db, [existing], senderId))[0]!, created: false };
  }
  announceMessages(broadcaster, written);
  return { message, created: true };
}

/** A page of the conversation, newest first, as the member sees it. */
export async function listMessages(
  { db, clock }: ChatDeps,
  userId: string,
  conversationId: string,
  { before, limit }: z.output<typeof MessagePageQuery>,
): Promise<MessagePage> {
  if (before !== undefined && !/^\d{1,18}$/.test(before)) {
    throw new AppError('validation_failed', 'before must be a cursor returned as nextCursor.');
  }
  const { member } = await requireMembership(db, conversationId, userId);
  const rows = await selectMessagePage(db, {
    conversationId,
    joinedAt: member.joinedAt,
    historyFrom: member.historyFrom,
    before: before === undefined ? null : Number(before),
    limit: limit + 1,
    now: clock.now(),
    viewerId: userId,
  });
  const page = rows.slice(0, limit);
  const messages = await presentMessages(db, page, userId);
  return { messages, nextCursor: rows.length > limit ? String(page.at(-1)!.seq) : null };
}

export type MessagesService = ReturnType<typeof createMessagesService>;

/** The chat core's use-cases bound to their dependencies (routes, socket commands, housekeeping). */
export function createMessagesService(deps: MessagesDeps) {
  return {
    present: presentMessages,
    send: (senderId: string, conversationId: string, body: ParsedSend) =>
      sendMessage(deps, senderId, conversationId, body),
    list: (userId: string, conversationId: string, query: z.output<typeof MessagePageQuery>) =>
      listMessages(deps, userId, conversationId, query),
    markRead: (userId: string, conversationId: string) => markRead(deps, userId, conversationId),
    markDelivered: (userId: string, conversationId: string, messageIds: readonly string[]) =>
      markDelivered(deps, userId, conversationId, messageIds),
    react: (userId: string, messageId: string, emoji: string | null) => react(deps, userId, messageId, emoji),
    edit: (userId: string, messageId: string, content: string) => editMessage(deps, userId, messageId, content),
    deleteForEveryone: (userId: string, messageId: string) => deleteForEveryone(deps, userId, messageId),
    deleteForMe: (userId: string, messageId: string) => deleteForMe(deps, userId, messageId),
    expireDue: () => expireDue(deps),
  };
}
