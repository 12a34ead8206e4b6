import type { CryptoErrorCode } from '@herald/crypto';
import type { AlbumRef, EncryptedMedia } from '@herald/shared';
import { isApiError } from '../http';
import { loadCrypto } from './crypto';
import { userKeys } from './directory';
import { currentRing, onWipe, useKeyState } from './key-state';
import {
  NOTICES,
  cacheKey,
  clearOpened,
  dropTransient,
  isFinal,
  peek,
  store,
  type OpenableMessage,
  type Opened,
  type UnreadableReason,
} from './opened-cache';
import { onKeysChanged } from './directory';

const inFlight = new Map<string, Promise<Opened>>();

function unreadable(reason: UnreadableReason): Opened {
  return { state: 'unreadable', reason, notice: NOTICES[reason] };
}

/** Legacy content (stored before encryption) is anything that is not a JSON object with a header. */
function looksLikeEnvelope(content: string): boolean {
  if (!content.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(content);
    return typeof value === 'object' && value !== null && 'header' in value;
  } catch {
    return false;
  }
}

const REASON_OF: Partial<Record<CryptoErrorCode, UnreadableReason>> = {
  not_a_recipient: 'not_a_recipient',
  unsupported_version: 'unsupported',
  key_ring_forgotten: 'locked',
};

async function open(message: OpenableMessage): Promise<Opened> {
  if (!looksLikeEnvelope(message.content)) return { state: 'legacy', text: message.content };
  const ring = currentRing();
  if (!ring) return unreadable('locked');
  const { openMessage, isCryptoError } = await loadCrypto();
  let sender: { x25519PublicKey: string; ed25519PublicKey: string } | null;
  let keysChangedAt: string | null = null;
  if (message.senderId === ring.userId) {
    sender = ring.publicKeys;
  } else {
    try {
      const view = await userKeys(message.senderId);
      keysChangedAt = view.keysChangedAt;
      sender =
        view.x25519PublicKey && view.ed25519PublicKey
          ? { x25519PublicKey: view.x25519PublicKey, ed25519PublicKey: view.ed25519PublicKey }
          : null;
    } catch (error) {
      // A deleted or unknown sender cannot vouch for the message; the network can be tried again.
      if (isApiError(error, 'not_found')) sender = null;
      else return unreadable('unavailable');
    }
  }
  if (!sender) return unreadable('unverified');
  try {
    const plaintext = await openMessage(
      ring,
      message.content,
      { conversationId: message.conversationId, senderId: message.senderId },
      sender,
    );
    // An album place only counts beside a file (a text message claiming one is shown alone).
    const album = plaintext.media ? plaintext.album : undefined;
    return { state: 'opened', text: plaintext.text, media: plaintext.media ?? null, ...(album ? { album } : {}) };
  } catch (error) {
    if (isCryptoError(error)) {
      const reason = REASON_OF[error.code] ?? 'unverified';
      // The directory serves current keys only: a message older than the sender's key change
      // cannot verify against them. Still hidden, but the sentence says why.
      const older =
        message.createdAt !== undefined &&
        keysChangedAt !== null &&
        Date.parse(keysChangedAt) > Date.parse(message.createdAt);
      return unreadable(reason === 'unverified' && older ? 'sender_keys_changed' : reason);
    }
    throw error;
  }
}

/**
 * Opens a message's (or scheduled message's) content: its plaintext, a legacy text, or why it
 * cannot be read. Results are cached in memory by message id and content, so a message is opened
 * once per page; concurrent calls share one opening.
 */
export function openContent(message: OpenableMessage): Promise<Opened> {
  const key = cacheKey(message);
  const cached = peekOrLegacy(message, key);
  if (cached) return Promise.resolve(cached);
  const running = inFlight.get(key);
  if (running) return running;
  const generation = useKeyState.getState().generation;
  const promise = open(message)
    .catch((): Opened => unreadable('unavailable'))
    .then((opened) => {
      // A sign-out during the opening: nothing is kept.
      if (useKeyState.getState().generation === generation || isFinal(opened)) {
        if (useKeyState.getState().status !== 'none') store(key, opened);
      }
      return opened;
    })
    .finally(() => inFlight.delete(key));
  inFlight.set(key, promise);
  return promise;
}

/**
 * The cached result, if this content was opened already, or legacy text (which needs no opening):
 * synchronous, for renders.
 */
export function peekOpened(message: OpenableMessage): Opened | undefined {
  return peekOrLegacy(message, cacheKey(message));
}

/** Legacy content is known at once; it is cached without notifying (safe during a render). */
export function peekOrLegacy(message: OpenableMessage, key: string): Opened | undefined {
  const cached = peek(key);
  if (cached || looksLikeEnvelope(message.content)) return cached;
  const legacy: Opened = { state: 'legacy', text: message.content };
  store(key, legacy, { silent: true });
  return legacy;
}

/**
 * What I just sealed, so that my own message shows at once when the server's copy arrives (no
 * second opening of what this device wrote).
 */
export function primeOpened(
  message: OpenableMessage,
  content: { text: string; media?: EncryptedMedia | null; album?: AlbumRef | null },
): void {
  const media = content.media ?? null;
  const album = media ? content.album : undefined;
  store(cacheKey(message), { state: 'opened', text: content.text, media, ...(album ? { album } : {}) });
}

onWipe(() => {
  inFlight.clear();
  clearOpened();
});
useKeyState.subscribe((state, previous) => {
  if (state.generation !== previous.generation) dropTransient();
});
onKeysChanged((change) => {
  if (change.kind === 'user') dropTransient();
});
