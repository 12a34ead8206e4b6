import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_ALBUM_ITEMS, MessagePlaintext, type EncryptedMedia, type MediaInfo } from '@herald/shared';
import { useToasts } from '../../components/ui/toast-store';
import { primeOpened } from '../../lib/e2ee';
import { message } from '../../test-support/fixtures';
import { albumPlaces, attachmentsPreview } from './album';
import { AlbumGrid } from './components/album-grid';
import { AttachButton, AttachmentTray } from './components/attachment-tray';
import { MAX_ATTACHMENTS, useMedia } from './store';

const C = 'c0000000-0000-4000-8000-000000000001';
const S = 'a0000000-0000-4000-8000-000000000001';
const png = (name: string) => new File([new Uint8Array(10)], name, { type: 'image/png' });
const SEALED: EncryptedMedia = {
  key: 'A'.repeat(43),
  sha256: 'B'.repeat(43),
  mimeType: 'image/png',
  size: 10,
  chunkSize: 65536,
};

beforeEach(() => {
  vi.restoreAllMocks();
  let n = 0;
  vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:test/${++n}`);
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  useMedia.setState({ loaded: {}, attachments: {} });
  useToasts.setState({ toasts: [] });
});

describe('album places and the plaintext field', () => {
  it('gives several files one shared id, their index and the count; none for one file or one-time files', () => {
    const places = albumPlaces([{ oneTime: false }, { oneTime: false }, { oneTime: false }]);
    expect(places).toHaveLength(3);
    expect(new Set(places.map((p) => p?.id)).size).toBe(1);
    expect(places.map((p) => [p?.index, p?.count])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(albumPlaces([{ oneTime: false }])).toEqual([]);
    expect(albumPlaces([{ oneTime: true }, { oneTime: true }])).toEqual([]);
    expect(MAX_ATTACHMENTS).toBe(MAX_ALBUM_ITEMS);
  });

  it('is checked when a message is opened: a place past the count, or a bad id, is refused', () => {
    const base = { conversationId: C, senderId: S, text: '', media: SEALED };
    const id = 'd0000000-0000-4000-8000-000000000009';
    expect(MessagePlaintext.safeParse({ ...base, album: { id, index: 1, count: 3 } }).success).toBe(true);
    expect(MessagePlaintext.safeParse({ ...base, album: { id, index: 3, count: 3 } }).success).toBe(false);
    expect(MessagePlaintext.safeParse({ ...base, album: { id, index: 0, count: 11 } }).success).toBe(false);
    expect(MessagePlaintext.safeParse({ ...base, album: { id: 'X', index: 0, count: 2 } }).success).toBe(false);
    expect(MessagePlaintext.safeParse({ ...base, album: { id, index: 0, count: 2, extra: 1 } }).success).toBe(false);
  });

  it('words the schedule dialog preview for several files', () => {
    const img = { kind: 'image' as const, file: png('a.png') };
    expect(attachmentsPreview([img], '')).toBe('📷 a.png');
    expect(attachmentsPreview([img, img, img], 'Trip')).toBe('📷 3 photos · Trip');
  });
});

describe('the tray with several files', () => {
  function Composer() {
    return (
      <>
        <AttachButton conversationId={C} limits={{ maxImageBytes: 1024, maxVideoBytes: 1024 }} />
        <AttachmentTray conversationId={C} />
      </>
    );
  }

  it('takes several files at once, shows each with its own remove button, and one caption/one-time for all', async () => {
    const user = userEvent.setup({ applyAccept: false });
    render(<Composer />);
    expect(screen.getByTestId('attach-input')).toHaveAttribute('multiple');
    await user.upload(screen.getByTestId('attach-input'), [png('a.png'), png('b.png'), png('c.png')]);
    const list = screen.getByRole('list', { name: '3 attachments' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['a.png', 'b.png', 'c.png']);

    await user.click(screen.getByRole('button', { name: 'Remove b.png' }));
    expect(useMedia.getState().attachments[C]?.map((a) => a.file.name)).toEqual(['a.png', 'c.png']);
    await user.click(screen.getByRole('checkbox', { name: /One-time view/ }));
    expect(useMedia.getState().attachments[C]?.every((a) => a.oneTime)).toBe(true);

    // Each file's own progress while it is sealed and uploaded.
    const [first] = useMedia.getState().attachments[C]!;
    act(() =>
      useMedia.setState((s) => ({
        attachments: {
          [C]: s.attachments[C]!.map((a) => (a.id === first!.id ? { ...a, progress: 0.5, phase: 'uploading' } : a)),
        },
      })),
    );
    expect(screen.getByRole('progressbar', { name: 'Upload progress of a.png' })).toBeInTheDocument();
    expect(screen.queryByRole('progressbar', { name: /c\.png/ })).toBeNull();
  });

  it('refuses what cannot go, saying why per file, and keeps the rest (at most 10)', async () => {
    const user = userEvent.setup({ applyAccept: false });
    render(<Composer />);
    const svg = new File(['<svg/>'], 'x.svg', { type: 'image/svg+xml' });
    const big = new File([new Uint8Array(4096)], 'big.png', { type: 'image/png' });
    await user.upload(screen.getByTestId('attach-input'), [png('ok.png'), svg, big]);
    expect(useMedia.getState().attachments[C]?.map((a) => a.file.name)).toEqual(['ok.png']);
    const text = useToasts.getState().toasts.at(-1)?.text ?? '';
    expect(text).toMatch(/“x\.svg” cannot be sent/);
    expect(text).toMatch(/“big\.png” is/);

    await user.upload(
      screen.getByTestId('attach-input'),
      Array.from({ length: 10 }, (_, i) => png(`p${i}.png`)),
    );
    expect(useMedia.getState().attachments[C]).toHaveLength(10);
    expect(useToasts.getState().toasts.at(-1)?.text).toMatch(/“p9\.png” was not added: at most 10 photos or videos/);
  });
});

describe('the album bubble', () => {
  const ids = [
    'e0000000-0000-4000-8000-000000000001',
    'e0000000-0000-4000-8000-000000000002',
    'e0000000-0000-4000-8000-000000000003',
  ];
  function pieces() {
    return ids.map((id, i) => {
      const info: MediaInfo = { id: `f${i}` as MediaInfo['id'], kind: 'image', mimeType: 'image/png', size: 10 };
      const m = message({
        id: id as never,
        conversationId: C as never,
        senderId: S as never,
        content: `{"header":${i}}`,
        contentType: 'image',
        media: info,
      });
      primeOpened(m, { text: i === 0 ? 'Caption' : '', media: SEALED, album: { id: ids[0]!, index: i, count: 3 } });
      return m;
    });
  }

  it('shows a grid of every piece; a thumbnail opens the viewer on it, with Next and Previous (and the arrow keys)', async () => {
    const album = pieces();
    useMedia.setState({
      loaded: Object.fromEntries(
        album.map((m, i) => [m.media!.id, { status: 'ready', url: `blob:piece/${i + 1}`, shown: true }]),
      ),
    });
    const user = userEvent.setup();
    render(<AlbumGrid messages={album} />);
    const grid = screen.getByTestId('album-grid');
    expect(
      within(grid)
        .getAllByRole('button')
        .map((b) => b.getAttribute('aria-label')),
    ).toEqual(['Open photo 1 of 3', 'Open photo 2 of 3', 'Open photo 3 of 3']);
    expect(grid.className).toContain('album-grid-odd');

    await user.click(screen.getByRole('button', { name: 'Open photo 2 of 3' }));
    const viewer = () => screen.getByRole('dialog');
    expect(viewer()).toHaveAccessibleName('Photo 2 of 3');
    expect(viewer().querySelector('img.media-full')).toHaveAttribute('src', 'blob:piece/2');
    expect(within(viewer()).getByRole('link', { name: 'Download' })).toHaveAttribute('href', 'blob:piece/2');

    await user.click(within(viewer()).getByRole('button', { name: 'Next' }));
    expect(viewer()).toHaveAccessibleName('Photo 3 of 3');
    expect(viewer().querySelector('img.media-full')).toHaveAttribute('src', 'blob:piece/3');
    await user.click(within(viewer()).getByRole('button', { name: 'Next' }));
    expect(viewer()).toHaveAccessibleName('Photo 1 of 3');
    await user.click(within(viewer()).getByRole('button', { name: 'Previous' }));
    expect(viewer()).toHaveAccessibleName('Photo 3 of 3');
    fireEvent.keyDown(document, { key: 'ArrowLeft' });
    expect(viewer()).toHaveAccessibleName('Photo 2 of 3');
    fireEvent.keyDown(document, { key: 'ArrowRight' });
    expect(viewer()).toHaveAccessibleName('Photo 3 of 3');
  });

  it('holds a place for a piece still loading (the bubble fills in)', () => {
    const album = pieces();
    useMedia.setState({
      loaded: {
        [album[0]!.media!.id]: { status: 'ready', url: 'blob:piece/1', shown: true },
        [album[1]!.media!.id]: { status: 'loading' },
        [album[2]!.media!.id]: { status: 'loading' },
      },
    });
    render(<AlbumGrid messages={album} />);
    expect(screen.getByRole('button', { name: 'Open photo 1 of 3' })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Loading photo 2' })).toBeInTheDocument();
  });
});
