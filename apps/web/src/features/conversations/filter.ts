import type { Conversation } from '@herald/shared';
import { peekOpened } from '../../lib/e2ee';
import { stripMarkdown } from '../../lib/format/markdown';
import { fold } from '../../lib/format/match';
import { conversationTitle } from './model';

/**
 * Does this chat match the words typed above the list (already folded: lib/format/match.ts)? Its
 * title, its members' names and usernames, and its last message's words as opened on this device
 * (the server cannot read them; a message not opened yet is not matched).
 */
export function conversationMatches(conversation: Conversation, myId: string, foldedQuery: string): boolean {
  if (!foldedQuery) return true;
  const has = (text: string | null | undefined) => !!text && fold(text).folded.includes(foldedQuery);
  if (has(conversationTitle(conversation, myId))) return true;
  for (const member of conversation.members) {
    if (member.user.id === myId) continue;
    if (has(member.user.displayName) || has(member.user.username)) return true;
  }
  const last = conversation.lastMessage;
  if (last && !last.isOneTimeMedia) {
    const opened = peekOpened(last);
    if (opened && opened.state !== 'unreadable' && has(stripMarkdown(opened.text))) return true;
  }
  return false;
}
