import { useEffect, useId, useState } from 'react';
import type { PublicUser } from '@herald/shared';
import { Avatar } from '../../../components/ui/avatar';
import { errorMessage } from '../../../lib/http';
import { conversationsApi } from '../api';

export interface UserSearchProps {
  label: string;
  onPick: (user: PublicUser) => void;
  exclude?: string[];
  autoFocus?: boolean;
}

/** Type a name, pick a person (prefix match on username or display name). */
export function UserSearch({ label, onPick, exclude = [], autoFocus }: UserSearchProps) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();

  useEffect(() => {
    const text = query.trim();
    if (!text) {
      setResults([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      conversationsApi.searchUsers(text).then(
        (users) => {
          if (live) {
            setResults(users);
            setError(null);
          }
        },
        (err: unknown) => live && setError(errorMessage(err)),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  const shown = results.filter((u) => !exclude.includes(u.id));
  return (
    <div className="user-search">
      <label className="field">
        <span>{label}</span>
        <input
          type="search"
          value={query}
          placeholder="Search by name or username"
          onChange={(e) => setQuery(e.target.value)}
          aria-controls={listId}
          autoFocus={autoFocus}
          data-autofocus={autoFocus ? '' : undefined}
        />
      </label>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <ul id={listId} className="user-results" aria-label="Search results">
        {shown.map((user) => (
          <li key={user.id}>
            <button type="button" className="user-result" onClick={() => onPick(user)}>
              <Avatar name={user.displayName} seed={user.id} src={user.avatarUrl} size={32} online={user.online} />
              <span className="user-result-text">
                <strong>{user.displayName}</strong>
                <small className="muted">@{user.username}</small>
              </span>
            </button>
          </li>
        ))}
        {query.trim() && shown.length === 0 && !error ? <li className="muted empty-hint">No one found yet.</li> : null}
      </ul>
    </div>
  );
}
