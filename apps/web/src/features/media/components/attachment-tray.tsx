import { useRef } from 'react';
import { IconButton } from '../../../components/ui/button';
import { CloseIcon, PaperclipIcon } from '../../../components/ui/icons';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { toast } from '../../../components/ui/toast-store';
import { ACCEPTED_TYPES } from '../media-types';
import { useMedia, type MediaLimits } from '../store';

/**
 * The paperclip button: pick an image or a video for this conversation's composer. The picker
 * offers only the allowed types; anything else (dropped in by other means, or too large) is
 * refused with a sentence saying why.
 */
export function AttachButton({ conversationId, limits }: { conversationId: string; limits?: MediaLimits }) {
  const attach = useMedia((s) => s.attach);
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <IconButton label="Attach a photo or video" onClick={() => input.current?.click()}>
        <PaperclipIcon />
      </IconButton>
      <input
        ref={input}
        type="file"
        accept={ACCEPTED_TYPES}
        hidden
        data-testid="attach-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (!file) return;
          const problem = attach(conversationId, file, limits);
          if (problem) toast.error(problem);
        }}
      />
    </>
  );
}

/** The attachment waiting to be sent: preview, one-time option, upload progress. */
export function AttachmentTray({ conversationId }: { conversationId: string }) {
  const attachment = useMedia((s) => s.attachments[conversationId]);
  const setOneTime = useMedia((s) => s.setOneTime);
  const clear = useMedia((s) => s.clearAttachment);
  if (!attachment) return null;
  const uploading = attachment.progress !== null;
  return (
    <div className="attachment-tray">
      {attachment.kind === 'image' ? (
        <img className="attachment-thumb" src={attachment.previewUrl} alt="" />
      ) : (
        <video className="attachment-thumb" src={attachment.previewUrl} muted />
      )}
      <div className="attachment-info">
        <span className="attachment-name">{attachment.file.name}</span>
        {uploading ? (
          <>
            <small className="attachment-phase muted">
              {attachment.phase === 'encrypting' ? 'Encrypting on this device…' : 'Uploading encrypted file…'}
            </small>
            <ProgressBar
              value={attachment.progress ?? 0}
              label={attachment.phase === 'encrypting' ? 'Encryption progress' : 'Upload progress'}
            />
          </>
        ) : (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={attachment.oneTime}
              onChange={(e) => setOneTime(conversationId, e.target.checked)}
            />
            One-time view
          </label>
        )}
        {attachment.error ? (
          <small className="form-error" role="alert">
            {attachment.error}
          </small>
        ) : null}
      </div>
      <IconButton label="Remove attachment" onClick={() => clear(conversationId)} disabled={uploading}>
        <CloseIcon size={18} />
      </IconButton>
    </div>
  );
}
