import { describe, expect, it } from 'vitest';
import { message } from '../../../test-support/fixtures';
import type { TimelineMessage } from '../merge';
import { groupAlbums, isAlbumRow, rowIndexOf } from './album-rows';
import { timelineRows } from './timeline-rows';

const A = 'a0000000-0000-4000-8000-000000000001';
const B = 'b0000000-0000-4000-8000-000000000002';
let n = 0;
function m(senderId: string, album: string | null, extra: Partial<TimelineMessage> = {}) {
  n += 1;
  const msg = message({
    id: `f0000000-0000-4000-8000-${String(n).padStart(12, '0')}` as never,
    senderId: senderId as never,
    createdAt: `2026-12-02T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
    contentType: 'image',
    ...extra,
  }) as TimelineMessage;
  return { msg, album };
}

function rows(items: { msg: TimelineMessage; album: string | null }[]) {
  const albums = new Map(items.map((i) => [i.msg.id, i.album]));
  const base = timelineRows(
    items.map((i) => i.msg),
    { timeZone: 'UTC', isGroup: true, myId: A },
  );
  return groupAlbums(base, (message) => albums.get(message.id) ?? null);
}

describe('albums in the timeline rows', () => {
  it('folds consecutive pieces of one sender with one album id into one row led by the first', () => {
    const items = [m(A, null), m(B, 'x'), m(B, 'x'), m(B, 'x'), m(A, null)];
    const out = rows(items);
    const messages = out.filter((r) => r.kind === 'message');
    expect(messages).toHaveLength(3);
    const album = messages[1]!;
    expect(isAlbumRow(album)).toBe(true);
    expect(album.kind === 'message' && album.message.id).toBe(items[1]!.msg.id);
    expect(isAlbumRow(album) && album.album.map((x) => x.id)).toEqual(items.slice(1, 4).map((i) => i.msg.id));
    // A jump to any piece lands on the album's row.
    expect(rowIndexOf(out, items[3]!.msg.id)).toBe(out.indexOf(album));
  });

  it('does not fold other senders, other albums, deleted pieces, or an album of one', () => {
    const out = rows([
      m(A, 'x'),
      m(B, 'x'), // same id, other sender
      m(B, 'y'),
      m(B, 'y', { deletedAt: '2026-12-02T11:00:00.000Z' }),
      m(B, 'y'),
      m(A, 'z'),
    ]);
    const messages = out.filter((r) => r.kind === 'message');
    expect(messages).toHaveLength(6);
    expect(messages.some(isAlbumRow)).toBe(false);
  });

  it('a piece opened later joins its album (the rows are folded again)', () => {
    const items = [m(B, 'x'), m(B, null), m(B, 'x')];
    expect(rows(items).filter(isAlbumRow)).toHaveLength(0);
    items[1]!.album = 'x';
    const out = rows(items);
    expect(out.filter(isAlbumRow)).toHaveLength(1);
    expect(out.filter((r) => r.kind === 'message')).toHaveLength(1);
  });
});
