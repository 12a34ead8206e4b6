import {
  ENCRYPTED_MEDIA_TYPE,
  IMAGE_MIME_TYPES,
  mediaKindOfType,
  normalizeMimeType,
  VIDEO_MIME_TYPES,
} from '@herald/shared';

/**
 * Which media the app shows: the shared allow-list of raster images and videos (the server
 * refuses other uploads with 415). A blob URL carries its type into the browser, and a blob URL
 * opened in a tab runs in Herald's origin: typed as SVG or HTML, it could run script there (a
 * stored-script attack through a declared media type). So no blob URL is ever created with a type
 * that is not on the list; anything else gets application/octet-stream, which a browser only
 * downloads.
 */

/** What can never run script: the type of every blob URL that is not an allowed image or video. */
export const DOWNLOAD_ONLY_TYPE = ENCRYPTED_MEDIA_TYPE;

/** For the file picker's `accept`: only what can be sent. */
export const ACCEPTED_TYPES = [...IMAGE_MIME_TYPES, ...VIDEO_MIME_TYPES].join(',');

/** For a picker of photos only (a group's picture). */
export const IMAGE_TYPES = IMAGE_MIME_TYPES.join(',');

/** The allowed formats in words, for messages. */
export const ALLOWED_FORMATS = 'photos (JPEG, PNG, GIF, WebP, AVIF) and videos (MP4, WebM, QuickTime, Ogg)';

/** The kind of an allowed type, or null when the type is not allowed. */
export function mediaKindOf(type: string): 'image' | 'video' | null {
  return mediaKindOfType(type) ?? null;
}

/**
 * The type a blob URL of this media may carry: the declared type when it is allowed for the
 * media's kind, else application/octet-stream (shown nowhere, download only).
 */
export function blobTypeFor(declared: string, kind: 'image' | 'video'): string {
  return mediaKindOfType(declared) === kind ? normalizeMimeType(declared) : DOWNLOAD_ONLY_TYPE;
}

/**
 * The one way the app makes a blob URL for media (ESLint forbids `URL.createObjectURL` elsewhere):
 * typed by `blobTypeFor`, whatever type the blob came with.
 */
export function objectUrlFor(blob: Blob, declared: string, kind: 'image' | 'video'): string {
  const type = blobTypeFor(declared, kind);
  // eslint-disable-next-line no-restricted-properties -- the one allowed place
  return URL.createObjectURL(blob.type === type ? blob : new Blob([blob], { type }));
}
