import { AppError, notFound } from '../../lib/app-error.js';
import type { Queryable } from '../../db/db.js';
import { checkSealedHeader } from '../messages/index.js';
import { selectScheduled, type ScheduledRow } from './scheduling.sql.js';

/** One of the sender's scheduled messages; another user's answers 404 like a missing one. */
export async function requireOwnScheduled(q: Queryable, senderId: string, id: string): Promise<ScheduledRow> {
  const row = await selectScheduled(q, id, senderId);
  if (!row) throw notFound('No such scheduled message.');
  return row;
}

/** The 409 for a change that needs a pending row, naming the row's current status. */
export function notPending(row: ScheduledRow): AppError {
  return new AppError('invalid_state', `This scheduled message is already ${row.status}.`, { status: row.status });
}

/**
 * The header of content sealed again by the client for a scheduled row (an edit, a failed row
 * rescheduled): the same checks as a new message, for the row's conversation and kind, which a
 * change cannot alter. Undefined when no new content was given.
 */
export function resealedHeader(content: string | undefined, row: ScheduledRow, senderId: string) {
  return content === undefined
    ? undefined
    : checkSealedHeader(content, { conversationId: row.conversationId, senderId, kind: row.contentType });
}
