import { useEffect, useMemo, useState } from 'react';
import type { EncryptedMedia, MediaInfo } from '@herald/shared';
import { Dialog } from '../../../components/ui/dialog';
import { DownloadIcon, EyeIcon, ImageIcon, LockIcon } from '../../../components/ui/icons';
import { errorMessage, isApiError } from '../../../lib/http';
import { formatDateTime } from '../../../lib/time';
import { useNow } from '../../../lib/use-now';
import { downloadName } from '../download';
import { MediaOpenError } from '../media-cipher';
import { useMedia, type MediaSource } from '../store';

/**
 * How far the message carrying the media has been read: still being opened, opened (`sealed`,
 * with the file's secrets), stored before encryption (`legacy`), or not readable on this device
 * (`unreadable`, with the sentence to show: e.g. sealed before I joined).
 */
export type MediaAccess =
  | { state: 'opening' }
  | { state: 'sealed'; media: EncryptedMedia }
  | { state: 'legacy' }
  | { state: 'unreadable'; reason: string };

export interface MessageMediaProps {
  media: MediaInfo;
  access: MediaAccess;
  isOneTime: boolean;
  viewLimit: number | null;
  myViews: number;
  mediaExpiresAt: string | null;
  mine: boolean;
  /** My one-time media: who opened it (names) and when; empty while nobody has. */
  openedBy?: OpenedBy[];
  /** For the times of "Opened" (the viewer's zone). */
  timeZone?: string;
  /** One-time media was opened (count the view locally). */
  onViewed: () => void;
}

/** A recipient's opening of my one-time media, as shown to me. */
export interface OpenedBy {
  name: string;
  /** RFC 3339: the last time they opened it. */
  at: string;
  views: number;
}

/** Inline image or video inside a message; one-time media opens once in a viewer. */
export function MessageMedia(props: MessageMediaProps) {
  const { access, media } = props;
  const secrets = access.state === 'sealed' ? access.media : null;
  const legacy = access.state === 'legacy';
  const source = useMemo<MediaSource | null>(
    () => (secrets ? { sealed: secrets } : legacy ? 'legacy' : null),
    [secrets, legacy],
  );
  if (access.state === 'unreadable') return <Unreadable kind={media.kind} reason={access.reason} />;
  const body = props.isOneTime ? (
    <OneTimeMedia {...props} source={source} />
  ) : source ? (
    <InlineMedia media={media} source={source} />
  ) : (
    <LoadingBox kind={media.kind} />
  );
  if (access.state !== 'legacy') return body;
  return (
    <div className="media-legacy">
      {body}
      <small className="not-encrypted-mark" title="Sent before end-to-end encryption">
        Not encrypted
      </small>
    </div>
  );
}

/** A fixed box whatever the state, so that nothing moves when the bytes arrive. */
function LoadingBox({ kind }: { kind: MediaInfo['kind'] }) {
  return (
    <div className="media-box media-loading" aria-label={`Loading ${kind}`} role="img">
      <ImageIcon size={28} />
    </div>
  );
}

/** Media this device cannot open: says why (and what to do), in the media's place. */
function Unreadable({ kind, reason }: { kind: MediaInfo['kind']; reason: string }) {
  return (
    <div className="media-box media-error media-unreadable" role="note" data-testid="media-unreadable">
      <LockIcon size={22} aria-hidden="true" />
      <span>
        <strong>{kind === 'video' ? 'Video' : 'Photo'} not readable</strong>
        <br />
        {reason}
      </span>
    </div>
  );
}

/**
 * Media whose type is not an allowed image or video (or that the browser cannot decode): never
 * shown, offered as an application/octet-stream download only.
 */
function NotShown({ url, kind }: { url: string; kind: MediaInfo['kind'] }) {
  return (
    <div className="media-box media-error media-not-shown" role="note">
      <span>This {kind === 'video' ? 'video' : 'photo'} cannot be shown here.</span>
      <a className="link" href={url} download="attachment">
        Download it
      </a>
    </div>
  );
}

function InlineMedia({ media, source }: { media: MediaInfo; source: MediaSource }) {
  const entry = useMedia((s) => s.loaded[media.id]);
  const load = useMedia((s) => s.load);
  const hold = useMedia((s) => s.hold);
  const [zoomed, setZoomed] = useState(false);
  const [broken, setBroken] = useState(false);

  // Held while shown: the blob URL is revoked some time after no message shows it any more.
  useEffect(() => hold(media.id), [hold, media.id]);
  useEffect(() => {
    if (!entry) void load(media, source);
  }, [load, media, source, entry]);

  if (!entry || entry.status === 'loading') return <LoadingBox kind={media.kind} />;
  if (entry.status === 'error') {
    if (entry.undecryptable) return <Unreadable kind={media.kind} reason={entry.error} />;
    return (
      <div className="media-box media-error" role="img" aria-label={entry.error}>
        {entry.gone ? 'No longer available' : 'Could not load'}
      </div>
    );
  }
  if (!entry.shown || broken) return <NotShown url={entry.url} kind={media.kind} />;
  // The real type: from the sealed message (legacy media: the declared one, allow-listed).
  const realType = source === 'legacy' ? media.mimeType : source.sealed.mimeType;
  if (media.kind === 'video') {
    return (
      <div className="media-video">
        <video
          className="media-box"
          src={entry.url}
          controls
          preload="metadata"
          aria-label="Video"
          onError={() => setBroken(true)}
        />
        <DownloadLink url={entry.url} mimeType={realType} compact />
      </div>
    );
  }
  return (
    <>
      <button type="button" className="media-box media-button" onClick={() => setZoomed(true)} aria-label="Open image">
        <img src={entry.url} alt="" onError={() => setBroken(true)} />
      </button>
      {zoomed ? (
        <Dialog
          title="Image"
          onClose={() => setZoomed(false)}
          size="lg"
          footer={<DownloadLink url={entry.url} mimeType={realType} />}
        >
          <img className="media-full" src={entry.url} alt="" />
        </Dialog>
      ) : null}
    </>
  );
}

