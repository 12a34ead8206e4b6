import { useEffect, useRef, useState } from 'react';
import type { Conversation, GroupPicture } from '@herald/shared';
import { Avatar, type AvatarProps } from '../../../components/ui/avatar';
import { Button } from '../../../components/ui/button';
import { toast } from '../../../components/ui/toast-store';
import { sendSealed, useOpened } from '../../../lib/e2ee';
import { errorMessage, http } from '../../../lib/http';
import { uploadMedia } from '../api';
import { sealMediaFile } from '../media-cipher';
import { IMAGE_TYPES } from '../media-types';
import { attachProblem, useMedia, type MediaLimits } from '../store';

/**
 * A group's picture (issue 13, item 9), end-to-end encrypted like any file: the image is sealed on
 * this device and uploaded as opaque bytes; its key travels in an envelope sealed for the current
 * members (checked by the server like a message). Members open the envelope, then the blob; anyone
 * who cannot (joined after it was set) sees the initials, as when there is no picture.
 */

/** The picture's envelope as an openable message (its id ties the opened cache to this picture). */
function openable(conversationId: string, picture: GroupPicture) {
  return {
    id: `picture:${picture.media.id}`,
    conversationId,
    senderId: picture.setBy ?? '',
    content: picture.envelope,
    createdAt: picture.updatedAt,
  };
}

/** The decrypted picture's blob URL, or null (none, still opening, or not readable here). */
export function useGroupPictureUrl(conversation: Pick<Conversation, 'id' | 'picture'>): string | null {
  const picture = conversation.picture ?? null;
  const opened = useOpened(picture && picture.setBy ? openable(conversation.id, picture) : null);
  const secrets = opened?.state === 'opened' ? (opened.media ?? null) : null;
  const mediaId = picture?.media.id ?? null;
  const entry = useMedia((s) => (mediaId ? s.loaded[mediaId] : undefined));
  const load = useMedia((s) => s.load);
  const hold = useMedia((s) => s.hold);
  useEffect(() => (mediaId ? hold(mediaId) : undefined), [hold, mediaId]);
  useEffect(() => {
    if (picture && secrets && !entry) void load(picture.media, { sealed: secrets });
  }, [load, picture, secrets, entry]);
  return entry?.status === 'ready' && entry.shown ? entry.url : null;
}

export interface ConversationAvatarProps extends AvatarProps {
  conversation: Pick<Conversation, 'id' | 'kind' | 'picture'>;
}

/** The avatar of a chat: a group's picture when this device can open it, else the initials. */
export function ConversationAvatar({ conversation, ...avatar }: ConversationAvatarProps) {
  const url = useGroupPictureUrl(conversation);
  if (conversation.kind !== 'group' || !url) return <Avatar {...avatar} />;
  const size = avatar.size ?? 40;
  return (
    <span className="avatar avatar-picture" style={{ width: size, height: size }} aria-hidden="true">
      <img src={url} alt="" data-testid="group-picture" />
    </span>
  );
}

/** Seals the picked image here, uploads the sealed bytes, and sets it with its key sealed for the members. */
export async function setGroupPicture(conversationId: string, file: File): Promise<Conversation> {
  const sealed = await sealMediaFile(file, file.type);
  const info = await uploadMedia(sealed.blob, 'image', () => {}).done;
  return sendSealed(conversationId, 'image', { text: '', media: sealed.media }, (envelope) =>
    http.put<Conversation>(`/api/conversations/${encodeURIComponent(conversationId)}/picture`, {
      mediaId: info.id,
      content: envelope,
    }),
  );
}

export function removeGroupPicture(conversationId: string): Promise<Conversation> {
  return http.delete<Conversation>(`/api/conversations/${encodeURIComponent(conversationId)}/picture`);
}

/** In the group's info panel: the picture (large), and for owners and admins, set or remove it. */
export function GroupPictureEditor({
  conversation,
  canEdit,
  limits,
  onChange,
}: {
  conversation: Conversation;
  canEdit: boolean;
  limits?: MediaLimits;
  /** The conversation as the server answered (the chat list and header show it at once). */
  onChange: (conversation: Conversation) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const title = conversation.title ?? '';

  async function run(action: () => Promise<Conversation>, done: string) {
    setBusy(true);
    try {
      onChange(await action());
      toast.success(done);
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  // A server without group pictures sends no `picture` field at all: nothing to offer then.
  const supported = 'picture' in conversation;
  return (
    <div className="group-picture-editor">
      <ConversationAvatar conversation={conversation} name={title} seed={conversation.id} size={72} group />
      {canEdit && supported ? (
        <div className="group-picture-actions">
          <Button size="sm" busy={busy} onClick={() => input.current?.click()}>
            {conversation.picture ? 'Change picture' : 'Set picture'}
          </Button>
          {conversation.picture ? (
            <Button
              size="sm"
              variant="ghost"
              disabled={busy}
              onClick={() => void run(() => removeGroupPicture(conversation.id), 'Group picture removed')}
            >
              Remove
            </Button>
          ) : null}
          <input
            ref={input}
            type="file"
            accept={IMAGE_TYPES}
            hidden
            data-testid="group-picture-input"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (!file) return;
              const problem = file.type.startsWith('image/') ? attachProblem(file, limits) : 'Pick a photo.';
              if (problem) {
                toast.error(problem);
                return;
              }
              void run(() => setGroupPicture(conversation.id, file), 'Group picture set');
            }}
          />
        </div>
      ) : null}
    </div>
  );
}
