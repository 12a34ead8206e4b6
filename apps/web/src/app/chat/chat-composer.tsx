import { memo, useEffect, useRef, useState } from 'react';
import type { PublicUser } from '@herald/shared';
import { keepToastsAbove, toast } from '../../components/ui/toast-store';
import { useMedia } from '../../features/media/store';
import { AttachButton, AttachmentTray, attachFiles } from '../../features/media/components/attachment-tray';
import { attachmentsPreview, filesOf } from '../../features/media/album';
import { Composer } from '../../features/messages/components/composer';
import { sendBlocker } from '../../features/messages/limits';
import { findMessage } from '../../features/messages/order';
import { useMessages } from '../../features/messages/store';
import { ScheduleDialog } from '../../features/scheduling/components/schedule-dialog';
import { ScheduledBar } from '../../features/scheduling/components/scheduled-bar';
import { useOpened } from '../../lib/e2ee';
import { errorMessage } from '../../lib/http';
import { quoteText } from '../../lib/message-codec';
import { useConfig } from '../config';
import { emitTyping } from '../realtime';
import { navigate, paths } from '../router';
import { useScheduledCount } from './scheduled-count';
import { SendButton } from './send-button';
import { useOutgoing } from './use-outgoing';

export interface ChatComposerProps {
  conversationId: string;
  myId: string;
  timeZone: string;
  nameOf: (userId: string) => string;
  /** Direct chats: the other person (their local time in the schedule dialog). */
  other: PublicUser | null;
  /** When set, nothing can be written here, and this says why. */
  disabledReason: string | null;
}

type Quote = { name: string; text: string };

/** What the composer replies to, as a one-line quote ("an earlier message" when not loaded). */
function useReplyPreview(conversationId: string, nameOf: (userId: string) => string): Quote | null {
  const replyToId = useMessages((s) => s.replyTo[conversationId] ?? null);
  const target = useMessages((s) =>
    replyToId ? findMessage(s.timelines[conversationId]?.messages ?? [], replyToId) : undefined,
  );
  const opened = useOpened(target);
  if (!replyToId) return null;
  return target ? { name: nameOf(target.senderId), text: quoteText(opened) } : { name: 'an earlier message', text: '' };
}

/**
 * "N scheduled", then the composer with the paperclip, the attachment tray and one Send button
 * whose menu schedules (the arrow beside it, a long press or a right click). Toasts stay above it.
 */
export const ChatComposer = memo(function ChatComposer({
  conversationId,
  myId,
  timeZone,
  nameOf,
  other,
  disabledReason,
}: ChatComposerProps) {
  const config = useConfig((s) => s.config);
  const hasAttachment = useMedia((s) => Boolean(s.attachments[conversationId]));
  const scheduledCount = useScheduledCount(conversationId);
  const replyPreview = useReplyPreview(conversationId, nameOf);
  const [scheduling, setScheduling] = useState(false);
  const bottom = useRef<HTMLDivElement>(null);
  useEffect(() => (bottom.current ? keepToastsAbove(bottom.current) : undefined), []);
  const outgoing = useOutgoing({
    conversationId,
    myId,
    timeZone,
    maxTextLength: config.maxTextLength,
    mediaLimits: config.media,
  });

  return (
    <div
      className="chat-bottom"
      ref={bottom}
      // Photos and videos dropped or pasted here join the attachments (up to 10, one album).
      onDragOver={(event) => {
        if (!disabledReason && event.dataTransfer.types.includes('Files')) event.preventDefault();
      }}
      onDrop={(event) => {
        const files = filesOf(event.dataTransfer);
        if (disabledReason || files.length === 0) return;
        event.preventDefault();
        attachFiles(conversationId, files, config.media);
      }}
      onPaste={(event) => {
        const files = filesOf(event.clipboardData);
        if (disabledReason || files.length === 0) return;
        event.preventDefault();
        attachFiles(conversationId, files, config.media);
      }}
    >
      <ScheduledBar count={scheduledCount} onOpen={() => navigate(paths.chat(conversationId, 'scheduled'))} />
      <Composer
        conversationId={conversationId}
        disabledReason={disabledReason}
        onSend={(text) => void outgoing.send(text)}
        onTyping={(isTyping) => emitTyping(conversationId, isTyping)}
        replyTo={replyPreview}
        onCancelReply={() => useMessages.getState().setReplyTo(conversationId, null)}
        start={<AttachButton conversationId={conversationId} limits={config.media} />}
        renderSend={(send) => (
          <SendButton
            send={send}
            timeZone={timeZone}
            pickerMinLeadSeconds={config.scheduling.pickerMinLeadSeconds}
            onScheduleDialog={() => setScheduling(true)}
            onSchedule={(at) => void outgoing.schedule(at).catch((error: unknown) => toast.error(errorMessage(error)))}
          />
        )}
        above={<AttachmentTray conversationId={conversationId} />}
        canSendEmpty={hasAttachment}
        maxLength={config.maxTextLength}
      />
      {scheduling ? (
        <ScheduleComposed
          conversationId={conversationId}
          timeZone={timeZone}
          recipient={other && !other.deleted ? { name: other.displayName, timeZone: other.timeZone } : null}
          replyPreview={replyPreview}
          onSubmit={async (at, options) => {
            await outgoing.schedule(at, options?.showAsScheduled);
            setScheduling(false);
          }}
          onClose={() => setScheduling(false)}
        />
      ) : null}
    </div>
  );
});

/**
 * The schedule dialog over what the composer holds. Mounted only while open, so that only it
 * follows the draft as it changes (typing does not render the chat screen again).
 */
function ScheduleComposed({
  conversationId,
  timeZone,
  recipient,
  replyPreview,
  onSubmit,
  onClose,
}: {
  conversationId: string;
  timeZone: string;
  recipient: { name: string; timeZone: string } | null;
  replyPreview: Quote | null;
  onSubmit: (at: Date, options?: { showAsScheduled: boolean }) => Promise<void>;
  onClose: () => void;
}) {
  const scheduling = useConfig((s) => s.config.scheduling);
  const maxTextLength = useConfig((s) => s.config.maxTextLength);
  const draftText = useMessages((s) => s.drafts[conversationId] ?? '');
  const attachments = useMedia((s) => s.attachments[conversationId]);
  const attachment = attachments?.[0];
  const text = draftText.trim();
  return (
    <ScheduleDialog
      timeZone={timeZone}
      recipient={recipient}
      pickerMinLeadSeconds={scheduling.pickerMinLeadSeconds}
      maxHorizonDays={scheduling.maxHorizonDays}
      contentPreview={attachment ? attachmentsPreview(attachments, text) : text || null}
      replyPreview={replyPreview}
      contentProblem={sendBlocker(draftText, Boolean(attachment), maxTextLength)?.text ?? null}
      offerShowAsScheduled
      onSubmit={onSubmit}
      onClose={onClose}
    />
  );
}
