import type { ConversationKeys, PublicKeysView, SetKeysBody } from '@herald/shared';
import { http } from '../http';

/** The server's public-key directory (DESIGN section 7), and setting one's own keys. */
export const keysApi = {
  conversation: (conversationId: string) =>
    http.get<ConversationKeys>(`/api/conversations/${encodeURIComponent(conversationId)}/keys`),
  user: (userId: string) => http.get<PublicKeysView>(`/api/users/${encodeURIComponent(userId)}/keys`),
  setMine: (body: SetKeysBody) => http.put<PublicKeysView>('/api/users/me/keys', body),
};
