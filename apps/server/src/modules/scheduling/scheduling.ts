import {
  CreateScheduledBody,
  FAILURE_TEXT,
  ScheduledListQuery,
  UpdateScheduledBody,
  type FailureCode,
  type Message,
  type ScheduledMessage,
} from '@herald/shared';
import type { Db, Queryable } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import type { BlobStorage } from '../../lib/blob-storage.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import type { MembershipEndedStep } from '../../lib/membership-events.js';
import type { AccountDeletionStep } from '../../lib/session-events.js';
import { parseInput } from '../../lib/validate.js';
import type { ConversationsService } from '../conversations/index.js';
import { assertMayPost, directKey, selectPostingContext } from '../membership/index.js';
import {
  assertAddressedToMembers,
  assertRepliable,
  checkSealedHeader,
  oneTimeMediaColumns,
  validateContent,
} from '../messages/index.js';
import { finishBatch, lockOwnScheduled } from './delivery.sql.js';
import {
  announceFailed,
  deliverDueBatch,
  deliverLocked,
  type BatchResult,
  type DeliveryObserver,
  type DeliveryRules,
  type WriteMessages,
} from './delivery.js';
import { toScheduled } from './scheduled-view.js';
import {
  cancelPending,
  countPendingByConversation,
  countUnseenFailures,
  dismissFailed,
  failPendingWhere,
  insertScheduledWithinQuota,
  lockSenderQuota,
  markFailuresSeen,
  releaseMedia,
  selectScheduled,
  selectScheduledByClientId,
  selectConversationTitles,
  selectScheduledList,
  updatePending,
  type ScheduledRow,
} from './scheduling.sql.js';
import { resolveScheduledTime } from './time-rules.js';

/** The NOTIFY channel every dispatcher listens on; the payload is the new due time in epoch ms. */
export const SCHEDULE_CHANNEL = 'herald_scheduled';

export interface SchedulingDeps {
  db: Db;
  clock: Clock;
  broadcaster: Broadcaster;
  storage: BlobStorage;
  conversations: ConversationsService;
  write: WriteMessages;
  rules: DeliveryRules;
  limits: {
    minLeadSeconds: number;
    maxHorizonDays: number;
    maxPendingPerConversation: number;
    maxPendingPerUser: number;
  };
  observer?: DeliveryObserver;
  /**
   * Dispatchers re-read the next due time at least this often (their poll): a row due later needs
   * no NOTIFY.
   */
  wakeWithinMs: number;
}

export type SchedulingService = ReturnType<typeof createSchedulingService>;

const FAILURE_BY_REASON = {
  deleted_chat: 'conversation_deleted',
  left: 'sender_not_member',
  removed: 'sender_not_member',
} as const satisfies Record<string, FailureCode>;

