import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ConversationId,
  DeleteMessageQuery,
  EditMessageBody,
  MarkDeliveredBody,
  MessageId,
  MessagePageQuery,
  ReactionBody,
  SendMessageBody,
} from '@herald/shared';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { limitedBy } from '../../http/rate-limit.js';
import { idParams } from '../../http/zod-validation.js';
import type { RateLimitRule } from '../../lib/rate-limiter.js';
import type { MessagesService } from './messages.js';

const conversation = idParams(ConversationId, 'conversation');
const message = idParams(MessageId, 'message');

export interface MessagesRoutesDeps {
  messages: MessagesService;
  /** Live sends per user: the socket's send_message counts against the same budget. */
  sendLimit: RateLimitRule;
}

export const messagesRoutes: FastifyPluginAsyncZod<MessagesRoutesDeps> = async (app, { messages, sendLimit }) => {
  app.get(
    '/api/conversations/:id/messages',
    { schema: { params: conversation, querystring: MessagePageQuery } },
    async (request) => {
      const me = requireUser(request);
      return ok(await messages.list(me.id, request.params.id, request.query));
    },
  );

  app.post(
    '/api/conversations/:id/messages',
    {
      config: { rateLimit: limitedBy(sendLimit, { afterValidation: true }) },
      schema: { params: conversation, body: SendMessageBody },
    },
    async (request, reply) => {
      const me = requireUser(request);
      const { message, created } = await messages.send(me.id, request.params.id, request.body);
      return reply.status(created ? 201 : 200).send(ok(message, created ? 'Sent' : 'Already sent'));
    },
  );

  app.post('/api/conversations/:id/read', { schema: { params: conversation } }, async (request) => {
    const me = requireUser(request);
    return ok(await messages.markRead(me.id, request.params.id), 'Marked read');
  });

  app.post(
    '/api/conversations/:id/delivered',
    { schema: { params: conversation, body: MarkDeliveredBody } },
    async (request) => {
      const me = requireUser(request);
      await messages.markDelivered(me.id, request.params.id, request.body.messageIds);
      return ok(null, 'Marked delivered');
    },
  );

  app.put('/api/messages/:id/reaction', { schema: { params: message, body: ReactionBody } }, async (request) => {
    const me = requireUser(request);
    return ok(await messages.react(me.id, request.params.id, request.body.emoji), 'Reaction saved');
  });

  app.patch(
    '/api/messages/:id',
    {
      config: { rateLimit: limitedBy(sendLimit, { afterValidation: true }) },
      schema: { params: message, body: EditMessageBody },
    },
    async (request) => {
      const me = requireUser(request);
      return ok(await messages.edit(me.id, request.params.id, request.body.content), 'Edited');
    },
  );

  app.delete(
    '/api/messages/:id',
    {
      config: { rateLimit: limitedBy(sendLimit, { afterValidation: true }) },
      schema: { params: message, querystring: DeleteMessageQuery },
    },
    async (request) => {
      const me = requireUser(request);
      if (request.query.for === 'me') {
        await messages.deleteForMe(me.id, request.params.id);
        return ok(null, 'Deleted for you');
      }
      return ok(await messages.deleteForEveryone(me.id, request.params.id), 'Deleted for everyone');
    },
  );

  app.delete('/api/messages/:id/reaction', { schema: { params: message } }, async (request) => {
    const me = requireUser(request);
    return ok(await messages.react(me.id, request.params.id, null), 'Reaction removed');
  });
};
