import type { TimelineMessage } from '../merge';
import type { Row } from './timeline-rows';

/** A message row that stands for an album: its first message and every piece, in order. */
export type AlbumRow = Extract<Row, { kind: 'message' }> & { album: TimelineMessage[] };

/**
 * Folds albums into one row each: consecutive messages of the same sender whose opened content
 * carries the same album id (`albumOf`, read from the plaintext on this device) become one row,
 * keyed and led by the first one there (it carries the caption, the reply, the time and ticks).
 * Pieces that arrive later join the row; a piece alone (the others not loaded or deleted) stays an
 * ordinary message.
 */
export function groupAlbums(rows: readonly Row[], albumOf: (message: TimelineMessage) => string | null): Row[] {
  const out: Row[] = [];
  let open: { id: string; senderId: string; row: AlbumRow } | null = null;
  for (const row of rows) {
    if (row.kind !== 'message' || row.message.deletedAt) {
      out.push(row);
      open = null;
      continue;
    }
    const id = albumOf(row.message);
    if (id && open && open.id === id && open.senderId === row.message.senderId) {
      open.row.album.push(row.message);
      continue;
    }
    if (!id) {
      out.push(row);
      open = null;
      continue;
    }
    const albumRow: AlbumRow = { ...row, album: [row.message] };
    out.push(albumRow);
    open = { id, senderId: row.message.senderId, row: albumRow };
  }
  // An "album" of one is just a message.
  return out.map((row) => (isAlbumRow(row) && row.album.length < 2 ? withoutAlbum(row) : row));
}

export function isAlbumRow(row: Row): row is AlbumRow {
  return row.kind === 'message' && 'album' in row && Array.isArray((row as AlbumRow).album);
}

function withoutAlbum(row: AlbumRow): Row {
  const { album: _album, ...rest } = row;
  return rest;
}

/** The row showing this message (an album's row shows all its pieces). */
export function rowIndexOf(rows: readonly Row[], messageId: string): number {
  return rows.findIndex(
    (r) =>
      r.kind === 'message' &&
      (r.message.id === messageId || (isAlbumRow(r) && r.album.some((m) => m.id === messageId))),
  );
}
