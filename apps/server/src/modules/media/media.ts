import type { Readable } from 'node:stream';
import {
  ENCRYPTED_MEDIA_TYPE,
  mediaKindOfType,
  normalizeMimeType,
  safeMediaType,
  type MediaInfo,
  type MediaId,
  type MediaKind,
} from '@herald/shared';
import type { Db, Queryable } from '../../db/db.js';
import { AppError, notFound } from '../../lib/app-error.js';
import { BlobTooLargeError, type BlobStorage } from '../../lib/blob-storage.js';
import type { Clock } from '../../lib/clock.js';
import { selectMember } from '../membership/index.js';
import { encryptedFileStream, NotEncryptedFileError } from './encrypted-file.js';
import {
  anyViewsLeft,
  countView,
  insertMedia,
  markMediaDeleted,
  selectMediaAccess,
  selectPurgeableMedia,
  selectUsedBytes,
  type MediaRow,
} from './media.sql.js';

export interface MediaLimits {
  maxImageBytes: number;
  maxVideoBytes: number;
  quotaBytes: number;
}

export interface MediaDeps {
  db: Db;
  storage: BlobStorage;
  clock: Clock;
  limits: MediaLimits;
}

export const UNATTACHED_MEDIA_TTL_MS = 24 * 3_600_000;

export function toMediaInfo(row: Pick<MediaRow, 'id' | 'kind' | 'mimeType' | 'size'>): MediaInfo {
  return { id: row.id as MediaId, kind: row.kind, mimeType: safeMediaType(row.mimeType), size: Number(row.size) };
}

export interface OpenedMedia {
  stream: Readable;
  size: number;
  /** Runs after the response: deletes the blob when nobody can fetch it any more. */
  after: () => Promise<void>;
}

/** What to send instead of a plain file: the one sentence every refusal of an upload ends with. */
export const SEND_ENCRYPTED_TEXT =
  'seal the file on your device (sealFile of @herald/crypto) and upload the sealed bytes as application/octet-stream, with a field kind (image or video; contentType for a scheduled message) before the file';

/**
 * What an upload is and how it is stored. Media is end-to-end encrypted: only an encrypted file
 * (application/octet-stream, its kind given by a field) is accepted, and stored as opaque bytes;
 * its real type travels inside the sealed message. A plain image or video, or any other type
 * (SVG, HTML, ...), is refused with 415.
 */
export function classifyUpload(
  declared: string | undefined,
  rawMimeType: string | undefined,
): { kind: MediaKind; mimeType: string } {
  if (declared !== undefined && declared !== '' && declared !== 'image' && declared !== 'video') {
    throw new AppError('validation_failed', 'kind must be image or video.', [
      { path: 'kind', message: 'image or video' },
    ]);
  }
  const mimeType = normalizeMimeType(rawMimeType);
  if (mimeType !== ENCRYPTED_MEDIA_TYPE) {
    const what = mediaKindOfType(mimeType)
      ? `A plain ${mimeType} file`
      : mimeType
        ? `The type ${mimeType}`
        : 'A file without a type';
    throw new AppError(
      'unsupported_media_type',
      `${what} is not accepted: media is end-to-end encrypted, so ${SEND_ENCRYPTED_TEXT}.`,
    );
  }
  if (!declared) {
    throw new AppError(
      'unsupported_media_type',
      `An encrypted file (application/octet-stream) needs its kind: ${SEND_ENCRYPTED_TEXT}.`,
    );
  }
  return { kind: declared, mimeType };
}

/** The kind of an upload (see classifyUpload, which also refuses types that are not allowed). */
export function mediaKindOf(declared: string | undefined, mimeType: string): MediaKind {
  return classifyUpload(declared, mimeType).kind;
}

export type MediaService = ReturnType<typeof createMediaService>;

