import type { Readable } from 'node:stream';
import type { MediaKind } from '@herald/shared';
import type { Queryable } from '../../db/db.js';
import { deleteBlobs, type MediaDeps } from './media-deps.js';
import { deleteUnreferencedMedia, selectPurgeableMedia } from './media.sql.js';
import { openMedia } from './open-media.js';
import { uploadMedia } from './upload.js';

export { toMediaInfo, type MediaDeps, type MediaLimits } from './media-deps.js';
export { classifyUpload, mediaKindOf, SEND_ENCRYPTED_TEXT } from './upload.js';
export type { OpenedMedia } from './open-media.js';

export const UNATTACHED_MEDIA_TTL_MS = 24 * 3_600_000;

export type MediaService = ReturnType<typeof createMediaService>;

/** Encrypted uploads: storing, opening (one-time views), and deleting blobs nobody can fetch. */
export function createMediaService(deps: MediaDeps) {
  const { db, clock } = deps;
  return {
    /** Streams an upload to storage, within the size limit of its kind and the user's quota. */
    upload: (uploaderId: string, kind: MediaKind, declaredType: string, stream: Readable) =>
      uploadMedia(deps, uploaderId, kind, declaredType, stream),
    /**
     * Opens a blob for a user, or answers 404 (not theirs to see) / 410 (one-time media used up or
     * expired, or deleted). The uploader may fetch their own upload until it is in a message.
     */
    open: (userId: string, mediaId: string) => openMedia(deps, userId, mediaId),
    deleteBlobs: (q: Queryable, mediaIds: readonly string[]) => deleteBlobs(deps, q, mediaIds),

    /**
     * Runs a request that stores uploads as it reads them (`stored` is told each new media id).
     * If the request fails for any reason (a multipart limit, a refused form, the client going
     * away), every upload it stored is deleted again, row and blob: a failed request keeps nothing.
     */
    async discardUploadsOnFailure<T>(run: (stored: (mediaId: string) => void) => Promise<T>): Promise<T> {
      const ids: string[] = [];
      try {
        return await run((id) => ids.push(id));
      } catch (error) {
        // Nothing refers to a failed request's uploads: their rows go too, not only the blobs.
        for (const key of await deleteUnreferencedMedia(db, ids)) await deps.storage.delete(key);
        throw error;
      }
    },

    /** Deletes blobs nobody can fetch any more; returns how many. */
    async purge(): Promise<number> {
      const now = clock.now();
      const ids = await selectPurgeableMedia(db, now, new Date(now.getTime() - UNATTACHED_MEDIA_TTL_MS));
      await deleteBlobs(deps, db, ids);
      return ids.length;
    },
  };
}
