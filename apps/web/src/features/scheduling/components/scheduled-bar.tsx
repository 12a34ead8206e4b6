import { ChatScheduledIcon } from '../../../components/ui/icons';

/** "N scheduled" above the composer; opens the conversation's list. */
export function ScheduledBar({ count, onOpen }: { count: number; onOpen: () => void }) {
  if (count <= 0) return null;
  return (
    <button type="button" className="scheduled-bar" onClick={onOpen}>
      <ChatScheduledIcon size={16} />
      <span>
        <strong>{count}</strong> scheduled
      </span>
      <span className="scheduled-bar-open">View</span>
    </button>
  );
}