export function createSchedulingService(deps: SchedulingDeps) {
  const { db, clock, broadcaster, rules } = deps;
  const view = (row: ScheduledRow): ScheduledMessage => toScheduled(row, rules.maxRetries);
  const deliveryDeps = {
    write: deps.write,
    broadcaster,
    storage: deps.storage,
    rules,
    ...(deps.observer ? { observer: deps.observer } : {}),
  };

  /** Wakes every dispatcher (this process's included) for a new or moved due time, if it is soon. */
  async function signalDue(dueAt: Date): Promise<void> {
    if (dueAt.getTime() - clock.now().getTime() >= deps.wakeWithinMs) return;
    await db.notify(SCHEDULE_CHANNEL, String(dueAt.getTime()));
  }

  async function requireOwn(userId: string, id: string): Promise<ScheduledRow> {
    const row = await selectScheduled(db, id, userId);
    if (!row) throw notFound('No such scheduled message.');
    return row;
  }

  function notPending(row: ScheduledRow): AppError {
    return new AppError('invalid_state', `This scheduled message is already ${row.status}.`, { status: row.status });
  }

  return {
    view,

    /**
     * Schedules a message. Everything is validated before anything is written (a refused request
     * must not bring back a deleted chat). The content is sealed for the members of an existing
     * conversation (its header names it), so the chat must exist first: a direct chat is opened
     * with POST /api/conversations/direct, never here.
     */
    async create(senderId: string, input: unknown): Promise<{ scheduled: ScheduledMessage; created: boolean }> {
      const body = parseInput(CreateScheduledBody, input);
      if (body.senderId !== undefined && body.senderId !== senderId) {
        throw new AppError('sender_mismatch', 'senderId must be the signed-in user (or be left out).');
      }
      if (body.clientId) {
        const existing = await selectScheduledByClientId(db, senderId, body.clientId);
        if (existing) return { scheduled: view(existing), created: false };
      }
      const now = clock.now();
      const scheduledTime = resolveScheduledTime(body.scheduledTime, now, deps.limits);
      if (body.receiverId === senderId) {
        throw new AppError('validation_failed', 'You cannot schedule a message to yourself.');
      }

      // The conversation: named, or the direct chat with receiverId. Read only, so far.
      const context = await selectPostingContext(
        db,
        senderId,
        body.conversationId
          ? { conversationId: body.conversationId }
          : { directKey: directKey(senderId, body.receiverId!) },
      );
      if (!body.conversationId && (!context || !context.isMember)) {
        // Who cannot be written to at all hears why (no such user, a block), as before.
        await deps.conversations.assertMayOpenDirect(db, senderId, body.receiverId!);
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
      const contentType = await validateContent(db, senderId, body);
      const conversationId = context.conversationId;
      const header = checkSealedHeader(body.content, { conversationId, senderId, kind: contentType });
      if (body.replyToId) await assertRepliable(db, conversationId, body.replyToId);

      const limits = deps.limits;
      const outcome = await db.transaction(async (tx) => {
        await lockSenderQuota(tx, senderId);
        // Before the first write: a refused schedule changes nothing (not even the chat's hiding).
        await assertAddressedToMembers(tx, conversationId, header);
        if (context.hidden) await deps.conversations.unhideIn(tx, senderId, conversationId);
        const result = await insertScheduledWithinQuota(
          tx,
          {
            conversationId,
            senderId,
            receiverId: context.otherId,
            content: body.content,
            contentType,
            mediaId: body.mediaId ?? null,
            ...oneTimeMediaColumns(body),
            replyToId: body.replyToId ?? null,
            scheduledTime,
            clientId: body.clientId ?? null,
            now,
          },
          { perConversation: limits.maxPendingPerConversation, perUser: limits.maxPendingPerUser },
          // Dispatchers re-read the next due time at least every poll; wake them only for sooner.
          scheduledTime.getTime() - now.getTime() < deps.wakeWithinMs,
        );
        if (result.inConversation >= limits.maxPendingPerConversation) {
          throw new AppError(
            'quota_exceeded',
            `You already have ${result.inConversation} messages scheduled in this conversation (the limit is ${limits.maxPendingPerConversation}).`,
            { scope: 'conversation', limit: limits.maxPendingPerConversation },
          );
        }
        if (result.total >= limits.maxPendingPerUser) {
          throw new AppError(
            'quota_exceeded',
            `You already have ${result.total} scheduled messages (the limit is ${limits.maxPendingPerUser}).`,
            { scope: 'user', limit: limits.maxPendingPerUser },
          );
        }
        if (!result.mediaAttached) throw new AppError('conflict', 'This media is already attached to another message.');
        return result;
      });
      const row = outcome.row;
      if (!row) {
        // The same clientId won a race: answer with that one.
        const existing = body.clientId ? await selectScheduledByClientId(db, senderId, body.clientId) : undefined;
        if (!existing) throw new Error('scheduled insert produced nothing');
        return { scheduled: view(existing), created: false };
      }
      // A chat the sender had deleted comes back on their devices.
      if (context.hidden) await deps.conversations.announceOpened(conversationId, senderId);
      const scheduled = view(row);
      broadcaster.toUsers([senderId], 'scheduled_message_created', scheduled);
      return { scheduled, created: true };
    },

    async list(senderId: string, query: unknown): Promise<ScheduledMessage[]> {
      // Scoped to the sender: another user's conversation simply yields nothing of theirs, and a
      // conversation I left still lists my (failed) scheduled messages there.
      const q = parseInput(ScheduledListQuery, query, 'query');
      const rows = await selectScheduledList(db, {
        senderId,
        conversationId: q.conversationId,
        status: q.status,
        includeDismissed: q.includeDismissed === 'true',
      });
      const titles = await selectConversationTitles(db, senderId, [...new Set(rows.map((r) => r.conversationId))]);
      return rows.map((row) => ({ ...view(row), conversationTitle: titles.get(row.conversationId) ?? null }));
    },

    async get(senderId: string, id: string): Promise<ScheduledMessage> {
      return view(await requireOwn(senderId, id));
    },

    async update(senderId: string, id: string, input: unknown): Promise<ScheduledMessage> {
      const body = parseInput(UpdateScheduledBody, input);
      const current = await requireOwn(senderId, id);
      if (current.status !== 'pending') throw notPending(current);
      // New content is sealed again by the client: the same checks as a new message, for the
      // row's conversation and kind (an edit cannot change either).
      const header =
        body.content === undefined
          ? undefined
          : checkSealedHeader(body.content, {
              conversationId: current.conversationId,
              senderId,
              kind: current.contentType,
            });
      const now = clock.now();
      const scheduledTime =
        body.scheduledTime === undefined ? undefined : resolveScheduledTime(body.scheduledTime, now, deps.limits);
      const edit = (q: Queryable) =>
        updatePending(q, { id, senderId, content: body.content, scheduledTime, version: body.version, now });
      // New content: the members it is sealed for are read in the transaction that writes it.
      const row = header
        ? await db.transaction(async (tx) => {
            await assertAddressedToMembers(tx, current.conversationId, header);
            return edit(tx);
          })
        : await edit(db);
      if (!row) {
        const latest = await requireOwn(senderId, id);
        if (latest.status !== 'pending') throw notPending(latest);
        throw new AppError(
          'version_conflict',
          `It was changed meanwhile (now version ${latest.version}); reload and try again.`,
          {
            version: latest.version,
          },
        );
      }
      if (scheduledTime) await signalDue(row.dueAt);
      const scheduled = view(row);
      broadcaster.toUsers([senderId], 'scheduled_message_updated', scheduled);
      return scheduled;
    },

    async cancel(senderId: string, id: string): Promise<ScheduledMessage> {
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const cancelled = await cancelPending(tx, id, senderId, now);
        if (cancelled?.mediaId) await releaseMedia(tx, [cancelled.mediaId]);
        return cancelled;
      });
      if (!row) {
        const current = await requireOwn(senderId, id);
        throw notPending(current);
      }
      const scheduled = view(row);
      broadcaster.toUsers([senderId], 'scheduled_message_cancelled', scheduled);
      return scheduled;
    },

    /**
     * Delivers one now, through the same path as the dispatcher. It waits (under the request's
     * lock_timeout) for a delivery that holds the row, then answers from the row as it is: sent
     * by that delivery, cancelled or failed meanwhile is a 409 with the current status.
     */
    async sendNow(
      senderId: string,
      id: string,
    ): Promise<{ scheduledMessage: ScheduledMessage; message: Message | null }> {
      const now = clock.now();
      const { row, delivered } = await db.transaction(async (tx) => {
        const locked = await lockOwnScheduled(tx, id, senderId);
        if (!locked) throw notFound('No such scheduled message.');
        if (locked.status !== 'pending') return { row: locked, delivered: undefined };
        const outcome = await deliverLocked(tx, [locked], now, deliveryDeps);
        // Struck from dead batches' records, if it is in one (rarely: skip the statements then).
        if (locked.checks.crashes > 0) await finishBatch(tx, null, [locked.id]);
        return { row: locked, delivered: outcome };
      });
      if (!delivered) throw notPending(row);
      delivered.announce(clock.now());
      const sent = delivered.sent[0];
      if (sent) return { scheduledMessage: view(sent.row), message: sent.message };
      const outcome = delivered.failed[0] ?? delivered.retried[0];
      if (!outcome) throw new Error('send-now: a locked pending row produced no outcome');
      return { scheduledMessage: view(outcome), message: null };
    },

    async dismiss(senderId: string, id: string): Promise<ScheduledMessage> {
      const row = await dismissFailed(db, id, senderId, clock.now());
      if (!row) {
        const current = await requireOwn(senderId, id);
        throw new AppError('invalid_state', 'Only failed scheduled messages can be dismissed.', {
          status: current.status,
        });
      }
      const scheduled = view(row);
      broadcaster.toUsers([senderId], 'scheduled_message_updated', scheduled);
      return scheduled;
    },

    async markFailuresSeen(senderId: string): Promise<number> {
      return markFailuresSeen(db, senderId, clock.now());
    },

    countUnseenFailures: (senderId: string) => countUnseenFailures(db, senderId),
    countPendingByConversation: (senderId: string, ids: readonly string[]) =>
      countPendingByConversation(db, senderId, ids),

    /**
     * One dispatcher pass: up to `limit` due rows in one transaction, then any suspects (rows of a
     * batch whose process died) one per transaction.
     */
    async deliverDueBatch(limit: number, options: { suspects: boolean } = { suspects: true }): Promise<BatchResult> {
      const result = await deliverDueBatch(db, 'fresh', limit, clock.now(), deliveryDeps, () => clock.now());
      if (result.picked >= limit || !options.suspects) return result;
      for (let n = 0; n < limit; n++) {
        const one = await deliverDueBatch(db, 'suspect', 1, clock.now(), deliveryDeps, () => clock.now());
        result.picked += one.picked;
        result.handled += one.handled;
        // None left, or one held by a request right now: the next pass takes it.
        if (one.handled === 0) break;
      }
      return result;
    },

    /** Leaving, being removed or deleting the chat fails the person's pending messages there at once. */
    membershipEndedStep: (async (tx, { conversationId, userId, reason, now }) => {
      const code = FAILURE_BY_REASON[reason];
      const failed = await failPendingWhere(tx, { senderId: userId, conversationId }, code, FAILURE_TEXT[code], now);
      await releaseMedia(
        tx,
        failed.flatMap((r) => (r.mediaId ? [r.mediaId] : [])),
      );
      if (failed.length) return () => announceFailed(broadcaster, failed, rules.maxRetries);
    }) satisfies MembershipEndedStep,

    /** A deleted account: its own pending messages fail, and so do direct ones addressed to it. */
    accountDeletionStep: (async (tx, userId, now) => {
      const own = await failPendingWhere(tx, { senderId: userId }, 'sender_deleted', FAILURE_TEXT.sender_deleted, now);
      const toThem = await failPendingWhere(
        tx,
        { receiverId: userId },
        'receiver_deleted',
        FAILURE_TEXT.receiver_deleted,
        now,
      );
      await releaseMedia(
        tx,
        [...own, ...toThem].flatMap((r) => (r.mediaId ? [r.mediaId] : [])),
      );
      return () => announceFailed(broadcaster, toThem, rules.maxRetries);
    }) satisfies AccountDeletionStep,
  };
}
