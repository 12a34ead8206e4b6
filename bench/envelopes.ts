/**
 * Real end-to-end encrypted envelopes for the benchmark, so that every workload moves and stores
 * content of the size Herald really carries (a direct-chat text is ~850 characters of envelope,
 * not "hello"). Sealing is client work: it happens before a workload's clock starts.
 */
import {
  KeyRing,
  generateUserKeys,
  publicKeysOf,
  sealKeyBundle,
  sealMessage,
  type UserKeys as CryptoUserKeys,
} from '@herald/crypto';
import type { UserKeys } from '@herald/shared';

/** A short chat line: what most messages are. */
export const BENCH_TEXT = 'See you at nine at the usual place, I will bring the tickets.';

/** New keys and the registration payload (the bundle sealed under a random key: never opened here). */
export function benchKeys(): { keys: CryptoUserKeys; payload: UserKeys } {
  const keys = generateUserKeys();
  const encryptedPrivateKeys = sealKeyBundle(keys, crypto.getRandomValues(new Uint8Array(32)));
  return { keys, payload: { ...publicKeysOf(keys), encryptedPrivateKeys } };
}

/** One envelope per direct chat, from `a` to `b`, with made-up keys (the server never opens it). */
export async function directEnvelopes(
  chats: readonly { conversationId: string; a: string; b: string }[],
): Promise<Map<string, string>> {
  const sealed = new Map<string, string>();
  for (const chat of chats) {
    const ring = new KeyRing({ userId: chat.a, keys: generateUserKeys() }, { curves: 'noble' });
    const peer = publicKeysOf(generateUserKeys());
    sealed.set(
      chat.conversationId,
      await sealMessage(
        ring,
        {
          conversationId: chat.conversationId,
          kind: 'text',
          recipients: [{ userId: chat.b, x25519PublicKey: peer.x25519PublicKey }],
        },
        { text: BENCH_TEXT },
      ),
    );
    ring.forget();
  }
  return sealed;
}

/** An envelope from a user with real keys to a direct chat's other member. */
export async function sealDirect(
  sender: { id: string; keys: CryptoUserKeys },
  conversationId: string,
  peer: { id: string; x25519PublicKey: string },
): Promise<string> {
  const ring = new KeyRing({ userId: sender.id, keys: sender.keys }, { curves: 'noble' });
  try {
    return await sealMessage(
      ring,
      { conversationId, kind: 'text', recipients: [{ userId: peer.id, x25519PublicKey: peer.x25519PublicKey }] },
      { text: BENCH_TEXT },
    );
  } finally {
    ring.forget();
  }
}
