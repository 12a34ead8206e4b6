import type { ScheduledMessageId } from '@herald/shared';
import type { Broadcaster } from '../lib/broadcaster.js';
import { scheduleSeenBy, type WrittenMessages } from '../modules/messages/index.js';
import { announceFailed, toScheduled, type ScheduledRow } from '../modules/scheduling/index.js';
import type { DeliveryObserver } from './delivery-deps.js';
import type { RecordedOutcome } from './record-outcome.js';

/** Whose copy `receive_message` carries: not the sender's (they get `scheduled_message_sent`). */
const ANY_RECIPIENT = '';

/**
 * After commit, one event per fact:
 *  - `receive_message` to the recipients: the current members other than the sender;
 *  - `scheduled_message_sent` to the sender's devices: it carries the message, so the sender gets
 *    no `receive_message` for it too (the web client applies the message from this event);
 *  - `scheduled_message_failed` and `scheduled_message_retrying` to the sender.
 * Then the observer (metrics) hears the counts and each sent row's lateness against its due time.
 */
export function announceOutcome(
  deps: { broadcaster: Broadcaster; maxRetries: number; observer?: DeliveryObserver | undefined },
  written: WrittenMessages,
  outcome: RecordedOutcome,
  dueAtMs: ReadonlyMap<string, number>,
  commitTime: Date,
): void {
  const { broadcaster, maxRetries } = deps;
  // Recipients see that a message was scheduled only when its sender chose so (item 7, issue 13).
  const shown = new Set(outcome.sent.filter(({ row }) => row.showAsScheduled).map(({ row }) => row.id));
  for (const message of written.messages) {
    const audience = written.audience.get(message.conversationId) ?? [];
    broadcaster.toUsers(
      audience.filter((userId) => userId !== message.senderId),
      'receive_message',
      scheduleSeenBy(
        message,
        ANY_RECIPIENT,
        message.scheduledMessageId !== null && shown.has(message.scheduledMessageId),
      ),
    );
  }
  for (const { row, message } of outcome.sent) {
    broadcaster.toUsers([row.senderId], 'scheduled_message_sent', {
      scheduledMessageId: row.id as ScheduledMessageId,
      message,
      scheduledMessage: toScheduled(row, maxRetries),
    });
  }
  announceFailed(broadcaster, outcome.failed, maxRetries);
  for (const row of outcome.retried) announceRetrying(broadcaster, row, maxRetries);
  const observer = deps.observer;
  if (!observer) return;
  const at = commitTime.getTime();
  observer.delivered(
    'sent',
    outcome.sent.length,
    outcome.sent.map(({ row }) => at - (dueAtMs.get(row.id) ?? at)),
  );
  observer.delivered('failed', outcome.failed.length);
  observer.delivered('retried', outcome.retried.length);
}

function announceRetrying(broadcaster: Broadcaster, row: ScheduledRow, maxRetries: number): void {
  broadcaster.toUsers([row.senderId], 'scheduled_message_retrying', {
    scheduledMessageId: row.id as ScheduledMessageId,
    attempt: row.retryCount,
    maxRetries,
    nextAttemptAt: row.dueAt.toISOString(),
    error: row.lastError ?? '',
    scheduledMessage: toScheduled(row, maxRetries),
  });
}
