import { Blob as NodeBlob } from 'node:buffer';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaInfo } from '@herald/shared';
import { useToasts } from '../../components/ui/toast-store';
import { fakeServer } from '../../test-support/network';
import { AttachButton } from './components/attachment-tray';
import { MessageMedia } from './components/message-media';
import { sealMediaFile } from './media-cipher';
import { RELEASE_DELAY_MS, useMedia } from './store';

const C = 'c0000000-0000-4000-8000-000000000001';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"></svg>';

function media(mimeType: string, kind: 'image' | 'video' = 'image'): MediaInfo {
  return { id: `m-${Math.random().toString(36).slice(2)}` as MediaInfo['id'], kind, mimeType, size: SVG.length };
}

/** The server serves stored media as opaque bytes; the test records every blob URL the app makes. */
function serveBytes(): Blob[] {
  fakeServer().on(
    'GET',
    /^\/api\/media\/[^/]+$/,
    () => new Response(SVG, { status: 200, headers: { 'content-type': 'application/octet-stream' } }),
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
      await useMedia.getState().load(media(declared), 'legacy');
    }
    await useMedia.getState().load(media('text/html', 'video'), 'legacy');
    expect(made.map((b) => b.type)).toEqual(Array(6).fill('application/octet-stream'));
    for (const entry of Object.values(useMedia.getState().loaded)) expect(entry).toMatchObject({ shown: false });
  });

  it('keeps allowed image and video types, but only for their own kind', async () => {
    const made = serveBytes();
    await useMedia.getState().load(media('image/png'), 'legacy');
    await useMedia.getState().load(media('Image/JPEG; q=1'), 'legacy');
    await useMedia.getState().load(media('video/mp4', 'video'), 'legacy');
    await useMedia.getState().load(media('video/mp4', 'image'), 'legacy'); // declared kind and type disagree
    expect(made.map((b) => b.type)).toEqual(['image/png', 'image/jpeg', 'video/mp4', 'application/octet-stream']);
  });

  it('one-time media too', async () => {
    const made = serveBytes();
    await expect(useMedia.getState().openOnce(media('image/svg+xml'), 'legacy')).resolves.toMatchObject({
      shown: false,
    });
    expect(made[0]!.type).toBe('application/octet-stream');
  });

  it('shows an unsafe type as a download, never as an image', async () => {
    serveBytes();
    render(
      <MessageMedia
        media={media('image/svg+xml')}
        access={{ state: 'legacy' }}
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
    await waitFor(() => expect(useMedia.getState().attachments[C]?.[0]?.kind).toBe('image'));
    expect(made.map((b) => b.type)).toEqual(['image/png']);
  });
});

function useToastText(): string {
  return useToasts.getState().toasts.at(-1)?.text ?? '';
}

