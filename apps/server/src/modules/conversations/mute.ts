import { parseScheduledTime, type Conversation } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';
import { viewOne } from './conversation-events.js';
import type { ConversationsDeps } from './conversations-deps.js';

/** A timed mute ends within this; longer is 'forever' (which says what it means). */
export const MAX_MUTE_MS = 366 * 86_400_000;

/**
 * `until` as the API takes it ('forever', an RFC 3339 instant ahead of now and at most a year
 * away, or null) as what the column stores: 'infinity', the instant, or null.
 */
export function muteUntilValue(until: string | null, now: Date): Date | 'infinity' | null {
  if (until === null) return null;
  if (until === 'forever') return 'infinity';
  // Epoch milliseconds are refused: one written form for an instant in this API's mute.
  const parsed = /^\d+$/.test(until.trim()) ? null : parseScheduledTime(until);
  if (!parsed?.ok) {
    throw new AppError(
      'invalid_time',
      `until: ${parsed ? parsed.reason : 'expected RFC 3339 such as 2026-12-24T18:30:00Z'}, 'forever' or null.`,
    );
  }
  if (parsed.date.getTime() <= now.getTime()) {
    throw new AppError('invalid_time', 'until: the mute must end in the future (null unmutes).');
  }
  if (parsed.date.getTime() - now.getTime() > MAX_MUTE_MS) {
    throw new AppError('time_too_far', "until: a mute ends within a year; for longer, send 'forever'.");
  }
  return parsed.date;
}

/**
 * Mutes (or unmutes) a chat's notifications for one member, on all their devices: the others
 * never learn of it. Validated before anything is written; a chat that is not the caller's is 404.
 * After commit, the caller's devices get their view (`conversation_updated`).
 */
export async function setMute(
  deps: Pick<ConversationsDeps, 'db' | 'clock' | 'presence' | 'broadcaster'>,
  userId: string,
  conversationId: string,
  until: string | null,
): Promise<Conversation> {
  const now = deps.clock.now();
  const value = muteUntilValue(until, now);
  const { rows } = await deps.db.query<{ ok: number }>(
    `UPDATE conversation_members SET muted_until = $3
     WHERE conversation_id = $1 AND user_id = $2 AND left_at IS NULL
       -- A direct chat someone else opened is not mine until it holds a message (NOT_AWAITING in
       -- conversation-views.sql.ts): 404, and nothing written.
       AND NOT (awaiting_first_message AND NOT EXISTS (SELECT 1 FROM messages fm WHERE fm.conversation_id = $1))
     RETURNING 1 AS ok`,
    [conversationId, userId, value],
  );
  if (rows.length === 0) throw new AppError('not_found', 'No such conversation.');
  const conversation = await viewOne(deps, deps.db, userId, conversationId);
  deps.broadcaster.toUsers([userId], 'conversation_updated', conversation);
  return conversation;
}
