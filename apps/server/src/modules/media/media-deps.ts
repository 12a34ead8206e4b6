import { safeMediaType, type MediaId, type MediaInfo } from '@herald/shared';
import type { Db, Queryable } from '../../db/db.js';
import type { BlobStorage } from '../../lib/blob-storage.js';
import type { Broadcaster } from '../../lib/broadcaster.js';
import type { Clock } from '../../lib/clock.js';
import { markMediaDeleted, type MediaRow } from './media.sql.js';

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
  /** Tells the sender of one-time media when a recipient opened it (`media_opened`). */
  broadcaster?: Broadcaster;
}

export function toMediaInfo(row: Pick<MediaRow, 'id' | 'kind' | 'mimeType' | 'size'>): MediaInfo {
  return { id: row.id as MediaId, kind: row.kind, mimeType: safeMediaType(row.mimeType), size: Number(row.size) };
}

/** Marks media deleted (in the caller's transaction or not) and deletes their blobs. */
export async function deleteBlobs(
  { storage, clock }: Pick<MediaDeps, 'storage' | 'clock'>,
  q: Queryable,
  mediaIds: readonly string[],
): Promise<void> {
  const deleted = await markMediaDeleted(q, mediaIds, clock.now());
  for (const media of deleted) await storage.delete(media.storageKey);
}
