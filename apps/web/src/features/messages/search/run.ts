import { openContent } from '../../../lib/e2ee';
import { findMatches, type Range } from '../../../lib/format/match';
import { stripMarkdown } from '../../../lib/format/markdown';
import type { TimelineMessage } from '../merge';

export interface SearchHit {
  message: TimelineMessage;
  /** The message's words as shown (markers stripped). */
  text: string;
  /** The first match in `text`. */
  range: Range;
}

/** Timeline events, deleted messages and messages not yet sent are not searched. */
export function searchable(message: TimelineMessage): boolean {
  const m = message as TimelineMessage & { deletedAt?: string | null; contentType: string };
  if (m.contentType === 'event') return false;
  if (m.deletedAt) return false;
  if (m.localStatus) return false;
  // One-time media is opened only when viewed (each opening is counted).
  return !m.isOneTimeMedia;
}

const CHUNK = 50;

/**
 * Opens (on this device; cached) every searchable message and returns those whose words match the
 * folded query, newest first. `isCancelled` stops between chunks when the query changed.
 */
export async function searchMessages(
  messages: readonly TimelineMessage[],
  foldedQuery: string,
  isCancelled: () => boolean = () => false,
): Promise<SearchHit[] | null> {
  const candidates = messages.filter(searchable);
  const hits: SearchHit[] = [];
  for (let i = candidates.length; i > 0; i -= CHUNK) {
    const chunk = candidates.slice(Math.max(0, i - CHUNK), i);
    const opened = await Promise.all(chunk.map((m) => openContent(m)));
    if (isCancelled()) return null;
    for (let k = chunk.length - 1; k >= 0; k--) {
      const o = opened[k]!;
      if (o.state === 'unreadable' || !o.text) continue;
      const text = stripMarkdown(o.text);
      const [range] = findMatches(text, foldedQuery, 1);
      if (range) hits.push({ message: chunk[k]!, text, range });
    }
  }
  return hits;
}
