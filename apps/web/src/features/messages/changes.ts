import { create } from 'zustand';
import {
  DELETE_FOR_EVERYONE_WINDOW_SECONDS,
  EDIT_WINDOW_SECONDS,
  type EncryptedMedia,
  type Message,
} from '@herald/shared';
import { primeOpened, sendSealed } from '../../lib/e2ee';
import { http } from '../../lib/http';
import { isLocal } from './merge';
import { useMessages } from './store';

/**
 * Editing and deleting sent messages (docs/web.md "Edit and delete"): which message is being
 * edited or deleted on this screen (one at a time), what may be done to a message now, and the
 * requests. An edit seals the new text (and, for a photo or video, the same file key) for the
 * conversation's current members, exactly like a send (lib/e2ee sendSealed, with its one re-seal
 * on 409 recipients_mismatch). The server's answer and its `message_updated` event are the same
 * message: the store merges them (order.ts insertMessage), and the opened-content cache is keyed by
 * the content's hash, so the new text shows everywhere at once.
 */

interface ChangesState {
  /** The message whose action menu is open (hover toolbar, right click, long press). */
  menuFor: string | null;
  /** The message being edited in place. */
  editing: string | null;
  /** The message whose delete dialog is open. */
  deleting: string | null;
  openMenu: (messageId: string | null) => void;
  startEdit: (messageId: string) => void;
  startDelete: (messageId: string) => void;
  close: () => void;
}

export const useMessageChanges = create<ChangesState>()((set) => ({
  menuFor: null,
  editing: null,
  deleting: null,
  openMenu: (menuFor) => set({ menuFor }),
  startEdit: (editing) => set({ editing, menuFor: null, deleting: null }),
  startDelete: (deleting) => set({ deleting, menuFor: null }),
  close: () => set({ menuFor: null, editing: null, deleting: null }),
}));

const PERSON_KINDS = new Set(['text', 'image', 'video']);

/** A person's message the server still holds (not an optimistic copy, not a timeline event). */
export function isChangeable(message: Pick<Message, 'id' | 'contentType'>): boolean {
  return !isLocal(message) && PERSON_KINDS.has(message.contentType);
}

function withinWindow(message: Pick<Message, 'createdAt'>, seconds: number, now: number): boolean {
  return now - Date.parse(message.createdAt) <= seconds * 1000;
}

/** Edit: my own, not deleted, within EDIT_WINDOW_SECONDS (the server's rule, shown before it refuses). */
export function canEdit(message: Message, myId: string, now = Date.now()): boolean {
  return (
    isChangeable(message) &&
    message.senderId === myId &&
    !message.deletedAt &&
    withinWindow(message, EDIT_WINDOW_SECONDS, now)
  );
}

/** Delete for everyone: my own, not yet deleted, within DELETE_FOR_EVERYONE_WINDOW_SECONDS. */
export function canDeleteForEveryone(message: Message, myId: string, now = Date.now()): boolean {
  return (
    isChangeable(message) &&
    message.senderId === myId &&
    !message.deletedAt &&
    withinWindow(message, DELETE_FOR_EVERYONE_WINDOW_SECONDS, now)
  );
}

export const messageChangesApi = {
  edit: (messageId: string, content: string) =>
    http.patch<Message>(`/api/messages/${encodeURIComponent(messageId)}`, { content }),
  deleteForEveryone: (messageId: string) =>
    http.delete<Message>(`/api/messages/${encodeURIComponent(messageId)}?for=everyone`),
  deleteForMe: (messageId: string) => http.delete<null>(`/api/messages/${encodeURIComponent(messageId)}?for=me`),
};

/** Seals the new text for the current members and replaces the message's content. */
export async function editMessage(message: Message, text: string, media: EncryptedMedia | null): Promise<Message> {
  const content = media ? { text, media } : { text };
  // Only people's messages reach here (isChangeable): text, image or video.
  const kind = message.contentType as 'text' | 'image' | 'video';
  const updated = await sendSealed(message.conversationId, kind, content, (envelope) =>
    messageChangesApi.edit(message.id, envelope),
  );
  // What this device sealed shows at once, without opening it again.
  primeOpened(updated, content);
  useMessages.getState().receive(updated);
  return updated;
}

/** Delete for everyone: the tombstone replaces the message here at once (and for everyone by the event). */
export async function deleteForEveryone(message: Message): Promise<Message> {
  const tombstone = await messageChangesApi.deleteForEveryone(message.id);
  useMessages.getState().receive(tombstone);
  return tombstone;
}

/** Delete for me: gone from this device at once (and from my other devices by the event). */
export async function deleteForMe(message: Message): Promise<void> {
  await messageChangesApi.deleteForMe(message.id);
  useMessages.getState().remove(message.conversationId, [message.id]);
}
