import { useEffect } from 'react';
import { IconButton } from '../components/ui/button';
import { BackIcon } from '../components/ui/icons';
import { useAuth, useMyTimeZone } from '../features/auth/store';
import { conversationTitle, otherMember } from '../features/conversations/model';
import { useConversations } from '../features/conversations/store';
import { useMessages } from '../features/messages/store';
import { ScheduledList } from '../features/scheduling/components/scheduled-list';
import { useScheduling } from '../features/scheduling/store';
import { useConfig } from './config';
import { navigate, paths } from './router';

/** Every scheduled message across conversations. Opening it counts as having seen the failures. */
export default function ScheduledScreen() {
  const me = useAuth((s) => s.me)!;
  const unseen = me.unseenFailedScheduled;
  const timeZone = useMyTimeZone();
  const byId = useConversations((s) => s.byId);
  const config = useConfig((s) => s.config);

  useEffect(() => {
    if (unseen === 0) return;
    useScheduling
      .getState()
      .markFailuresSeen()
      .then(() => useAuth.getState().setUnseenFailed(0))
      .catch(() => {});
  }, [unseen]);

  return (
    <div className="page">
      <header className="page-header">
        <IconButton label="Back to chats" className="back-btn" onClick={() => navigate(paths.home)}>
          <BackIcon />
        </IconButton>
        <h1>Scheduled messages</h1>
      </header>
      <div className="page-body">
        <ScheduledList
          timeZone={timeZone}
          pickerMinLeadSeconds={config.scheduling.pickerMinLeadSeconds}
          maxHorizonDays={config.scheduling.maxHorizonDays}
          conversationName={(item) => {
            const conversation = byId[item.conversationId];
            if (conversation) return conversationTitle(conversation, me.id);
            return item.conversationTitle
              ? `${item.conversationTitle} (no longer available)`
              : 'Chat no longer available';
          }}
          recipientOf={(id) => {
            const conversation = byId[id];
            const other = conversation ? otherMember(conversation, me.id) : null;
            return other ? { name: other.displayName, timeZone: other.timeZone } : null;
          }}
          onOpenMessage={(cid, messageId) => navigate(paths.chat(cid, null, messageId))}
          onCopyToComposer={
            // Only into a chat I still have; the words go before anything typed there.
            (cid, text) => {
              if (!byId[cid]) return;
              useMessages.getState().restoreDraft(cid, text);
              navigate(paths.chat(cid));
            }
          }
        />
      </div>
    </div>
  );
}
