import type { AlbumRef, EncryptedMedia, MessageKind } from '@herald/shared';
import { isApiError } from '../http';
import { loadCrypto } from './crypto';
import { conversationKeys } from './directory';
import { currentRing, requireRing } from './key-state';

/** What a person sends: the text, and for a photo or video the sealed file's key and facts. */
export interface SealableContent {
  text: string;
  media?: EncryptedMedia;
  /** One of several files sent together (an album); only beside `media`. */
  album?: AlbumRef;
}

/**
 * Seals content for every current member of the conversation (the sender included), as the
 * envelope JSON to send as a message's `content`. Members without keys yet are addressed without
 * a wrapped key (the server wants every member listed). Waits for the keys if this device is locked.
 */
export async function sealContent(
  conversationId: string,
  kind: MessageKind,
  content: SealableContent,
): Promise<string> {
  const [ring, { sealMessage }, keys] = await Promise.all([
    requireRing(),
    loadCrypto(),
    conversationKeys(conversationId),
  ]);
  return sealMessage(
    ring,
    {
      conversationId,
      kind,
      recipients: keys.members.map((m) => ({ userId: m.userId, x25519PublicKey: m.x25519PublicKey })),
    },
    content.media
      ? { text: content.text, media: content.media, ...(content.album ? { album: content.album } : {}) }
      : { text: content.text },
  );
}

export function sealText(conversationId: string, text: string): Promise<string> {
  return sealContent(conversationId, 'text', { text });
}

/**
 * Seal, then hand the envelope to `send`. When the server answers 409 recipients_mismatch (the
 * members changed since the keys were fetched), the keys are fetched again and the content sealed
 * and sent once more, by itself; a second mismatch is an error with a sentence a person can act on.
 */
export async function sendSealed<T>(
  conversationId: string,
  kind: MessageKind,
  content: SealableContent,
  send: (envelope: string) => Promise<T>,
): Promise<T> {
  try {
    return await send(await sealContent(conversationId, kind, content));
  } catch (error) {
    if (!isApiError(error, 'recipients_mismatch')) throw error;
  }
  await conversationKeys(conversationId, { fresh: true });
  try {
    return await send(await sealContent(conversationId, kind, content));
  } catch (error) {
    if (!isApiError(error, 'recipients_mismatch')) throw error;
    // A plain Error: retryable (the bubble offers Retry), with its own sentence.
    throw new Error(
      'The members of this chat changed while sending, so the message could not be encrypted for them; try again.',
      { cause: error },
    );
  }
}

/**
 * When a chat opens: fetch its members' keys and derive the pairwise keys in the background, so
 * that the first send costs only symmetric work and one signature.
 */
export async function prepareConversation(conversationId: string): Promise<void> {
  const ring = currentRing();
  if (!ring) return;
  const keys = await conversationKeys(conversationId);
  await ring.prepare(keys.members.filter((m) => m.userId !== ring.userId));
}
