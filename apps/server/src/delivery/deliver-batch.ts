import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.js';
import type { BlobStorage } from '../lib/blob-storage.js';
import type { Clock } from '../lib/clock.js';
import { lockRecordedRows, pickAndRecordBatch, type LockedRow } from './claim.sql.js';
import { deliverLocked, type DeliveryOutcome } from './deliver-locked.js';
import type { DeliveryDeps } from './delivery-deps.js';
import type { DispatchEvents } from './dispatch-events.js';
import type { HeldConversations } from './held-conversations.js';
import { finishBatch } from './outcome.sql.js';
import { findMissingBlobs } from './recheck.js';

export interface BatchDeps extends DeliveryDeps {
  db: Db;
  clock: Clock;
  storage: Pick<BlobStorage, 'exists'>;
  events: DispatchEvents;
  /** Conversations this process found held by someone else (its passes share it). */
  held: HeldConversations;
}

/** What one delivery pass over a batch did. */
export interface BatchResult {
  /** Due rows picked and recorded (a full batch means more may be due). */
  picked: number;
  /** Of those, rows locked and handled (sent, failed or retried). */
  handled: number;
  /**
   * Due rows were left pending because someone else held them or their conversation (or, found
   * so moments ago, left out of the pick): the dispatcher tries again after HELD_ROW_RETRY_MS.
   */
  held: boolean;
}

/**
 * Splits locked rows into those whose conversation this transaction has locked (or that no longer
 * exists: the re-check fails those) and those whose conversation someone else holds.
 */
function splitByConversation(rows: readonly LockedRow[]) {
  const free: LockedRow[] = [];
  const held: LockedRow[] = [];
  for (const row of rows) {
    (row.conversationLocked || row.checks.conversationMissing ? free : held).push(row);
  }
  return { free, held };
}

/**
 * One batch of the delivery protocol:
 *   1. claim, step one: pick the due rows and record them as in flight, committed on its own
 *      (claim.sql.ts: the crash guard);
 *   2. look for their media blobs on disk, before any lock is taken;
 *   3. one transaction that uses only its own connection: claim, step two (strike the record,
 *      lock the recorded rows still pending, with their re-checks, and their conversations that
 *      no one else holds: one statement), deliver the rows of those conversations
 *      (deliver-locked.ts);
 *   4. after commit: announce, and tell the dispatcher's listeners.
 * A crash before commit rolls claim and delivery back together: exactly once, with no lease.
 * Rows left pending in step 3 (a request holds the row, or another transaction its conversation)
 * leave with the record too: they count as no crash, and the next pass takes them (why that
 * cannot starve a conversation: held-conversations.ts).
 */
export async function deliverDueBatch(deps: BatchDeps, kind: 'fresh' | 'suspect', limit: number): Promise<BatchResult> {
  const { db, clock, events } = deps;
  const batchId = randomUUID();
  const now = clock.now();
  const leftOut = deps.held.leftOut(now);
  const picked = await pickAndRecordBatch(db, batchId, now, limit, kind, leftOut);
  if (picked.ids.length === 0) return { picked: 0, handled: 0, held: leftOut.length > 0 };
  events.emit('claimed', { kind, ids: picked.ids });
  let outcome: { free: LockedRow[]; held: LockedRow[]; delivered: DeliveryOutcome | undefined };
  try {
    const missingBlobs = await findMissingBlobs(deps.storage, picked.mediaKeys);
    outcome = await db.transaction(async (tx) => {
      // Also strikes this batch's in-flight record, with the commit.
      const rows = await lockRecordedRows(tx, picked.ids, now, batchId);
      const { free, held } = splitByConversation(rows);
      const delivered = free.length ? await deliverLocked(tx, free, now, deps, missingBlobs) : undefined;
      // A suspect handled here no longer counts against it in dead processes' records.
      if (kind === 'suspect')
        await finishBatch(
          tx,
          null,
          free.map((r) => r.id),
        );
      return { free, held, delivered };
    });
  } catch (error) {
    // Rolled back with the process alive: the record would wrongly mark its rows as suspects.
    await finishBatch(db, batchId, []).catch(() => {});
    throw error;
  }
  deps.held.noteLocked(outcome.free.map((r) => r.conversationId));
  deps.held.noteHeld(
    outcome.held.map((r) => r.conversationId),
    now,
  );
  const delivered = outcome.delivered;
  if (delivered) {
    delivered.announce(clock.now());
    const ids = (rows: readonly { id: string }[]) => ({ ids: rows.map((r) => r.id) });
    if (delivered.sent.length) events.emit('delivered', ids(delivered.sent.map((s) => s.row)));
    if (delivered.failed.length) events.emit('failed', ids(delivered.failed));
    if (delivered.retried.length) events.emit('retrying', ids(delivered.retried));
  }
  if (outcome.held.length) events.emit('held', { ids: outcome.held.map((r) => r.id) });
  const handled = outcome.free.length;
  return { picked: picked.ids.length, handled, held: handled < picked.ids.length || leftOut.length > 0 };
}

/**
 * Up to `limit` due rows in one batch; then, if that batch was not full and `suspects` may exist,
 * suspects (rows of a batch whose process died) one per transaction, so that a row that kills
 * its process takes no innocent rows with it.
 */
export async function deliverDue(deps: BatchDeps, limit: number, suspects: boolean): Promise<BatchResult> {
  const result = await deliverDueBatch(deps, 'fresh', limit);
  if (result.picked >= limit || !suspects) return result;
  for (let n = 0; n < limit; n++) {
    const one = await deliverDueBatch(deps, 'suspect', 1);
    result.picked += one.picked;
    result.handled += one.handled;
    result.held ||= one.held;
    // None left, or one held by a request right now: the next pass takes it.
    if (one.handled === 0) break;
  }
  return result;
}
