import type { Readable } from 'node:stream';
import {
  ENCRYPTED_MEDIA_TYPE,
  mediaKindOfType,
  normalizeMimeType,
  type MediaInfo,
  type MediaKind,
} from '@herald/shared';
import { AppError } from '../../lib/app-error.js';
import { BlobTooLargeError } from '../../lib/blob-storage.js';
import { encryptedFileStream, NotEncryptedFileError } from './encrypted-file.js';
import { toMediaInfo, type MediaDeps } from './media-deps.js';
import { insertMedia, selectUsedBytes } from './media.sql.js';

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

/** Streams an upload to storage, within the size limit of its kind and the user's quota. */
export async function uploadMedia(
  { db, storage, clock, limits }: MediaDeps,
  uploaderId: string,
  kind: MediaKind,
  declaredType: string,
  stream: Readable,
): Promise<MediaInfo> {
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
}
