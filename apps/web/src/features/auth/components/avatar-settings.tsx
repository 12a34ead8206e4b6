import { useRef, useState } from 'react';
import { Avatar } from '../../../components/ui/avatar';
import { Button } from '../../../components/ui/button';
import { toast } from '../../../components/ui/toast-store';
import { errorMessage } from '../../../lib/http';
import { prepareAvatar, removeAvatar, uploadAvatar } from '../avatar';
import { useAuth } from '../store';

export interface AvatarSettingsProps {
  /** How a picked file becomes the uploaded picture (tests replace the canvas work). */
  prepare?: (file: File) => Promise<Blob>;
}

/** In Settings, Profile: my picture, "Upload picture…" / "Change picture…" and "Remove picture". */
export function AvatarSettings({ prepare = prepareAvatar }: AvatarSettingsProps) {
  const me = useAuth((s) => s.me);
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!me) return null;

  async function run(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    try {
      await work();
      toast.success(done);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="avatar-settings" role="group" aria-label="Profile picture">
      <Avatar name={me.displayName} seed={me.id} src={me.avatarUrl} size={72} />
      <div className="avatar-settings-body">
        <div className="avatar-settings-actions">
          <Button type="button" disabled={busy} onClick={() => input.current?.click()}>
            {me.avatarUrl ? 'Change picture…' : 'Upload picture…'}
          </Button>
          {me.avatarUrl ? (
            <Button type="button" disabled={busy} onClick={() => void run(removeAvatar, 'Picture removed')}>
              Remove picture
            </Button>
          ) : null}
        </div>
        <small className="muted">Everyone who can see your name sees your picture. It is not encrypted.</small>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <input
          ref={input}
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          hidden
          aria-label="Choose a profile picture"
          data-testid="avatar-input"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void run(async () => uploadAvatar(await prepare(file)), 'Picture updated');
          }}
        />
      </div>
    </div>
  );
}