describe('encrypted media (issue 9)', () => {
  // jsdom's Blob cannot be read as a stream, as browsers' can: Node's can, with its bytes handed
  // over in this realm's Uint8Array.
  class StreamingBlob extends NodeBlob {
    override stream() {
      const copy = new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, out) => out.enqueue(new Uint8Array(chunk)),
      });
      return super.stream().pipeThrough<Uint8Array>(copy as never);
    }
  }
  beforeEach(() => vi.stubGlobal('Blob', StreamingBlob));

  /** Serves these sealed bytes for every media GET, and records the blob URLs made. */
  function serveSealed(sealed: Blob): Blob[] {
    // The body as the browser's fetch gives it: a Blob of the served bytes. (Stubbed here rather than
    // served through fakeServer: Node's fetch would hand back Node's Blob, which the streaming
    // decryption cannot read in jsdom.)
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => ({ ok: true, status: 200, blob: async () => sealed }) as unknown as Response),
    );
    const made: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      made.push(blob as Blob);
      return `blob:test/${made.length}`;
    });
    return made;
  }

  const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

  it('opens the sealed bytes with the message secrets and shows them from a blob URL of the real type', async () => {
    const { blob, media: secrets } = await sealMediaFile(new Blob([PNG_BYTES]), 'image/png');
    const made = serveSealed(blob);
    render(
      <MessageMedia
        media={{ ...media('application/octet-stream'), size: blob.size }}
        access={{ state: 'sealed', media: secrets }}
        isOneTime={false}
        viewLimit={null}
        myViews={0}
        mediaExpiresAt={null}
        mine={false}
        onViewed={() => {}}
      />,
    );
    await screen.findByRole('button', { name: 'Open image' });
    expect(made).toHaveLength(1);
    expect(made[0]!.type).toBe('image/png');
    expect(new Uint8Array(await made[0]!.arrayBuffer())).toEqual(PNG_BYTES);
    expect(screen.queryByText('Not encrypted')).toBeNull();
  });

  it('says why when the file does not open, never a broken image', async () => {
    const { blob, media: secrets } = await sealMediaFile(new Blob([PNG_BYTES]), 'image/png');
    const made = serveSealed(blob);
    render(
      <MessageMedia
        media={media('application/octet-stream')}
        access={{ state: 'sealed', media: { ...secrets, sha256: secrets.key } }}
        isOneTime={false}
        viewLimit={null}
        myViews={0}
        mediaExpiresAt={null}
        mine={false}
        onViewed={() => {}}
      />,
    );
    await screen.findByText('This file could not be decrypted.');
    expect(document.querySelector('img')).toBeNull();
    expect(made).toEqual([]);
  });

  it('a message sealed before I joined shows the placeholder in the media place; legacy media is marked', async () => {
    serveBytes();
    const { unmount } = render(
      <MessageMedia
        media={media('image/png')}
        access={{
          state: 'unreadable',
          reason: 'This message was encrypted before you joined; ask the sender to send it again.',
        }}
        isOneTime={false}
        viewLimit={null}
        myViews={0}
        mediaExpiresAt={null}
        mine={false}
        onViewed={() => {}}
      />,
    );
    expect(screen.getByTestId('media-unreadable')).toHaveTextContent(
      'This message was encrypted before you joined; ask the sender to send it again.',
    );
    unmount();
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
    await screen.findByRole('button', { name: 'Open image' });
    expect(screen.getByText('Not encrypted')).toBeInTheDocument();
  });

  it('one-time media: one fetch per opening (the server counts it), decrypted for the viewer', async () => {
    const { blob, media: secrets } = await sealMediaFile(new Blob([PNG_BYTES]), 'image/png');
    const made = serveSealed(blob);
    const viewed = vi.fn();
    render(
      <MessageMedia
        media={media('application/octet-stream')}
        access={{ state: 'sealed', media: secrets }}
        isOneTime
        viewLimit={1}
        myViews={0}
        mediaExpiresAt={null}
        mine={false}
        onViewed={viewed}
      />,
    );
    await userEvent.setup().click(screen.getByRole('button', { name: /View one-time photo/ }));
    await screen.findByRole('img', { name: 'One-time media' });
    expect(vi.mocked(fetch)).toHaveBeenCalledTimes(1);
    expect(viewed).toHaveBeenCalledTimes(1);
    expect(made[0]!.type).toBe('image/png');
  });

  it('revokes a blob URL some time after nothing shows it any more', async () => {
    const { blob, media: secrets } = await sealMediaFile(new Blob([PNG_BYTES]), 'image/png');
    serveSealed(blob);
    const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const info = media('application/octet-stream');
    const { unmount } = render(
      <MessageMedia
        media={info}
        access={{ state: 'sealed', media: secrets }}
        isOneTime={false}
        viewLimit={null}
        myViews={0}
        mediaExpiresAt={null}
        mine={false}
        onViewed={() => {}}
      />,
    );
    await screen.findByRole('button', { name: 'Open image' });
    vi.useFakeTimers();
    unmount();
    vi.advanceTimersByTime(RELEASE_DELAY_MS - 1);
    expect(revoked).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(revoked).toHaveBeenCalledWith('blob:test/1');
    expect(useMedia.getState().loaded[info.id]).toBeUndefined();
  });
});
