import { useEffect } from 'react';
import type { Conversation, PublicUser } from '@herald/shared';
import { useAuth, useMyTimeZone } from '../features/auth/store';
import { ConversationInfo } from '../features/conversations/components/conversation-info';
import { GroupPictureEditor } from '../features/media/components/group-picture';
import { KeyChangeBanner, requestVerify } from '../features/conversations/components/verify-security';
import { conversationTitle, otherMember } from '../features/conversations/model';
import { useConversations } from '../features/conversations/store';
import { useMessages } from '../features/messages/store';
import { prepareConversation } from '../lib/e2ee';
import { ChatComposer } from './chat/chat-composer';
import { ChatHeader } from './chat/chat-header';
import { ChatSearch } from './chat/chat-search';
import { ChatTimeline } from './chat/chat-timeline';
import { ScheduledPanel } from './chat/scheduled-panel';
import { useNameOf } from './chat/use-name-of';
import { navigate, paths } from './router';

export interface ChatScreenProps {
  conversationId: string;
  panel: 'scheduled' | 'info' | null;
  focusMessageId: string | null;
}

/** Why nothing can be written here, or null. */
function disabledReason(conversation: Conversation, other: PublicUser | null): string | null {
  if (other?.deleted) return 'This account was deleted; you cannot write here any more.';
  if (conversation.blockedByMe) {
    return `You blocked ${other?.displayName ?? 'this person'}. Unblock them in the chat info to write.`;
  }
  return null;
}

/**
 * One conversation: header, timeline, "N scheduled" bar, composer with attachments and the clock,
 * and the scheduled list or the info beside it. Each part subscribes to what it shows.
 */
export default function ChatScreen({ conversationId, panel, focusMessageId }: ChatScreenProps) {
  const me = useAuth((s) => s.me)!;
  const timeZone = useMyTimeZone();
  const conversation = useConversations((s) => s.byId[conversationId]);
  const loaded = useConversations((s) => s.loaded);
  const timelineLoaded = useMessages((s) => s.timelines[conversationId]?.loaded ?? false);
  const nameOf = useNameOf(conversationId, me.id);

  useEffect(() => {
    if (!timelineLoaded) void useMessages.getState().loadLatest(conversationId);
  }, [conversationId, timelineLoaded]);

  // The members' keys, ahead of the first send (a failure here is retried by the send itself).
  useEffect(() => {
    prepareConversation(conversationId).catch(() => {});
  }, [conversationId]);

  if (!conversation) {
    return (
      <div className="empty-pane">
        <h2>{loaded ? 'This chat is not available' : 'Loading…'}</h2>
        {loaded ? (
          <button type="button" className="link" onClick={() => navigate(paths.home)}>
            Back to chats
          </button>
        ) : null}
      </div>
    );
  }

  const other = otherMember(conversation, me.id);
  const showPanel = panel === 'scheduled';
  return (
    <div className={`chat ${showPanel ? 'chat-with-panel' : ''}`}>
      <section className="chat-main" aria-label={`Chat with ${conversationTitle(conversation, me.id)}`}>
        <ChatHeader
          conversation={conversation}
          myId={me.id}
          timeZone={timeZone}
          nameOf={nameOf}
          scheduledOpen={showPanel}
        />
        <ChatSearch conversationId={conversationId} panel={panel} myId={me.id} timeZone={timeZone} nameOf={nameOf} />
        <KeyChangeBanner
          conversation={conversation}
          myId={me.id}
          onVerify={(userId) => {
            requestVerify(userId);
            navigate(paths.chat(conversationId, 'info'));
          }}
        />
        <ChatTimeline
          conversationId={conversationId}
          myId={me.id}
          timeZone={timeZone}
          isGroup={conversation.kind === 'group'}
          nameOf={nameOf}
          focusMessageId={focusMessageId}
        />
        <ChatComposer
          conversationId={conversationId}
          myId={me.id}
          timeZone={timeZone}
          nameOf={nameOf}
          other={other}
          disabledReason={disabledReason(conversation, other)}
        />
      </section>

      {showPanel ? (
        <ScheduledPanel conversationId={conversationId} timeZone={timeZone} nameOf={nameOf} other={other} />
      ) : null}

      {panel === 'info' ? (
        <ConversationInfo
          conversation={conversation}
          myId={me.id}
          timeZone={timeZone}
          onClose={() => navigate(paths.chat(conversationId), { replace: true })}
          onGone={() => navigate(paths.home, { replace: true })}
          groupPicture={
            <GroupPictureEditor
              conversation={conversation}
              canEdit={conversation.myRole !== 'member'}
              onChange={(next) => useConversations.getState().upsert(next)}
            />
          }
        />
      ) : null}
    </div>
  );
}
