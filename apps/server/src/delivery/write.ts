import type { Tx } from '../db/db.js';
import type { NewMessage, WrittenMessages } from '../modules/messages/index.js';
import type { ScheduledRow } from '../modules/scheduling/index.js';
import type { WriteMessages } from './delivery-deps.js';

/** What writing a batch produced: the messages written, and the rows whose write threw, by reason. */
export interface WriteResult {
  written: WrittenMessages;
  /** Transient failures: error text -> scheduled ids (retried later). */
  transient: Map<string, string[]>;
}

function toNewMessage(row: ScheduledRow, stripped: ReadonlySet<string>): NewMessage {
  return {
    conversationId: row.conversationId,
    senderId: row.senderId,
    content: row.content,
    // Unless former members' keys were stripped, the row locked here stores this very content.
    contentIsStored: !stripped.has(row.id),
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
 * Writes the deliverable rows through chat core's one writer, set-based, in a savepoint. A batch
 * that throws is retried row by row, each in its own savepoint (still holding every row's lock),
 * so that one bad row cannot hold back the others; a row whose own write throws is a transient
 * failure.
 */
export async function writeIsolated(
  tx: Tx,
  rows: readonly ScheduledRow[],
  now: Date,
  write: WriteMessages,
  /** Rows whose content differs from what they store (former members' keys stripped). */
  stripped: ReadonlySet<string> = new Set(),
): Promise<WriteResult> {
  const result: WriteResult = { written: { messages: [], audience: new Map() }, transient: new Map() };
  const add = (w: WrittenMessages) => {
    result.written.messages.push(...w.messages);
    for (const [conversationId, users] of w.audience) result.written.audience.set(conversationId, users);
  };
  const fail = (reason: string, id: string) => {
    result.transient.set(reason, [...(result.transient.get(reason) ?? []), id]);
  };
  if (rows.length === 0) return result;
  try {
    add(
      await tx.savepoint((inner) =>
        write(
          inner,
          rows.map((row) => toNewMessage(row, stripped)),
          now,
        ),
      ),
    );
  } catch (batchError) {
    // A batch of one has nothing to separate: that row is the culprit.
    if (rows.length === 1) fail(describe(batchError), rows[0]!.id);
    for (const row of rows.length === 1 ? [] : rows) {
      try {
        add(await tx.savepoint((inner) => write(inner, [toNewMessage(row, stripped)], now)));
      } catch (error) {
        fail(describe(error), row.id);
      }
    }
  }
  return result;
}
