import { create } from 'zustand';
import type { MediaInfo } from '@herald/shared';
import { errorMessage, isApiError } from '../../lib/http';
import { fetchMedia, uploadMedia } from './api';

export interface Attachment {
  file: File;
  kind: 'image' | 'video';
  /** Local preview (object URL of the picked file). */
  previewUrl: string;
  oneTime: boolean;
  /** 0..1 while uploading. */
  progress: number | null;
  error: string | null;
}

type Loaded =
  { status: 'loading' } | { status: 'ready'; url: string } | { status: 'error'; error: string; gone: boolean };

interface MediaState {
  /** Inline media, by media id: fetched once, shown through an object URL. */
  loaded: Record<string, Loaded>;
  /** The attachment waiting in each conversation's composer. */
  attachments: Record<string, Attachment>;

  load: (mediaId: string, mimeType: string) => Promise<void>;
  /** One-time media: fetched for one viewing, never cached. Counts as a view on the server. */
  openOnce: (mediaId: string, mimeType: string) => Promise<string>;
  attach: (conversationId: string, file: File) => string | null;
  setOneTime: (conversationId: string, oneTime: boolean) => void;
  clearAttachment: (conversationId: string) => void;
  /** Uploads the waiting attachment (progress shown) and returns what the server stored. */
  uploadAttachment: (conversationId: string) => Promise<MediaInfo>;
}

export function kindOf(file: File): 'image' | 'video' | null {
  if (file.type.startsWith('image/')) return 'image';
  if (file.type.startsWith('video/')) return 'video';
  return null;
}

export const useMedia = create<MediaState>()((set, get) => {
  const patchAttachment = (conversationId: string, change: Partial<Attachment>) =>
    set((s) => {
      const current = s.attachments[conversationId];
      if (!current) return s;
      return { attachments: { ...s.attachments, [conversationId]: { ...current, ...change } } };
    });

  return {
    loaded: {},
    attachments: {},

    load: async (mediaId, mimeType) => {
      if (get().loaded[mediaId]) return;
      set((s) => ({ loaded: { ...s.loaded, [mediaId]: { status: 'loading' } } }));
      try {
        const blob = await fetchMedia(mediaId, mimeType);
        const url = URL.createObjectURL(blob);
        set((s) => ({ loaded: { ...s.loaded, [mediaId]: { status: 'ready', url } } }));
      } catch (error) {
        set((s) => ({
          loaded: {
            ...s.loaded,
            [mediaId]: { status: 'error', error: errorMessage(error), gone: isApiError(error, 'gone') },
          },
        }));
      }
    },

    openOnce: async (mediaId, mimeType) => URL.createObjectURL(await fetchMedia(mediaId, mimeType)),

    attach: (conversationId, file) => {
      const kind = kindOf(file);
      if (!kind) return 'Only images and videos can be attached.';
      get().clearAttachment(conversationId);
      set((s) => ({
        attachments: {
          ...s.attachments,
          [conversationId]: {
            file,
            kind,
            previewUrl: URL.createObjectURL(file),
            oneTime: false,
            progress: null,
            error: null,
          },
        },
      }));
      return null;
    },

    setOneTime: (conversationId, oneTime) => patchAttachment(conversationId, { oneTime }),

    clearAttachment: (conversationId) =>
      set((s) => {
        const current = s.attachments[conversationId];
        if (!current) return s;
        URL.revokeObjectURL(current.previewUrl);
        const attachments = { ...s.attachments };
        delete attachments[conversationId];
        return { attachments };
      }),

    uploadAttachment: async (conversationId) => {
      const attachment = get().attachments[conversationId];
      if (!attachment) throw new Error('Nothing to upload.');
      patchAttachment(conversationId, { progress: 0, error: null });
      try {
        const info = await uploadMedia(attachment.file, attachment.kind, (progress) =>
          patchAttachment(conversationId, { progress }),
        ).done;
        return info;
      } catch (error) {
        patchAttachment(conversationId, { progress: null, error: errorMessage(error) });
        throw error;
      }
    },
  };
});
