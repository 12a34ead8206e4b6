import type { Conversation } from '@herald/shared';
import { http } from '../../lib/http';

export const notificationsApi = {
  /** Mutes my notifications for a chat until an instant, 'forever', or unmutes (null); all my devices. */
  mute: (conversationId: string, until: string | null) =>
    http.put<Conversation>(`/api/conversations/${encodeURIComponent(conversationId)}/mute`, { until }),
};
