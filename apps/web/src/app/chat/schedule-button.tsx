import { IconButton } from '../../components/ui/button';
import { ClockIcon } from '../../components/ui/icons';
import { toast } from '../../components/ui/toast-store';
import { useMedia } from '../../features/media/store';
import { sendBlocker } from '../../features/messages/limits';
import { useMessages } from '../../features/messages/store';

/**
 * The clock beside the emoji button. Scheduling is offered only when there is something to send
 * (text or an attachment) within the length limit; otherwise the button says why (tooltip, and a
 * toast when pressed) instead of opening a dialog that could only fail.
 */
export function ScheduleButton({
  conversationId,
  maxLength,
  onOpen,
}: {
  conversationId: string;
  maxLength: number;
  onOpen: () => void;
}) {
  const text = useMessages((s) => s.drafts[conversationId] ?? '');
  const hasAttachment = useMedia((s) => Boolean(s.attachments[conversationId]));
  const blocker = sendBlocker(text, hasAttachment, maxLength);
  const reason = !blocker
    ? null
    : blocker.reason === 'empty'
      ? 'Write a message or attach a photo or video to schedule it.'
      : 'This message is too long to schedule; shorten it first.';
  return (
    <IconButton
      label="Schedule message"
      title={reason ?? 'Schedule message'}
      aria-disabled={reason ? true : undefined}
      onClick={() => (reason ? toast.info(reason) : onOpen())}
    >
      <ClockIcon />
    </IconButton>
  );
}
