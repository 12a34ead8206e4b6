import type { CreateScheduledBody, EnvelopeHeader, ScheduledMessage } from '@herald/shared';
import type { z } from 'zod';
import type { Queryable } from '../../db/db.js';
import { AppError } from '../../lib/app-error.js';
import { assertMayPost, directKey, selectPostingContext, type PostingContext } from '../membership/index.js';
import {
  assertRecipientsAreMembers,
  assertRepliable,
  checkSealedHeader,
  oneTimeMediaColumns,
  validateContent,
} from '../messages/index.js';
import {
  insertScheduledWithinQuota,
  type InsertOutcome,
  type NewScheduled,
  type PendingLimits,
} from './create-scheduled.sql.js';
import { viewOf, type SchedulingApiDeps } from './scheduling-deps.js';
import { selectScheduledByClientId } from './scheduling.sql.js';
import { resolveScheduledTime } from './time-rules.js';
import { wakeDispatchersFor } from './wake-dispatchers.js';

/** A create request as the edge parsed it (the route's schema, JSON or multipart form). */
export type CreateScheduledInput = z.output<typeof CreateScheduledBody>;
type Body = CreateScheduledInput;

export interface CreateOutcome {
  scheduled: ScheduledMessage;
  /** False when this clientId had already scheduled it (the first one is answered). */
  created: boolean;
}

/**
 * Schedules a message. Everything is validated before anything is written (a refused request
 * must not bring back a deleted chat). The content is sealed for the members of an existing
 * conversation (its header names it), so the chat must exist first: a direct chat is opened
 * with POST /api/conversations/direct, never here.
 */
export async function createScheduled(
  deps: SchedulingApiDeps,
  senderId: string,
  body: CreateScheduledInput,
): Promise<CreateOutcome> {
  const { clock } = deps;
  if (body.senderId !== undefined && body.senderId !== senderId) {
    throw new AppError('sender_mismatch', 'senderId must be the signed-in user (or be left out).');
  }
  const repeated = await answerRepeatedClientId(deps, senderId, body.clientId);
  if (repeated) return repeated;
  const now = clock.now();
  const scheduledTime = resolveScheduledTime(body.scheduledTime, now, deps.limits);
  if (body.receiverId === senderId) {
    throw new AppError('validation_failed', 'You cannot schedule a message to yourself.');
  }
  const limits = { perConversation: deps.limits.maxPendingPerConversation, perUser: deps.limits.maxPendingPerUser };
  const request = { deps, senderId, body, scheduledTime, now, limits };
  const { outcome, reopened } = (await insertWithoutReads(request)) ?? (await insertAfterChecks(request));
  if (!outcome.row) {
    // The same clientId won a race: answer with that one.
    const existing = await answerRepeatedClientId(deps, senderId, body.clientId);
    if (!existing) throw new Error('scheduled insert produced nothing');
    return existing;
  }
  await wakeDispatchersFor(deps, outcome.row.dueAt);
  const scheduled = viewOf(deps, outcome.row);
  // First the event, then the chat coming back: the conversation view a deleted chat returns with
  // already counts this message in scheduledPendingCount, so a client that applies the event as
  // +1 (to a chat it does not list yet: nothing) and then takes the view's count stays right.
  deps.broadcaster.toUsers([senderId], 'scheduled_message_created', scheduled);
  if (reopened) await deps.conversations.announceOpened(reopened, senderId);
  return { scheduled, created: true };
}

/** A create request past its pure checks (time, sender), with what every path needs. */
interface CreateRequest {
  deps: SchedulingApiDeps;
  senderId: string;
  body: Body;
  scheduledTime: Date;
  now: Date;
  limits: PendingLimits;
}

/** The insert's outcome, and the conversation it brought back from deleted, if it did. */
interface Inserted {
  outcome: InsertOutcome;
  reopened: string | undefined;
}

function newRow(
  r: CreateRequest,
  conversationId: string,
  receiverId: string | null,
  contentType: NewScheduled['contentType'],
): NewScheduled {
  const { body } = r;
  return {
    conversationId,
    senderId: r.senderId,
    receiverId,
    content: body.content,
    contentType,
    mediaId: body.mediaId ?? null,
    ...oneTimeMediaColumns(body),
    replyToId: body.replyToId ?? null,
    scheduledTime: r.scheduledTime,
    clientId: body.clientId ?? null,
    showAsScheduled: body.showAsScheduled ?? false,
    now: r.now,
  };
}

/**
 * The common case in ONE statement: text into a named conversation, no reply, no media (whose
 * checks read the database). The content and header checks need nothing read, and the statement
 * reads the posting context itself, writing only if the sender may post there (a 'gated' insert).
 * Undefined when this path cannot say: a check refused, or the statement found the sender may
 * not post without more (not a member, a block, a chat they deleted). insertAfterChecks then
 * answers, with its checks in their order (a non-member is told 404 before anything about the
 * content), so that a refusal reads the same whichever path met it.
 */
