import { create } from 'zustand';
import type { EncryptedMedia, MediaInfo } from '@herald/shared';
import { errorMessage, isApiError } from '../../lib/http';
import { registerReset } from '../../lib/resets';
import { fetchMedia, uploadMedia } from './api';
import { MediaOpenError, openMediaFile, sealMediaFile, sealedSize } from './media-cipher';
import { ALLOWED_FORMATS, blobTypeFor, DOWNLOAD_ONLY_TYPE, mediaKindOf, objectUrlFor } from './media-types';

/**
 * Most files waiting in one composer: they go as one album. Equal to the shared `MAX_ALBUM_ITEMS`
 * (a test says so), written out because this module is on first paint and the shared package's
 * values bring zod with them.
 */
export const MAX_ATTACHMENTS = 10;

export interface Attachment {
  /** Local id (removal, React keys). */
  id: string;
  file: File;
  kind: 'image' | 'video';
  /** Local preview (object URL of the picked file). */
  previewUrl: string;
  oneTime: boolean;
  /** 0..1 while encrypting or uploading. */
  progress: number | null;
  /** What the progress bar measures. */
  phase: 'encrypting' | 'uploading' | null;
  error: string | null;
}

/**
 * `shown`: the type is an allowed image or video, so the app shows it; otherwise the URL is an
 * application/octet-stream blob offered as a download only.
 */
type Loaded =
  | { status: 'loading' }
  | { status: 'ready'; url: string; shown: boolean }
  | { status: 'error'; error: string; gone: boolean; undecryptable: boolean };

/**
 * How stored media is read: `sealed` with the secrets from its (opened) message, or `legacy` for
 * media stored before end-to-end encryption (shown as it was, marked "not encrypted").
 */
export type MediaSource = { sealed: EncryptedMedia } | 'legacy';

/** What an uploaded attachment gives the message that refers to it. */
export interface UploadedMedia {
  info: MediaInfo;
  /** The key, hash and real type, sealed into the message. */
  media: EncryptedMedia;
}

/** The largest upload the server takes, per kind (GET /api/config). */
export interface MediaLimits {
  maxImageBytes: number;
  maxVideoBytes: number;
}

interface MediaState {
  /** Inline media, by media id: fetched once, shown through an object URL. */
  loaded: Record<string, Loaded>;
  /** The attachments waiting in each conversation's composer, in order (absent when none). */
  attachments: Record<string, Attachment[]>;

