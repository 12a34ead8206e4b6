import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaInfo } from '@herald/shared';
import { useToasts } from '../../components/ui/toast-store';
import { AttachButton } from './components/attachment-tray';
import { MessageMedia } from './components/message-media';
import { useMedia } from './store';

const C = 'c0000000-0000-4000-8000-000000000001';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"></svg>';

function media(mimeType: string, kind: 'image' | 'video' = 'image'): MediaInfo {
  return { id: `m-${Math.random().toString(36).slice(2)}` as MediaInfo['id'], kind, mimeType, size: SVG.length };
}

/** The server serves stored media as opaque bytes; the test records every blob URL the app makes. */
function serveBytes(): Blob[] {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(SVG, { status: 200, headers: { 'content-type': 'application/octet-stream' } })),
  );
  const made: Blob[] = [];
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    made.push(blob as Blob);
    return `blob:test/${made.length}`;
  });
  return made;
}

beforeEach(() => {
  vi.restoreAllMocks();
  useMedia.setState({ loaded: {}, attachments: {} });
});

describe('media: blob URLs only with allow-listed types (item 9)', () => {
  it('never makes an SVG, HTML or other script-capable blob URL, whatever type was declared', async () => {
    const made = serveBytes();
    for (const declared of ['image/svg+xml', 'text/html', 'application/xhtml+xml', 'text/xml', 'image/svg+xml; x=1']) {
      await useMedia.getState().load(media(declared));
    }
    await useMedia.getState().load(media('text/html', 'video'));
    expect(made.map((b) => b.type)).toEqual(Array(6).fill('application/octet-stream'));
    for (const entry of Object.values(useMedia.getState().loaded)) expect(entry).toMatchObject({ shown: false });
  });

  it('keeps allowed image and video types, but only for their own kind', async () => {
    const made = serveBytes();
    await useMedia.getState().load(media('image/png'));
    await useMedia.getState().load(media('Image/JPEG; q=1'));
    await useMedia.getState().load(media('video/mp4', 'video'));
    await useMedia.getState().load(media('video/mp4', 'image')); // declared kind and type disagree
    expect(made.map((b) => b.type)).toEqual(['image/png', 'image/jpeg', 'video/mp4', 'application/octet-stream']);
  });

  it('one-time media too', async () => {
    const made = serveBytes();
    await expect(useMedia.getState().openOnce(media('image/svg+xml'))).resolves.toMatchObject({ shown: false });
    expect(made[0]!.type).toBe('application/octet-stream');
  });

  it('shows an unsafe type as a download, never as an image', async () => {
    serveBytes();
    render(
      <MessageMedia
        media={media('image/svg+xml')}
        isOneTime={false}
        viewLimit={null}
        myViews={0}
        mediaExpiresAt={null}
        mine={false}
        onViewed={() => {}}
      />,
    );
    await screen.findByText('This photo cannot be shown here.');
    expect(screen.getByRole('link', { name: 'Download it' })).toHaveAttribute('download');
    expect(document.querySelector('img')).toBeNull();
  });

  it('the picker offers only allowed types and refuses others with a sentence', async () => {
    const made = serveBytes();
    const { container } = render(
      <AttachButton conversationId={C} limits={{ maxImageBytes: 1024 * 1024, maxVideoBytes: 4 * 1024 * 1024 }} />,
    );
    const input = container.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.accept.split(',')).toEqual([
      'image/jpeg',
      'image/png',
      'image/gif',
      'image/webp',
      'image/avif',
      'video/mp4',
      'video/webm',
      'video/quicktime',
      'video/ogg',
    ]);
    const user = userEvent.setup({ applyAccept: false });
    await user.upload(input, new File([SVG], 'cat.svg', { type: 'image/svg+xml' }));
    expect(useMedia.getState().attachments[C]).toBeUndefined();
    expect(made).toEqual([]);
    expect(useToastText()).toMatch(/“cat\.svg” cannot be sent: only photos \(JPEG, PNG, GIF, WebP, AVIF\)/);

    await user.upload(input, new File([new Uint8Array(1.5 * 1024 * 1024)], 'big.png', { type: 'image/png' }));
    expect(useMedia.getState().attachments[C]).toBeUndefined();
    expect(useToastText()).toMatch(/“big\.png” is 1\.5 MB; photos can be at most 1 MB\./);

    await user.upload(input, new File([new Uint8Array(10)], 'ok.png', { type: 'image/png' }));
    await waitFor(() => expect(useMedia.getState().attachments[C]?.kind).toBe('image'));
    expect(made.map((b) => b.type)).toEqual(['image/png']);
  });
});

function useToastText(): string {
  return useToasts.getState().toasts.at(-1)?.text ?? '';
}
