import { useMemo } from 'react';
import type { CreateScheduledBody, MediaInfo } from '@herald/shared';
import { toast } from '../../components/ui/toast-store';
import { useConversations } from '../../features/conversations/store';
import { useMedia, type Attachment, type MediaLimits } from '../../features/media/store';
import { sendBlocker } from '../../features/messages/limits';
import { useMessages } from '../../features/messages/store';
import { useNotificationSettings } from '../../features/notifications/settings';
import { useScheduling } from '../../features/scheduling/store';
import { errorMessage } from '../../lib/http';
import { newClientId } from '../../lib/id';
import { primeOpened, sendSealed, type SealableContent } from '../../lib/e2ee';
import { formatDateTime, toRfc3339 } from '../../lib/time';
import { albumPlaces } from '../../features/media/album';

/** The fields a live message and a scheduled one share (`SendMessageBody`, `CreateScheduledBody`). */
type SharedFields = Required<Pick<CreateScheduledBody, 'contentType' | 'isOneTimeMedia'>> &
  Pick<CreateScheduledBody, 'mediaId' | 'replyToId' | 'viewLimit'>;

/** What goes out, whether now or later: the sealable content and the fields beside it. */
export interface OutgoingPayload {
  /** Sealed at each attempt for the current members: the words, and the sealed file's secrets. */
  plaintext: SealableContent;
  fields: SharedFields;
  /** The uploaded attachment, for the optimistic bubble. */
  media: MediaInfo | null;
}

/**
 * The one path from the composer to payloads, for sending and for scheduling alike: each waiting
 * attachment is sealed on this device and uploaded as opaque bytes (its key, hash and real type go
 * inside the sealed message); the content type, the one-time option and the reply follow from it.
 * Several files become an album (album.ts): one payload per file, the words and the reply with
 * the first. Nothing is sent until every file is up, so a failed upload sends nothing.
 */
export async function preparePayloads(
  conversationId: string,
  text: string,
  replyToId: string | null,
): Promise<OutgoingPayload[]> {
  const reply = replyToId ?? undefined;
  const picked = useMedia.getState().attachments[conversationId] ?? [];
  if (picked.length === 0) {
    return [
      {
        plaintext: { text },
        fields: { contentType: 'text', replyToId: reply, isOneTimeMedia: false },
        media: null,
      },
    ];
  }
  const album = albumPlaces(picked);
  const out: OutgoingPayload[] = [];
  for (const [index, file] of picked.entries()) {
    // One at a time, in order (the first call keeps its old form: one file, no index).
    const { info, media } = await (index === 0
      ? useMedia.getState().uploadAttachment(conversationId)
      : useMedia.getState().uploadAttachment(conversationId, index));
    const place = album[index];
    out.push({
      plaintext: { text: index === 0 ? text : '', media, ...(place ? { album: place } : {}) },
      fields: {
        contentType: info.kind,
        mediaId: info.id,
        replyToId: index === 0 ? reply : undefined,
        isOneTimeMedia: file.oneTime,
        viewLimit: file.oneTime ? 1 : undefined,
      },
      media: info,
    });
  }
  return out;
}

/** The single-file form (one payload): kept for callers that send exactly one thing. */
export async function preparePayload(
  conversationId: string,
  text: string,
  replyToId: string | null,
): Promise<OutgoingPayload> {
  const [first] = await preparePayloads(conversationId, text, replyToId);
  return first!;
}

/** Puts picked files back into the composer (after a refusal or an undone schedule). */
function reattach(conversationId: string, picked: readonly Attachment[] | undefined, limits: MediaLimits) {
  const media = useMedia.getState();
  if (!picked || picked.length === 0 || media.attachments[conversationId]) return;
  for (const file of picked) media.attach(conversationId, file.file, limits);
  media.setOneTime(conversationId, picked[0]!.oneTime);
}

/** The composer starts afresh: its attachment, words and reply belong to what just went out. */
function resetComposer(conversationId: string) {
  useMedia.getState().clearAttachment(conversationId);
  useMessages.getState().setDraft(conversationId, '');
  useMessages.getState().setReplyTo(conversationId, null);
}

export interface OutgoingOptions {
  conversationId: string;
  myId: string;
  timeZone: string;
  maxTextLength: number;
  mediaLimits: MediaLimits;
}

