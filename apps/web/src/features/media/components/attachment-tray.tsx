import { useRef } from 'react';
import { IconButton } from '../../../components/ui/button';
import { CloseIcon, PaperclipIcon } from '../../../components/ui/icons';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { toast } from '../../../components/ui/toast-store';
import { ACCEPTED_TYPES } from '../media-types';
import { useMedia, type Attachment, type MediaLimits } from '../store';

/**
 * Adds picked (or dropped, or pasted) files to a composer, up to 10: each is checked on its own
 * and what is refused is said in one toast, a sentence per file.
 */
export function attachFiles(conversationId: string, files: Iterable<File>, limits?: MediaLimits): void {
  const problems: string[] = [];
  for (const file of files) {
    const problem = useMedia.getState().attach(conversationId, file, limits);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) toast.error(problems.join(' '));
}

/**
 * The paperclip button: pick photos or videos (several at once) for this conversation's composer.
 * The picker offers only the allowed types; anything else (dropped in by other means, or too
 * large) is refused with a sentence saying why.
 */
export function AttachButton({ conversationId, limits }: { conversationId: string; limits?: MediaLimits }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <IconButton label="Attach photos or videos" onClick={() => input.current?.click()}>
        <PaperclipIcon />
      </IconButton>
      <input
        ref={input}
        type="file"
        accept={ACCEPTED_TYPES}
        multiple
        hidden
        data-testid="attach-input"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = '';
          attachFiles(conversationId, files, limits);
        }}
      />
    </>
  );
}

function phaseText(a: Attachment): string {
  if (a.phase === 'encrypting') return 'Encrypting on this device…';
  if (a.phase === 'uploading') return 'Uploading encrypted file…';
  return 'Uploaded';
}

/** One waiting file: preview, name, its own progress and its own remove button. */
function TrayItem({ conversationId, attachment }: { conversationId: string; attachment: Attachment }) {
  const clear = useMedia((s) => s.clearAttachment);
  const uploading = attachment.progress !== null;
  return (
    <li className="attachment-item">
      {attachment.kind === 'image' ? (
        <img className="attachment-thumb" src={attachment.previewUrl} alt="" />
      ) : (
        <video className="attachment-thumb" src={attachment.previewUrl} muted />
      )}
      <div className="attachment-info">
        <span className="attachment-name">{attachment.file.name}</span>
        {uploading ? (
          <>
            <small className="attachment-phase muted">{phaseText(attachment)}</small>
            <ProgressBar
              value={attachment.progress ?? 0}
              label={`${attachment.phase === 'encrypting' ? 'Encryption' : 'Upload'} progress of ${attachment.file.name}`}
            />
          </>
        ) : null}
        {attachment.error ? (
          <small className="form-error" role="alert">
            {attachment.error}
          </small>
        ) : null}
      </div>
      <IconButton
        label={`Remove ${attachment.file.name}`}
        onClick={() => clear(conversationId, attachment.id)}
        disabled={uploading && !attachment.error}
      >
        <CloseIcon size={18} />
      </IconButton>
    </li>
  );
}

/**
 * The attachments waiting to be sent: each with its preview, upload progress and remove button;
 * the one-time option for all (one caption: the message box's words go with the first).
 */
export function AttachmentTray({ conversationId }: { conversationId: string }) {
  const attachments = useMedia((s) => s.attachments[conversationId]);
  const setOneTime = useMedia((s) => s.setOneTime);
  if (!attachments || attachments.length === 0) return null;
  const busy = attachments.some((a) => a.progress !== null && !a.error);
  const several = attachments.length > 1;
  return (
    <div className={`attachment-tray${several ? ' attachment-tray-many' : ''}`} data-testid="attachment-tray">
      <ul className="attachment-list" aria-label={several ? `${attachments.length} attachments` : 'Attachment'}>
        {attachments.map((a) => (
          <TrayItem key={a.id} conversationId={conversationId} attachment={a} />
        ))}
      </ul>
      {busy ? null : (
        <label className="checkbox attachment-one-time">
          <input
            type="checkbox"
            checked={attachments[0]?.oneTime ?? false}
            onChange={(e) => setOneTime(conversationId, e.target.checked)}
          />
          One-time view{several ? ' (each file on its own)' : ''}
        </label>
      )}
    </div>
  );
}
