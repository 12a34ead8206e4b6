import type { FileSecrets } from '@herald/crypto';
import { ENCRYPTED_MEDIA_TYPE, mediaKindOfType, normalizeMimeType, type EncryptedMedia } from '@herald/shared';
import { loadCrypto } from '../../lib/e2ee';

/**
 * Media is sealed on this device before upload (docs/e2ee-format.md, "Encrypted files"): the
 * server stores and serves opaque bytes, and the file key, hash, size, chunk size and real MIME
 * type travel inside the sealed message as `EncryptedMedia`.
 *
 * Memory: a picked File is read as a stream and the sealed chunks are gathered into Blobs of a few
 * megabytes as they come (the browser may keep large Blobs on disk), rather than into one array of
 * every chunk: a 100 MB video is never held whole in the JS heap next to the picked file. Opening
 * does the same with the plaintext. @herald/crypto is loaded on first use (lib/e2ee `loadCrypto`),
 * like the rest of the encryption code, so it is not part of the first paint.
 */

/** Sealed size of a file of `size` bytes (`encryptedFileSize` of @herald/crypto, 64 KiB chunks). */
export function sealedSize(size: number): number {
  const chunkSize = 64 * 1024;
  return 28 + size + 16 * Math.max(1, Math.ceil(size / chunkSize));
}

/** Sealed or opened pieces are folded into a Blob every this many bytes. */
const BLOB_SLICE_BYTES = 4 * 1024 * 1024;

const part = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

/** Gathers byte pieces into a Blob of `type`, a few megabytes at a time. */
async function gather(
  pieces: AsyncIterable<Uint8Array>,
  type: string,
  onBytes?: (bytes: number) => void,
): Promise<Blob> {
  const slices: Blob[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  for await (const piece of pieces) {
    pending.push(piece);
    pendingBytes += piece.length;
    total += piece.length;
    onBytes?.(total);
    if (pendingBytes >= BLOB_SLICE_BYTES) {
      slices.push(new Blob(pending.map(part)));
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pending.length) slices.push(new Blob(pending.map(part)));
  return new Blob(slices, { type });
}

export interface SealedUpload {
  /** The encrypted file, to upload as application/octet-stream. */
  blob: Blob;
  /** What the message carries so that readers can open it. */
  media: EncryptedMedia;
}

/**
 * Seals a picked file for upload. `mimeType` is the real type (already allow-listed by the
 * picker); `onProgress` gets the fraction of the plaintext sealed so far.
 */
export async function sealMediaFile(
  file: Blob,
  mimeType: string,
  onProgress?: (fraction: number) => void,
): Promise<SealedUpload> {
  const { sealFile } = await loadCrypto();
  const sealed = sealFile(file);
  const size = file.size || 1;
  const blob = await gather(sealed.chunks, ENCRYPTED_MEDIA_TYPE, (bytes) => onProgress?.(Math.min(1, bytes / size)));
  const secrets: FileSecrets = await sealed.done;
  return {
    blob,
    media: {
      key: secrets.key,
      sha256: secrets.sha256,
      mimeType: normalizeMimeType(mimeType),
      size: secrets.size,
      chunkSize: secrets.chunkSize,
    },
  };
}

/** Why sealed media cannot be shown, in words for the person looking at it. */
export type MediaOpenProblem = 'undecryptable' | 'not_allowed';

export class MediaOpenError extends Error {
  override readonly name = 'MediaOpenError';
  constructor(
    readonly problem: MediaOpenProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The type a decrypted blob may carry: the real type from the sealed message, only when it is on
 * the allow-list for the message's kind (a blob URL typed as SVG or HTML could run script in
 * Herald's origin). Null when it is not allowed.
 */
export function allowedDecryptedType(media: EncryptedMedia, kind: 'image' | 'video'): string | null {
  return mediaKindOfType(media.mimeType) === kind ? normalizeMimeType(media.mimeType) : null;
}

/**
 * Opens downloaded sealed bytes with the message's key, checking chunk size, size and hash; the
 * result is typed with the allow-listed real type. Nothing partial is ever returned: a file that
 * fails anywhere (tampered, truncated, wrong key) throws `MediaOpenError('undecryptable')`.
 */
export async function openMediaFile(sealed: Blob, media: EncryptedMedia, kind: 'image' | 'video'): Promise<Blob> {
  const type = allowedDecryptedType(media, kind);
  if (!type) {
    throw new MediaOpenError(
      'not_allowed',
      `This ${kind === 'video' ? 'video' : 'photo'} has a type Herald does not show (${media.mimeType}).`,
    );
  }
  const { isCryptoError, openFile } = await loadCrypto();
  try {
    return await gather(
      openFile(sealed, media.key, { sha256: media.sha256, size: media.size, chunkSize: media.chunkSize }),
      type,
    );
  } catch (error) {
    if (isCryptoError(error)) {
      throw new MediaOpenError('undecryptable', 'This file could not be decrypted.', { cause: error });
    }
    throw error;
  }
}
