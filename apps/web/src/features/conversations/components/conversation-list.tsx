import { useMemo, useState, type ReactNode } from 'react';
import type { Conversation } from '@herald/shared';
import { Avatar, type AvatarProps } from '../../../components/ui/avatar';
import { BellOffIcon, ClockIcon, CloseIcon, SearchIcon, TimerIcon } from '../../../components/ui/icons';
import { useOpened } from '../../../lib/e2ee';
import { previewText } from '../../../lib/message-codec';
import { timelineEventText } from '../../../lib/timeline-event-text';
import { formatClock, formatInZone, sameDay } from '../../../lib/time';
import { foldQuery } from '../../../lib/format/match';
import { useNow } from '../../../lib/use-now';
import { conversationMatches } from '../filter';
import { conversationTitle, isMuted, otherMember } from '../model';
import { sortConversations, typingUserIds, useConversations } from '../store';

export interface ConversationListProps {
  myId: string;
  timeZone: string;
  activeId: string | null;
  hrefFor: (id: string) => string;
  onOpen: (id: string) => void;
  /** A chat's avatar (a group's picture, composed in app/); the initials by default. */
  renderAvatar?: (conversation: Conversation, avatar: AvatarProps) => ReactNode;
}

const defaultAvatar = (_: Conversation, avatar: AvatarProps) => <Avatar {...avatar} />;

/** The last message in one line, opened on this device (only the chats on screen are rendered). */
function Preview({ conversation, myId }: { conversation: Conversation; myId: string }) {
  const last = conversation.lastMessage;
  const event = last?.contentType === 'event';
  const opened = useOpened(last && !last.isOneTimeMedia && !last.deletedAt && !event ? last : null);
  if (!last) return <>{conversation.kind === 'group' ? 'Group created' : 'Say hello'}</>;
  if (event) return <span className="preview-event">{eventPreview(conversation, last, myId)}</span>;
  const prefix = last.senderId === myId ? 'You: ' : '';
  if (last.deletedAt) return <>{`${prefix}🚫 This message was deleted`}</>;
  if (last.isOneTimeMedia) return <>{`${prefix}👁 One-time ${last.contentType === 'video' ? 'video' : 'photo'}`}</>;
  if (last.contentType === 'image') return <>{`${prefix}📷 ${previewText(opened, 'Photo')}`}</>;
  if (last.contentType === 'video') return <>{`${prefix}🎬 ${previewText(opened, 'Video')}`}</>;
  return <>{prefix + previewText(opened)}</>;
}

/** "Ana added Ben": names from the chat's current members, else those the event recorded. */
function eventPreview(conversation: Conversation, last: NonNullable<Conversation['lastMessage']>, myId: string) {
  return timelineEventText(last, myId, (userId) => {
    const user = conversation.members.find((m) => m.user.id === userId)?.user;
    return user && !user.deleted ? user.displayName : undefined;
  });
}

function activityLabel(iso: string, timeZone: string, now: number): string {
  if (sameDay(Date.parse(iso), now, timeZone)) return formatClock(iso, timeZone);
  if (now - Date.parse(iso) < 6 * 86_400_000) return formatInZone(iso, timeZone, { weekday: 'short' });
  return formatInZone(iso, timeZone, { day: 'numeric', month: 'short' });
}

