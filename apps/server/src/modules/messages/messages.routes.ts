import type { FastifyInstance } from 'fastify';
import { ConversationId, MarkDeliveredBody, MessageId, ReactionBody, SendMessageBody } from '@herald/shared';
import { parseId, parseInput } from '../../lib/validate.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import type { MessagesService } from './messages.js';

export function messagesRoutes(app: FastifyInstance, messages: MessagesService): void {
  app.get('/api/conversations/:id/messages', async (request) => {
    const me = requireUser(request);
    const id = parseId(ConversationId, request.params, 'conversation');
    return ok(await messages.list(me.id, id, request.query));
  });

  app.post('/api/conversations/:id/messages', async (request, reply) => {
    const me = requireUser(request);
    const id = parseId(ConversationId, request.params, 'conversation');
    const body = parseInput(SendMessageBody, request.body);
    const { message, created } = await messages.send(me.id, id, body);
    return reply.status(created ? 201 : 200).send(ok(message, created ? 'Sent' : 'Already sent'));
  });

  app.post('/api/conversations/:id/read', async (request) => {
    const me = requireUser(request);
    const id = parseId(ConversationId, request.params, 'conversation');
    return ok(await messages.markRead(me.id, id), 'Marked read');
  });

  app.post('/api/conversations/:id/delivered', async (request) => {
    const me = requireUser(request);
    const id = parseId(ConversationId, request.params, 'conversation');
    const body = parseInput(MarkDeliveredBody, request.body);
    await messages.markDelivered(me.id, id, body.messageIds);
    return ok(null, 'Marked delivered');
  });

  app.put('/api/messages/:id/reaction', async (request) => {
    const me = requireUser(request);
    const id = parseId(MessageId, request.params, 'message');
    const { emoji } = parseInput(ReactionBody, request.body);
    return ok(await messages.react(me.id, id, emoji), 'Reaction saved');
  });

  app.delete('/api/messages/:id/reaction', async (request) => {
    const me = requireUser(request);
    const id = parseId(MessageId, request.params, 'message');
    return ok(await messages.react(me.id, id, null), 'Reaction removed');
  });
}
