import { useEffect, useMemo, useState } from 'react';
import type { Message } from '@herald/shared';
import { Dialog } from '../../../components/ui/dialog';
import { BackIcon, ImageIcon, LockIcon } from '../../../components/ui/icons';
import { useOpened } from '../../../lib/e2ee';
import { useMedia, type MediaSource } from '../store';
import { mediaAccessOf } from './message-attachment';
import { DownloadLink } from './message-media';

type AlbumMessage = Pick<Message, 'id' | 'conversationId' | 'senderId' | 'content' | 'media' | 'createdAt'>;

/** One piece's opened secrets and its loaded blob (held while shown, loaded on first sight). */
function usePiece(message: AlbumMessage) {
  const opened = useOpened(message);
  const access = mediaAccessOf(opened);
  const secrets = access.state === 'sealed' ? access.media : null;
  const source = useMemo<MediaSource | null>(() => (secrets ? { sealed: secrets } : null), [secrets]);
  const media = message.media;
  const entry = useMedia((s) => (media ? s.loaded[media.id] : undefined));
  const load = useMedia((s) => s.load);
  const hold = useMedia((s) => s.hold);
  useEffect(() => (media ? hold(media.id) : undefined), [hold, media]);
  useEffect(() => {
    if (media && source && !entry) void load(media, source);
  }, [load, media, source, entry]);
  return { access, entry, realType: secrets?.mimeType ?? media?.mimeType ?? 'application/octet-stream' };
}

function Thumb({
  message,
  position,
  count,
  onOpen,
}: {
  message: AlbumMessage;
  position: number;
  count: number;
  onOpen: () => void;
}) {
  const { access, entry } = usePiece(message);
  const kind = message.media?.kind === 'video' ? 'video' : 'photo';
  const label = `Open ${kind} ${position} of ${count}`;
  if (access.state === 'unreadable' || entry?.status === 'error') {
    return (
      <div className="album-cell album-cell-error" role="img" aria-label={`${kind} ${position} not readable`}>
        <LockIcon size={20} />
      </div>
    );
  }
  if (!entry || entry.status !== 'ready' || !entry.shown) {
    return (
      <div className="album-cell album-cell-loading" role="img" aria-label={`Loading ${kind} ${position}`}>
        <ImageIcon size={24} />
      </div>
    );
  }
  return (
    <button type="button" className="album-cell" onClick={onOpen} aria-label={label}>
      {message.media?.kind === 'video' ? (
        <>
          <video src={entry.url} muted preload="metadata" aria-hidden="true" />
          <span className="album-play" aria-hidden="true">
            ▶
          </span>
        </>
      ) : (
        <img src={entry.url} alt="" />
      )}
    </button>
  );
}

/** The viewer's current piece, whole (never cropped), with its download. */
function ViewerPiece({ message }: { message: AlbumMessage }) {
  const { entry } = usePiece(message);
  if (!entry || entry.status === 'loading') return <div className="album-viewer-loading muted">Opening…</div>;
  if (entry.status === 'error' || !entry.shown)
    return <div className="album-viewer-loading muted">This file cannot be shown.</div>;
  return message.media?.kind === 'video' ? (
    <video className="media-full" src={entry.url} controls autoPlay />
  ) : (
    <img className="media-full" src={entry.url} alt="" />
  );
}

function ViewerDownload({ message }: { message: AlbumMessage }) {
  const { entry, realType } = usePiece(message);
  return entry?.status === 'ready' && entry.shown ? <DownloadLink url={entry.url} mimeType={realType} /> : null;
}

/**
 * Several photos or videos sent together, in one bubble: a grid of square thumbnails (2 columns;
 * 3 for 5 or more pieces), each opening the viewer, which shows the whole picture with Previous
 * and Next (buttons or the arrow keys) and Download.
 */
export function AlbumGrid({ messages }: { messages: readonly AlbumMessage[] }) {
  const [open, setOpen] = useState<number | null>(null);
  const count = messages.length;
  const current = open === null ? null : messages[Math.min(open, count - 1)];
  const go = (step: number) => setOpen((i) => (i === null ? i : (i + step + count) % count));
  const viewing = open !== null;
  useEffect(() => {
    if (!viewing) return;
    // The arrow keys page through the album (not while a video's own controls have them).
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLMediaElement) return;
      if (event.key === 'ArrowLeft') setOpen((i) => (i === null ? i : (i - 1 + count) % count));
      else if (event.key === 'ArrowRight') setOpen((i) => (i === null ? i : (i + 1) % count));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [viewing, count]);
  return (
    <div
      className={`album-grid album-grid-${count >= 5 ? 3 : 2}${count % 2 === 1 && count < 5 ? ' album-grid-odd' : ''}`}
      data-testid="album-grid"
    >
      {messages.map((m, i) => (
        <Thumb key={m.id} message={m} position={i + 1} count={count} onOpen={() => setOpen(i)} />
      ))}
      {current && open !== null ? (
        <Dialog
          title={`${current.media?.kind === 'video' ? 'Video' : 'Photo'} ${open + 1} of ${count}`}
          onClose={() => setOpen(null)}
          size="lg"
          footer={
            <div className="album-viewer-footer">
              <button type="button" className="btn btn-secondary" onClick={() => go(-1)} aria-label="Previous">
                <BackIcon size={18} />
                <span>Previous</span>
              </button>
              <ViewerDownload message={current} />
              <button type="button" className="btn btn-secondary" onClick={() => go(1)} aria-label="Next">
                <span>Next</span>
                <BackIcon size={18} className="album-next-icon" />
              </button>
            </div>
          }
        >
          <div className="album-viewer" data-testid="album-viewer">
            <ViewerPiece message={current} />
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
