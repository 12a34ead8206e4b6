import type { FastifyInstance } from 'fastify';
import {
  AddMembersBody,
  ChangeRoleBody,
  ConversationId,
  CreateDirectBody,
  CreateGroupBody,
  UpdateConversationBody,
  UserId,
} from '@herald/shared';
import { AppError } from '../../lib/app-error.js';
import { parseId, parseInput } from '../../lib/validate.js';
import { requireUser } from '../../http/auth-guard.js';
import { ok } from '../../http/envelope.js';
import type { ConversationsService } from './conversations.js';

function memberParams(params: unknown): { id: string; userId: string } {
  const id = parseId(ConversationId, params, 'conversation');
  const userId = UserId.safeParse((params as { userId?: unknown }).userId);
  if (!userId.success) throw new AppError('not_found', 'That person is not a member.');
  return { id, userId: userId.data };
}

export function conversationsRoutes(app: FastifyInstance, conversations: ConversationsService): void {
  app.get('/api/conversations', async (request) => {
    const me = requireUser(request);
    return ok(await conversations.list(me.id));
  });

  app.post('/api/conversations/direct', async (request, reply) => {
    const me = requireUser(request);
    const { userId } = parseInput(CreateDirectBody, request.body);
    const { conversation, created } = await conversations.openDirect(me.id, userId);
    return reply.status(created ? 201 : 200).send(ok(conversation, created ? 'Chat created' : 'OK'));
  });

  app.post('/api/conversations/group', async (request, reply) => {
    const me = requireUser(request);
    const body = parseInput(CreateGroupBody, request.body);
    return reply
      .status(201)
      .send(ok(await conversations.createGroup(me.id, body.title, body.memberIds), 'Group created'));
  });

  app.get('/api/conversations/:id', async (request) => {
    const me = requireUser(request);
    return ok(await conversations.get(me.id, parseId(ConversationId, request.params, 'conversation')));
  });

  app.patch('/api/conversations/:id', async (request) => {
    const me = requireUser(request);
    const id = parseId(ConversationId, request.params, 'conversation');
    const body = parseInput(UpdateConversationBody, request.body);
    return ok(await conversations.update(me.id, id, body), 'Conversation updated');
  });

  app.delete('/api/conversations/:id', async (request) => {
    const me = requireUser(request);
    await conversations.deleteForMe(me.id, parseId(ConversationId, request.params, 'conversation'));
    return ok(null, 'Chat deleted');
  });

  app.post('/api/conversations/:id/members', async (request) => {
    const me = requireUser(request);
    const id = parseId(ConversationId, request.params, 'conversation');
    const { userIds } = parseInput(AddMembersBody, request.body);
    return ok(await conversations.addMembers(me.id, id, userIds), 'Members added');
  });

  app.delete('/api/conversations/:id/members/:userId', async (request) => {
    const me = requireUser(request);
    const { id, userId } = memberParams(request.params);
    await conversations.removeMember(me.id, id, userId);
    return ok(null, 'Member removed');
  });

  app.patch('/api/conversations/:id/members/:userId', async (request) => {
    const me = requireUser(request);
    const { id, userId } = memberParams(request.params);
    const { role } = parseInput(ChangeRoleBody, request.body);
    return ok(await conversations.setRole(me.id, id, userId, role), 'Role changed');
  });

  app.post('/api/conversations/:id/leave', async (request) => {
    const me = requireUser(request);
    await conversations.leave(me.id, parseId(ConversationId, request.params, 'conversation'));
    return ok(null, 'You left the group');
  });
}