/** Chats, newest activity first, with unread counts, presence, typing and scheduled markers. */
export function ConversationList({ myId, timeZone, activeId, hrefFor, onOpen, renderAvatar }: ConversationListProps) {
  const byId = useConversations((s) => s.byId);
  const loaded = useConversations((s) => s.loaded);
  const typing = useConversations((s) => s.typing);
  const presence = useConversations((s) => s.presence);
  const now = useNow(5000);
  const all = useMemo(() => sortConversations(byId), [byId]);
  const [filter, setFilter] = useState('');
  const folded = foldQuery(filter);
  const conversations = folded ? all.filter((c) => conversationMatches(c, myId, folded)) : all;

  if (!loaded) return <p className="list-empty muted">Loading chats…</p>;
  if (all.length === 0) {
    return <p className="list-empty muted">No chats yet. Start one with the + button.</p>;
  }
  return (
    <>
      <ChatFilter value={filter} onChange={setFilter} />
      {conversations.length === 0 ? (
        <p className="list-empty muted" role="status">
          No chats match “{filter.trim()}”.
        </p>
      ) : null}
      <nav aria-label="Chats" className="conversation-list" hidden={conversations.length === 0}>
        <ul>
          {conversations.map((conversation) => {
            const title = conversationTitle(conversation, myId);
            const other = otherMember(conversation, myId);
            const online = other ? (presence[other.id]?.online ?? other.online) : false;
            const typers = typingUserIds(typing[conversation.id], now).filter((id) => id !== myId);
            const active = conversation.id === activeId;
            return (
              <li key={conversation.id}>
                <a
                  href={hrefFor(conversation.id)}
                  className={`conversation-row ${active ? 'active' : ''}`}
                  aria-current={active ? 'page' : undefined}
                  onClick={(event) => {
                    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
                    event.preventDefault();
                    onOpen(conversation.id);
                  }}
                >
                  {(renderAvatar ?? defaultAvatar)(conversation, {
                    name: title,
                    seed: other?.id ?? conversation.id,
                    online,
                    group: conversation.kind === 'group',
                    src: conversation.kind === 'direct' ? other?.avatarUrl : null,
                  })}
                  <span className="conversation-row-main">
                    <span className="conversation-row-top">
                      <span className="conversation-row-title">{title}</span>
                      <span className="conversation-row-time muted">
                        {activityLabel(conversation.lastActivityAt, timeZone, now)}
                      </span>
                    </span>
                    <span className="conversation-row-bottom">
                      <span className={`conversation-row-preview ${typers.length ? 'typing-text' : ''}`}>
                        {typers.length ? (
                          conversation.kind === 'group' ? (
                            `${conversation.members.find((m) => m.user.id === typers[0])?.user.displayName ?? 'Someone'} is typing…`
                          ) : (
                            'typing…'
                          )
                        ) : (
                          <Preview conversation={conversation} myId={myId} />
                        )}
                      </span>
                      {conversation.temporaryTtlSeconds ? (
                        <TimerIcon size={14} className="muted" aria-label="Disappearing messages on" />
                      ) : null}
                      {isMuted(conversation, now) ? (
                        <span className="muted muted-chat-icon" role="img" aria-label="Muted" title="Muted">
                          <BellOffIcon size={14} />
                        </span>
                      ) : null}
                      {conversation.scheduledPendingCount > 0 ? (
                        <span className="scheduled-chip" title={`${conversation.scheduledPendingCount} scheduled`}>
                          <ClockIcon size={13} />
                          {conversation.scheduledPendingCount}
                          <span className="sr-only"> scheduled</span>
                        </span>
                      ) : null}
                      {conversation.unreadCount > 0 ? (
                        <span
                          className={`unread-badge ${isMuted(conversation, now) ? 'unread-badge-muted' : ''}`}
                          aria-label={`${conversation.unreadCount} unread`}
                        >
                          {conversation.unreadCount > 99 ? '99+' : conversation.unreadCount}
                        </span>
                      ) : null}
                    </span>
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
    </>
  );
}

/** The box above the list: filters as you type; Escape clears it. */
function ChatFilter({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <div className="chat-filter" role="search">
      <SearchIcon size={16} className="chat-filter-icon" aria-hidden="true" />
      <input
        type="search"
        className="chat-filter-input"
        placeholder="Search chats"
        aria-label="Search chats"
        value={value}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && value) {
            e.preventDefault();
            onChange('');
          }
        }}
      />
      {value ? (
        <button type="button" className="chat-filter-clear" aria-label="Clear search" onClick={() => onChange('')}>
          <CloseIcon size={14} />
        </button>
      ) : null}
    </div>
  );
}
