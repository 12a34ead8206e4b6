import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaInfo } from '@herald/shared';
import { fakeServer } from '../../test-support/network';
import { MessageMedia } from './components/message-media';
import { downloadName } from './download';
import { latestOpens } from './opens-store';
import { useMedia } from './store';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function media(mimeType: string, kind: 'image' | 'video' = 'image'): MediaInfo {
  return { id: `m-${Math.random().toString(36).slice(2)}` as MediaInfo['id'], kind, mimeType, size: PNG.length };
}

beforeEach(() => {
  vi.restoreAllMocks();
  useMedia.setState({ loaded: {}, attachments: {} });
});

describe('download from the viewer (item 9)', () => {
  it('names the file after its real type', () => {
    const at = new Date(2026, 11, 2, 14, 5, 9);
    expect(downloadName('image/png', at)).toBe('Herald photo 2026-12-02 14.05.09.png');
    expect(downloadName('Image/JPEG; q=1', at)).toBe('Herald photo 2026-12-02 14.05.09.jpg');
    expect(downloadName('video/quicktime', at)).toBe('Herald video 2026-12-02 14.05.09.mov');
    expect(downloadName('image/svg+xml', at)).toBe('Herald file 2026-12-02 14.05.09.bin');
  });

  it('offers Download in the image viewer, on the decrypted blob', async () => {
    fakeServer().on(
      'GET',
      /^\/api\/media\/[^/]+$/,
      () => new Response(PNG, { status: 200, headers: { 'content-type': 'application/octet-stream' } }),
    );
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:test/1');
    render(
      <MessageMedia
        media={media('image/png')}
        access={{ state: 'legacy' }}
        isOneTime={false}
        viewLimit={null}
        myViews={0}
        mediaExpiresAt={null}
        mine={false}
        onViewed={() => {}}
      />,
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Open image' }));
    const dialog = screen.getByRole('dialog', { name: 'Image' });
    const link = within(dialog).getByRole('link', { name: 'Download' });
    expect(link).toHaveAttribute('href', 'blob:test/1');
    expect(link.getAttribute('download')).toMatch(/^Herald photo .+\.png$/);
  });

  it('never offers Download for one-time media', () => {
    render(
      <MessageMedia
        media={media('image/png')}
        access={{ state: 'legacy' }}
        isOneTime
        viewLimit={1}
        myViews={0}
        mediaExpiresAt={null}
        mine={false}
        onViewed={() => {}}
      />,
    );
    expect(screen.queryByRole('link', { name: 'Download' })).toBeNull();
  });
});

describe('one-time media: "Opened" for the sender (item 9)', () => {
  const props = {
    media: media('image/png'),
    access: { state: 'legacy' } as const,
    isOneTime: true,
    viewLimit: 1,
    myViews: 0,
    mediaExpiresAt: null,
    onViewed: () => {},
    timeZone: 'UTC',
  };

  it('says who opened it and when, to the sender', () => {
    render(
      <MessageMedia
        {...props}
        mine
        openedBy={[
          { name: 'Bea', at: '2026-12-02T14:05:00Z', views: 1 },
          { name: 'Cy', at: '2026-12-02T15:00:00Z', views: 2 },
        ]}
      />,
    );
    const note = screen.getByTestId('one-time-opened');
    expect(note).toHaveTextContent('Opened');
    expect(note).toHaveTextContent(/Bea · .*(14:05|2:05)/);
    expect(note).toHaveTextContent(/Cy · .*(15:00|3:00).* · 2 times/);
  });

  it('is not opened while nobody opened it, and recipients never see it', () => {
    const { unmount } = render(<MessageMedia {...props} mine openedBy={[]} />);
    expect(screen.queryByTestId('one-time-opened')).toBeNull();
    expect(screen.getByRole('button', { name: /One-time photo \(you sent it\)/ })).toBeInTheDocument();
    unmount();
    render(<MessageMedia {...props} mine={false} openedBy={[{ name: 'Bea', at: '2026-12-02T14:05:00Z', views: 1 }]} />);
    expect(screen.queryByTestId('one-time-opened')).toBeNull();
  });

  it('prefers the live list when it knows more than the message', () => {
    const one = [{ userId: 'u1' as never, views: 1, lastOpenedAt: 'a' }];
    const two = [...one, { userId: 'u2' as never, views: 1, lastOpenedAt: 'b' }];
    expect(latestOpens(one, two)).toBe(two);
    expect(latestOpens(two, one)).toBe(two);
    expect(latestOpens(undefined, undefined)).toEqual([]);
  });
});
