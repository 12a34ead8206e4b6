import type { Message } from '@herald/shared';
import type { Tx } from '../db/db.js';
import { releaseMedia, type ScheduledRow } from '../modules/scheduling/index.js';
import type { DeliveryRules } from './delivery-deps.js';
import { markFailed, markSent, recordAttemptFailure, selectDeliveredBefore } from './outcome.sql.js';
import type { DeliveryPlan } from './recheck.js';
import type { WriteResult } from './write.js';

/** Every locked row's outcome, as the rows now stand. */
export interface RecordedOutcome {
  sent: { row: ScheduledRow; message: Message }[];
  /** Failed for good: a permanent reason, or the retries used up. */
  failed: ScheduledRow[];
  /** Still pending, to be tried again at their new due_at. */
  retried: ScheduledRow[];
}

/** A sent row as it now stands, built from the claimed row rather than read back. */
function asSent(row: ScheduledRow, messageId: string, content: string | undefined, now: Date): ScheduledRow {
  return {
    ...row,
    content: content ?? row.content,
    status: 'sent',
    sentAt: now,
    messageId,
    lastError: null,
    version: row.version + 1,
    updatedAt: now,
  };
}

/**
 * Records each locked row's outcome in the delivery transaction: written rows `sent` (and rows
 * whose message already existed: delivered before, never twice), permanent failures `failed`
 * (their media freed), transient ones retried later or, past `maxRetries`, failed with
 * delivery_error.
 */
export async function recordOutcome(
  tx: Tx,
  claimed: readonly ScheduledRow[],
  plan: DeliveryPlan,
  { written, transient }: WriteResult,
  now: Date,
  rules: DeliveryRules,
): Promise<RecordedOutcome> {
  const byScheduled = new Map(written.messages.map((m) => [m.scheduledMessageId as string, m]));
  // A row whose message already exists (the unique scheduled_message_id refused a second insert)
  // was delivered before: record that instead of ever writing it twice.
  const retrying = new Set([...transient.values()].flat());
  const notWritten = plan.toWrite.filter((r) => !byScheduled.has(r.id) && !retrying.has(r.id)).map((r) => r.id);
  const existing = await selectDeliveredBefore(tx, notWritten);
  const toMark = [
    ...[...byScheduled].map(([id, message]) => ({ id, messageId: message.id, content: plan.stripped.get(id) })),
    ...existing.map((e) => ({ id: e.scheduledMessageId, messageId: e.id, content: undefined })),
  ];
  const marked = await markSent(tx, toMark, now);
  const claimedById = new Map(claimed.map((r) => [r.id, r]));
  const sent = toMark.flatMap(({ id, messageId, content }) => {
    const row = claimedById.get(id);
    const message = byScheduled.get(id);
    // Rows delivered before are marked, but there is nothing new to announce for them.
    return row && message && marked.has(id) ? [{ row: asSent(row, messageId, content, now), message }] : [];
  });

  const failedNow = await markFailed(tx, plan.permanent, now);
  await releaseMedia(
    tx,
    failedNow.flatMap((r) => (r.mediaId ? [r.mediaId] : [])),
  );
  const attempted: ScheduledRow[] = [];
  for (const [reason, ids] of transient) {
    attempted.push(...(await recordAttemptFailure(tx, ids, reason, rules.maxRetries, rules.retryDelayMs, now)));
  }
  return {
    sent,
    failed: [...failedNow, ...attempted.filter((r) => r.status === 'failed')],
    retried: attempted.filter((r) => r.status === 'pending'),
  };
}
