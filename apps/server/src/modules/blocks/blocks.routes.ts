import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { UserId } from '@herald/shared';
import type { Db } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import type { PresenceReader } from '../../lib/presence.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { idParams } from '../../http/zod-validation.js';
import { selectUserById, selectUsersByIds, toPublicUsers } from '../users/index.js';
import { deleteBlock, insertBlock, selectBlockedIds } from './blocks.sql.js';

export interface BlocksRoutesDeps {
  db: Db;
  presence: PresenceReader;
  /** Tell the blocker's devices that their direct chat with that user changed. */
  onBlockChanged: (blockerId: string, otherId: string) => Promise<void>;
}

export const blocksRoutes: FastifyPluginAsyncZod<BlocksRoutesDeps> = async (app, deps) => {
  const { db } = deps;
  const params = idParams(UserId, 'user');

  app.get('/api/blocks', async (request) => {
    const me = requireUser(request);
    const ids = await selectBlockedIds(db, me.id);
    return ok(await toPublicUsers(db, me.id, await selectUsersByIds(db, ids), deps.presence));
  });

  app.put('/api/users/:id/block', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    const { id } = request.params;
    if (id === me.id) throw new AppError('validation_failed', 'You cannot block yourself.');
    const target = await selectUserById(db, id);
    if (!target || target.deletedAt) throw notFound('No such user.');
    await insertBlock(db, me.id, id);
    await deps.onBlockChanged(me.id, id);
    return ok(null, 'Blocked');
  });

  app.delete('/api/users/:id/block', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    const { id } = request.params;
    await deleteBlock(db, me.id, id);
    await deps.onBlockChanged(me.id, id);
    return ok(null, 'Unblocked');
  });
};
