import type { ScheduledListQuery, ScheduledMessage } from '@herald/shared';
import type { z } from 'zod';
import { selectConversationTitles, selectScheduledList } from './list-scheduled.sql.js';
import { requireOwnScheduled } from './own-scheduled.js';
import { viewOf, type SchedulingApiDeps } from './scheduling-deps.js';

/** The list's filters as the route's schema parsed them. */
export type ScheduledListInput = z.output<typeof ScheduledListQuery>;

/**
 * The sender's scheduled messages, each with its conversation's title. Scoped to the sender:
 * another user's conversation simply yields nothing of theirs, and a conversation I left still
 * lists my (failed) scheduled messages there.
 */
export async function listScheduled(
  deps: SchedulingApiDeps,
  senderId: string,
  q: ScheduledListInput,
): Promise<ScheduledMessage[]> {
  const rows = await selectScheduledList(deps.db, {
    senderId,
    conversationId: q.conversationId,
    status: q.status,
    includeDismissed: q.includeDismissed === 'true',
  });
  const titles = await selectConversationTitles(deps.db, senderId, [...new Set(rows.map((r) => r.conversationId))]);
  return rows.map((row) => ({ ...viewOf(deps, row), conversationTitle: titles.get(row.conversationId) ?? null }));
}

export async function getScheduled(deps: SchedulingApiDeps, senderId: string, id: string): Promise<ScheduledMessage> {
  return viewOf(deps, await requireOwnScheduled(deps.db, senderId, id));
}