/**
 * Saves the decrypted file (the blob URL already holds the opened bytes, typed with the real,
 * allow-listed type) under a name with the matching extension. Never offered for one-time media.
 */
export function DownloadLink({ url, mimeType, compact }: { url: string; mimeType: string; compact?: boolean }) {
  return (
    <a
      className={compact ? 'media-download media-download-compact' : 'btn btn-secondary media-download'}
      href={url}
      download={downloadName(mimeType)}
      aria-label="Download"
      title="Download"
    >
      <DownloadIcon size={18} />
      {compact ? null : <span>Download</span>}
    </a>
  );
}

function OneTimeMedia({
  media,
  source,
  viewLimit,
  myViews,
  mediaExpiresAt,
  mine,
  openedBy = [],
  timeZone,
  onViewed,
}: MessageMediaProps & { source: MediaSource | null }) {
  const openOnce = useMedia((s) => s.openOnce);
  const [opened, setOpened] = useState<{ url: string; shown: boolean } | null>(null);
  const url = opened?.url ?? null;
  const [error, setError] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  const [busy, setBusy] = useState(false);
  const limit = viewLimit ?? 1;
  const now = useNow(30_000);
  const expired = mediaExpiresAt !== null && Date.parse(mediaExpiresAt) <= now;
  const used = gone || (!mine && myViews >= limit) || expired;
  const label = media.kind === 'video' ? 'video' : 'photo';

  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  async function open() {
    if (!source) return;
    setBusy(true);
    setError(null);
    try {
      setOpened(await openOnce(media, source));
      if (!mine) onViewed();
    } catch (err) {
      if (isApiError(err, 'gone')) {
        setGone(true);
        if (!mine) onViewed();
      } else {
        // The server counted the view once it served the bytes, even if they did not open.
        if (err instanceof MediaOpenError && !mine) onViewed();
        setError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  }

  function close() {
    if (url) URL.revokeObjectURL(url);
    setOpened(null);
  }

  if (used && !url) {
    return (
      <div className="one-time one-time-used" role="note">
        <EyeIcon size={18} /> {expired && !gone ? `One-time ${label} expired` : 'Opened'}
      </div>
    );
  }
  if (mine && openedBy.length > 0) return <OpenedNote label={label} openedBy={openedBy} timeZone={timeZone} />;
  return (
    <>
      <button type="button" className="one-time" onClick={() => void open()} disabled={busy || !source}>
        <EyeIcon size={18} />
        <span>
          {mine ? `One-time ${label} (you sent it)` : `View one-time ${label}`}
          <small>{mine ? 'They can open it once' : limit > 1 ? `${limit - myViews} views left` : 'Opens once'}</small>
        </span>
      </button>
      {error ? (
        <small className="form-error" role="alert">
          {error}
        </small>
      ) : null}
      {url ? (
        <Dialog
          title={`One-time ${label}`}
          onClose={close}
          size="lg"
          description="This closes for good when you leave it."
        >
          {!opened?.shown ? (
            <NotShown url={url} kind={media.kind} />
          ) : media.kind === 'video' ? (
            <video className="media-full" src={url} controls autoPlay />
          ) : (
            <img className="media-full" src={url} alt="One-time media" />
          )}
        </Dialog>
      ) : null}
    </>
  );
}

/**
 * What the sender of one-time media sees once it was opened: "Opened", and by whom and when
 * (every recipient who opened it, in a group).
 */
function OpenedNote({ label, openedBy, timeZone }: { label: string; openedBy: OpenedBy[]; timeZone?: string }) {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <div className="one-time one-time-used one-time-opened" role="note" data-testid="one-time-opened">
      <EyeIcon size={18} />
      <span>
        <strong className="opened-head">
          Opened <small>· one-time {label}</small>
        </strong>
        <ul className="opened-by">
          {openedBy.map((o) => (
            <li key={`${o.name}-${o.at}`}>
              {o.name} · <time dateTime={o.at}>{formatDateTime(o.at, zone)}</time>
              {o.views > 1 ? ` · ${o.views} times` : ''}
            </li>
          ))}
        </ul>
      </span>
    </div>
  );
}
