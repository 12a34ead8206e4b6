import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConversationId, SetKeysBody, UserId } from '@herald/shared';
import type { RateLimitRule } from '../../lib/rate-limiter.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { limitedBy } from '../../http/rate-limit.js';
import { idParams } from '../../http/zod-validation.js';
import type { Auth } from '../auth/index.js';
import type { KeysService } from './keys.js';

export interface KeysRoutesDeps {
  keys: KeysService;
  auth: Auth;
  /** Checking the auth key costs an Argon2id hash: limited like login, in the same budget. */
  passwordLimit: RateLimitRule;
}

export const keysRoutes: FastifyPluginAsyncZod<KeysRoutesDeps> = async (app, deps) => {
  const { keys, auth } = deps;

  const setKeys = { config: { rateLimit: limitedBy(deps.passwordLimit) }, schema: { body: SetKeysBody } };
  app.put('/api/users/me/keys', setKeys, async (request) => {
    const me = requireUser(request);
    const { authKey, ...body } = request.body;
    // A stolen session alone must not be able to swap the user's keys.
    await auth.verifyAuthKey(me.id, authKey);
    return ok(await keys.set(me.id, body), 'Keys saved');
  });

  app.get('/api/users/:id/keys', { schema: { params: idParams(UserId, 'user') } }, async (request) => {
    requireUser(request);
    return ok(await keys.ofUser(request.params.id));
  });

  const conversation = { params: idParams(ConversationId, 'conversation') };
  app.get('/api/conversations/:id/keys', { schema: conversation }, async (request) => {
    const me = requireUser(request);
    return ok(await keys.ofConversation(me.id, request.params.id));
  });
};
