import { create } from 'zustand';
import type { PublicConfig } from '@herald/shared';
import { http } from '../lib/http';

/** What the server allows (GET /api/config); defaults until it answers. */
export const DEFAULT_CONFIG: PublicConfig = {
  scheduling: {
    minLeadSeconds: 10,
    pickerMinLeadSeconds: 60,
    maxHorizonDays: 367,
    maxPendingPerConversation: 100,
    maxPendingPerUser: 500,
    maxRetries: 3,
  },
  media: { maxImageBytes: 16 * 1024 * 1024, maxVideoBytes: 100 * 1024 * 1024 },
  temporaryTtls: [null, 3600, 86400, 604800, 7776000],
  maxContentLength: 196608,
  maxTextLength: 16000,
};

export const useConfig = create<{ config: PublicConfig; load: () => Promise<void> }>()((set) => ({
  config: DEFAULT_CONFIG,
  load: async () => set({ config: await http.get<PublicConfig>('/api/config') }),
}));
