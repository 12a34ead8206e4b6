import { create } from 'zustand';

/** Whether the realtime connection is up (the "Reconnecting…" banner). */
export const useConnection = create<{
  status: 'connecting' | 'online' | 'offline';
  set: (s: 'connecting' | 'online' | 'offline') => void;
}>()((set) => ({ status: 'connecting', set: (status) => set({ status }) }));
