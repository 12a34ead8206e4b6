import type { Queryable } from '../../db/db.js';
import { AppError } from '../../lib/app-error.js';
import { selectConversation, selectMember, type ConversationRow, type MemberRow } from './membership.sql.js';

export interface Membership {
  conversation: ConversationRow;
  member: MemberRow;
}

/**
 * The caller's current membership, or 404: a conversation I am not in (never was, left, or was
 * removed from) looks exactly like one that does not exist.
 */
export async function requireMembership(q: Queryable, conversationId: string, userId: string): Promise<Membership> {
  const [conversation, member] = await Promise.all([
    selectConversation(q, conversationId),
    selectMember(q, conversationId, userId),
  ]);
  if (!conversation || !member || member.leftAt) throw new AppError('not_found', 'No such conversation.');
  return { conversation, member };
}

export function isAdmin(member: MemberRow): boolean {
  return member.role === 'owner' || member.role === 'admin';
}

export function requireAdmin(membership: Membership): void {
  if (membership.conversation.kind !== 'group') {
    throw new AppError('invalid_state', 'Direct chats have no members to manage.');
  }
  if (!isAdmin(membership.member)) throw new AppError('not_admin');
}

/** "<smaller id>:<larger id>": the key that makes a direct chat between two users unique. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}
