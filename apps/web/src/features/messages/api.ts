import type { Message, MessagePage, Reaction, SendMessageBody } from '@herald/shared';
import { http } from '../../lib/http';

export const PAGE_SIZE = 50;

export const messagesApi = {
  page: (conversationId: string, before?: string | null, limit = PAGE_SIZE) =>
    http.get<MessagePage>(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
      before: before ?? undefined,
      limit,
    }),
  send: (conversationId: string, body: SendMessageBody) =>
    http.post<Message>(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, body),
  react: (messageId: string, emoji: string) =>
    http.put<Reaction[]>(`/api/messages/${encodeURIComponent(messageId)}/reaction`, { emoji }),
  unreact: (messageId: string) => http.delete<Reaction[]>(`/api/messages/${encodeURIComponent(messageId)}/reaction`),
};