export function createMediaService(deps: MediaDeps) {
  const { db, storage, clock, limits } = deps;

  async function deleteBlobs(q: Queryable, mediaIds: readonly string[]): Promise<void> {
    const deleted = await markMediaDeleted(q, mediaIds, clock.now());
    for (const media of deleted) await storage.delete(media.storageKey);
  }

  return {
    /** Streams an upload to storage, within the size limit of its kind and the user's quota. */
    async upload(uploaderId: string, kind: MediaKind, declaredType: string, stream: Readable): Promise<MediaInfo> {
      // Whatever the route checked, only an allow-listed type or opaque bytes are ever stored.
      let mimeType: string;
      try {
        mimeType = classifyUpload(kind, declaredType).mimeType;
      } catch (error) {
        stream.resume();
        throw error;
      }
      const kindMax = kind === 'image' ? limits.maxImageBytes : limits.maxVideoBytes;
      const remaining = limits.quotaBytes - (await selectUsedBytes(db, uploaderId));
      if (remaining <= 0) {
        stream.resume();
        throw new AppError(
          'quota_exceeded',
          'Your media storage is full; delete some chats or wait for old media to expire.',
        );
      }
      const max = Math.min(kindMax, remaining);
      let stored: { key: string; size: number };
      try {
        // Refused at its first bytes if it is not an encrypted file: nothing is kept.
        stored = await storage.put(encryptedFileStream(stream), max);
      } catch (error) {
        stream.resume();
        if (error instanceof NotEncryptedFileError) {
          throw new AppError(
            'unsupported_media_type',
            `This file is not encrypted (it does not start with the encrypted-file header): ${SEND_ENCRYPTED_TEXT}.`,
          );
        }
        if (error instanceof BlobTooLargeError) {
          if (max < kindMax) throw new AppError('quota_exceeded', 'This upload would exceed your media storage quota.');
          throw new AppError(
            'payload_too_large',
            `${kind === 'image' ? 'Images' : 'Videos'} can be at most ${Math.floor(kindMax / 1024 / 1024)} MB.`,
          );
        }
        throw error;
      }
      if (stored.size === 0) {
        await storage.delete(stored.key);
        throw new AppError('validation_failed', 'The file is empty.');
      }
      const row = await insertMedia(db, {
        uploaderId,
        kind,
        mimeType,
        size: stored.size,
        storageKey: stored.key,
        now: clock.now(),
      }).catch(async (error: unknown) => {
        await storage.delete(stored.key); // no row, so no blob either
        throw error;
      });
      return toMediaInfo(row);
    },

    /**
     * Opens a blob for a user, or answers 404 (not theirs to see) / 410 (one-time media used up or
     * expired, or deleted). The uploader may fetch their own upload until it is in a message.
     */
    async open(userId: string, mediaId: string): Promise<OpenedMedia> {
      const now = clock.now();
      const row = await selectMediaAccess(db, mediaId);
      if (!row) throw notFound('No such media.');
      let after = async () => {};
      if (!row.messageId || !row.conversationId) {
        if (row.uploaderId !== userId) throw notFound('No such media.');
      } else {
        const member = await selectMember(db, row.conversationId, userId);
        const visible =
          member &&
          !member.leftAt &&
          row.messageCreatedAt! >= member.joinedAt &&
          (!member.historyFrom || row.messageCreatedAt! > member.historyFrom) &&
          (!row.messageExpiresAt || row.messageExpiresAt > now);
        if (!visible) throw notFound('No such media.');
        if (row.isOneTimeMedia) {
          const limit = row.viewLimit ?? 1;
          if (row.senderId === userId) throw new AppError('gone', 'One-time media cannot be reopened by its sender.');
          if (row.deletedAt || (row.mediaExpiresAt && row.mediaExpiresAt <= now)) {
            throw new AppError('gone', 'This one-time media has expired.');
          }
          const views = await countView(db, row.messageId, userId, limit, now);
          if (views === undefined) throw new AppError('gone', 'You have already opened this one-time media.');
          const messageId = row.messageId;
          after = async () => {
            if (!(await anyViewsLeft(db, messageId, limit))) await deleteBlobs(db, [row.id]);
          };
        }
      }
      if (row.deletedAt) throw new AppError('gone', 'This media is no longer available.');
      const stream = await storage.get(row.storageKey);
      if (!stream) throw new AppError('gone', 'This media is no longer available.');
      return { stream, size: Number(row.size), after };
    },

    deleteBlobs,

    /**
     * Runs a request that stores uploads as it reads them (`stored` is told each new media id).
     * If the request fails for any reason (a multipart limit, a refused form, the client going
     * away), every upload it stored is deleted again: a failed request keeps nothing, and nothing
     * counts against the quota until the daily purge.
     */
    async discardUploadsOnFailure<T>(run: (stored: (mediaId: string) => void) => Promise<T>): Promise<T> {
      const ids: string[] = [];
      try {
        return await run((id) => ids.push(id));
      } catch (error) {
        if (ids.length) await deleteBlobs(db, ids);
        throw error;
      }
    },

    /** Deletes blobs nobody can fetch any more; returns how many. */
    async purge(): Promise<number> {
      const now = clock.now();
      const ids = await selectPurgeableMedia(db, now, new Date(now.getTime() - UNATTACHED_MEDIA_TTL_MS));
      await deleteBlobs(db, ids);
      return ids.length;
    },
  };
}
