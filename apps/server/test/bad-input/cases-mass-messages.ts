import { expect } from 'vitest';
import { http, type BadCase } from './case.js';
import { dataId, FORGED_ID, LONG_AGO, row } from './cases-mass.js';
import { DAY, fromNow, socketOf } from './context.js';

/**
 * Mass assignment on messages, scheduled messages and reactions (see cases-mass.ts): the forged
 * fields are ignored, and the database shows it.
 */

export function messageMassAssignmentCases(): BadCase[] {
  return [
    http(
      'mass-assignment',
      'schedule with id, status sent, version, retryCount, sentAt, createdAt',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/scheduled-messages',
        json: {
          conversationId: ctx.chat.id,
          content: ctx.sealed.text,
          scheduledTime: fromNow(ctx, DAY),
          id: FORGED_ID,
          status: 'sent',
          version: 99,
          retryCount: 5,
          sentAt: LONG_AGO,
          createdAt: LONG_AGO,
          messageId: ctx.bobsMessage.id,
        },
      }),
      {
        accepted: 201,
        mayChange: ['scheduled_messages'],
        async verify(ctx, outcome) {
          const id = dataId(outcome);
          expect(id).not.toBe(FORGED_ID);
          const scheduled = await row(
            ctx,
            'SELECT sender_id, status, version, retry_count, sent_at, message_id FROM scheduled_messages WHERE id = $1',
            [id],
          );
          expect(scheduled).toEqual({
            sender_id: ctx.alice.id,
            status: 'pending',
            version: 1,
            retry_count: 0,
            sent_at: null,
            message_id: null,
          });
        },
      },
    ),
    http(
      'mass-assignment',
      'send with id, senderId, seq, createdAt, scheduledMessageId',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: `/api/conversations/${ctx.chat.id}/messages`,
        json: {
          content: ctx.sealed.text,
          id: FORGED_ID,
          senderId: ctx.bob.id,
          seq: 1,
          createdAt: LONG_AGO,
          scheduledMessageId: ctx.bobsScheduled.id,
        },
      }),
      {
        accepted: 201,
        mayChange: ['messages'],
        async verify(ctx, outcome) {
          const id = dataId(outcome);
          expect(id).not.toBe(FORGED_ID);
          const message = await row(
            ctx,
            'SELECT sender_id, seq, created_at, scheduled_message_id FROM messages WHERE id = $1',
            [id],
          );
          expect(message).toMatchObject({ sender_id: ctx.alice.id, scheduled_message_id: null });
          expect(Number(message.seq)).toBeGreaterThan(1);
          expect(new Date(message.created_at as string).toISOString()).toBe(ctx.t.clock.now().toISOString());
        },
      },
    ),
    http(
      'mass-assignment',
      'edit with status cancelled, senderId, conversationId',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: `/api/scheduled-messages/${ctx.scheduled.id}`,
        json: {
          content: ctx.sealed.text,
          status: 'cancelled',
          senderId: ctx.bob.id,
          conversationId: ctx.othersChat.id,
        },
      }),
      {
        accepted: 200,
        mayChange: ['scheduled_messages'],
        async verify(ctx) {
          const scheduled = await row(
            ctx,
            'SELECT sender_id, conversation_id, status FROM scheduled_messages WHERE id = $1',
            [ctx.scheduled.id],
          );
          expect(scheduled).toEqual({ sender_id: ctx.alice.id, conversation_id: ctx.chat.id, status: 'pending' });
        },
      },
    ),
    http(
      'mass-assignment',
      'role change naming alice and another conversation in the body',
      'alice',
      (ctx) => ({
        method: 'PATCH',
        url: `/api/conversations/${ctx.group.id}/members/${ctx.bob.id}`,
        json: { role: 'member', userId: ctx.alice.id, conversationId: ctx.othersChat.id },
      }),
      {
        accepted: 200,
        mayChange: [],
        async verify(ctx) {
          const roles = await ctx.t.db.query(
            'SELECT user_id, role FROM conversation_members WHERE conversation_id = $1 ORDER BY role',
            [ctx.group.id],
          );
          expect(roles.rows).toEqual([
            { user_id: ctx.bob.id, role: 'member' },
            { user_id: ctx.alice.id, role: 'owner' },
          ]);
        },
      },
    ),
    http(
      'mass-assignment',
      'reaction with userId of bob',
      'alice',
      (ctx) => ({
        method: 'PUT',
        url: `/api/messages/${ctx.bobsMessage.id}/reaction`,
        json: { emoji: '👍', userId: ctx.bob.id, messageId: ctx.bobsMessage.id },
      }),
      {
        accepted: 200,
        mayChange: ['reactions'],
        async verify(ctx) {
          const reactions = await ctx.t.db.query('SELECT user_id FROM reactions WHERE message_id = $1', [
            ctx.bobsMessage.id,
          ]);
          expect(reactions.rows).toEqual([{ user_id: ctx.alice.id }]);
          await ctx.t.db.query('DELETE FROM reactions WHERE message_id = $1', [ctx.bobsMessage.id]);
        },
      },
    ),
    http(
      'mass-assignment',
      'direct chat with kind group and extra members',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/conversations/direct',
        json: { userId: ctx.bob.id, kind: 'group', memberIds: [ctx.carol.id], title: 'Forged' },
      }),
      {
        accepted: 200,
        mayChange: [],
        async verify(ctx) {
          const members = await ctx.t.db.query('SELECT user_id FROM conversation_members WHERE conversation_id = $1', [
            ctx.chat.id,
          ]);
          expect(members.rows.length).toBe(2);
        },
      },
    ),
    {
      area: 'mass-assignment',
      name: 'send_message with senderId, id, createdAt',
      async run(ctx) {
        const socket = await socketOf(ctx, 'alice');
        ctx.seen.add('socket send_message');
        const ack = await socket.emit('send_message', {
          conversationId: ctx.chat.id,
          content: ctx.sealed.text,
          ...{ senderId: ctx.bob.id, id: FORGED_ID, createdAt: LONG_AGO },
        });
        return ack.ok
          ? { kind: 'ack', ok: true, code: undefined, data: ack.data }
          : { kind: 'ack', ok: false, code: ack.error.code };
      },
      expect: {
        accepted: 'ack',
        mayChange: ['messages'],
        async verify(ctx, outcome) {
          const id = dataId(outcome);
          expect(id).not.toBe(FORGED_ID);
          const message = await row(ctx, 'SELECT sender_id FROM messages WHERE id = $1', [id]);
          expect(message.sender_id).toBe(ctx.alice.id);
        },
      },
    },
  ];
}
