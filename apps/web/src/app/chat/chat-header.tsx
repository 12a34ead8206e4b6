import type { Conversation } from '@herald/shared';
import { IconButton } from '../../components/ui/button';
import { LastSeen } from '../../components/ui/last-seen';
import { BackIcon, ChatScheduledIcon, DotsIcon, SearchIcon, TimerIcon } from '../../components/ui/icons';
import { Menu } from '../../components/ui/menu';
import { conversationTitle, otherMember, ttlLabel } from '../../features/conversations/model';
import { typingUserIds, useConversations } from '../../features/conversations/store';
import { useMessageSearch, useSearchOpen } from '../../features/messages/search/store';
import { useNow } from '../../lib/use-now';
import { navigate, paths } from '../router';
import { useMuteControl } from './mute-control';
import { useScheduledCount } from './scheduled-count';
import { ConversationAvatar } from '../../features/media/components/group-picture';

export interface ChatHeaderProps {
  conversation: Conversation;
  myId: string;
  timeZone: string;
  nameOf: (userId: string) => string;
  /** The scheduled list is open beside the chat. */
  scheduledOpen: boolean;
}

/** Who is typing, or the other person's presence, or how many members: the line under the title. */
function Subtitle({ conversation, myId, timeZone, nameOf }: Omit<ChatHeaderProps, 'scheduledOpen'>) {
  const other = otherMember(conversation, myId);
  const typing = useConversations((s) => s.typing[conversation.id]);
  const presence = useConversations((s) => (other ? s.presence[other.id] : undefined));
  // Typing signals lapse by themselves: only this line ticks, not the whole screen.
  const now = useNow(5000);
  const typers = typingUserIds(typing, now).filter((id) => id !== myId);
  const text = typers.length ? (
    conversation.kind === 'group' ? (
      `${typers.map(nameOf).join(', ')} ${typers.length > 1 ? 'are' : 'is'} typing…`
    ) : (
      'typing…'
    )
  ) : other ? (
    other.deleted ? (
      'account deleted'
    ) : (presence?.online ?? other.online) ? (
      'online'
    ) : (
      <LastSeen lastSeenAt={presence?.lastSeenAt ?? other.lastSeenAt} timeZone={timeZone} />
    )
  ) : (
    `${conversation.members.length} members`
  );
  return <span className={`chat-subtitle ${typers.length ? 'typing-text' : ''}`}>{text}</span>;
}

/** Back, who the chat is with (opens the info), disappearing-messages mark, the clock, the menu. */
export function ChatHeader({ conversation, myId, timeZone, nameOf, scheduledOpen }: ChatHeaderProps) {
  const id = conversation.id;
  const title = conversationTitle(conversation, myId);
  const other = otherMember(conversation, myId);
  const online = useConversations((s) => (other ? (s.presence[other.id]?.online ?? other.online) : false));
  const scheduledCount = useScheduledCount(id);
  const mute = useMuteControl(conversation, title);
  const searchOpen = useSearchOpen(id);
  return (
    <header className="chat-header">
      <IconButton label="Back to chats" className="back-btn" onClick={() => navigate(paths.home)}>
        <BackIcon />
      </IconButton>
      <button type="button" className="chat-header-id" onClick={() => navigate(paths.chat(id, 'info'))}>
        <ConversationAvatar
          conversation={conversation}
          name={title}
          seed={other?.id ?? id}
          src={conversation.kind === 'direct' ? other?.avatarUrl : null}
          size={38}
          online={online}
          group={conversation.kind === 'group'}
        />
        <span className="chat-header-text">
          <span className="chat-title">
            {title}
            {mute.indicator}
          </span>
          <Subtitle conversation={conversation} myId={myId} timeZone={timeZone} nameOf={nameOf} />
        </span>
      </button>
      {conversation.temporaryTtlSeconds ? (
        <span className="temp-indicator" title="Disappearing messages">
          <TimerIcon size={16} /> {ttlLabel(conversation.temporaryTtlSeconds)}
        </span>
      ) : null}
      <IconButton
        label="Search this chat"
        aria-pressed={searchOpen}
        className={searchOpen ? 'active' : ''}
        onClick={() => (searchOpen ? useMessageSearch.getState().close() : useMessageSearch.getState().open(id))}
      >
        <SearchIcon />
      </IconButton>
      <IconButton
        label="Scheduled messages"
        badge={scheduledCount}
        badgeTone="info"
        onClick={() => navigate(paths.chat(id, scheduledOpen ? null : 'scheduled'))}
        className={scheduledOpen ? 'active' : ''}
      >
        <ChatScheduledIcon />
      </IconButton>
      <Menu
        label="Chat menu"
        icon={<DotsIcon />}
        items={[
          { label: 'Scheduled messages', onSelect: () => navigate(paths.chat(id, 'scheduled')) },
          { label: 'Chat info', onSelect: () => navigate(paths.chat(id, 'info')) },
          mute.item,
          {
            label: conversation.temporaryTtlSeconds ? 'Turn off disappearing messages' : 'Disappearing messages…',
            onSelect: () => navigate(paths.chat(id, 'info')),
          },
        ]}
      />
      {mute.dialog}
    </header>
  );
}