  load: (media: MediaInfo, source: MediaSource) => Promise<void>;
  /** A component shows this media (its blob URL stays alive until the last one lets go). */
  hold: (mediaId: string) => () => void;
  /** Revokes every blob URL and forgets all media (sign-out). */
  forgetAll: () => void;
  /** One-time media: fetched for one viewing, never cached. Counts as a view on the server. */
  openOnce: (media: MediaInfo, source: MediaSource) => Promise<{ url: string; shown: boolean }>;
  /** Adds a picked file to the composer's (up to 10); returns why it cannot be sent, or null. */
  attach: (conversationId: string, file: File, limits?: MediaLimits) => string | null;
  /** One-time applies to every waiting file (one-time files go as separate messages, not an album). */
  setOneTime: (conversationId: string, oneTime: boolean) => void;
  /** Removes one waiting file (by its local id), or all of them. */
  clearAttachment: (conversationId: string, attachmentId?: string) => void;
  /**
   * Seals the waiting attachment (the first, or the one at `index`) on this device, uploads the
   * sealed bytes (progress shown) and returns what the server stored with the secrets the message
   * must carry.
   */
  uploadAttachment: (conversationId: string, index?: number) => Promise<UploadedMedia>;
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
  // The server's limit applies to the sealed file (the header and a tag per chunk more).
  if (max !== undefined && sealedSize(file.size) > max) {
    return `“${file.name}” is ${megabytes(file.size)}; ${kind === 'image' ? 'photos' : 'videos'} can be at most ${megabytes(max)}.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  return null;
}

/**
 * A blob URL for stored media. Sealed media is opened with its message's secrets and typed with
 * its real type (allow-listed, else it throws); legacy media is typed from the allow-list
 * (octet-stream, download only, otherwise).
 */
async function mediaUrl(media: MediaInfo, source: MediaSource): Promise<{ url: string; shown: boolean }> {
  const stored = await fetchMedia(media.id);
  if (source === 'legacy') {
    return {
      url: objectUrlFor(stored, media.mimeType, media.kind),
      shown: blobTypeFor(media.mimeType, media.kind) !== DOWNLOAD_ONLY_TYPE,
    };
  }
  const opened = await openMediaFile(stored, source.sealed, media.kind);
  return { url: objectUrlFor(opened, opened.type, media.kind), shown: true };
}

/** How long a blob URL outlives the last component showing it (scrolling back costs nothing). */
export const RELEASE_DELAY_MS = 30_000;

export const useMedia = create<MediaState>()((set, get) => {
  /** Components showing each media id, and the timers that revoke a URL nobody shows. */
  const holders = new Map<string, number>();
  const releaseTimers = new Map<string, ReturnType<typeof setTimeout>>();
  registerReset(() => {
    for (const timer of releaseTimers.values()) clearTimeout(timer);
    releaseTimers.clear();
    holders.clear();
  });
  const release = (mediaId: string) => {
    releaseTimers.delete(mediaId);
    if ((holders.get(mediaId) ?? 0) > 0) return;
    const entry = get().loaded[mediaId];
    if (entry?.status === 'loading') return;
    if (entry?.status === 'ready') URL.revokeObjectURL(entry.url);
    set((s) => {
      const loaded = { ...s.loaded };
      delete loaded[mediaId];
      return { loaded };
    });
  };

  const patchAttachment = (conversationId: string, attachmentId: string | null, change: Partial<Attachment>) =>
    set((s) => {
      const current = s.attachments[conversationId];
      if (!current) return s;
      const next = current.map((a) => (attachmentId === null || a.id === attachmentId ? { ...a, ...change } : a));
      return { attachments: { ...s.attachments, [conversationId]: next } };
    });
  let nextId = 0;

  return {
    loaded: {},
    attachments: {},

    load: async (media, source) => {
      if (get().loaded[media.id]) return;
      set((s) => ({ loaded: { ...s.loaded, [media.id]: { status: 'loading' } } }));
      try {
        const { url, shown } = await mediaUrl(media, source);
        set((s) => ({ loaded: { ...s.loaded, [media.id]: { status: 'ready', url, shown } } }));
      } catch (error) {
        set((s) => ({
          loaded: {
            ...s.loaded,
            [media.id]: {
              status: 'error',
              error: errorMessage(error),
              gone: isApiError(error, 'gone'),
              undecryptable: error instanceof MediaOpenError,
            },
          },
        }));
      }
      // Loaded while nobody shows it any more: let it go later.
      if ((holders.get(media.id) ?? 0) === 0 && !releaseTimers.has(media.id)) {
        releaseTimers.set(
          media.id,
          setTimeout(() => release(media.id), RELEASE_DELAY_MS),
        );
      }
    },

    hold: (mediaId) => {
      holders.set(mediaId, (holders.get(mediaId) ?? 0) + 1);
      clearTimeout(releaseTimers.get(mediaId));
      releaseTimers.delete(mediaId);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        const count = (holders.get(mediaId) ?? 1) - 1;
        if (count > 0) holders.set(mediaId, count);
        else {
          holders.delete(mediaId);
          releaseTimers.set(
            mediaId,
            setTimeout(() => release(mediaId), RELEASE_DELAY_MS),
          );
        }
      };
    },

    forgetAll: () => {
      for (const timer of releaseTimers.values()) clearTimeout(timer);
      releaseTimers.clear();
      holders.clear();
      for (const entry of Object.values(get().loaded)) if (entry.status === 'ready') URL.revokeObjectURL(entry.url);
      for (const list of Object.values(get().attachments)) for (const a of list) URL.revokeObjectURL(a.previewUrl);
      set({ loaded: {}, attachments: {} });
    },

    openOnce: (media, source) => mediaUrl(media, source),

    attach: (conversationId, file, limits) => {
      const problem = attachProblem(file, limits);
      const kind = kindOf(file);
      if (problem || !kind) return problem;
      const waiting = get().attachments[conversationId] ?? [];
      if (waiting.length >= MAX_ATTACHMENTS) {
        return `“${file.name}” was not added: at most ${MAX_ATTACHMENTS} photos or videos go in one message.`;
      }
      set((s) => ({
        attachments: {
          ...s.attachments,
          [conversationId]: [
            ...waiting,
            {
              id: `a${++nextId}`,
              file,
              kind,
              previewUrl: objectUrlFor(file, file.type, kind),
              oneTime: waiting[0]?.oneTime ?? false,
              progress: null,
              phase: null,
              error: null,
            },
          ],
        },
      }));
      return null;
    },

    setOneTime: (conversationId, oneTime) => patchAttachment(conversationId, null, { oneTime }),

    clearAttachment: (conversationId, attachmentId) =>
      set((s) => {
        const current = s.attachments[conversationId];
        if (!current) return s;
        const gone = current.filter((a) => attachmentId === undefined || a.id === attachmentId);
        for (const a of gone) URL.revokeObjectURL(a.previewUrl);
        const kept = current.filter((a) => !gone.includes(a));
        const attachments = { ...s.attachments };
        if (kept.length > 0) attachments[conversationId] = kept;
        else delete attachments[conversationId];
        return { attachments };
      }),

    uploadAttachment: async (conversationId, index = 0) => {
      const attachment = get().attachments[conversationId]?.[index];
      if (!attachment) throw new Error('Nothing to upload.');
      const id = attachment.id;
      patchAttachment(conversationId, id, { progress: 0, phase: 'encrypting', error: null });
      try {
        // Sealed here, before anything leaves the device: the server only ever gets opaque bytes.
        const sealed = await sealMediaFile(attachment.file, attachment.file.type, (progress) =>
          patchAttachment(conversationId, id, { progress }),
        );
        patchAttachment(conversationId, id, { progress: 0, phase: 'uploading' });
        const info = await uploadMedia(sealed.blob, attachment.kind, (progress) =>
          patchAttachment(conversationId, id, { progress }),
        ).done;
        patchAttachment(conversationId, id, { progress: 1, phase: null });
        return { info, media: sealed.media };
      } catch (error) {
        patchAttachment(conversationId, id, { progress: null, phase: null, error: errorMessage(error) });
        throw error;
      }
    },
  };
});
