import { expect } from 'vitest';
import { http, type BadCase, type Outcome } from './case.js';
import { registrationBody, type BadInputContext } from './context.js';

/**
 * Mass assignment (accounts and conversations; messages in cases-mass-messages.ts): fields a client must never set (`id`, `senderId`, `createdAt`, `role`,
 * `status`, `tokenVersion`, ...) added to otherwise valid requests. Schemas strip unknown fields,
 * so the request is accepted; each case then checks in the database that none of them was
 * honoured, and that only the tables the request is about changed. (A `senderId` that is not the
 * signed-in user is refused outright: sender_mismatch, in cases-id.ts.)
 */

export const FORGED_ID = '0badc0de-0000-4000-8000-000000000001';
export const LONG_AGO = '2000-01-01T00:00:00.000Z';

/** The `data.id` of an accepted HTTP answer (or of an ack). */
export function dataId(outcome: Outcome): string {
  const data =
    outcome.kind === 'http'
      ? (outcome.body as { data: { id: string } }).data
      : outcome.kind === 'ack'
        ? (outcome.data as { id: string })
        : undefined;
  if (!data?.id) throw new Error(`no id in ${JSON.stringify(outcome)}`);
  return data.id;
}

export async function row(ctx: BadInputContext, sql: string, params: unknown[]): Promise<Record<string, unknown>> {
  const { rows } = await ctx.t.db.query<Record<string, unknown>>(sql, params);
  if (!rows[0]) throw new Error(`no row for ${sql}`);
  return rows[0];
}

const USER_EXTRAS = {
  id: FORGED_ID,
  role: 'admin',
  tokenVersion: 99,
  token_version: 99,
  createdAt: LONG_AGO,
  deletedAt: LONG_AGO,
  authHash: 'x',
};

export function massAssignmentCases(): BadCase[] {
  return [
    http(
      'mass-assignment',
      'profile with id, username, role, tokenVersion, deletedAt',
      'alice',
      () => ({
        method: 'PATCH',
        url: '/api/users/me',
        json: { displayName: 'Alice M', username: 'root', ...USER_EXTRAS },
      }),
      {
        accepted: 200,
        mayChange: ['users'],
        async verify(ctx) {
          const me = await row(ctx, 'SELECT username, token_version, deleted_at, created_at FROM users WHERE id = $1', [
            ctx.alice.id,
          ]);
          expect(me).toMatchObject({ username: ctx.alice.username, token_version: 0, deleted_at: null });
          expect(new Date(me.created_at as string).toISOString()).not.toBe(LONG_AGO);
          const forged = await ctx.t.db.query('SELECT 1 FROM users WHERE id = $1', [FORGED_ID]);
          expect(forged.rows).toEqual([]);
        },
      },
    ),
    http(
      'mass-assignment',
      'register with id, tokenVersion, role, createdAt, deletedAt',
      'anon',
      async (ctx) => ({
        method: 'POST',
        url: '/api/auth/register',
        json: await registrationBody(ctx, USER_EXTRAS),
      }),
      {
        accepted: 201,
        mayChange: ['sessions', 'users'],
        async verify(ctx, outcome) {
          const id = (outcome as { body: { data: { user: { id: string } } } }).body.data.user.id;
          expect(id).not.toBe(FORGED_ID);
          const user = await row(ctx, 'SELECT token_version, deleted_at, created_at FROM users WHERE id = $1', [id]);
          expect(user).toMatchObject({ token_version: 0, deleted_at: null });
          expect(new Date(user.created_at as string).toISOString()).not.toBe(LONG_AGO);
        },
      },
    ),
    http(
      'mass-assignment',
      'group with id, kind, createdBy, createdAt, members with roles',
      'alice',
      (ctx) => ({
        method: 'POST',
        url: '/api/conversations/group',
        json: {
          title: 'Forged',
          memberIds: [],
          id: FORGED_ID,
          kind: 'direct',
          createdBy: ctx.bob.id,
          createdAt: LONG_AGO,
          members: [{ userId: ctx.carol.id, role: 'owner' }],
        },
      }),
      {
        accepted: 201,
        // messages: the "group created" timeline event line, written by the server.
        mayChange: ['conversation_members', 'conversations', 'messages'],
        async verify(ctx, outcome) {
          const id = dataId(outcome);
          expect(id).not.toBe(FORGED_ID);
          const events = await ctx.t.db.query(
            'SELECT sender_id, content_type FROM messages WHERE conversation_id = $1',
            [id],
          );
          expect(events.rows).toEqual([{ sender_id: ctx.alice.id, content_type: 'event' }]);
          const conversation = await row(ctx, 'SELECT kind, created_by FROM conversations WHERE id = $1', [id]);
          expect(conversation).toEqual({ kind: 'group', created_by: ctx.alice.id });
          const members = await ctx.t.db.query(
            'SELECT user_id, role FROM conversation_members WHERE conversation_id = $1',
            [id],
          );
          expect(members.rows).toEqual([{ user_id: ctx.alice.id, role: 'owner' }]);
        },
      },
    ),
  ];
}
