import type { MessageKind } from '@herald/shared';
import { openContent, sealContent, type OpenableMessage, type Opened, type SealableContent } from './e2ee';

/**
 * The one place that turns what a person typed into a message's `content` and back. `content` is
 * an end-to-end encrypted envelope (DESIGN section 7; lib/e2ee seals and opens it), so both ways
 * are asynchronous. It lives in lib/ rather than in a feature because messages, scheduling and the
 * chat list all encode or show content, and features do not import each other.
 */
export function encodeContent(conversationId: string, kind: MessageKind, content: SealableContent): Promise<string> {
  return sealContent(conversationId, kind, content);
}

export function decodeContent(message: OpenableMessage): Promise<Opened> {
  return openContent(message);
}

/**
 * One line for a preview (chat list, reply quote, scheduled list): the text, or what stands in
 * for it. `opened` undefined or null: not opened yet.
 */
export function previewText(opened: Opened | null | undefined, empty = ''): string {
  if (!opened) return '…';
  if (opened.state === 'unreadable') return opened.notice;
  return opened.text || empty;
}

/** A reply quote's text: an attachment without words reads "Attachment". */
export function quoteText(opened: Opened | null | undefined): string {
  return previewText(opened, 'Attachment');
}
