import { useState, type ReactNode } from 'react';
import type { Conversation } from '@herald/shared';
import { BellOffIcon } from '../../components/ui/icons';
import type { MenuItem } from '../../components/ui/menu';
import { toast } from '../../components/ui/toast-store';
import { useMyTimeZone } from '../../features/auth/store';
import { useConversations } from '../../features/conversations/store';
import { notificationsApi } from '../../features/notifications/api';
import { MuteDialog } from '../../features/notifications/components/mute-dialog';
import { isMutedAt } from '../../features/notifications/decide';
import { mutedLabel } from '../../features/notifications/mute';
import { errorMessage } from '../../lib/http';
import { useNow } from '../../lib/use-now';

/** Saves my mute and shows the answer at once (my other devices get conversation_updated). */
async function saveMute(conversationId: string, until: string | null): Promise<void> {
  const conversation = await notificationsApi.mute(conversationId, until);
  if (useConversations.getState().byId[conversationId]) useConversations.getState().upsert(conversation);
}

/**
 * The chat menu's "Mute notifications…" / "Unmute notifications" item, its dialog, and the
 * header's muted mark ("Muted until 18:30").
 */
export function useMuteControl(
  conversation: Conversation,
  chatName: string,
): { item: MenuItem; dialog: ReactNode; indicator: ReactNode } {
  const [open, setOpen] = useState(false);
  const timeZone = useMyTimeZone();
  const now = useNow(30_000);
  const muted = isMutedAt(conversation.mutedUntil, now);
  const label = mutedLabel(conversation.mutedUntil, now, timeZone);
  const item: MenuItem = muted
    ? {
        label: 'Unmute notifications',
        onSelect: () => {
          saveMute(conversation.id, null).then(
            () => toast.success(`Notifications on for ${chatName}`),
            (e: unknown) => toast.error(errorMessage(e)),
          );
        },
      }
    : { label: 'Mute notifications…', onSelect: () => setOpen(true) };
  const dialog = open ? (
    <MuteDialog
      chatName={chatName}
      onClose={() => setOpen(false)}
      onMute={async (until) => {
        await saveMute(conversation.id, until);
        toast.success(`${chatName} muted`);
      }}
    />
  ) : null;
  const indicator = muted ? (
    <span className="muted-indicator" title={label} role="img" aria-label={label}>
      <BellOffIcon size={16} />
    </span>
  ) : null;
  return { item, dialog, indicator };
}
