import { loadCrypto } from './crypto';
import { userKeys } from './directory';
import { requireRing } from './key-state';

/**
 * The safety number of me and a contact (60 digits in 12 groups of 5), the same on both sides:
 * the contact's keys are fetched fresh from the directory, so that the number shows the keys
 * messages are sealed with now. Null when the contact has no keys yet.
 */
export async function safetyNumberWith(contactId: string): Promise<string | null> {
  const [ring, crypto, contact] = await Promise.all([
    requireRing(),
    loadCrypto(),
    userKeys(contactId, { fresh: true }),
  ]);
  if (!contact.x25519PublicKey || !contact.ed25519PublicKey) return null;
  return crypto.safetyNumber(
    { userId: ring.userId, ...ring.publicKeys },
    { userId: contact.userId, x25519PublicKey: contact.x25519PublicKey, ed25519PublicKey: contact.ed25519PublicKey },
  );
}
