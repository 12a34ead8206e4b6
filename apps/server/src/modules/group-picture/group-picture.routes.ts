import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ConversationId, SetGroupPictureBody } from '@herald/shared';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { limitedBy } from '../../http/rate-limit.js';
import { idParams } from '../../http/zod-validation.js';
import type { RateLimitRule } from '../../lib/rate-limiter.js';
import type { GroupPictureService } from './group-picture.js';

const params = idParams(ConversationId, 'conversation');

export interface GroupPictureRoutesDeps {
  pictures: GroupPictureService;
  /** Setting a picture is a send to every member: it counts against the sending budget. */
  setLimit: RateLimitRule;
}

export const groupPictureRoutes: FastifyPluginAsyncZod<GroupPictureRoutesDeps> = async (
  app,
  { pictures, setLimit },
) => {
  app.put(
    '/api/conversations/:id/picture',
    {
      config: { rateLimit: limitedBy(setLimit, { afterValidation: true }) },
      schema: { params, body: SetGroupPictureBody },
    },
    async (request) => {
      const me = requireUser(request);
      const { mediaId, content } = request.body;
      return ok(await pictures.set(me.id, request.params.id, mediaId, content), 'Group picture set');
    },
  );

  app.delete('/api/conversations/:id/picture', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    return ok(await pictures.remove(me.id, request.params.id), 'Group picture removed');
  });
};
