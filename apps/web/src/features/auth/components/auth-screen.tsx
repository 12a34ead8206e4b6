import { useState, type FormEvent } from 'react';
import { USERNAME_RULES } from '@herald/shared';
import { Button } from '../../../components/ui/button';
import { errorMessage } from '../../../lib/http';
import { useAuth } from '../store';
import { PasswordProgress } from './password-progress';
import { AuthBrand } from './auth-brand';

export interface AuthScreenProps {
  mode: 'login' | 'register';
  onSwitchMode: (mode: 'login' | 'register') => void;
}

/** Sign in / create account. The password is turned into keys here, in the browser. */
export function AuthScreen({ mode, onSwitchMode }: AuthScreenProps) {
  const login = useAuth((s) => s.login);
  const register = useAuth((s) => s.register);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const registering = mode === 'register';

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (registering && password !== confirm) {
      setError('The two passwords differ.');
      return;
    }
    if (registering && password.length < 8) {
      setError('Use at least 8 characters for the password.');
      return;
    }
    setBusy(true);
    try {
      if (registering) await register({ username: username.trim(), displayName: displayName.trim(), password });
      else await login(username.trim(), password);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth-screen">
      <div className="auth-card">
        <AuthBrand>Private chat. Messages that arrive exactly when you mean them to.</AuthBrand>
        <h2 className="auth-title">{registering ? 'Create your account' : 'Sign in'}</h2>
        <form onSubmit={(e) => void onSubmit(e)} className="form" noValidate>
          <label className="field">
            <span>Username</span>
            <input
              name="username"
              autoComplete="username"
              required
              minLength={USERNAME_RULES.min}
              maxLength={USERNAME_RULES.max}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoFocus
            />
            {registering ? <small className="muted">{USERNAME_RULES.hint}</small> : null}
          </label>
          {registering ? (
            <label className="field">
              <span>Display name (optional)</span>
              <input
                name="displayName"
                autoComplete="name"
                maxLength={64}
                value={displayName}
                onChange={(e) => setDisplayName(e.target.value)}
              />
            </label>
          ) : null}
          <label className="field">
            <span>Password</span>
            <input
              name="password"
              type="password"
              autoComplete={registering ? 'new-password' : 'current-password'}
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {registering ? (
            <label className="field">
              <span>Repeat password</span>
              <input
                name="confirm"
                type="password"
                autoComplete="new-password"
                required
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
              />
            </label>
          ) : null}
          <PasswordProgress />
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <Button type="submit" variant="primary" busy={busy} className="btn-block">
            {registering ? 'Create account' : 'Sign in'}
          </Button>
        </form>
        <p className="auth-switch">
          {registering ? 'Already have an account?' : 'New to Herald?'}{' '}
          <button type="button" className="link" onClick={() => onSwitchMode(registering ? 'login' : 'register')}>
            {registering ? 'Sign in' : 'Create an account'}
          </button>
        </p>
      </div>
    </main>
  );
}
