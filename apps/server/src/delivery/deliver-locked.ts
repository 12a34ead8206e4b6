import type { Tx } from '../db/db.js';
import { announceOutcome } from './announce.js';
import type { LockedRow } from './claim.sql.js';
import type { DeliveryDeps } from './delivery-deps.js';
import { recordOutcome, type RecordedOutcome } from './record-outcome.js';
import { planDelivery } from './recheck.js';
import { writeIsolated } from './write.js';

export interface DeliveryOutcome extends RecordedOutcome {
  /** After commit: the events (announce.ts) and the observer. */
  announce(commitTime: Date): void;
}

/**
 * The delivery of rows the caller's transaction has locked (a dispatcher batch, or send-now's
 * one row), top to bottom:
 *   1. re-check each row under its lock (recheck.ts: deliverable, or failed for good, and the
 *      wrapped keys of former members stripped);
 *   2. write the deliverable ones through chat core's one writer, `writeMessages` (write.ts: one
 *      set-based statement; row by row in savepoints if the batch throws);
 *   3. record every outcome (record-outcome.ts: sent, failed, or retried later);
 *   4. announce, once the caller has committed (announce.ts).
 * Nothing here waits for another pooled connection or the disk while the locks are held.
 */
export async function deliverLocked(
  tx: Tx,
  locked: readonly LockedRow[],
  now: Date,
  deps: DeliveryDeps,
  missingBlobs: ReadonlySet<string>,
): Promise<DeliveryOutcome> {
  const plan = planDelivery(locked, now, deps.rules, missingBlobs);
  const writeResult = await writeIsolated(tx, plan.toWrite, now, deps.write, new Set(plan.stripped.keys()));
  const claimed = locked.map(({ checks: _checks, conversationLocked: _conversationLocked, ...row }) => row);
  const outcome = await recordOutcome(tx, claimed, plan, writeResult, now, deps.rules);
  const dueAtMs = new Map(claimed.map((r) => [r.id, r.dueAt.getTime()]));
  return {
    ...outcome,
    announce(commitTime) {
      announceOutcome(
        { broadcaster: deps.broadcaster, maxRetries: deps.rules.maxRetries, observer: deps.observer },
        writeResult.written,
        outcome,
        dueAtMs,
        commitTime,
      );
    },
  };
}
