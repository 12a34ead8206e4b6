import type { PublicUser } from '@herald/shared';
import { setMyAvatar } from '../features/auth/avatar';
import { useConversations } from '../features/conversations/store';

/**
 * `user_updated` (issue 13, item 10): a user's picture changed. The new URL replaces the old one
 * wherever this device shows that user: me, every chat's members, the blocked list. Presence is
 * not taken from the event (the presence events own it).
 */
export function applyUserUpdated(user: PublicUser): void {
  setMyAvatar(user);
  useConversations.setState((s) => {
    let changed = false;
    const byId = { ...s.byId };
    for (const [id, conversation] of Object.entries(s.byId)) {
      if (!conversation.members.some((m) => m.user.id === user.id && m.user.avatarUrl !== user.avatarUrl)) continue;
      changed = true;
      byId[id] = {
        ...conversation,
        members: conversation.members.map((m) =>
          m.user.id === user.id ? { ...m, user: { ...m.user, avatarUrl: user.avatarUrl } } : m,
        ),
      };
    }
    const blocked = s.blocked.map((b) => (b.id === user.id ? { ...b, avatarUrl: user.avatarUrl } : b));
    return changed ? { byId, blocked } : { blocked };
  });
}
