import type { FastifyInstance } from 'fastify';
import { ConversationId, SetKeysBody, UserId } from '@herald/shared';
import type { RateLimiter, RateLimitRule } from '../../lib/rate-limiter.js';
import { parseId, parseInput } from '../../lib/validate.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import type { Auth } from '../auth/index.js';
import type { KeysService } from './keys.js';

export interface KeysRoutesDeps {
  keys: KeysService;
  auth: Auth;
  rateLimiter: RateLimiter;
  /** Checking the auth key costs an Argon2id hash: limited like login, in the same budget. */
  passwordLimit: RateLimitRule;
}

export function keysRoutes(app: FastifyInstance, deps: KeysRoutesDeps): void {
  const { keys, auth } = deps;

  app.put('/api/users/me/keys', async (request) => {
    const me = requireUser(request);
    await deps.rateLimiter.enforce(`login:${request.ip}`, deps.passwordLimit, 'Too many attempts');
    const { authKey, ...body } = parseInput(SetKeysBody, request.body);
    // A stolen session alone must not be able to swap the user's keys.
    await auth.verifyAuthKey(me.id, authKey);
    return ok(await keys.set(me.id, body), 'Keys saved');
  });

  app.get('/api/users/:id/keys', async (request) => {
    requireUser(request);
    return ok(await keys.ofUser(parseId(UserId, request.params, 'user')));
  });

  app.get('/api/conversations/:id/keys', async (request) => {
    const me = requireUser(request);
    return ok(await keys.ofConversation(me.id, parseId(ConversationId, request.params, 'conversation')));
  });
}
