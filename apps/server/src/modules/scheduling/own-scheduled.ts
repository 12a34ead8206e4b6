import { AppError, notFound } from '../../lib/app-error.js';
import type { Queryable } from '../../db/db.js';
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
