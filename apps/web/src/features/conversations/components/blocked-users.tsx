import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { toast } from '../../../components/ui/toast-store';
import { errorMessage } from '../../../lib/http';
import { useConversations } from '../store';

export function BlockedUsers() {
  const blocked = useConversations((s) => s.blocked);
  const loadBlocks = useConversations((s) => s.loadBlocks);
  const unblock = useConversations((s) => s.unblock);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    loadBlocks().catch((err: unknown) => setError(errorMessage(err)));
  }, [loadBlocks]);

  return (
    <section className="settings-section" aria-labelledby="blocked-heading">
      <h2 id="blocked-heading">Blocked people</h2>
      {error ? <p className="muted">{error}</p> : null}
      {!error && blocked.length === 0 ? <p className="muted">You have not blocked anyone.</p> : null}
      <ul className="member-list">
        {blocked.map((user) => (
          <li key={user.id} className="member-row">
            <span className="member-name">
              {user.displayName} <small className="muted">@{user.username}</small>
            </span>
            <Button
              size="sm"
              onClick={() => {
                unblock(user.id).then(
                  () => toast.success(`${user.displayName} unblocked`),
                  (err: unknown) => toast.error(errorMessage(err)),
                );
              }}
            >
              Unblock
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
