import { DELETE_FOR_EVERYONE_WINDOW_SECONDS, EDIT_WINDOW_SECONDS } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';
import type { MessageRow } from './messages.sql.js';

/**
 * Who may change a sent message, and until when (edit-message.ts, delete-message.ts). The caller
 * has already found the message visible to the user (else 404, like a message that does not exist).
 */

/** The kinds a person writes: timeline events and anything newer are the server's, never edited. */
const CHANGEABLE_KINDS: ReadonlySet<string> = new Set(['text', 'image', 'video']);

export const WINDOWS = {
  edit: { seconds: EDIT_WINDOW_SECONDS, verb: 'edited' },
  deleteForEveryone: { seconds: DELETE_FOR_EVERYONE_WINDOW_SECONDS, verb: 'deleted for everyone' },
} as const;

function hours(seconds: number): string {
  return seconds % 3_600 === 0 ? `${seconds / 3_600} hours` : `${Math.round(seconds / 60)} minutes`;
}

/** Only the sender, only people's messages: else 403 forbidden. */
export function assertOwnMessage(row: Pick<MessageRow, 'senderId' | 'contentType'>, userId: string): void {
  if (!CHANGEABLE_KINDS.has(row.contentType)) {
    throw new AppError('forbidden', 'This entry of the timeline cannot be changed.');
  }
  if (row.senderId !== userId) throw new AppError('forbidden', 'Only the sender can change this message.');
}

/** Within the window after it was sent: else 409 invalid_state saying how long the window is. */
export function assertWithinWindow(
  row: Pick<MessageRow, 'createdAt'>,
  now: Date,
  window: (typeof WINDOWS)[keyof typeof WINDOWS],
): void {
  if (now.getTime() - row.createdAt.getTime() > window.seconds * 1000) {
    throw new AppError(
      'invalid_state',
      `Messages can be ${window.verb} for ${hours(window.seconds)} after they are sent; this one is older.`,
    );
  }
}
