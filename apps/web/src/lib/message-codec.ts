import type { Opened } from './e2ee';
import { stripMarkdown } from './format/markdown';

/**
 * How message content reads in one line. Content is an end-to-end encrypted envelope: lib/e2ee
 * seals (`sealContent`, `sendSealed`) and opens (`openContent`, `useOpened`) it; these helpers
 * only word what was opened. They live in lib/ because messages, scheduling and the chat list all
 * show content, and features do not import each other.
 */

/**
 * One line for a preview (chat list, reply quote, scheduled list): the text, or what stands in
 * for it. `opened` undefined or null: not opened yet.
 */
export function previewText(opened: Opened | null | undefined, empty = ''): string {
  if (!opened) return '…';
  if (opened.state === 'unreadable') return opened.notice;
  // Markers stripped: a preview shows the words, not the formatting (lib/format/markdown.ts).
  return stripMarkdown(opened.text) || empty;
}

/** A reply quote's text: an attachment without words reads "Attachment". */
export function quoteText(opened: Opened | null | undefined): string {
  return previewText(opened, 'Attachment');
}
