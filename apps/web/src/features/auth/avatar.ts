import type { PublicUser } from '@herald/shared';
import { http } from '../../lib/http';
import { useAuth } from './store';

/**
 * The account's avatar (issue 13, item 10). Public profile data like the display name, so not
 * encrypted: the picked image is re-encoded here (a centred square, 256x256, WebP or PNG, under
 * 100 KB), which also drops whatever the file carried besides pixels (EXIF, location); the server
 * checks the bytes again and serves them from GET /api/users/:id/avatar?v=<version>.
 */

export const AVATAR_SIZE = 256;
/** @herald/shared's MAX_AVATAR_BYTES, repeated: a value import of the package would pull zod into the first paint. */
export const MAX_AVATAR_BYTES = 100 * 1024;

function blobOf(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

/** Crops the picture to a centred square, scales it to 256x256 and encodes it under the limit. */
export async function prepareAvatar(file: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(file).catch(() => {
    throw new Error('That file is not a picture this browser can read.');
  });
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = AVATAR_SIZE;
  canvas.height = AVATAR_SIZE;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This browser cannot draw the picture.');
  context.imageSmoothingQuality = 'high';
  context.drawImage(
    bitmap,
    (bitmap.width - side) / 2,
    (bitmap.height - side) / 2,
    side,
    side,
    0,
    0,
    AVATAR_SIZE,
    AVATAR_SIZE,
  );
  bitmap.close();
  // WebP where the browser encodes it (it answers PNG otherwise), lower quality if still too big.
  for (const quality of [0.9, 0.75, 0.5]) {
    const webp = await blobOf(canvas, 'image/webp', quality);
    if (webp && webp.type === 'image/webp' && webp.size <= MAX_AVATAR_BYTES) return webp;
  }
  const png = await blobOf(canvas, 'image/png');
  if (png && png.size <= MAX_AVATAR_BYTES) return png;
  const jpeg = await blobOf(canvas, 'image/jpeg', 0.8);
  if (jpeg && jpeg.size <= MAX_AVATAR_BYTES) return jpeg;
  throw new Error('The picture is too detailed to fit in 100 KB; try another one.');
}

function base64Of(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result.replace(/^data:[^,]*,/, '') : '');
    reader.onerror = () => reject(reader.error ?? new Error('The picture could not be read.'));
    reader.readAsDataURL(blob);
  });
}

export async function uploadAvatar(picture: Blob): Promise<PublicUser> {
  const user = await http.put<PublicUser>('/api/users/me/avatar', { image: await base64Of(picture) });
  setMyAvatar(user);
  return user;
}

export async function removeAvatar(): Promise<PublicUser> {
  const user = await http.delete<PublicUser>('/api/users/me/avatar');
  setMyAvatar(user);
  return user;
}

/** My own picture changed (here, or on another device: app/user-updated.ts). */
export function setMyAvatar(user: PublicUser): void {
  useAuth.setState((s) => (s.me && s.me.id === user.id ? { me: { ...s.me, avatarUrl: user.avatarUrl } } : {}));
}
