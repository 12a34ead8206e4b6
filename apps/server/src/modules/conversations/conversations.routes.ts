import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AddMembersBody,
  ChangeRoleBody,
  ConversationId,
  CreateDirectBody,
  CreateGroupBody,
  MuteConversationBody,
  UpdateConversationBody,
  UserId,
} from '@herald/shared';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import { idParams, routeParams } from '../../http/zod-validation.js';
import type { ConversationsService } from './conversations.js';

const params = idParams(ConversationId, 'conversation');
const memberParams = routeParams(
  { id: ConversationId, userId: UserId },
  { id: 'No such conversation.', userId: 'That person is not a member.' },
);

export const conversationsRoutes: FastifyPluginAsyncZod<{ conversations: ConversationsService }> = async (
  app,
  { conversations },
) => {
  app.get('/api/conversations', async (request) => {
    const me = requireUser(request);
    return ok(await conversations.list(me.id));
  });

  app.post('/api/conversations/direct', { schema: { body: CreateDirectBody } }, async (request, reply) => {
    const me = requireUser(request);
    const { conversation, created } = await conversations.openDirect(me.id, request.body.userId);
    return reply.status(created ? 201 : 200).send(ok(conversation, created ? 'Chat created' : 'OK'));
  });

  app.post('/api/conversations/group', { schema: { body: CreateGroupBody } }, async (request, reply) => {
    const me = requireUser(request);
    const { title, memberIds } = request.body;
    return reply.status(201).send(ok(await conversations.createGroup(me.id, title, memberIds), 'Group created'));
  });

  app.get('/api/conversations/:id', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    return ok(await conversations.get(me.id, request.params.id));
  });

  app.patch('/api/conversations/:id', { schema: { params, body: UpdateConversationBody } }, async (request) => {
    const me = requireUser(request);
    return ok(await conversations.update(me.id, request.params.id, request.body), 'Conversation updated');
  });

  app.delete('/api/conversations/:id', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    await conversations.deleteForMe(me.id, request.params.id);
    return ok(null, 'Chat deleted');
  });

  app.post('/api/conversations/:id/members', { schema: { params, body: AddMembersBody } }, async (request) => {
    const me = requireUser(request);
    return ok(await conversations.addMembers(me.id, request.params.id, request.body.userIds), 'Members added');
  });

  app.delete('/api/conversations/:id/members/:userId', { schema: { params: memberParams } }, async (request) => {
    const me = requireUser(request);
    await conversations.removeMember(me.id, request.params.id, request.params.userId);
    return ok(null, 'Member removed');
  });

  app.patch(
    '/api/conversations/:id/members/:userId',
    { schema: { params: memberParams, body: ChangeRoleBody } },
    async (request) => {
      const me = requireUser(request);
      const { id, userId } = request.params;
      return ok(await conversations.setRole(me.id, id, userId, request.body.role), 'Role changed');
    },
  );

  app.put('/api/conversations/:id/mute', { schema: { params, body: MuteConversationBody } }, async (request) => {
    const me = requireUser(request);
    const { until } = request.body;
    return ok(await conversations.setMute(me.id, request.params.id, until), until === null ? 'Unmuted' : 'Muted');
  });

  app.post('/api/conversations/:id/leave', { schema: { params } }, async (request) => {
    const me = requireUser(request);
    await conversations.leave(me.id, request.params.id);
    return ok(null, 'You left the group');
  });
};
