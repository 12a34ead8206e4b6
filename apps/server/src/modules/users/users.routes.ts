import type { FastifyInstance } from 'fastify';
import { UpdateProfileBody, UserId, UserSearchQuery } from '@herald/shared';
import type { Db } from '../../db/db.js';
import { notFound } from '../../lib/app-error.js';
import type { PresenceReader } from '../../lib/presence.js';
import { parseId, parseInput } from '../../lib/validate.js';
import { ok } from '../../http/envelope.js';
import { requireUser } from '../../http/auth-guard.js';
import { searchUsers, selectUserById, updateProfile } from './users.sql.js';
import { toPublicUser, toPublicUsers } from './users.js';

export interface UsersRoutesDeps {
  db: Db;
  presence: PresenceReader;
}

export function usersRoutes(app: FastifyInstance, deps: UsersRoutesDeps): void {
  const { db, presence } = deps;

  app.get('/api/users', async (request) => {
    const me = requireUser(request);
    const query = parseInput(UserSearchQuery, request.query, 'query');
    const rows = await searchUsers(db, query.search, me.id, query.limit);
    return ok(await toPublicUsers(db, me.id, rows, presence));
  });

  app.get('/api/users/:id', async (request) => {
    const me = requireUser(request);
    const id = parseId(UserId, request.params, 'user');
    const row = await selectUserById(db, id);
    if (!row) throw notFound('No such user.');
    const [user] = await toPublicUsers(db, me.id, [row], presence);
    return ok(user!);
  });

  app.patch('/api/users/me', async (request) => {
    const me = requireUser(request);
    const body = parseInput(UpdateProfileBody, request.body);
    await updateProfile(db, me.id, body);
    const row = await selectUserById(db, me.id);
    if (!row) throw notFound();
    return ok(toPublicUser(row, true), 'Profile updated');
  });
}