async function insertWithoutReads(r: CreateRequest): Promise<Inserted | undefined> {
  const { deps, senderId, body } = r;
  const conversationId = body.conversationId;
  if (!conversationId || body.mediaId || body.replyToId) return undefined;
  let header: EnvelopeHeader;
  let contentType: NewScheduled['contentType'];
  try {
    // Without media, validateContent reads nothing.
    const kind = await validateContent(deps.db, senderId, body);
    if (kind === 'event') return undefined;
    contentType = kind;
    header = checkSealedHeader(body.content, { conversationId, senderId, kind });
  } catch {
    return undefined;
  }
  const row = newRow(r, conversationId, body.receiverId ?? null, contentType);
  const outcome = await insertScheduledWithinQuota(deps.db, row, header.recipients, r.limits, 'gated');
  if (!outcome.postable) return undefined;
  assertInserted(outcome, header, r.limits);
  return { outcome, reopened: undefined };
}

/**
 * Every case: the posting context read and asserted, the content, media and reply checked, then
 * the insert (one statement). A chat the sender deleted comes back in the same transaction as
 * the insert, and only if the message is scheduled (a refusal throws: rollback).
 */
async function insertAfterChecks(r: CreateRequest): Promise<Inserted> {
  const { deps, senderId, body } = r;
  const { db } = deps;
  const context = await requirePostingContext(deps, db, senderId, body);
  const contentType = await validateContent(db, senderId, body);
  // The body's schema offers text, image and video only; this narrows the type.
  if (contentType === 'event') throw new AppError('validation_failed', 'A timeline event cannot be scheduled.');
  const conversationId = context.conversationId;
  const header = checkSealedHeader(body.content, { conversationId, senderId, kind: contentType });
  if (body.replyToId) await assertRepliable(db, conversationId, body.replyToId);

  const row = newRow(r, conversationId, context.otherId, contentType);
  const insert = async (q: Queryable) => {
    const result = await insertScheduledWithinQuota(q, row, header.recipients, r.limits);
    assertInserted(result, header, r.limits);
    return result;
  };
  if (!context.hidden) return { outcome: await insert(db), reopened: undefined };
  const outcome = await db.transaction(async (tx) => {
    const result = await insert(tx);
    if (result.row) await deps.conversations.unhideIn(tx, senderId, conversationId);
    return result;
  });
  return { outcome, reopened: conversationId };
}

async function answerRepeatedClientId(
  deps: SchedulingApiDeps,
  senderId: string,
  clientId: string | undefined,
): Promise<CreateOutcome | undefined> {
  if (!clientId) return undefined;
  const existing = await selectScheduledByClientId(deps.db, senderId, clientId);
  return existing ? { scheduled: viewOf(deps, existing), created: false } : undefined;
}

/** The conversation: named, or the direct chat with receiverId; read only, and one read. */
async function requirePostingContext(
  deps: SchedulingApiDeps,
  q: Queryable,
  senderId: string,
  body: Body,
): Promise<PostingContext> {
  const context = await selectPostingContext(
    q,
    senderId,
    body.conversationId
      ? { conversationId: body.conversationId }
      : { directKey: directKey(senderId, body.receiverId!) },
  );
  if (!body.conversationId && (!context || !context.isMember)) {
    // Who cannot be written to at all hears why (no such user, a block), as before.
    await deps.conversations.assertMayOpenDirect(q, senderId, body.receiverId!);
    throw new AppError(
      'validation_failed',
      'Open the chat with this person first (POST /api/conversations/direct): a scheduled message is sealed for the members of an existing chat.',
      [{ path: 'receiverId', message: 'no chat with this person yet' }],
    );
  }
  assertMayPost(context);
  if (body.receiverId && body.conversationId && context.otherId !== body.receiverId) {
    throw new AppError('validation_failed', 'receiverId is not the other member of that conversation.');
  }
  return context;
}

/**
 * Refusals the insert reports, in the order they are checked: recipients other than the members
 * (409), quotas (429), media already used (409). Throwing rolls a surrounding transaction back.
 */
function assertInserted(
  result: InsertOutcome,
  header: EnvelopeHeader,
  limits: { perConversation: number; perUser: number },
): void {
  if (result.memberIds) {
    assertRecipientsAreMembers(header.recipients, result.memberIds);
    // Only a difference the database sees and the sets do not (never, for canonical ids).
    throw new Error('scheduled insert refused recipients that match the members');
  }
  assertUnderQuota(result, limits);
  if (!result.mediaAttached) throw new AppError('conflict', 'This media is already attached to another message.');
}

/** 429 quota_exceeded when the sender's pending counts (before this one) reached a limit. */
export function assertUnderQuota(
  result: { inConversation: number; total: number },
  limits: { perConversation: number; perUser: number },
): void {
  if (result.inConversation >= limits.perConversation) {
    throw new AppError(
      'quota_exceeded',
      `You already have ${result.inConversation} messages scheduled in this conversation (the limit is ${limits.perConversation}).`,
      { scope: 'conversation', limit: limits.perConversation },
    );
  }
  if (result.total >= limits.perUser) {
    throw new AppError(
      'quota_exceeded',
      `You already have ${result.total} scheduled messages (the limit is ${limits.perUser}).`,
      { scope: 'user', limit: limits.perUser },
    );
  }
}
