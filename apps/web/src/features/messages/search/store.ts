import { create } from 'zustand';
import { registerReset } from '../../../lib/resets';

/**
 * The open search of one conversation's history (at most one at a time): which chat and what is
 * typed. The bubbles read the query from here to mark the matches while the search is open.
 */
interface SearchState {
  conversationId: string | null;
  query: string;
  open: (conversationId: string) => void;
  close: () => void;
  setQuery: (query: string) => void;
}

export const useMessageSearch = create<SearchState>()((set) => ({
  conversationId: null,
  query: '',
  open: (conversationId) => set((s) => (s.conversationId === conversationId ? s : { conversationId, query: '' })),
  close: () => set({ conversationId: null, query: '' }),
  setQuery: (query) => set({ query }),
}));

registerReset(() => useMessageSearch.getState().close());

/** The words to mark in this conversation's bubbles ('' when its search is closed). */
export function useSearchHighlight(conversationId: string): string {
  return useMessageSearch((s) => (s.conversationId === conversationId && s.query.trim().length >= 2 ? s.query : ''));
}

export function useSearchOpen(conversationId: string): boolean {
  return useMessageSearch((s) => s.conversationId === conversationId);
}
