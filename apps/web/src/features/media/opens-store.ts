import { create } from 'zustand';
import type { MediaOpen } from '@herald/shared';
import { registerReset } from '../../lib/resets';

/**
 * Who opened my one-time media, heard live (`media_opened`, sent to the sender only). The message
 * from history carries `openedBy` too; the newer of the two (more entries) is shown.
 */
interface OpensState {
  byMessage: Record<string, MediaOpen[]>;
  set: (messageId: string, openedBy: MediaOpen[]) => void;
}

export const useOneTimeOpens = create<OpensState>()((set) => ({
  byMessage: {},
  set: (messageId, openedBy) => set((s) => ({ byMessage: { ...s.byMessage, [messageId]: openedBy } })),
}));

registerReset(() => useOneTimeOpens.setState({ byMessage: {} }));

/** The latest list: live when it knows more than the message, else the message's own. */
export function latestOpens(fromMessage: MediaOpen[] | undefined, live: MediaOpen[] | undefined): MediaOpen[] {
  const a = fromMessage ?? [];
  const b = live ?? [];
  const total = (list: MediaOpen[]) => list.reduce((sum, o) => sum + o.views, 0);
  return total(b) > total(a) ? b : a;
}
