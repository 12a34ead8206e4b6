import { useCallback } from 'react';
import type { PublicUser } from '@herald/shared';
import { IconButton } from '../../components/ui/button';
import { CloseIcon } from '../../components/ui/icons';
import { findMessage } from '../../features/messages/order';
import { useMessages } from '../../features/messages/store';
import { ScheduledList } from '../../features/scheduling/components/scheduled-list';
import { peekOpened } from '../../lib/e2ee';
import { quoteText } from '../../lib/message-codec';
import { useConfig } from '../config';
import { navigate, paths } from '../router';

export interface ScheduledPanelProps {
  conversationId: string;
  timeZone: string;
  nameOf: (userId: string) => string;
  other: PublicUser | null;
}

/** The conversation's scheduled messages, beside the chat. */
export function ScheduledPanel({ conversationId, timeZone, nameOf, other }: ScheduledPanelProps) {
  const scheduling = useConfig((s) => s.config.scheduling);

  /** What a scheduled reply answers, in one line (read when the list renders, not subscribed). */
  const quoteOf = useCallback(
    (messageId: string | null) => {
      if (!messageId) return null;
      const messages = useMessages.getState().timelines[conversationId]?.messages ?? [];
      const target = findMessage(messages, messageId);
      if (!target) return null;
      return { name: nameOf(target.senderId), text: quoteText(peekOpened(target)) };
    },
    [conversationId, nameOf],
  );

  return (
    <aside className="side-panel" aria-label="Scheduled messages">
      <header className="side-panel-header">
        <h2>Scheduled messages</h2>
        <IconButton label="Close scheduled messages" onClick={() => navigate(paths.chat(conversationId))}>
          <CloseIcon />
        </IconButton>
      </header>
      <div className="side-panel-body">
        <ScheduledList
          conversationId={conversationId}
          timeZone={timeZone}
          pickerMinLeadSeconds={scheduling.pickerMinLeadSeconds}
          maxHorizonDays={scheduling.maxHorizonDays}
          recipientOf={() => (other ? { name: other.displayName, timeZone: other.timeZone } : null)}
          replyPreviewOf={(item) => quoteOf(item.replyToId)}
          onOpenMessage={(cid, messageId) => navigate(paths.chat(cid, null, messageId))}
          onCopyToComposer={(cid, text) => {
            useMessages.getState().restoreDraft(cid, text);
            navigate(paths.chat(cid));
          }}
        />
      </div>
    </aside>
  );
}