/** Sends what the composer held: the store shows it at once and puts the answer in its place. */
async function sendNow({ conversationId, myId, mediaLimits }: OutgoingOptions, text: string): Promise<void> {
  const messages = useMessages.getState();
  // The composer starts afresh at once: the reply belongs to this message, not to the next one.
  const reply = messages.replyTo[conversationId] ?? null;
  messages.setReplyTo(conversationId, null);
  const picked = useMedia.getState().attachments[conversationId];
  let payloads: OutgoingPayload[];
  try {
    payloads = await preparePayloads(conversationId, text, reply);
  } catch (err) {
    // The attachment stays in the tray with its error; the words and the reply come back.
    useMessages.getState().restoreDraft(conversationId, text, reply);
    toast.error(errorMessage(err));
    return;
  }
  useMedia.getState().clearAttachment(conversationId);
  // An album goes as N messages, one after the other (in order; each retried on its own).
  for (const payload of payloads) {
    // The store seals the plaintext for the current members at each attempt (and once more by
    // itself on 409 recipients_mismatch), and puts the answer in the timeline.
    const outcome = await useMessages.getState().send(conversationId, myId, {
      ...payload.fields,
      plaintext: payload.plaintext,
      media: payload.media,
    });
    // The chat list hears of it from the answer (the socket's echo may not come; when it does,
    // both stores find the same message and change nothing).
    if (outcome.status === 'sent') {
      useConversations.getState().applyMessage(outcome.message, { mine: true, visible: true });
      // The moment to offer notifications (once): I just wrote to someone and may await an answer.
      useNotificationSettings.getState().noteSent();
    } else if (outcome.status === 'refused') {
      // Refused (not a network failure): the files come back to the composer, nothing more goes.
      reattach(conversationId, picked, mediaLimits);
      return;
    }
  }
}

/** Schedules what the composer holds, then offers Undo; throws (for the dialog to show) when it cannot. */
async function scheduleFor(options: OutgoingOptions, at: Date, showAsScheduled = false): Promise<void> {
  const { conversationId, timeZone, maxTextLength, mediaLimits } = options;
  const text = (useMessages.getState().drafts[conversationId] ?? '').trim();
  const picked = useMedia.getState().attachments[conversationId];
  // Never submit what the server must refuse (the dialog says so and keeps Schedule disabled).
  const blocker = sendBlocker(text, Boolean(picked), maxTextLength);
  if (blocker) throw new Error(blocker.text);
  const reply = useMessages.getState().replyTo[conversationId] ?? null;
  const payloads = await preparePayloads(conversationId, text, reply);
  // An album is N scheduled messages at the same time, each managed on its own in the list.
  const createdIds: string[] = [];
  for (const { plaintext, fields } of payloads) {
    const clientId = newClientId();
    // Sealed now for the current members (the sender may be offline at the due time); on 409
    // recipients_mismatch the keys are fetched again and it is sealed once more by itself.
    const created = await sendSealed(conversationId, fields.contentType, plaintext, async (envelope) => {
      const scheduled = await useScheduling.getState().create({
        ...fields,
        conversationId,
        content: envelope,
        scheduledTime: toRfc3339(at),
        clientId,
        ...(showAsScheduled ? { showAsScheduled } : {}),
      });
      primeOpened(scheduled, plaintext);
      return scheduled;
    });
    createdIds.push(created.id);
  }
  resetComposer(conversationId);
  // The one Undo on screen (a newer one replaces it: toast.undo).
  toast.undo(
    `Scheduled for ${formatDateTime(at, timeZone)}`,
    () => {
      // Right after scheduling, Undo takes the message back into the composer, unless it is
      // already out (a time a few seconds away): then the words must not come back.
      const current = useScheduling.getState().byId[createdIds[0]!];
      if (current && current.status !== 'pending') {
        toast.info(`Too late to undo: the message was already ${current.status}.`);
        return;
      }
      for (const id of createdIds) useScheduling.getState().cancelWithUndo(id, 0);
      useMessages.getState().restoreDraft(conversationId, text, reply);
      reattach(conversationId, picked, mediaLimits);
    },
    6000,
    'success',
  );
}

/** Send now and schedule for later: one payload path, two ways out. */
export function useOutgoing(options: OutgoingOptions) {
  const { conversationId, myId, timeZone, maxTextLength, mediaLimits } = options;
  return useMemo(() => {
    const bound = { conversationId, myId, timeZone, maxTextLength, mediaLimits };
    return {
      send: (text: string) => sendNow(bound, text),
      schedule: (at: Date, showAsScheduled?: boolean) => scheduleFor(bound, at, showAsScheduled),
    };
  }, [conversationId, myId, timeZone, maxTextLength, mediaLimits]);
}
