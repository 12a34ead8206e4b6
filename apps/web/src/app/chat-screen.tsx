import { useCallback, useEffect, useState } from 'react';
import { Avatar } from '../components/ui/avatar';
import { IconButton } from '../components/ui/button';
import { BackIcon, ClockIcon, CloseIcon, DotsIcon, TimerIcon } from '../components/ui/icons';
import { Menu } from '../components/ui/menu';
import { toast, useToasts } from '../components/ui/toast-store';
import { useAuth, useMyTimeZone } from '../features/auth/store';
import { ConversationInfo } from '../features/conversations/components/conversation-info';
import { conversationTitle, otherMember, ttlLabel } from '../features/conversations/model';
import { typingUserIds, useConversations } from '../features/conversations/store';
import { AttachButton, AttachmentTray } from '../features/media/components/attachment-tray';
import { MessageMedia } from '../features/media/components/message-media';
import { useMedia } from '../features/media/store';
import { Composer } from '../features/messages/components/composer';
import { Timeline } from '../features/messages/components/timeline';
import type { TimelineMessage } from '../features/messages/merge';
import { useMessages } from '../features/messages/store';
import { ScheduleDialog } from '../features/scheduling/components/schedule-dialog';
import { ScheduledBar } from '../features/scheduling/components/scheduled-bar';
import { ScheduledList } from '../features/scheduling/components/scheduled-list';
import { useScheduling } from '../features/scheduling/store';
import { errorMessage } from '../lib/http';
import { newClientId } from '../lib/id';
import { decodeText, encodeText } from '../lib/message-codec';
import { formatDateTime, lastSeenText, toRfc3339 } from '../lib/time';
import { useNow } from '../lib/use-now';
import { useConfig } from './config';
import { emitTyping } from './realtime';
import { navigate, paths } from './router';

export interface ChatScreenProps {
  conversationId: string;
  panel: 'scheduled' | 'info' | null;
  focusMessageId: string | null;
}

