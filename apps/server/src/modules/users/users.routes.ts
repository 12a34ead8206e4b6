import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { UpdateProfileBody, UserId, UserSearchQuery } from '@herald/shared';
import type { Db } from '../../db/db.js';
import { notFound } from '../../lib/app-error.js';
import type { PresenceReader } from '../../lib/presence.js';
import { ok } from '../../http/envelope.js';
import { requireUser } from '../../http/auth-guard.js';
import { idParams } from '../../http/zod-validation.js';
import { searchUsers, selectUserById, updateProfile } from './users.sql.js';
import { toPublicUser, toPublicUsers } from './users.js';

export interface UsersRoutesDeps {
  db: Db;
  presence: PresenceReader;
}

export const usersRoutes: FastifyPluginAsyncZod<UsersRoutesDeps> = async (app, deps) => {
  const { db, presence } = deps;

  app.get('/api/users', { schema: { querystring: UserSearchQuery } }, async (request) => {
    const me = requireUser(request);
    const { query } = request;
    const rows = await searchUsers(db, query.search, me.id, query.limit);
    return ok(await toPublicUsers(db, me.id, rows, presence));
  });

  app.get('/api/users/:id', { schema: { params: idParams(UserId, 'user') } }, async (request) => {
    const me = requireUser(request);
    const { id } = request.params;
    const row = await selectUserById(db, id);
    if (!row) throw notFound('No such user.');
    const [user] = await toPublicUsers(db, me.id, [row], presence);
    return ok(user!);
  });

  app.patch('/api/users/me', { schema: { body: UpdateProfileBody } }, async (request) => {
    const me = requireUser(request);
    await updateProfile(db, me.id, request.body);
    const row = await selectUserById(db, me.id);
    if (!row) throw notFound();
    return ok(toPublicUser(row, true), 'Profile updated');
  });
};
