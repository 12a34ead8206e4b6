import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../lib/http';
import { MUTE_CHOICES, muteUntilFor } from '../mute';

export interface MuteDialogProps {
  chatName: string;
  /** Saves the mute (PUT .../mute); resolves when done. */
  onMute: (until: string) => Promise<void>;
  onClose: () => void;
}

/** "Mute notifications": 1 hour, 8 hours, 1 week, or until turned back on; for all my devices. */
export function MuteDialog({ chatName, onMute, onClose }: MuteDialogProps) {
  const [choice, setChoice] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save() {
    setBusy(true);
    setError(null);
    try {
      await onMute(muteUntilFor(MUTE_CHOICES[choice]!, Date.now()));
      onClose();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Mute notifications"
      description={`No notifications, sound or tab count for ${chatName}, on all your devices. Messages still arrive.`}
      size="sm"
      onClose={onClose}
    >
      <fieldset className="mute-choices">
        <legend className="sr-only">How long</legend>
        {MUTE_CHOICES.map((c, i) => (
          <label key={c.label} className="mute-choice">
            <input type="radio" name="mute-for" checked={choice === i} onChange={() => setChoice(i)} />
            <span>{c.label}</span>
          </label>
        ))}
      </fieldset>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="primary" busy={busy} onClick={() => void save()}>
          Mute
        </Button>
      </div>
    </Dialog>
  );
}
