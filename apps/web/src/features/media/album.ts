import type { AlbumRef } from '@herald/shared';
import { MAX_ATTACHMENTS, type Attachment } from './store';

/**
 * The album places for files sent together: one shared random id, each file's index and the
 * count. None for a single file, and none for one-time files (each goes as its own one-time
 * message: a one-time photo opens once, by itself, never inside a grid).
 */
export function albumPlaces(picked: readonly Pick<Attachment, 'oneTime'>[]): (AlbumRef | undefined)[] {
  if (picked.length < 2 || picked.length > MAX_ATTACHMENTS || picked.some((p) => p.oneTime)) return [];
  const id = crypto.randomUUID().toLowerCase();
  return picked.map((_, index) => ({ id, index, count: picked.length }));
}

/** The files of a drop or a paste (none when it carries only text). */
export function filesOf(data: DataTransfer | null): File[] {
  return data ? [...data.files] : [];
}

/** One line for the schedule dialog: "📷 caption" for one file, "📷 3 photos · caption" for several. */
export function attachmentsPreview(picked: readonly Pick<Attachment, 'kind' | 'file'>[], text: string): string {
  const first = picked[0];
  if (!first) return text;
  const icon = picked.every((p) => p.kind === 'video') ? '🎬' : '📷';
  if (picked.length === 1) return `${icon} ${text || first.file.name}`;
  const images = picked.filter((p) => p.kind === 'image').length;
  const videos = picked.length - images;
  const what =
    videos === 0 ? `${images} photos` : images === 0 ? `${videos} videos` : `${picked.length} photos and videos`;
  return `${icon} ${what}${text ? ` · ${text}` : ''}`;
}