/** One conversation: header, timeline, "N scheduled" bar, composer with attachments and the clock. */
export default function ChatScreen({ conversationId, panel, focusMessageId }: ChatScreenProps) {
  const me = useAuth((s) => s.me)!;
  const timeZone = useMyTimeZone();
  const conversation = useConversations((s) => s.byId[conversationId]);
  const loaded = useConversations((s) => s.loaded);
  const presence = useConversations((s) => s.presence);
  const typing = useConversations((s) => s.typing[conversationId]);
  const markRead = useConversations((s) => s.markRead);
  const timelineLoaded = useMessages((s) => s.timelines[conversationId]?.loaded ?? false);
  const loadLatest = useMessages((s) => s.loadLatest);
  const attachment = useMedia((s) => s.attachments[conversationId]);
  const config = useConfig((s) => s.config);
  const [replyTo, setReplyTo] = useState<TimelineMessage | null>(null);
  const [scheduling, setScheduling] = useState(false);
  const now = useNow(5000);

  useEffect(() => {
    if (!timelineLoaded) void loadLatest(conversationId);
  }, [conversationId, timelineLoaded, loadLatest]);

  const unread = conversation?.unreadCount ?? 0;
  const onSeeLatest = useCallback(() => {
    if (unread > 0 && document.visibilityState === 'visible') markRead(conversationId).catch(() => {});
  }, [unread, markRead, conversationId]);

  const nameOf = useCallback(
    (userId: string) => {
      if (userId === me.id) return 'You';
      const member = conversation?.members.find((m) => m.user.id === userId);
      return member ? member.user.displayName : 'Former member';
    },
    [conversation, me.id],
  );

  const renderMedia = useCallback(
    (message: TimelineMessage) =>
      message.media ? (
        <MessageMedia
          media={message.media}
          isOneTime={message.isOneTimeMedia}
          viewLimit={message.viewLimit}
          myViews={message.myViews}
          mediaExpiresAt={message.mediaExpiresAt}
          mine={message.senderId === me.id}
          onViewed={() => useMessages.getState().markViewed(conversationId, message.id)}
        />
      ) : null,
    [me.id, conversationId],
  );

  const onReact = useCallback(
    (message: TimelineMessage, emoji: string) => {
      useMessages
        .getState()
        .toggleReaction(conversationId, message.id, emoji, me.id)
        .catch((err: unknown) => toast.error(errorMessage(err)));
    },
    [conversationId, me.id],
  );

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

  const title = conversationTitle(conversation, me.id);
  const other = otherMember(conversation, me.id);
  const otherPresence = other ? presence[other.id] : undefined;
  const typers = typingUserIds(typing, now).filter((id) => id !== me.id);
  const subtitle = typers.length
    ? conversation.kind === 'group'
      ? `${typers.map(nameOf).join(', ')} ${typers.length > 1 ? 'are' : 'is'} typing…`
      : 'typing…'
    : other
      ? other.deleted
        ? 'account deleted'
        : (otherPresence?.online ?? other.online)
          ? 'online'
          : lastSeenText(otherPresence?.lastSeenAt ?? other.lastSeenAt, timeZone, now)
      : `${conversation.members.length} members`;

  const disabledReason = other?.deleted
    ? 'This account was deleted; you cannot write here any more.'
    : conversation.blockedByMe
      ? `You blocked ${other?.displayName ?? 'this person'}. Unblock them in the chat info to write.`
      : null;

  async function uploadIfAny(): Promise<{
    mediaId?: string;
    contentType: 'text' | 'image' | 'video';
    oneTime: boolean;
    media?: TimelineMessage['media'];
  }> {
    const current = useMedia.getState().attachments[conversationId];
    if (!current) return { contentType: 'text', oneTime: false };
    const info = await useMedia.getState().uploadAttachment(conversationId);
    return { mediaId: info.id, contentType: info.kind, oneTime: current.oneTime, media: info };
  }

  async function send(text: string) {
    const reply = replyTo;
    setReplyTo(null);
    try {
      const upload = await uploadIfAny();
      useMedia.getState().clearAttachment(conversationId);
      const message = await useMessages.getState().send(conversationId, me.id, {
        content: encodeText(text),
        contentType: upload.contentType,
        mediaId: upload.mediaId,
        media: upload.media ?? null,
        replyToId: reply?.id ?? undefined,
        isOneTimeMedia: upload.oneTime,
        viewLimit: upload.oneTime ? 1 : undefined,
      });
      if (message) useConversations.getState().applyMessage(message, { mine: true, visible: true });
    } catch (err) {
      useMessages.getState().setDraft(conversationId, text);
      toast.error(errorMessage(err));
    }
  }

  async function schedule(at: Date) {
    const text = (useMessages.getState().drafts[conversationId] ?? '').trim();
    const upload = await uploadIfAny();
    const created = await useScheduling.getState().create({
      conversationId: conversationId,
      content: encodeText(text),
      contentType: upload.contentType,
      mediaId: upload.mediaId,
      isOneTimeMedia: upload.oneTime,
      viewLimit: upload.oneTime ? 1 : undefined,
      scheduledTime: toRfc3339(at),
      clientId: newClientId(),
    });
    useMedia.getState().clearAttachment(conversationId);
    useMessages.getState().setDraft(conversationId, '');
    setScheduling(false);
    useToasts.getState().show({
      text: `Scheduled for ${formatDateTime(at, timeZone)}`,
      tone: 'success',
      durationMs: 6000,
      action: {
        label: 'Undo',
        onAction: () => {
          // Right after scheduling, Undo takes the message back into the composer.
          useScheduling.getState().cancelWithUndo(created.id, 0);
          useMessages.getState().setDraft(conversationId, text);
        },
      },
    });
  }

  const draftText = useMessages.getState().drafts[conversationId] ?? '';
  const showPanel = panel === 'scheduled';

  return (
    <div className={`chat ${showPanel ? 'chat-with-panel' : ''}`}>
      <section className="chat-main" aria-label={`Chat with ${title}`}>
        <header className="chat-header">
          <IconButton label="Back to chats" className="back-btn" onClick={() => navigate(paths.home)}>
            <BackIcon />
          </IconButton>
          <button type="button" className="chat-header-id" onClick={() => navigate(paths.chat(conversationId, 'info'))}>
            <Avatar
              name={title}
              seed={other?.id ?? conversation.id}
              size={38}
              online={other ? (otherPresence?.online ?? other.online) : false}
              group={conversation.kind === 'group'}
            />
            <span className="chat-header-text">
              <span className="chat-title">{title}</span>
              <span className={`chat-subtitle ${typers.length ? 'typing-text' : ''}`}>{subtitle}</span>
            </span>
          </button>
          {conversation.temporaryTtlSeconds ? (
            <span className="temp-indicator" title="Disappearing messages">
              <TimerIcon size={16} /> {ttlLabel(conversation.temporaryTtlSeconds)}
            </span>
          ) : null}
          <IconButton
            label="Scheduled messages"
            badge={conversation.scheduledPendingCount}
            badgeTone="info"
            onClick={() => navigate(paths.chat(conversationId, showPanel ? null : 'scheduled'))}
            className={showPanel ? 'active' : ''}
          >
            <ClockIcon />
          </IconButton>
          <Menu
            label="Chat menu"
            icon={<DotsIcon />}
            items={[
              { label: 'Scheduled messages', onSelect: () => navigate(paths.chat(conversationId, 'scheduled')) },
              { label: 'Chat info', onSelect: () => navigate(paths.chat(conversationId, 'info')) },
              {
                label: conversation.temporaryTtlSeconds ? 'Turn off disappearing messages' : 'Disappearing messages…',
                onSelect: () => navigate(paths.chat(conversationId, 'info')),
              },
            ]}
          />
        </header>

        <Timeline
          conversationId={conversationId}
          myId={me.id}
          timeZone={timeZone}
          isGroup={conversation.kind === 'group'}
          nameOf={nameOf}
          renderMedia={renderMedia}
          onReply={setReplyTo}
          onReact={onReact}
          focusMessageId={focusMessageId}
          onSeeLatest={onSeeLatest}
        />

        <div className="chat-bottom">
          <ScheduledBar
            count={conversation.scheduledPendingCount}
            onOpen={() => navigate(paths.chat(conversationId, 'scheduled'))}
          />
          <Composer
            conversationId={conversationId}
            disabledReason={disabledReason}
            onSend={(text) => void send(text)}
            onTyping={(isTyping) => emitTyping(conversationId, isTyping)}
            replyTo={
              replyTo ? { name: nameOf(replyTo.senderId), text: decodeText(replyTo.content) || 'Attachment' } : null
            }
            onCancelReply={() => setReplyTo(null)}
            start={<AttachButton conversationId={conversationId} />}
            end={
              <IconButton label="Schedule message" onClick={() => setScheduling(true)}>
                <ClockIcon />
              </IconButton>
            }
            above={<AttachmentTray conversationId={conversationId} />}
            canSendEmpty={Boolean(attachment)}
          />
        </div>
      </section>

      {showPanel ? (
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
              pickerMinLeadSeconds={config.scheduling.pickerMinLeadSeconds}
              maxHorizonDays={config.scheduling.maxHorizonDays}
              recipientOf={() => (other ? { name: other.displayName, timeZone: other.timeZone } : null)}
              onOpenMessage={(cid, messageId) => navigate(paths.chat(cid, null, messageId))}
            />
          </div>
        </aside>
      ) : null}

      {panel === 'info' ? (
        <ConversationInfo
          conversation={conversation}
          myId={me.id}
          timeZone={timeZone}
          onClose={() => navigate(paths.chat(conversationId), { replace: true })}
          onGone={() => navigate(paths.home, { replace: true })}
        />
      ) : null}

      {scheduling ? (
        <ScheduleDialog
          timeZone={timeZone}
          recipient={other && !other.deleted ? { name: other.displayName, timeZone: other.timeZone } : null}
          pickerMinLeadSeconds={config.scheduling.pickerMinLeadSeconds}
          maxHorizonDays={config.scheduling.maxHorizonDays}
          contentPreview={
            attachment
              ? `${attachment.kind === 'image' ? '📷' : '🎬'} ${draftText || attachment.file.name}`
              : draftText || null
          }
          onSubmit={schedule}
          onClose={() => setScheduling(false)}
        />
      ) : null}
    </div>
  );
}
