import type { ConversationKeys, PublicKeysView } from '@herald/shared';
import { keysApi } from './api';
import { observeKeys } from './key-changes';
import { onWipe } from './key-state';

/**
 * A cache of the server's public-key directory: the keys of each conversation's current members
 * (to seal for them) and of single users (to verify a sender who may have left since). Entries are
 * promises, so that fifty messages from one sender ask the server once. A conversation's entry is
 * dropped when its members change (member_joined / member_left); a user's keys changing
 * (user_keys_changed) drops that user and every conversation entry, then tells listeners.
 */
export type KeysChange = { kind: 'members'; conversationId: string } | { kind: 'user'; keys: PublicKeysView };

const byConversation = new Map<string, Promise<ConversationKeys>>();
const byUser = new Map<string, Promise<PublicKeysView>>();
const listeners = new Set<(change: KeysChange) => void>();

function remember<K, V>(map: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  const cached = map.get(key);
  if (cached) return cached;
  const promise = load();
  map.set(key, promise);
  // A failed lookup is not cached: the next use asks again.
  promise.catch(() => {
    if (map.get(key) === promise) map.delete(key);
  });
  return promise;
}

/** The current members of a conversation and their public keys (sorted by user id). */
export function conversationKeys(conversationId: string, options?: { fresh?: boolean }): Promise<ConversationKeys> {
  if (options?.fresh) byConversation.delete(conversationId);
  return remember(byConversation, conversationId, async () => {
    const keys = await keysApi.conversation(conversationId);
    for (const member of keys.members) {
      byUser.set(member.userId, Promise.resolve(member));
      observeKeys(member);
    }
    return keys;
  });
}

/** One user's public keys (404 for an unknown or deleted user). */
export function userKeys(userId: string, options?: { fresh?: boolean }): Promise<PublicKeysView> {
  if (options?.fresh) byUser.delete(userId);
  return remember(byUser, userId, async () => {
    const keys = await keysApi.user(userId);
    observeKeys(keys);
    return keys;
  });
}

/** member_joined / member_left: the next seal asks for the new member list. */
export function membersChanged(conversationId: string): void {
  byConversation.delete(conversationId);
  emit({ kind: 'members', conversationId });
}

/** user_keys_changed: that user's keys are fetched again wherever they are needed. */
export function userKeysChanged(keys: PublicKeysView): void {
  byUser.set(keys.userId, Promise.resolve(keys));
  observeKeys(keys);
  // Any conversation may list them: dropping all entries is cheap (one request per open chat).
  byConversation.clear();
  emit({ kind: 'user', keys });
}

/** Listen for membership and key changes (e.g. to re-seal pending scheduled messages). */
export function onKeysChanged(listener: (change: KeysChange) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(change: KeysChange): void {
  for (const listener of listeners) listener(change);
}

onWipe(() => {
  byConversation.clear();
  byUser.clear();
});
