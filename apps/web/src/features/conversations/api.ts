import type { Conversation, MemberRole, PublicUser } from '@herald/shared';
import { http } from '../../lib/http';

const c = (id: string) => `/api/conversations/${encodeURIComponent(id)}`;

export const conversationsApi = {
  list: () => http.get<Conversation[]>('/api/conversations'),
  get: (id: string) => http.get<Conversation>(c(id)),
  createDirect: (userId: string) => http.post<Conversation>('/api/conversations/direct', { userId }),
  createGroup: (title: string, memberIds: string[]) =>
    http.post<Conversation>('/api/conversations/group', { title, memberIds }),
  update: (id: string, patch: { title?: string; temporaryTtlSeconds?: number | null }) =>
    http.patch<Conversation>(c(id), patch),
  deleteChat: (id: string) => http.delete<unknown>(c(id)),
  addMembers: (id: string, userIds: string[]) => http.post<Conversation>(`${c(id)}/members`, { userIds }),
  removeMember: (id: string, userId: string) => http.delete<unknown>(`${c(id)}/members/${encodeURIComponent(userId)}`),
  setRole: (id: string, userId: string, role: Exclude<MemberRole, 'owner'>) =>
    http.patch<Conversation>(`${c(id)}/members/${encodeURIComponent(userId)}`, { role }),
  leave: (id: string) => http.post<unknown>(`${c(id)}/leave`),
  markRead: (id: string) => http.post<unknown>(`${c(id)}/read`),
  markDelivered: (id: string, messageIds: string[]) => http.post<unknown>(`${c(id)}/delivered`, { messageIds }),
  searchUsers: (search: string) => http.get<PublicUser[]>('/api/users', { search, limit: 10 }),
  blocks: () => http.get<PublicUser[]>('/api/blocks'),
  block: (userId: string) => http.put<unknown>(`/api/users/${encodeURIComponent(userId)}/block`),
  unblock: (userId: string) => http.delete<unknown>(`/api/users/${encodeURIComponent(userId)}/block`),
};
