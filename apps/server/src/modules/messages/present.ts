import type { Message } from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import { withOneTimeOpens } from '../media/index.js';
import { selectCurrentMembers } from '../membership/index.js';
import { receiptsFor, toMessage } from './message-view.js';
import { selectMyViews, type MessageRow } from './messages.sql.js';
import { selectReactions } from './reactions.sql.js';

/** Loads messages as the given member sees them (receipts, reactions, their own views). */
export async function presentMessages(q: Queryable, rows: readonly MessageRow[], viewerId: string): Promise<Message[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const conversationIds = [...new Set(rows.map((r) => r.conversationId))];
  const [members, reactions, views] = await Promise.all([
    selectCurrentMembers(q, conversationIds),
    selectReactions(q, ids),
    selectMyViews(q, ids, viewerId),
  ]);
  const messages = rows.map((row) =>
    toMessage(
      row,
      receiptsFor(
        row,
        members.filter((m) => m.conversationId === row.conversationId),
      ),
      reactions.filter((r) => r.messageId === row.id),
      views.get(row.id) ?? 0,
      viewerId,
    ),
  );
  return withOneTimeOpens(q, messages, viewerId);
}
