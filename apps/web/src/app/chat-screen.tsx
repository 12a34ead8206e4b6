import { useCallback, useEffect, useState } from 'react';
import type { EncryptedMedia } from '@herald/shared';
import { Avatar } from '../components/ui/avatar';
import { IconButton } from '../components/ui/button';
import { LastSeen } from '../components/ui/last-seen';
import { BackIcon, ClockIcon, CloseIcon, DotsIcon, TimerIcon } from '../components/ui/icons';
import { Menu } from '../components/ui/menu';
import { toast, useToasts } from '../components/ui/toast-store';
import { useAuth, useMyTimeZone } from '../features/auth/store';
import { ConversationInfo } from '../features/conversations/components/conversation-info';
import { KeyChangeBanner, requestVerify } from '../features/conversations/components/verify-security';
import { conversationTitle, otherMember, ttlLabel } from '../features/conversations/model';
import { typingUserIds, useConversations } from '../features/conversations/store';
import { AttachButton, AttachmentTray } from '../features/media/components/attachment-tray';
import { MessageAttachment } from '../features/media/components/message-attachment';
import { useMedia } from '../features/media/store';
import { Composer } from '../features/messages/components/composer';
import { Timeline } from '../features/messages/components/timeline';
import { sendBlocker } from '../features/messages/limits';
import type { TimelineMessage } from '../features/messages/merge';
import { useMessages } from '../features/messages/store';
import { ScheduleDialog } from '../features/scheduling/components/schedule-dialog';
import { ScheduledBar } from '../features/scheduling/components/scheduled-bar';
import { ScheduledList } from '../features/scheduling/components/scheduled-list';
import { useScheduling } from '../features/scheduling/store';
import { errorMessage } from '../lib/http';
import { newClientId } from '../lib/id';
import { peekOpened, prepareConversation, primeOpened, sendSealed, useOpened } from '../lib/e2ee';
import { quoteText } from '../lib/message-codec';
import { formatDateTime, toRfc3339 } from '../lib/time';
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
  const replyToId = useMessages((s) => s.replyTo[conversationId] ?? null);
  const replyTarget = useMessages((s) =>
    replyToId ? s.timelines[conversationId]?.messages.find((m) => m.id === replyToId) : undefined,
  );
  const replyOpened = useOpened(replyTarget);
  const [scheduling, setScheduling] = useState(false);
  // Only while the schedule dialog is open: typing does not re-render the whole screen.
  const draftText = useMessages((s) => (scheduling ? (s.drafts[conversationId] ?? '') : ''));
  const now = useNow(5000);

  useEffect(() => {
    if (!timelineLoaded) void loadLatest(conversationId);
  }, [conversationId, timelineLoaded, loadLatest]);

  // The members' keys, ahead of the first send (a failure here is retried by the send itself).
  useEffect(() => {
    prepareConversation(conversationId).catch(() => {});
  }, [conversationId]);

  const unread = conversation?.unreadCount ?? 0;
  const onSeeLatest = useCallback(() => {
    if (unread > 0 && document.visibilityState === 'visible') markRead(conversationId).catch(() => {});
  }, [unread, markRead, conversationId]);

  const formerNames = useConversations((s) => s.formerNames[conversationId]);
  const nameOf = useCallback(
    (userId: string) => {
      if (userId === me.id) return 'You';
      const member = conversation?.members.find((m) => m.user.id === userId);
      if (member) return member.user.displayName;
      const former = formerNames?.[userId];
      return former ? `${former} (left)` : 'Former member';
    },
    [conversation, formerNames, me.id],
  );

  const renderMedia = useCallback(
    (message: TimelineMessage) =>
      message.media ? (
        <MessageAttachment
          message={message}
          mine={message.senderId === me.id}
          onViewed={() => useMessages.getState().markViewed(conversationId, message.id)}
        />
      ) : null,
    [me.id, conversationId],
  );

  const onReply = useCallback(
    (message: TimelineMessage) => useMessages.getState().setReplyTo(conversationId, message.id),
    [conversationId],
  );

  /** What a message says, in one line: for reply quotes in the composer and the scheduled list. */
  const quoteOf = useCallback(
    (messageId: string | null) => {
      if (!messageId) return null;
      const target = useMessages.getState().timelines[conversationId]?.messages.find((m) => m.id === messageId);
      if (!target) return null;
      return { name: nameOf(target.senderId), text: quoteText(peekOpened(target)) };
    },
    [conversationId, nameOf],
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
  const subtitle = typers.length ? (
    conversation.kind === 'group' ? (
      `${typers.map(nameOf).join(', ')} ${typers.length > 1 ? 'are' : 'is'} typing…`
    ) : (
      'typing…'
    )
  ) : other ? (
    other.deleted ? (
      'account deleted'
    ) : (otherPresence?.online ?? other.online) ? (
      'online'
    ) : (
      <LastSeen lastSeenAt={otherPresence?.lastSeenAt ?? other.lastSeenAt} timeZone={timeZone} />
    )
  ) : (
    `${conversation.members.length} members`
  );

  const disabledReason = other?.deleted
    ? 'This account was deleted; you cannot write here any more.'
    : conversation.blockedByMe
      ? `You blocked ${other?.displayName ?? 'this person'}. Unblock them in the chat info to write.`
      : null;

  /**
   * The waiting attachment, sealed on this device and uploaded as opaque bytes; `sealed` (its key,
   * hash and real type) goes inside the sealed message.
   */
  async function uploadIfAny(): Promise<{
    mediaId?: string;
    contentType: 'text' | 'image' | 'video';
    oneTime: boolean;
    media?: TimelineMessage['media'];
    sealed?: EncryptedMedia;
  }> {
    const current = useMedia.getState().attachments[conversationId];
    if (!current) return { contentType: 'text', oneTime: false };
    const { info, media } = await useMedia.getState().uploadAttachment(conversationId);
    return { mediaId: info.id, contentType: info.kind, oneTime: current.oneTime, media: info, sealed: media };
  }

  /** Puts a picked file back into the composer (after a refusal or an undone schedule). */
  function reattach(picked: { file: File; oneTime: boolean } | undefined) {
    if (!picked || useMedia.getState().attachments[conversationId]) return;
    if (useMedia.getState().attach(conversationId, picked.file, config.media) === null) {
      useMedia.getState().setOneTime(conversationId, picked.oneTime);
    }
  }

  async function send(text: string) {
    const messages = useMessages.getState();
    // The composer starts afresh at once: the reply belongs to this message, not to the next one.
    const reply = messages.replyTo[conversationId] ?? null;
    messages.setReplyTo(conversationId, null);
    const picked = useMedia.getState().attachments[conversationId];
    let upload: Awaited<ReturnType<typeof uploadIfAny>>;
    try {
      upload = await uploadIfAny();
    } catch (err) {
      // The attachment stays in the tray with its error; the words and the reply come back.
      useMessages.getState().restoreDraft(conversationId, text, reply);
      toast.error(errorMessage(err));
      return;
    }
    useMedia.getState().clearAttachment(conversationId);
    // The store seals the plaintext for the current members at each attempt (and once more by
    // itself on 409 recipients_mismatch).
    const outcome = await useMessages.getState().send(conversationId, me.id, {
      plaintext: upload.sealed ? { text, media: upload.sealed } : { text },
      contentType: upload.contentType,
      mediaId: upload.mediaId,
      media: upload.media ?? null,
      replyToId: reply ?? undefined,
      isOneTimeMedia: upload.oneTime,
      viewLimit: upload.oneTime ? 1 : undefined,
    });
    if (outcome.status === 'sent') {
      useConversations.getState().applyMessage(outcome.message, { mine: true, visible: true });
    } else if (outcome.status === 'refused') {
      reattach(picked);
    }
  }

  async function schedule(at: Date) {
    const text = (useMessages.getState().drafts[conversationId] ?? '').trim();
    const picked = useMedia.getState().attachments[conversationId];
    // Never submit what the server must refuse (the dialog says so and keeps Schedule disabled).
    const blocker = sendBlocker(text, Boolean(picked), config.maxTextLength);
    if (blocker) throw new Error(blocker.text);
    const reply = useMessages.getState().replyTo[conversationId] ?? null;
    const upload = await uploadIfAny();
    const content = upload.sealed ? { text, media: upload.sealed } : { text };
    const clientId = newClientId();
    // Sealed now for the current members (the sender may be offline at the due time); on 409
    // recipients_mismatch the keys are fetched again and it is sealed once more by itself.
    const created = await sendSealed(conversationId, upload.contentType, content, async (envelope) => {
      const scheduled = await useScheduling.getState().create({
        conversationId: conversationId,
        content: envelope,
        contentType: upload.contentType,
        mediaId: upload.mediaId,
        replyToId: reply ?? undefined,
        isOneTimeMedia: upload.oneTime,
        viewLimit: upload.oneTime ? 1 : undefined,
        scheduledTime: toRfc3339(at),
        clientId,
      });
      primeOpened(scheduled, content);
      return scheduled;
    });
    useMedia.getState().clearAttachment(conversationId);
    useMessages.getState().setDraft(conversationId, '');
    useMessages.getState().setReplyTo(conversationId, null);
    setScheduling(false);
    useToasts.getState().show({
      text: `Scheduled for ${formatDateTime(at, timeZone)}`,
      tone: 'success',
      durationMs: 6000,
      action: {
        label: 'Undo',
        onAction: () => {
          // Right after scheduling, Undo takes the message back into the composer, unless it is
          // already out (a time a few seconds away): then the words must not come back.
          const current = useScheduling.getState().byId[created.id];
          if (current && current.status !== 'pending') {
            toast.info(`Too late to undo: the message was already ${current.status}.`);
            return;
          }
          useScheduling.getState().cancelWithUndo(created.id, 0);
          useMessages.getState().restoreDraft(conversationId, text, reply);
          reattach(picked);
        },
      },
    });
  }

  const showPanel = panel === 'scheduled';
  const replyPreview = replyToId
    ? replyTarget
      ? { name: nameOf(replyTarget.senderId), text: quoteText(replyOpened) }
      : { name: 'an earlier message', text: '' }
    : null;

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

        <KeyChangeBanner
          conversation={conversation}
          myId={me.id}
          onVerify={(userId) => {
            requestVerify(userId);
            navigate(paths.chat(conversationId, 'info'));
          }}
        />

        <Timeline
          conversationId={conversationId}
          myId={me.id}
          timeZone={timeZone}
          isGroup={conversation.kind === 'group'}
          nameOf={nameOf}
          renderMedia={renderMedia}
          onReply={onReply}
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
            replyTo={replyPreview}
            onCancelReply={() => useMessages.getState().setReplyTo(conversationId, null)}
            start={<AttachButton conversationId={conversationId} limits={config.media} />}
            end={
              <ScheduleButton
                conversationId={conversationId}
                maxLength={config.maxTextLength}
                onOpen={() => setScheduling(true)}
              />
            }
            above={<AttachmentTray conversationId={conversationId} />}
            canSendEmpty={Boolean(attachment)}
            maxLength={config.maxTextLength}
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
              replyPreviewOf={(item) => quoteOf(item.replyToId)}
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
              ? `${attachment.kind === 'image' ? '📷' : '🎬'} ${draftText.trim() || attachment.file.name}`
              : draftText.trim() || null
          }
          replyPreview={replyPreview}
          contentProblem={sendBlocker(draftText, Boolean(attachment), config.maxTextLength)?.text ?? null}
          onSubmit={schedule}
          onClose={() => setScheduling(false)}
        />
      ) : null}
    </div>
  );
}

/**
 * The clock beside the emoji button. Scheduling is offered only when there is something to send
 * (text or an attachment) within the length limit; otherwise the button says why (tooltip, and a
 * toast when pressed) instead of opening a dialog that could only fail.
 */
function ScheduleButton({
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
