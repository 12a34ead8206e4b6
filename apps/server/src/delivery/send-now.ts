import type { Db } from '../db/db.js';
import type { BlobStorage } from '../lib/blob-storage.js';
import type { Clock } from '../lib/clock.js';
import type { DeliverNowResult } from '../modules/scheduling/index.js';
import { lockOwnScheduled } from './claim.sql.js';
import { deliverLocked } from './deliver-locked.js';
import type { DeliveryDeps } from './delivery-deps.js';
import { finishBatch } from './outcome.sql.js';
import { findMissingBlobs } from './recheck.js';

/** What send-now did to the sender's row (the scheduling API turns it into its answer). */
export type SendNowResult = DeliverNowResult;

export interface SendNowDeps extends DeliveryDeps {
  db: Db;
  clock: Clock;
  storage: Pick<BlobStorage, 'exists'>;
}

/**
 * Delivers one of the sender's rows now, through the dispatcher's path (deliver-locked.ts). It
 * waits (under the request's lock_timeout) for a delivery that holds the row, then works on the
 * row as it is. Its one media blob, if any, is looked for under the row's lock: one row, one
 * file check (a batch looks before locking anything, see deliver-batch.ts).
 */
export async function sendScheduledNow(deps: SendNowDeps, senderId: string, id: string): Promise<SendNowResult> {
  const { db, clock } = deps;
  const now = clock.now();
  const result = await db.transaction(async (tx) => {
    const locked = await lockOwnScheduled(tx, id, senderId);
    if (!locked) return { kind: 'missing' as const };
    const { checks, ...row } = locked;
    if (row.status !== 'pending') return { kind: 'not_pending' as const, row };
    const missingBlobs = await findMissingBlobs(deps.storage, checks.mediaKey ? [checks.mediaKey] : []);
    const delivered = await deliverLocked(tx, [locked], now, deps, missingBlobs);
    // Struck from dead batches' records, if it is in one (rarely: skip the statements then).
    if (checks.crashes > 0) await finishBatch(tx, null, [row.id]);
    return { kind: 'delivered' as const, delivered };
  });
  if (result.kind !== 'delivered') return result;
  const { delivered } = result;
  delivered.announce(clock.now());
  const sent = delivered.sent[0];
  if (sent) return { kind: 'sent', row: sent.row, message: sent.message };
  const outcome = delivered.failed[0] ?? delivered.retried[0];
  if (!outcome) throw new Error('send-now: a locked pending row produced no outcome');
  return { kind: 'not_sent', row: outcome };
}
