import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { errorMessage } from '../../../lib/http';
import { useAuth } from '../store';
import { PasswordProgress } from './password-progress';
import { AuthBrand } from './auth-brand';

/**
 * Signed in, but this browser does not hold the keys (another browser profile, cleared storage, or
 * an account made before encryption): the password opens them here. It never leaves the device;
 * only the keys it unlocks are kept, sealed, for the next visit.
 */
export function UnlockScreen() {
  const me = useAuth((s) => s.me);
  const unlock = useAuth((s) => s.unlock);
  const logout = useAuth((s) => s.logout);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hasKeys = Boolean(me?.encryptedPrivateKeys);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!password) {
      setError('Enter your password.');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await unlock(password);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-screen">
      <div className="auth-card">
        <AuthBrand>Signed in as {me?.displayName ?? me?.username}</AuthBrand>
        <h2 className="auth-title">Unlock your messages</h2>
        <p className="muted unlock-explainer">
          {hasKeys
            ? 'Your messages are end-to-end encrypted. Enter your password to open them on this device; it stays here and is never sent.'
            : 'Your messages are now end-to-end encrypted. Enter your password once to create your encryption keys on this device.'}
        </p>
        <form onSubmit={(e) => void onSubmit(e)} className="form" noValidate>
          <input type="text" name="username" autoComplete="username" value={me?.username ?? ''} readOnly hidden />
          <label className="field">
            <span>Password</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoFocus
            />
          </label>
          <PasswordProgress />
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <Button type="submit" variant="primary" busy={busy} className="btn-block">
            Unlock
          </Button>
        </form>
        <p className="auth-switch">
          Not you?{' '}
          <button type="button" className="link" onClick={() => void logout()}>
            Sign out
          </button>
        </p>
      </div>
    </main>
  );
}
