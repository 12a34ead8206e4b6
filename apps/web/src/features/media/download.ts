import { mediaKindOfType, normalizeMimeType } from '@herald/shared';

/** File extensions of the allow-listed types (anything else downloads as `.bin`). */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'video/ogg': 'ogv',
};

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The name a decrypted file is saved under: `Herald photo 2026-12-02 14.05.09.jpg`. The real type
 * comes from the sealed message (never from the server); the extension follows from it, so the
 * saved file opens as what it is. A type off the allow-list gets `.bin`.
 */
export function downloadName(mimeType: string, at: Date = new Date()): string {
  const type = normalizeMimeType(mimeType);
  const kind = mediaKindOfType(type);
  const what = kind === 'video' ? 'video' : kind === 'image' ? 'photo' : 'file';
  const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}.${pad(at.getMinutes())}.${pad(at.getSeconds())}`;
  return `Herald ${what} ${stamp}.${EXTENSIONS[type] ?? 'bin'}`;
}
