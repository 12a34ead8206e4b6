import { randomUUID } from 'node:crypto';
import { FAILURE_TEXT, type FailureCode, type Message, type ScheduledMessageId } from '@herald/shared';
import type { Db, Tx } from '../../db/db.js';
import type { BlobStorage } from '../../lib/blob-storage.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import { announceMessages, withoutKeysOf, type NewMessage, type WrittenMessages } from '../messages/index.js';
import { toScheduled } from './scheduled-view.js';
import {
  finishBatch,
  lockRecordedRows,
  markFailed,
  markSent,
  pickAndRecordBatch,
  recordAttemptFailure,
  type DeliveryChecks,
  type LockedRow,
} from './delivery.sql.js';
import { releaseMedia, type ScheduledRow } from './scheduling.sql.js';

/** How a batch is written: chat core's `writeMessages`; tests wrap it to inject transient faults. */
export type WriteMessages = (tx: Tx, batch: readonly NewMessage[], now: Date) => Promise<WrittenMessages>;

export interface DeliveryRules {
  maxRetries: number;
  retryDelayMs: number;
  lateCutoffMs: number;
  /** Dead processes after which a row is failed instead of tried again (it keeps crashing them). */
  maxCrashes: number;
}

export interface DeliveryObserver {
  delivered(outcome: 'sent' | 'failed' | 'retried', count: number, latenessMs?: readonly number[]): void;
}

export interface DeliveryDeps {
  write: WriteMessages;
  broadcaster: Broadcaster;
  storage: BlobStorage;
  rules: DeliveryRules;
  observer?: DeliveryObserver;
}

export interface DeliveryOutcome {
  sent: { row: ScheduledRow; message: Message }[];
  failed: ScheduledRow[];
  retried: ScheduledRow[];
  /** After commit: receive_message to recipients, scheduled_message_* to senders. */
  announce(commitTime: Date): void;
}

/** The permanent reason a locked row cannot be delivered now, if any. */
function failureOf(
  row: ScheduledRow,
  checks: DeliveryChecks,
  now: Date,
  rules: DeliveryRules,
): { code: FailureCode; detail: string } | null {
  const fail = (code: FailureCode, detail = FAILURE_TEXT[code]) => ({ code, detail });
  if (checks.senderDeleted) return fail('sender_deleted');
  if (checks.conversationMissing || checks.senderHidden) return fail('conversation_deleted');
  if (checks.senderLeft) return fail('sender_not_member');
  if (checks.receiverDeleted) return fail('receiver_deleted');
  // Worded like a refused live send, so that a block is not revealed (docs/security.md).
  if (checks.blocked) return fail('recipient_unavailable');
  if (checks.mediaMissing) return fail('media_missing');
  if (checks.replyMissing) return fail('reply_missing');
  if (now.getTime() - row.scheduledTime.getTime() > rules.lateCutoffMs) {
    return fail(
      'late_cutoff',
      `It was due at ${row.scheduledTime.toISOString()}, more than ${Math.round(rules.lateCutoffMs / 3_600_000)} h before the server could send it.`,
    );
  }
  if (checks.crashes >= rules.maxCrashes) {
    return fail('delivery_error', 'Delivering this message repeatedly crashed the server; it was not sent.');
  }
  return null;
}

