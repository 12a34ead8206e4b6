import { useState, type FormEvent, type ReactNode } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { toast } from '../../../components/ui/toast-store';
import { errorMessage } from '../../../lib/http';
import { usePreferences } from '../../../lib/preferences';
import { browserTimeZone, formatClock, offsetLabel } from '../../../lib/time';
import { useNow } from '../../../lib/use-now';
import { useAuth } from '../store';
import { AvatarSettings } from './avatar-settings';
import { PasswordProgress } from './password-progress';
import { TimeZonePicker } from './time-zone-picker';

/**
 * Profile, time zone, password, sessions and account deletion. The password dialogs show their
 * progress through PasswordProgress; nothing here subscribes to it, so the profile section (its
 * time-zone picker) is not drawn again while a password is being derived.
 */
export function AccountSettings({ afterProfile }: { afterProfile?: ReactNode }) {
  const me = useAuth((s) => s.me);
  const logout = useAuth((s) => s.logout);
  const logoutEverywhere = useAuth((s) => s.logoutEverywhere);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [deleteOpen, setDeleteOpen] = useState(false);
  if (!me) return null;

  return (
    <div className="settings">
      <ProfileSection displayName={me.displayName} timeZone={me.timeZone} />
      {afterProfile}

      <section className="settings-section" aria-labelledby="security-heading">
        <h2 id="security-heading">Security</h2>
        <div className="settings-actions">
          <Button onClick={() => setPasswordOpen(true)}>Change password</Button>
          <Button onClick={() => void logout()}>Sign out</Button>
          <Button
            onClick={() => {
              logoutEverywhere().catch((err: unknown) => toast.error(errorMessage(err)));
            }}
          >
            Sign out everywhere
          </Button>
        </div>
      </section>

      <section className="settings-section settings-danger" aria-labelledby="danger-heading">
        <h2 id="danger-heading">Delete account</h2>
        <p className="muted">
          Your account, your pending scheduled messages and your place in every chat go away. This cannot be undone.
        </p>
        <Button variant="danger" onClick={() => setDeleteOpen(true)}>
          Delete my account…
        </Button>
      </section>

      {passwordOpen ? <ChangePasswordDialog onClose={() => setPasswordOpen(false)} /> : null}
      {deleteOpen ? <DeleteAccountDialog onClose={() => setDeleteOpen(false)} /> : null}
    </div>
  );
}

function ProfileSection(props: { displayName: string; timeZone: string }) {
  const updateProfile = useAuth((s) => s.updateProfile);
  const followsStored = usePreferences((s) => s.zoneFollowsDevice);
  const setZoneFollowsDevice = usePreferences((s) => s.setZoneFollowsDevice);
  const browserZone = browserTimeZone();
  const [displayName, setDisplayName] = useState(props.displayName);
  const [followDevice, setFollowDevice] = useState(followsStored ?? props.timeZone === browserZone);
  const [chosenZone, setChosenZone] = useState(props.timeZone || browserZone);
  const [profileError, setProfileError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const now = useNow(30_000);
  const timeZone = followDevice ? browserZone : chosenZone;

  async function saveProfile(event: FormEvent) {
    event.preventDefault();
    setProfileError(null);
    setSaving(true);
    try {
      await updateProfile({ displayName: displayName.trim(), timeZone });
      setZoneFollowsDevice(followDevice);
      toast.success('Profile saved');
    } catch (err) {
      setProfileError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="settings-section" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <AvatarSettings />
      <form className="form" onSubmit={(e) => void saveProfile(e)}>
        <label className="field">
          <span>Display name</span>
          <input value={displayName} maxLength={64} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <fieldset className="field zone-field">
          <legend>Time zone</legend>
          <label className="check-row">
            <input type="checkbox" checked={followDevice} onChange={(e) => setFollowDevice(e.target.checked)} />
            <span>
              Use this device’s time zone <span className="muted">({browserZone.replace(/_/g, ' ')})</span>
            </span>
          </label>
          {followDevice ? null : (
            <>
              <p className="zone-current">
                <strong>{chosenZone.replace(/_/g, ' ')}</strong>{' '}
                <span className="muted">{offsetLabel(now, chosenZone)}</span>
              </p>
              <TimeZonePicker value={chosenZone} onChange={setChosenZone} now={now} />
            </>
          )}
          <small className="muted">
            Scheduled times are picked and shown in this zone. It is {formatClock(now, timeZone)} there now.
          </small>
        </fieldset>
        {profileError ? (
          <p className="form-error" role="alert">
            {profileError}
          </p>
        ) : null}
        <div>
          <Button type="submit" variant="primary" busy={saving}>
            Save profile
          </Button>
        </div>
      </form>
    </section>
  );
}

function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const changePassword = useAuth((s) => s.changePassword);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!current) {
      setError('Enter your current password.');
      return;
    }
    if (next.length < 8) {
      setError('Use at least 8 characters for the new password.');
      return;
    }
    if (next !== repeat) {
      setError('The two new passwords differ; type the new one again.');
      return;
    }
    if (next === current) {
      setError('The new password is the same as the current one.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
      toast.success('Password changed; your other devices were signed out');
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title="Change password" onClose={onClose} size="sm">
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <label className="field">
          <span>Current password</span>
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label className="field">
          <span>New password</span>
          <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <label className="field">
          <span>Repeat new password</span>
          <input
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
          />
        </label>
        <PasswordProgress />
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={busy}>
            Change password
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteAccountDialog({ onClose }: { onClose: () => void }) {
  const deleteAccount = useAuth((s) => s.deleteAccount);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await deleteAccount(password);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title="Delete your account?" onClose={onClose} size="sm">
      <form className="form" onSubmit={(e) => void submit(e)}>
        <p>Enter your password to confirm. Your pending scheduled messages will not be sent.</p>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <PasswordProgress />
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <Button onClick={onClose}>Keep my account</Button>
          <Button type="submit" variant="danger" busy={busy} disabled={!password}>
            Delete account
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
