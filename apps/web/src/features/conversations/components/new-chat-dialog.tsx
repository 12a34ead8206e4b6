import { useState, type FormEvent } from 'react';
import type { Conversation, PublicUser } from '@herald/shared';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../lib/http';
import { useConversations } from '../store';
import { UserSearch } from './user-search';

export function NewChatDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Conversation) => void }) {
  const [tab, setTab] = useState<'direct' | 'group'>('direct');
  const createDirect = useConversations((s) => s.createDirect);
  const createGroup = useConversations((s) => s.createGroup);
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function startDirect(user: PublicUser) {
    setBusy(true);
    setError(null);
    try {
      onCreated(await createDirect(user.id));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  async function submitGroup(event: FormEvent) {
    event.preventDefault();
    if (!title.trim()) {
      setError('Give the group a name.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await createGroup(
          title.trim(),
          members.map((m) => m.id),
        ),
      );
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title="New chat" onClose={onClose}>
      <div className="tabs" role="tablist" aria-label="Kind of chat">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'direct'}
          className="tab"
          onClick={() => setTab('direct')}
        >
          Direct message
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'group'}
          className="tab"
          onClick={() => setTab('group')}
        >
          Group
        </button>
      </div>
      {tab === 'direct' ? (
        <UserSearch label="Who do you want to write to?" onPick={(u) => void startDirect(u)} autoFocus />
      ) : (
        <form className="form" onSubmit={(e) => void submitGroup(e)}>
          <label className="field">
            <span>Group name</span>
            <input value={title} maxLength={100} onChange={(e) => setTitle(e.target.value)} name="title" />
          </label>
          {members.length ? (
            <ul className="chips" aria-label="Members to add">
              {members.map((m) => (
                <li key={m.id} className="chip">
                  {m.displayName}
                  <button
                    type="button"
                    className="chip-remove"
                    aria-label={`Remove ${m.displayName}`}
                    onClick={() => setMembers(members.filter((x) => x.id !== m.id))}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          <UserSearch
            label="Add people"
            exclude={members.map((m) => m.id)}
            onPick={(u) => setMembers([...members, u])}
          />
          <div className="dialog-actions">
            <Button onClick={onClose}>Cancel</Button>
            <Button type="submit" variant="primary" busy={busy}>
              Create group
            </Button>
          </div>
        </form>
      )}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
