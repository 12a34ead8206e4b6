import type { Conversation, Message } from '@herald/shared';
import type { TestUser } from './client.js';

export async function directChat(a: TestUser, b: TestUser): Promise<Conversation> {
  const res = await a.client.post<Conversation>('/api/conversations/direct', { userId: b.id });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`direct chat: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

export async function groupChat(owner: TestUser, title: string, members: TestUser[]): Promise<Conversation> {
  const res = await owner.client.post<Conversation>('/api/conversations/group', {
    title,
    memberIds: members.map((m) => m.id),
  });
  if (res.status !== 201) throw new Error(`group: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

export async function sendText(from: TestUser, conversationId: string, content: string, extra: object = {}) {
  const res = await from.client.post<Message>(`/api/conversations/${conversationId}/messages`, {
    content,
    ...extra,
  });
  if (res.status !== 201) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}
