import type { Message } from '@herald/shared';

/** What the notifier knows when a message arrives live (nothing here reads the page itself). */
export interface NotifyContext {
  myId: string;
  /** This device shows notifications (settings on, permission granted). */
  active: boolean;
  /** The chat is muted for me now (Conversation.mutedUntil still ahead, or 'forever'). */
  muted: boolean;
  /** The chat on screen, in a tab that is visible AND focused: the person is looking at it. */
  watching: boolean;
}

export type NotifyDecision =
  { notify: true } | { notify: false; reason: 'inactive' | 'mine' | 'event' | 'deleted' | 'muted' | 'watching' };

/**
 * Whether a message that just arrived deserves a notification. Never for: my own messages (sent
 * from another device, or my scheduled message going out), timeline event rows ("Ann added Bob"),
 * messages already deleted for everyone, muted chats, or the chat I am looking at. A chat on
 * screen in a tab that is hidden or not focused does notify: I am not looking at it.
 */
export function decideNotify(message: Message, ctx: NotifyContext): NotifyDecision {
  if (!ctx.active) return { notify: false, reason: 'inactive' };
  if (message.senderId === ctx.myId) return { notify: false, reason: 'mine' };
  if ((message.contentType as string) === 'event') return { notify: false, reason: 'event' };
  if ((message as { deletedAt?: string | null }).deletedAt) return { notify: false, reason: 'deleted' };
  if (ctx.muted) return { notify: false, reason: 'muted' };
  if (ctx.watching) return { notify: false, reason: 'watching' };
  return { notify: true };
}

/** Whether a chat is muted at `now` (ms): 'forever', or an instant still ahead. */
export function isMutedAt(mutedUntil: string | null | undefined, now: number): boolean {
  if (!mutedUntil) return false;
  if (mutedUntil === 'forever') return true;
  const until = Date.parse(mutedUntil);
  return Number.isFinite(until) && until > now;
}

/** A notification's title and body, from the sender, the chat and the opened text. */
export function notificationText(input: {
  preview: boolean;
  senderName: string;
  /** Group title; null for a direct chat. */
  groupTitle: string | null;
  /** The decrypted one-line text ('' for an attachment without words); null if it can't be read. */
  text: string | null;
  contentType: Message['contentType'];
  oneTime: boolean;
}): { title: string; body: string } {
  if (!input.preview) return { title: 'Herald', body: 'New message' };
  const title = input.groupTitle ? `${input.senderName} in ${input.groupTitle}` : input.senderName;
  const media = input.oneTime
    ? input.contentType === 'video'
      ? 'One-time video'
      : 'One-time photo'
    : input.contentType === 'image'
      ? 'Photo'
      : input.contentType === 'video'
        ? 'Video'
        : null;
  // One-time media is never opened for a notification: opening it is the one view it allows.
  if (input.oneTime) return { title, body: `👁 ${media}` };
  const text = input.text === null ? 'New message' : input.text.replace(/\s+/g, ' ').trim();
  const body = media
    ? text
      ? `${media === 'Photo' ? '📷' : '🎬'} ${text}`
      : `${media === 'Photo' ? '📷' : '🎬'} ${media}`
    : text || 'New message';
  return { title, body: body.length > 180 ? `${body.slice(0, 179)}…` : body };
}
