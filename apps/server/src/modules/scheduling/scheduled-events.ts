import type { Broadcaster } from '../../lib/broadcaster.js';
import { toScheduled } from './scheduled-view.js';
import type { ScheduledRow } from './scheduling.sql.js';

/** `scheduled_message_failed` to each row's sender (all their devices), with the row's new state. */
export function announceFailed(broadcaster: Broadcaster, rows: readonly ScheduledRow[], maxRetries: number): void {
  for (const row of rows) {
    const view = toScheduled(row, maxRetries);
    broadcaster.toUsers([row.senderId], 'scheduled_message_failed', {
      scheduledMessageId: view.id,
      code: row.failureCode!,
      reason: view.failureReason ?? '',
      scheduledMessage: view,
    });
  }
}
