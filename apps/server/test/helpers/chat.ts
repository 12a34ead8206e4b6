import type { Conversation, Message } from '@herald/shared';
import type { TestUser } from './client.js';
import { isSealed, sealContent, type SealOptions } from './e2ee.js';

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

/**
 * `text` sealed by `from` for the conversation's current members as the server lists them now
 * (what the web client does before every send). Already sealed content is returned as it is.
 */
export async function sealText(
  from: TestUser,
  conversationId: string,
  text: string,
  options: Omit<SealOptions, 'client'> = {},
): Promise<string> {
  if (isSealed(text)) return text;
  return sealContent(from, conversationId, text, { client: from.client, ...options });
}

/** Sends `text` as a live message, sealed for the current members; `extra` adds request fields. */
export async function sendText(from: TestUser, conversationId: string, text: string, extra: object = {}) {
  const res = await from.client.post<Message>(`/api/conversations/${conversationId}/messages`, {
    content: await sealText(from, conversationId, text),
    ...extra,
  });
  if (res.status !== 201) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}
