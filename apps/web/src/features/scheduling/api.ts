import type { CreateScheduledBody, Message, ScheduledMessage, ScheduledStatus } from '@herald/shared';
import { http } from '../../lib/http';

const s = (id: string) => `/api/scheduled-messages/${encodeURIComponent(id)}`;

export const schedulingApi = {
  list: (query: { conversationId?: string; status?: ScheduledStatus; includeDismissed?: boolean } = {}) =>
    http.get<ScheduledMessage[]>('/api/scheduled-messages', {
      conversationId: query.conversationId,
      status: query.status,
      includeDismissed: query.includeDismissed,
    }),
  get: (id: string) => http.get<ScheduledMessage>(s(id)),
  create: (body: CreateScheduledBody) => http.post<ScheduledMessage>('/api/scheduled-messages', body),
  update: (id: string, body: { content?: string; scheduledTime?: string; version?: number }) =>
    http.put<ScheduledMessage>(s(id), body),
  cancel: (id: string, keepalive = false) => http.delete<ScheduledMessage>(s(id), undefined, { keepalive }),
  restore: (id: string, body: { version: number; scheduledTime?: string; content?: string }) =>
    http.post<ScheduledMessage>(`${s(id)}/restore`, body),
  sendNow: (id: string) => http.post<{ scheduledMessage: ScheduledMessage; message: Message }>(`${s(id)}/send-now`),
  dismiss: (id: string) => http.post<ScheduledMessage | null>(`${s(id)}/dismiss`),
  failuresSeen: () => http.post<unknown>('/api/scheduled-messages/failures/seen'),
};
