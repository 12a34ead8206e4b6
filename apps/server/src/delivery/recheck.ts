import { FAILURE_TEXT, type FailureCode } from '@herald/shared';
import { withoutKeysOf } from '../modules/messages/index.js';
import type { ScheduledRow } from '../modules/scheduling/index.js';
import type { DeliveryChecks, LockedRow } from './claim.sql.js';
import type { DeliveryRules } from './delivery-deps.js';

export interface PermanentFailure {
  id: string;
  code: FailureCode;
  detail: string;
}

/** What the re-check under the locks decided, row by row. */
export interface DeliveryPlan {
  /** Deliverable rows, with the content to deliver (former members' wrapped keys stripped). */
  toWrite: ScheduledRow[];
  /** Rows that can never be delivered, with the reason the sender reads. */
  permanent: PermanentFailure[];
  /** Content with the wrapped keys of members gone since sealing stripped, by scheduled id. */
  stripped: Map<string, string>;
}

/** The permanent reason a locked row cannot be delivered now, if any (first match wins). */
function failureOf(
  row: ScheduledRow,
  checks: DeliveryChecks,
  now: Date,
  rules: DeliveryRules,
  missingBlobs: ReadonlySet<string>,
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
  // The blob must still be on disk, not just in the table (looked for before the locks were taken).
  if (checks.mediaKey && missingBlobs.has(checks.mediaKey)) return fail('media_missing');
  return null;
}

/**
 * Re-checks each locked row (under the locks, so nothing changes under it) and decides: deliver,
 * or fail for good. Membership at the due time decides who can read it: whoever left since sealing
 * loses their wrapped key, in the message and (with markSent) in the stored row; whoever joined
 * gets it without a key. No database call and no disk access: it runs while the locks are held.
 */
export function planDelivery(
  locked: readonly LockedRow[],
  now: Date,
  rules: DeliveryRules,
  missingBlobs: ReadonlySet<string>,
): DeliveryPlan {
  const plan: DeliveryPlan = { toWrite: [], permanent: [], stripped: new Map() };
  for (const { checks, ...row } of locked) {
    const failure = failureOf(row, checks, now, rules, missingBlobs);
    if (failure) {
      plan.permanent.push({ id: row.id, ...failure });
      continue;
    }
    const content = withoutKeysOf(row.content, new Set(checks.formerMembers));
    if (content === undefined) plan.toWrite.push(row);
    else {
      plan.stripped.set(row.id, content);
      plan.toWrite.push({ ...row, content });
    }
  }
  return plan;
}

/** The storage keys among `keys` whose blob is not in storage (asked in parallel, before any lock). */
export async function findMissingBlobs(
  storage: { exists(key: string): Promise<boolean> },
  keys: readonly string[],
): Promise<Set<string>> {
  const unique = [...new Set(keys)];
  const present = await Promise.all(unique.map((key) => storage.exists(key)));
  return new Set(unique.filter((_, i) => !present[i]));
}
