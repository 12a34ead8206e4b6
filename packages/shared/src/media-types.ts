/**
 * The media types Herald accepts, stores and relays. Only raster images and videos: a type a
 * browser would run as a document (SVG, HTML, XML, PDF, ...) could carry script into Herald's
 * origin once a client turns the bytes into a blob URL of that type. End-to-end encrypted media
 * is uploaded as `application/octet-stream` with an explicit kind; its real type travels inside
 * the encrypted message, and the client checks it against the same lists before making a blob URL.
 */
export const IMAGE_MIME_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif'] as const;
export const VIDEO_MIME_TYPES = ['video/mp4', 'video/webm', 'video/quicktime', 'video/ogg'] as const;
export const ENCRYPTED_MEDIA_TYPE = 'application/octet-stream';

export type MediaKind = 'image' | 'video';

/** `Image/PNG; charset=x` -> `image/png`: the type without parameters, lower case. */
export function normalizeMimeType(raw: string | undefined): string {
  return (raw ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The kind of an allow-listed image or video type; undefined for anything else. */
export function mediaKindOfType(mimeType: string): MediaKind | undefined {
  const type = normalizeMimeType(mimeType);
  if ((IMAGE_MIME_TYPES as readonly string[]).includes(type)) return 'image';
  if ((VIDEO_MIME_TYPES as readonly string[]).includes(type)) return 'video';
  return undefined;
}

/** The type to relay or to give a blob: allow-listed types as they are, anything else as opaque bytes. */
export function safeMediaType(mimeType: string): string {
  return mediaKindOfType(mimeType) ? normalizeMimeType(mimeType) : ENCRYPTED_MEDIA_TYPE;
}
