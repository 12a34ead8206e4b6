import type { AlbumRef, EncryptedMedia } from '@herald/shared';

/**
 * What a message's `content` says once opened on this device, or why it cannot be read, with the
 * sentence to show. `final` results are cached for the page's lifetime; the others (keys locked,
 * a lookup that failed on the network) are dropped when the keys change so that they are tried
 * again.
 */
export type Opened =
  | { state: 'opened'; text: string; media: EncryptedMedia | null; album?: AlbumRef | null }
  /** Stored before encryption existed: shown as it is, with a "not encrypted" mark. */
  | { state: 'legacy'; text: string }
  | { state: 'unreadable'; reason: UnreadableReason; notice: string };

export type UnreadableReason =
  /** No wrapped key for this user: sealed before they joined (or before they had keys). */
  | 'not_a_recipient'
  /** Altered, badly signed, addressed to another conversation or sender: hidden, never shown. */
  | 'unverified'
  /** Written by a newer client (an envelope version this one does not know). */
  | 'unsupported'
  /** Does not verify, and the sender's keys changed after it was sent: sealed with their old keys. */
  | 'sender_keys_changed'
  /** This device's keys are not open (unlock screen). Not final. */
  | 'locked'
  /** The sender's public keys could not be fetched (network). Not final. */
  | 'unavailable';

export const NOTICES: Record<UnreadableReason, string> = {
  not_a_recipient: 'This message was encrypted before you joined; ask the sender to send it again.',
  unverified: 'This message could not be verified and is hidden.',
  unsupported: 'This message was sent from a newer version of Herald; reload the page to read it.',
  sender_keys_changed:
    "This message was sent with the sender's previous security key and can no longer be verified; it is hidden.",
  locked: 'Unlock this device with your password to read this message.',
  unavailable: 'This message could not be opened right now; it will be tried again.',
};

export function isFinal(opened: Opened): boolean {
  return opened.state !== 'unreadable' || (opened.reason !== 'locked' && opened.reason !== 'unavailable');
}

/** Anything with content that was sealed in a conversation by a sender (a message, a scheduled one). */
export interface OpenableMessage {
  id: string;
  conversationId: string;
  senderId: string;
  content: string;
  /** When it was written: tells "sealed with the sender's old keys" from altered. */
  createdAt?: string;
}

/** FNV-1a (32 bits) of the content: the same id with other content (an edit, stripped keys) is another entry. */
function contentHash(content: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < content.length; i++) {
    hash ^= content.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

export function cacheKey(message: OpenableMessage): string {
  return `${message.id}:${message.content.length}:${contentHash(message.content)}`;
}

/** Plaintext lives here, in memory only (never in storage): gone with the page or on sign-out. */
const MAX_ENTRIES = 10_000;
const entries = new Map<string, Opened>();
const subscribers = new Map<string, Set<() => void>>();

export function peek(key: string): Opened | undefined {
  return entries.get(key);
}

export function store(key: string, opened: Opened, options?: { silent?: boolean }): void {
  entries.set(key, opened);
  if (entries.size > MAX_ENTRIES) {
    // Oldest first (a Map keeps insertion order); a view still showing one opens it again.
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }
  if (!options?.silent) notify(key);
}

export function subscribe(key: string, listener: () => void): () => void {
  let set = subscribers.get(key);
  if (!set) subscribers.set(key, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0 && subscribers.get(key) === set) subscribers.delete(key);
  };
}

function notify(key: string): void {
  for (const listener of subscribers.get(key) ?? []) listener();
}

/** Forget results that may change now (the keys were unlocked, or someone's keys changed). */
export function dropTransient(): void {
  for (const [key, opened] of [...entries]) {
    if (!isFinal(opened)) {
      entries.delete(key);
      notify(key);
    }
  }
}

/** Sign-out: every plaintext goes. */
export function clearOpened(): void {
  const keys = [...entries.keys()];
  entries.clear();
  for (const key of keys) notify(key);
}
