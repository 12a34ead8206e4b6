import { create } from 'zustand';
import {
  DEFAULT_MEDIA_LIMITS,
  DEFAULT_SCHEDULING_LIMITS,
  MAX_CONTENT_LENGTH,
  MAX_TEXT_LENGTH,
  TEMPORARY_TTLS,
  type PublicConfig,
} from '@herald/shared';
import { http } from '../lib/http';

const MIB = 1024 * 1024;

/**
 * What the server allows (GET /api/config); until it answers, the server's own defaults, from the
 * shared contract (the constants the server's configuration defaults to).
 */
export const DEFAULT_CONFIG: PublicConfig = {
  scheduling: { ...DEFAULT_SCHEDULING_LIMITS },
  media: { maxImageBytes: DEFAULT_MEDIA_LIMITS.maxImageMb * MIB, maxVideoBytes: DEFAULT_MEDIA_LIMITS.maxVideoMb * MIB },
  temporaryTtls: TEMPORARY_TTLS,
  maxContentLength: MAX_CONTENT_LENGTH,
  maxTextLength: MAX_TEXT_LENGTH,
};

export const useConfig = create<{ config: PublicConfig; load: () => Promise<void> }>()((set) => ({
  config: DEFAULT_CONFIG,
  load: async () => set({ config: await http.get<PublicConfig>('/api/config') }),
}));
