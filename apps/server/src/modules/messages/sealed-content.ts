import {
  parseMessageEnvelope,
  withoutRecipients,
  type EnvelopeHeader,
  type MessageContentType,
  type RecipientsMismatchDetails,
  type UserId,
} from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import { AppError } from '../../lib/app-error.js';
import { selectCurrentMemberIds } from '../membership/index.js';

/**
 * The server's whole part in end-to-end encryption of messages (DESIGN section 7,
 * docs/e2ee-format.md "What the server checks"): it never opens an envelope, it only checks that
 * new content is one, that its header names this conversation, this sender and this kind, and that
 * it is addressed to exactly the current members. Live sends (HTTP and socket), scheduled creates
 * and scheduled content edits all go through here, before they write anything.
 */

/** Where new content is going: the header must say the same. */
export interface SealedTarget {
  conversationId: string;
  senderId: string;
  kind: MessageContentType;
}

function headerMismatch(field: keyof EnvelopeHeader, message: string): AppError {
  return new AppError('validation_failed', `The envelope's header.${field} ${message}.`, [
    { path: `content.header.${field}`, message },
  ]);
}

/**
 * Rules 1 and 2: the content is a MessageEnvelope (else 400 not_encrypted) whose header names the
 * target conversation, the session's user and the message's contentType (else 400
 * validation_failed naming the field). Returns the header, whose recipients rule 3 checks.
 */
export function checkSealedHeader(content: string, target: SealedTarget): EnvelopeHeader {
  const envelope = parseMessageEnvelope(content);
  if (!envelope) {
    throw new AppError(
      'not_encrypted',
      'Message content must be an end-to-end encrypted envelope (sealMessage of @herald/crypto); plaintext is refused.',
    );
  }
  const { header } = envelope;
  if (header.conversationId !== target.conversationId) {
    throw headerMismatch('conversationId', 'is not the conversation the message is sent to');
  }
  if (header.senderId !== target.senderId) throw headerMismatch('senderId', 'is not the signed-in user');
  if (header.kind !== target.kind) throw headerMismatch('kind', `must equal the contentType (${target.kind})`);
  return header;
}

/**
 * Rule 3: the recipients (sorted, unique, the sender included) are exactly the current members,
 * else 409 recipients_mismatch with the ids to add (`missing`) and to drop (`extra`). The client
 * refreshes the keys (GET /api/conversations/:id/keys) and seals again.
 */
export function assertRecipientsAreMembers(recipients: readonly string[], memberIds: readonly string[]): void {
  const members = new Set(memberIds);
  const listed = new Set(recipients);
  const missing = [...members].filter((id) => !listed.has(id)).sort();
  const extra = [...listed].filter((id) => !members.has(id)).sort();
  if (missing.length === 0 && extra.length === 0) return;
  const details: RecipientsMismatchDetails = { missing: missing as UserId[], extra: extra as UserId[] };
  const parts = [
    missing.length ? `${missing.length} current member${missing.length === 1 ? ' is' : 's are'} missing` : '',
    extra.length ? `${extra.length} recipient${extra.length === 1 ? ' is' : 's are'} not a member` : '',
  ].filter(Boolean);
  throw new AppError(
    'recipients_mismatch',
    `The message is not addressed to the current members (${parts.join(', ')}): fetch the conversation's keys and seal it again.`,
    details,
  );
}

/**
 * Rule 3 against the members as `q` reads them now: call it inside the transaction that writes
 * the message, before its first write, so that the check and the write see the same membership
 * as closely as the database allows (a leave committed in between is still possible; delivery of
 * scheduled messages strips such keys again, see `withoutKeysOf`).
 */
export async function assertAddressedToMembers(
  q: Queryable,
  conversationId: string,
  header: EnvelopeHeader,
): Promise<void> {
  assertRecipientsAreMembers(header.recipients, await selectCurrentMemberIds(q, conversationId));
}

/**
 * Delivery of a scheduled message: the content without the wrapped keys of `gone` (members who
 * left since it was sealed), or undefined when there is nothing to strip: no key of theirs, or
 * not an envelope at all (a legacy row from before encryption is delivered as it is). The
 * header, and so the signature, stay as sealed; the remaining readers still open it.
 */
export function withoutKeysOf(content: string, gone: ReadonlySet<string>): string | undefined {
  if (gone.size === 0) return undefined;
  // A cheap look first: most rows hold no key of anyone gone, and need no schema check at all.
  let keys: unknown;
  try {
    keys = (JSON.parse(content) as { keys?: unknown } | null)?.keys;
  } catch {
    return undefined;
  }
  if (typeof keys !== 'object' || keys === null) return undefined;
  const holders = Object.keys(keys);
  if (!holders.some((id) => gone.has(id))) return undefined;
  try {
    return withoutRecipients(content, new Set(holders.filter((id) => !gone.has(id))));
  } catch {
    return undefined; // not a valid envelope: delivered unchanged, like legacy content
  }
}
