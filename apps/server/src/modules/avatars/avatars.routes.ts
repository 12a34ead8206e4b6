import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SetAvatarBody, UserId } from '@herald/shared';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { limitedBy } from '../../http/rate-limit.js';
import { idParams } from '../../http/zod-validation.js';
import type { RateLimitRule } from '../../lib/rate-limiter.js';
import type { AvatarsService } from './avatars.js';

/** Setting or removing one's picture: generous for a person, a wall for a script. */
export const AVATAR_CHANGE_LIMIT: RateLimitRule = {
  name: 'avatar',
  per: 'user',
  max: 20,
  windowMs: 60 * 60_000,
  refusal: 'You are changing your picture too often',
};

const AvatarQuery = z.object({
  v: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional(),
});

export const avatarsRoutes: FastifyPluginAsyncZod<{ avatars: AvatarsService }> = async (app, { avatars }) => {
  app.put(
    '/api/users/me/avatar',
    { config: { rateLimit: limitedBy(AVATAR_CHANGE_LIMIT) }, schema: { body: SetAvatarBody } },
    async (request) => {
      const me = requireUser(request);
      const bytes = Buffer.from(request.body.image.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      return ok(await avatars.set(me.id, bytes), 'Picture updated');
    },
  );

  app.delete('/api/users/me/avatar', { config: { rateLimit: limitedBy(AVATAR_CHANGE_LIMIT) } }, async (request) => {
    const me = requireUser(request);
    return ok(await avatars.remove(me.id), 'Picture removed');
  });

  app.get(
    '/api/users/:id/avatar',
    { schema: { params: idParams(UserId, 'user'), querystring: AvatarQuery } },
    async (request, reply) => {
      requireUser(request);
      const avatar = await avatars.open(request.params.id);
      const etag = `"${avatar.version}"`;
      // The versioned URL never changes content: cache it for a year. Any other asks each time.
      const cache = request.query.v === avatar.version ? 'private, max-age=31536000, immutable' : 'private, no-cache';
      reply
        .header('content-type', avatar.contentType)
        .header('content-disposition', 'inline')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'")
        .header('cache-control', cache)
        .header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.header('content-length', String(avatar.bytes.length)).send(avatar.bytes);
    },
  );
};
