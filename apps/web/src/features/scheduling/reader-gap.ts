import type { PublicKeysView } from '@herald/shared';

/**
 * Who can read a pending scheduled message, compared with who will receive it. A scheduled
 * message is sealed for the members at the time it was written (DESIGN section 7); the server
 * delivers it to the members at its due time. Anyone who joined since (or whose keys changed)
 * receives it without a key for them until the sender's device seals it again.
 */
export interface ReaderGap {
  /** Current members who have keys but no wrapped key in the envelope: they can't read it yet. */
  cannotRead: string[];
  /** The header's recipients are not exactly the current members (someone joined or left). */
  stale: boolean;
}

/**
 * The envelope's recipients and wrapped-key holders, read without checking the rest of its shape:
 * this only decides whether to seal again (the server and the reader check envelopes). Null for
 * content that is not an envelope (a legacy row from before encryption).
 */
export function envelopeAddress(content: string): { recipients: string[]; keyHolders: string[] } | null {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const { header, keys } = value as { header?: { recipients?: unknown }; keys?: unknown };
  const recipients = header?.recipients;
  if (!Array.isArray(recipients) || !recipients.every((id) => typeof id === 'string')) return null;
  if (!keys || typeof keys !== 'object') return null;
  return { recipients, keyHolders: Object.keys(keys) };
}

/** Null when the content is not an envelope. */
export function readerGap(content: string, members: readonly PublicKeysView[]): ReaderGap | null {
  const address = envelopeAddress(content);
  if (!address) return null;
  const holders = new Set(address.keyHolders);
  const cannotRead = members.filter((m) => m.x25519PublicKey !== null && !holders.has(m.userId)).map((m) => m.userId);
  const current = members.map((m) => m.userId).sort();
  const listed = [...address.recipients].sort();
  const stale = current.length !== listed.length || current.some((id, i) => id !== listed[i]);
  return { cannotRead, stale };
}

/** "1 new member can't read this yet" / "3 new members can't read this yet". */
export function cannotReadText(count: number): string {
  return count === 1 ? "1 new member can't read this yet" : `${count} new members can't read this yet`;
}