function toNewMessage(row: ScheduledRow): NewMessage {
  return {
    conversationId: row.conversationId,
    senderId: row.senderId,
    content: row.content,
    contentType: row.contentType,
    mediaId: row.mediaId,
    isOneTimeMedia: row.isOneTimeMedia,
    viewLimit: row.isOneTimeMedia ? (row.viewLimit ?? 1) : null,
    mediaExpirySeconds: row.mediaExpirySeconds,
    replyToId: row.replyToId,
    clientId: null,
    scheduledMessageId: row.id,
    scheduledTime: row.scheduledTime,
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/**
 * Delivers locked rows inside the caller's transaction, which holds their locks: re-checks each
 * row (under the locks, so nothing changes under it), writes the deliverable ones through chat
 * core in one set-based batch, and records every outcome. A batch that throws is retried row by
 * row in savepoints, so that one bad row cannot hold back the others; a row whose write throws is
 * a transient failure: retried later, at most `maxRetries` times.
 */
export async function deliverLocked(
  tx: Tx,
  locked: readonly LockedRow[],
  now: Date,
  deps: DeliveryDeps,
): Promise<DeliveryOutcome> {
  const { rules } = deps;
  const permanent: { id: string; code: FailureCode; detail: string }[] = [];
  const toWrite: ScheduledRow[] = [];
  const rows: ScheduledRow[] = locked.map(({ checks: _checks, ...row }) => row);
  /** Content with the wrapped keys of members gone since sealing stripped, by scheduled id. */
  const stripped = new Map<string, string>();
  for (const { checks: check, ...row } of locked) {
    // The blob must still be on disk, not just in the table (a file check, no database call).
    const failure =
      failureOf(row, check, now, rules) ??
      (check.mediaKey && !(await deps.storage.exists(check.mediaKey))
        ? { code: 'media_missing' as const, detail: FAILURE_TEXT.media_missing }
        : null);
    if (failure) {
      permanent.push({ id: row.id, ...failure });
      continue;
    }
    // Membership at the due time decides: whoever left since sealing loses their wrapped key, in
    // the message and (with markSent) in the stored row. Those who joined get it without a key.
    const content = withoutKeysOf(row.content, new Set(check.formerMembers));
    if (content === undefined) toWrite.push(row);
    else {
      stripped.set(row.id, content);
      toWrite.push({ ...row, content });
    }
  }

  const written: WrittenMessages = { messages: [], audience: new Map() };
  const transient = new Map<string, string[]>();
  const addWritten = (w: WrittenMessages) => {
    written.messages.push(...w.messages);
    for (const [conversationId, users] of w.audience) written.audience.set(conversationId, users);
  };
  if (toWrite.length) {
    try {
      addWritten(await tx.savepoint((inner) => deps.write(inner, toWrite.map(toNewMessage), now)));
    } catch (batchError) {
      // Retry row by row to find the culprit (a batch of one has nothing to separate).
      if (toWrite.length === 1) transient.set(describe(batchError), [toWrite[0]!.id]);
      for (const row of toWrite.length === 1 ? [] : toWrite) {
        try {
          addWritten(await tx.savepoint((inner) => deps.write(inner, [toNewMessage(row)], now)));
        } catch (error) {
          const reason = describe(error);
          transient.set(reason, [...(transient.get(reason) ?? []), row.id]);
        }
      }
    }
  }

  const byScheduled = new Map(written.messages.map((m) => [m.scheduledMessageId as string, m]));
  // A row whose message already exists (the unique scheduled_message_id refused a second insert)
  // was delivered before: record that instead of ever writing it twice.
  const retrying = new Set([...transient.values()].flat());
  const already = toWrite.filter((r) => !byScheduled.has(r.id) && !retrying.has(r.id)).map((r) => r.id);
  const { rows: existing } = already.length
    ? await tx.query<{ id: string; scheduledMessageId: string }>(
        'SELECT id, scheduled_message_id AS "scheduledMessageId" FROM messages WHERE scheduled_message_id = ANY($1::uuid[])',
        [already],
      )
    : { rows: [] };
  const toMark = [
    ...[...byScheduled].map(([id, message]) => ({ id, messageId: message.id, content: stripped.get(id) })),
    ...existing.map((e) => ({ id: e.scheduledMessageId, messageId: e.id })),
  ];
  const marked = await markSent(tx, toMark, now);
  // The sent rows as they now stand, built from the claimed rows rather than read back.
  const claimedById = new Map(rows.map((r) => [r.id, r]));
  const sentRows: ScheduledRow[] = toMark.flatMap(({ id, messageId }) => {
    const row = claimedById.get(id);
    if (!row || !marked.has(id)) return [];
    return [
      {
        ...row,
        content: stripped.get(id) ?? row.content,
        status: 'sent' as const,
        sentAt: now,
        messageId,
        lastError: null,
        version: row.version + 1,
        updatedAt: now,
      },
    ];
  });
  const failedRows = await markFailed(tx, permanent, now);
  await releaseMedia(
    tx,
    failedRows.flatMap((r) => (r.mediaId ? [r.mediaId] : [])),
  );
  const retriedRows: ScheduledRow[] = [];
  for (const [reason, ids] of transient) {
    retriedRows.push(...(await recordAttemptFailure(tx, ids, reason, rules.maxRetries, rules.retryDelayMs, now)));
  }

  const sent = sentRows.flatMap((row) => {
    const message = byScheduled.get(row.id);
    return message ? [{ row, message }] : [];
  });
  const exhausted = retriedRows.filter((r) => r.status === 'failed');
  const stillPending = retriedRows.filter((r) => r.status === 'pending');
  return {
    sent,
    failed: [...failedRows, ...exhausted],
    retried: stillPending,
    announce(commitTime) {
      announceMessages(deps.broadcaster, written);
      for (const { row, message } of sent) {
        deps.broadcaster.toUsers([row.senderId], 'scheduled_message_sent', {
          scheduledMessageId: row.id as ScheduledMessageId,
          message,
          scheduledMessage: toScheduled(row, rules.maxRetries),
        });
      }
      announceFailed(deps.broadcaster, [...failedRows, ...exhausted], rules.maxRetries);
      for (const row of stillPending) {
        deps.broadcaster.toUsers([row.senderId], 'scheduled_message_retrying', {
          scheduledMessageId: row.id as ScheduledMessageId,
          attempt: row.retryCount,
          maxRetries: rules.maxRetries,
          nextAttemptAt: row.dueAt.toISOString(),
          error: row.lastError ?? '',
          scheduledMessage: toScheduled(row, rules.maxRetries),
        });
      }
      const observer = deps.observer;
      if (observer) {
        const dueAt = new Map(rows.map((r) => [r.id, r.dueAt.getTime()]));
        observer.delivered(
          'sent',
          sent.length,
          sent.map(({ row }) => commitTime.getTime() - (dueAt.get(row.id) ?? commitTime.getTime())),
        );
        observer.delivered('failed', failedRows.length + exhausted.length);
        observer.delivered('retried', stillPending.length);
      }
    },
  };
}

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

/** What one delivery pass over a batch did. */
export interface BatchResult {
  /** Due rows picked and recorded (a full batch means more may be due). */
  picked: number;
  /** Of those, rows locked and handled (sent, failed or retried). */
  handled: number;
}

/**
 * One batch of the delivery protocol (see delivery.sql.ts): record the due rows as in flight
 * (committed on its own), then one transaction that locks them, re-checks, writes, records the
 * outcomes and deletes the record. Nothing in the transaction waits for another connection. The
 * announcements go out after the commit.
 */
export async function deliverDueBatch(
  db: Db,
  kind: 'fresh' | 'suspect',
  limit: number,
  now: Date,
  deps: DeliveryDeps,
  clockNow: () => Date,
): Promise<BatchResult> {
  const batchId = randomUUID();
  const recorded = await pickAndRecordBatch(db, batchId, now, limit, kind);
  if (recorded.length === 0) return { picked: 0, handled: 0 };
  const outcome = await db
    .transaction(async (tx) => {
      const rows = await lockRecordedRows(tx, recorded, now, batchId);
      const delivered = rows.length ? await deliverLocked(tx, rows, now, deps) : undefined;
      await finishBatch(tx, batchId, kind === 'suspect' ? rows.map((r) => r.id) : []);
      return { handled: rows.length, delivered };
    })
    .catch(async (error: unknown) => {
      // Rolled back with the process alive: the record would wrongly mark its rows as suspects.
      await finishBatch(db, batchId, []).catch(() => {});
      throw error;
    });
  outcome.delivered?.announce(clockNow());
  return { picked: recorded.length, handled: outcome.handled };
}
