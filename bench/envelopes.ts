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

/**
 * One envelope per group, sealed by its first member for every other member: the size a group
 * message really has (a wrapped key per member). The members' keys are made up, and one made-up
 * key serves them all: the server never opens the envelope, and its size is the same.
 */
export async function groupEnvelopes(
  groups: readonly { conversationId: string; members: readonly string[] }[],
): Promise<Map<string, string>> {
  const sealed = new Map<string, string>();
  const peerKey = publicKeysOf(generateUserKeys()).x25519PublicKey;
  for (const group of groups) {
    const ring = new KeyRing({ userId: group.members[0]!, keys: generateUserKeys() }, { curves: 'noble' });
    sealed.set(
      group.conversationId,
      await sealMessage(
        ring,
        {
          conversationId: group.conversationId,
          kind: 'text',
          recipients: group.members.slice(1).map((userId) => ({ userId, x25519PublicKey: peerKey })),
        },
        { text: BENCH_TEXT },
      ),
    );
    ring.forget();
  }
  return sealed;
}
