import { create } from 'zustand';
import type { MediaInfo } from '@herald/shared';
import { errorMessage, isApiError } from '../../lib/http';
import { fetchMedia, uploadMedia } from './api';
import { ALLOWED_FORMATS, blobTypeFor, DOWNLOAD_ONLY_TYPE, mediaKindOf, objectUrlFor } from './media-types';

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

/**
 * `shown`: the type is an allowed image or video, so the app shows it; otherwise the URL is an
 * application/octet-stream blob offered as a download only.
 */
type Loaded =
  | { status: 'loading' }
  | { status: 'ready'; url: string; shown: boolean }
  | { status: 'error'; error: string; gone: boolean };

/** The largest upload the server takes, per kind (GET /api/config). */
export interface MediaLimits {
  maxImageBytes: number;
  maxVideoBytes: number;
}

interface MediaState {
  /** Inline media, by media id: fetched once, shown through an object URL. */
  loaded: Record<string, Loaded>;
  /** The attachment waiting in each conversation's composer. */
  attachments: Record<string, Attachment>;

  load: (media: MediaInfo) => Promise<void>;
  /** One-time media: fetched for one viewing, never cached. Counts as a view on the server. */
  openOnce: (media: MediaInfo) => Promise<{ url: string; shown: boolean }>;
  /** Puts a picked file in the composer; returns why it cannot be sent, or null. */
  attach: (conversationId: string, file: File, limits?: MediaLimits) => string | null;
  setOneTime: (conversationId: string, oneTime: boolean) => void;
  clearAttachment: (conversationId: string) => void;
  /** Uploads the waiting attachment (progress shown) and returns what the server stored. */
  uploadAttachment: (conversationId: string) => Promise<MediaInfo>;
}

export function kindOf(file: File): 'image' | 'video' | null {
  return mediaKindOf(file.type);
}

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** Why this file cannot be attached, in a sentence; null when it can. */
export function attachProblem(file: File, limits?: MediaLimits): string | null {
  const kind = kindOf(file);
  if (!kind) return `“${file.name}” cannot be sent: only ${ALLOWED_FORMATS} can be attached.`;
  const max = kind === 'image' ? limits?.maxImageBytes : limits?.maxVideoBytes;
  if (max !== undefined && file.size > max) {
    return `“${file.name}” is ${megabytes(file.size)}; ${kind === 'image' ? 'photos' : 'videos'} can be at most ${megabytes(max)}.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

/** A blob URL for stored media, typed from the allow-list (octet-stream, download only, otherwise). */
async function mediaUrl(media: MediaInfo): Promise<{ url: string; shown: boolean }> {
  const blob = await fetchMedia(media.id);
  return {
    url: objectUrlFor(blob, media.mimeType, media.kind),
    shown: blobTypeFor(media.mimeType, media.kind) !== DOWNLOAD_ONLY_TYPE,
  };
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

    load: async (media) => {
      if (get().loaded[media.id]) return;
      set((s) => ({ loaded: { ...s.loaded, [media.id]: { status: 'loading' } } }));
      try {
        const { url, shown } = await mediaUrl(media);
        set((s) => ({ loaded: { ...s.loaded, [media.id]: { status: 'ready', url, shown } } }));
      } catch (error) {
        set((s) => ({
          loaded: {
            ...s.loaded,
            [media.id]: { status: 'error', error: errorMessage(error), gone: isApiError(error, 'gone') },
          },
        }));
      }
    },

    openOnce: (media) => mediaUrl(media),

    attach: (conversationId, file, limits) => {
      const problem = attachProblem(file, limits);
      const kind = kindOf(file);
      if (problem || !kind) return problem;
      get().clearAttachment(conversationId);
      set((s) => ({
        attachments: {
          ...s.attachments,
          [conversationId]: {
            file,
            kind,
            previewUrl: objectUrlFor(file, file.type, kind),
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
