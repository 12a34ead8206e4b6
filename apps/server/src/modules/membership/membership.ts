import type { Queryable } from '../../db/db.js';
import { AppError } from '../../lib/app-error.js';
import {
  selectConversation,
  selectMember,
  type ConversationRow,
  type MemberRow,
  type PostingContext,
} from './membership.sql.js';

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

/**
 * Whether the user may post into the conversation now: a current member (else 404), and in a
 * direct chat the other person still exists and no block stands between them (403, worded the
 * same whichever side blocked).
 */
export function assertMayPost(context: PostingContext | undefined): asserts context is PostingContext {
  if (!context || !context.isMember) throw new AppError('not_found', 'No such conversation.');
  if (context.kind !== 'direct') return;
  if (!context.otherId) throw new AppError('recipient_unavailable');
  if (context.otherDeleted) throw new AppError('recipient_unavailable', 'This account was deleted.');
  if (context.blocked) throw new AppError('recipient_unavailable');
}

/**
 * assertMayPost's rule in SQL, over a row of postingContextSql named `ctx`: for a statement that
 * writes only when the user may post (what it refuses, assertMayPost then explains). Keep the two
 * together.
 */
export function mayPostSql(ctx: string): string {
  return `(${ctx}."isMember" AND (${ctx}.kind <> 'direct'
    OR (${ctx}."otherId" IS NOT NULL AND NOT ${ctx}."otherDeleted" AND NOT ${ctx}.blocked)))`;
}
