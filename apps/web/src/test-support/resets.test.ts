import { describe, expect, it } from 'vitest';
import { generateUserKeys } from '@herald/crypto';
import { toast, useToasts } from '../components/ui/toast-store';
import { useConversations } from '../features/conversations/store';
import { useScheduling } from '../features/scheduling/store';
import { currentRing, unlockWith, useKeyState } from '../lib/e2ee';
import { conversation, scheduled } from './fixtures';

// The tests below run in order: the first leaves state behind, the second finds none of it.
describe('automatic resets after each test (setup.ts)', () => {
  it('leaves stores, module state, the URL and storage changed', async () => {
    toast.info('left behind');
    useScheduling.getState().upsert(scheduled(), 'live');
    useConversations.setState({ byId: { x: conversation() }, loaded: true });
    await unlockWith(crypto.randomUUID(), generateUserKeys());
    history.pushState(null, '', '/c/x');
    localStorage.setItem('left', 'behind');
    expect(currentRing()).not.toBeNull();
  });

  it('starts from the initial state', () => {
    expect(useToasts.getState().toasts).toEqual([]);
    expect(useScheduling.getState().byId).toEqual({});
    expect(useConversations.getState()).toMatchObject({ byId: {}, loaded: false });
    expect(useKeyState.getState()).toEqual({ status: 'none', userId: null, generation: 0 });
    expect(currentRing()).toBeNull();
    expect(location.pathname).toBe('/');
    expect(localStorage.length).toBe(0);
    // Actions survive a reset (the initial state holds them).
    expect(toast.info('again')).toBe(1);
  });
});
